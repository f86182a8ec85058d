package sqlserver

import (
	"fmt"
	"strings"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/secret"
)

// ParseJDBC reads
//
//	jdbc:sqlserver://[host[\instance][:port]][;key=value[;key=value]...]
//
// Property names are case-insensitive. databaseName/database, instanceName,
// user/userName, password, portNumber/port and serverName go to their Conn
// fields; every other property stays in Properties under its JDBC name. A
// value may be wrapped in braces to hold ';' or '=' ({a;b}); "}}" inside
// braces is a literal '}'. mssql-jdbc does not percent-decode, and neither
// does this.
func (d Dialect) ParseJDBC(raw string) (db.Conn, error) {
	const scheme = "jdbc:sqlserver"
	u := strings.TrimSpace(raw)
	if !strings.HasPrefix(strings.ToLower(u), scheme+":") {
		return db.Conn{}, fmt.Errorf("%q is not a jdbc:sqlserver: URL", db.RedactURL(u))
	}
	rest := u[len(scheme)+1:]
	if !strings.HasPrefix(rest, "//") {
		return db.Conn{}, fmt.Errorf("%s URL must start with jdbc:sqlserver://", scheme)
	}
	rest = rest[2:]
	server, props, _ := strings.Cut(rest, ";")
	c := db.Conn{Type: info.Name}
	var err error
	if c.Host, c.Instance, c.Port, err = parseServer(strings.TrimSpace(server)); err != nil {
		return db.Conn{}, fmt.Errorf("%s URL: %w", scheme, err)
	}
	pairs, err := parseProps(props)
	if err != nil {
		return db.Conn{}, fmt.Errorf("%s URL: %w", scheme, err)
	}
	for _, p := range pairs {
		switch strings.ToLower(p.key) {
		case "databasename", "database":
			c.Database = p.value
		case "instancename":
			c.Instance = p.value
		case "user", "username":
			c.User = p.value
		case "password":
			c.Password = secret.String(p.value)
		case "portnumber", "port":
			if c.Port, err = db.ParsePort(p.value); err != nil {
				return db.Conn{}, fmt.Errorf("%s URL: %w", scheme, err)
			}
		case "servername":
			if c.Host == "" {
				host, inst, port, err := parseServer(p.value)
				if err != nil {
					return db.Conn{}, fmt.Errorf("%s URL: serverName: %w", scheme, err)
				}
				c.Host = host
				if inst != "" && c.Instance == "" {
					c.Instance = inst
				}
				if port != 0 && c.Port == 0 {
					c.Port = port
				}
			}
		default:
			if c.Properties == nil {
				c.Properties = map[string]string{}
			}
			c.Properties[p.key] = p.value
		}
	}
	if c.Host == "" {
		return db.Conn{}, fmt.Errorf("%s URL has no host", scheme)
	}
	return c, nil
}

// parseServer reads host[\instance][:port], host possibly an [IPv6] address.
func parseServer(s string) (host, instance string, port int, err error) {
	rest := s
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", "", 0, fmt.Errorf("IPv6 address %q has no closing ]", s)
		}
		host, rest = s[1:end], s[end+1:]
	} else {
		i := strings.IndexAny(s, `\:`)
		if i < 0 {
			return s, "", 0, nil
		}
		host, rest = s[:i], s[i:]
	}
	if strings.HasPrefix(rest, `\`) {
		rest = rest[1:]
		i := strings.IndexByte(rest, ':')
		if i < 0 {
			i = len(rest)
		}
		instance, rest = rest[:i], rest[i:]
		if instance == "" {
			return "", "", 0, fmt.Errorf(`server %q has an empty instance name after \`, s)
		}
	}
	if rest == "" {
		return host, instance, 0, nil
	}
	if rest[0] != ':' {
		return "", "", 0, fmt.Errorf("unexpected %q in server %q", rest, s)
	}
	if strings.Count(rest, ":") > 1 {
		return "", "", 0, fmt.Errorf("IPv6 address %q must be written in brackets, like [::1] or [::1]:port", s)
	}
	port, err = db.ParsePort(rest[1:])
	return host, instance, port, err
}

type pair struct{ key, value string }

// parseProps reads key=value;key={va;lue};... Errors name the property but
// never quote its value, which may be a password.
func parseProps(s string) ([]pair, error) {
	var out []pair
	i := 0
	for i < len(s) {
		if s[i] == ';' || s[i] == ' ' || s[i] == '\t' {
			i++
			continue
		}
		semi := strings.IndexByte(s[i:], ';')
		eq := strings.IndexByte(s[i:], '=')
		if eq < 0 || (semi >= 0 && semi < eq) {
			end := len(s)
			if semi >= 0 {
				end = i + semi
			}
			return nil, fmt.Errorf("property %q has no value (write key=value)", strings.TrimSpace(s[i:end]))
		}
		key := strings.TrimSpace(s[i : i+eq])
		if key == "" {
			return nil, fmt.Errorf("a property has no name")
		}
		i += eq + 1
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		var value string
		if i < len(s) && s[i] == '{' {
			var b strings.Builder
			closed := false
			for i++; i < len(s); i++ {
				if s[i] == '}' {
					if i+1 < len(s) && s[i+1] == '}' {
						b.WriteByte('}')
						i++
						continue
					}
					closed = true
					i++
					break
				}
				b.WriteByte(s[i])
			}
			if !closed {
				return nil, fmt.Errorf("value of property %q opens { without a closing }", key)
			}
			for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
				i++
			}
			if i < len(s) && s[i] != ';' {
				return nil, fmt.Errorf("value of property %q has text after its closing }", key)
			}
			value = b.String()
		} else {
			end := strings.IndexByte(s[i:], ';')
			if end < 0 {
				end = len(s) - i
			}
			value = strings.TrimSpace(s[i : i+end])
			i += end
		}
		out = append(out, pair{key, value})
	}
	return out, nil
}
