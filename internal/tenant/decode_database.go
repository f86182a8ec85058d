package tenant

// The database part of a tenant configuration: its connection fields and
// the driver properties.

import (
	"fmt"
	"os"
	"strings"

	"github.com/sqlscim/sqlscim/internal/provision"
	"github.com/sqlscim/sqlscim/internal/secret"
)

func (d *decoder) database(cfg *provision.Config, path string, v any) {
	obj, ok := asObject(v)
	if !ok {
		d.problem(path, "must be an object with type, host, port, database, user and password, or a jdbc_url")
		return
	}
	c := &cfg.Database
	var passwordEnv, passwordFile string
	for _, k := range sortedKeys(obj) {
		val := obj[k]
		p := path + "." + k
		field, known := databaseFields[norm(k)]
		if !known {
			d.unknown(path, k, databaseFields)
			continue
		}
		switch field {
		case "type":
			c.Type = d.str(p, val)
		case "host":
			c.Host = d.str(p, val)
		case "port":
			c.Port = d.port(p, val)
		case "database":
			c.Database = d.str(p, val)
		case "sid":
			c.SID = d.str(p, val)
		case "instance":
			c.Instance = d.str(p, val)
		case "user":
			c.User = d.str(p, val)
		case "password":
			c.Password = secret.String(d.str(p, val))
		case "password_env":
			passwordEnv = d.str(p, val)
		case "password_file":
			passwordFile = d.str(p, val)
		case "properties":
			c.Properties = d.properties(p, val)
		case "jdbc_url":
			cfg.JDBCURL = d.str(p, val)
		}
	}
	switch {
	case passwordEnv != "" || passwordFile != "":
		if !d.src.Trusted {
			d.problem(path, "password_env and password_file are only allowed in the local configuration file")
			return
		}
		if !c.Password.IsZero() || (passwordEnv != "" && passwordFile != "") {
			d.problem(path, "set only one of password, password_env and password_file")
			return
		}
		if passwordEnv != "" {
			pw, ok := os.LookupEnv(passwordEnv)
			if !ok {
				d.problem(path+".password_env", "environment variable %s is not set", passwordEnv)
			}
			c.Password = secret.String(pw)
		} else {
			data, err := os.ReadFile(passwordFile)
			if err == nil {
				err = secret.CheckFileMode(passwordFile, "password file")
			}
			if err != nil {
				d.problem(path+".password_file", "%v", err)
				return
			}
			c.Password = secret.String(strings.TrimRight(string(data), "\r\n"))
		}
	}
}

// properties reads extra key/value pairs: an object, a list of
// {key, value} pairs as Okta's form has them, or "k=v;k2=v2".
func (d *decoder) properties(path string, v any) map[string]string {
	out := map[string]string{}
	switch x := v.(type) {
	case nil:
	case string:
		for i, part := range strings.FieldsFunc(x, func(r rune) bool { return r == ';' || r == '&' || r == '\n' }) {
			k, val, ok := strings.Cut(part, "=")
			if !ok || strings.TrimSpace(k) == "" {
				// The part is not repeated: "password:S3cret" is a
				// password written with the wrong separator.
				d.problem(path, "part %d is not key=value (it is not shown, as it may hold a password); separate the pairs with ';' and write each as key=value", i+1)
				continue
			}
			out[strings.TrimSpace(k)] = strings.TrimSpace(val)
		}
	case []any:
		for i, e := range x {
			obj, ok := asObject(e)
			if !ok {
				d.problem(fmt.Sprintf("%s[%d]", path, i), "must be {key, value}")
				continue
			}
			var key, value string
			for _, k := range sortedKeys(obj) {
				switch norm(k) {
				case "key", "name", "property", "propertyname", "propertykey":
					key = d.str(fmt.Sprintf("%s[%d].%s", path, i, k), obj[k])
				case "value", "propertyvalue":
					value = d.str(fmt.Sprintf("%s[%d].%s", path, i, k), obj[k])
				default:
					if !d.src.IgnoreUnknown {
						d.problem(fmt.Sprintf("%s[%d].%s", path, i, k), "unknown field; a property has key and value")
					}
				}
			}
			if key == "" {
				d.problem(fmt.Sprintf("%s[%d]", path, i), "missing key")
				continue
			}
			out[key] = value
		}
	default:
		obj, ok := asObject(v)
		if !ok {
			d.problem(path, "must be an object of key/value pairs")
			return nil
		}
		for _, k := range sortedKeys(obj) {
			out[k] = d.str(path+"."+k, obj[k])
		}
	}
	return out
}
