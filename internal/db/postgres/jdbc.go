package postgres

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/secret"
)

// ParseJDBC reads the PgJDBC URL forms:
//
//	jdbc:postgresql:database                   (localhost, default port)
//	jdbc:postgresql:/
//	jdbc:postgresql://host[:port]/[database]  (no database: PostgreSQL uses the user name)
//	jdbc:postgresql://[::1]:5432/database
//	...?user=u&password=p&k=v
//
// An empty host means localhost, as in PgJDBC. Values are decoded the way
// PgJDBC decodes them (percent escapes, and "+" is a space). The user and
// password properties move to Conn.User and Conn.Password; other properties
// keep their JDBC names for DSN to translate. Several hosts are an error.
func (d Dialect) ParseJDBC(raw string) (db.Conn, error) {
	const scheme = "jdbc:postgresql"
	u := strings.TrimSpace(raw)
	if !strings.HasPrefix(strings.ToLower(u), scheme+":") {
		return db.Conn{}, fmt.Errorf("%q is not a jdbc:postgresql: URL", db.RedactURL(u))
	}
	rest := u[len(scheme)+1:]
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	query := ""
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest, query = rest[:i], rest[i+1:]
	}
	c := db.Conn{Type: info.Name, Host: "localhost"}
	path := rest
	if strings.HasPrefix(rest, "//") {
		authority := rest[2:]
		path = ""
		if i := strings.IndexByte(authority, '/'); i >= 0 {
			authority, path = authority[:i], authority[i+1:]
		}
		if i := strings.LastIndexByte(authority, '@'); i >= 0 {
			user, pass, hasPass := strings.Cut(authority[:i], ":")
			authority = authority[i+1:]
			var err error
			if c.User, err = decode(user); err != nil {
				return db.Conn{}, fmt.Errorf("%s URL: user name: %w", scheme, err)
			}
			if hasPass {
				p, err := decode(pass)
				if err != nil {
					return db.Conn{}, fmt.Errorf("%s URL: password: %w", scheme, err)
				}
				c.Password = secret.String(p)
			}
		}
		if strings.Contains(authority, ",") {
			return db.Conn{}, fmt.Errorf("%s URL lists %d hosts; sqlscim supports only one host", scheme, strings.Count(authority, ",")+1)
		}
		host, port, err := db.SplitHostPort(authority)
		if err != nil {
			return db.Conn{}, fmt.Errorf("%s URL: %w", scheme, err)
		}
		if host != "" {
			c.Host = host
		}
		c.Port = port
	} else {
		path = strings.TrimPrefix(path, "/")
	}
	var err error
	if c.Database, err = decode(path); err != nil {
		return db.Conn{}, fmt.Errorf("%s URL: database name: %w", scheme, err)
	}
	if strings.Contains(c.Database, "/") {
		return db.Conn{}, fmt.Errorf("%s URL: database name %q contains '/'", scheme, c.Database)
	}
	for _, pair := range strings.Split(query, "&") {
		if pair == "" {
			continue
		}
		rk, rv, _ := strings.Cut(pair, "=")
		k, err := decode(rk)
		if err != nil {
			return db.Conn{}, fmt.Errorf("%s URL: property name: %w", scheme, err)
		}
		k = strings.TrimSpace(k)
		if k == "" {
			return db.Conn{}, fmt.Errorf("%s URL has a property without a name", scheme)
		}
		v, err := decode(rv)
		if err != nil {
			return db.Conn{}, fmt.Errorf("%s URL: value of property %q: %w", scheme, k, err)
		}
		switch strings.ToLower(k) {
		case "user":
			c.User = v
		case "password":
			c.Password = secret.String(v)
		default:
			if c.Properties == nil {
				c.Properties = map[string]string{}
			}
			c.Properties[k] = v
		}
	}
	return c, nil
}

// decode decodes a PgJDBC URL component like java.net.URLDecoder. Its
// error never quotes s, which may be a password.
func decode(s string) (string, error) {
	v, err := url.QueryUnescape(s)
	if err != nil {
		return "", fmt.Errorf("invalid percent-encoding")
	}
	return v, nil
}
