package mysql

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/secret"
)

// ParseJDBC reads jdbc:mysql://[user[:password]@]host[:port][/database][?k=v&...]
// and the same with jdbc:mariadb:. The URL is split the way Connector/J
// splits it: the authority ends at the first /, ? or #, the database at ?
// or #, and a #fragment is dropped. User, password, database and property
// values are percent-decoded ("+" stays a plus, as in Connector/J). The
// user and password properties move to Conn.User and Conn.Password; every
// other property is kept under its JDBC name for DSN to translate.
func (d Dialect) ParseJDBC(raw string) (db.Conn, error) {
	u := strings.TrimSpace(raw)
	low := strings.ToLower(u)
	var scheme, rest string
	switch {
	case strings.HasPrefix(low, "jdbc:mysql://"):
		scheme, rest = "jdbc:mysql", u[len("jdbc:mysql://"):]
	case strings.HasPrefix(low, "jdbc:mariadb://"):
		scheme, rest = "jdbc:mariadb", u[len("jdbc:mariadb://"):]
	case strings.HasPrefix(low, "jdbc:mysql:"), strings.HasPrefix(low, "jdbc:mariadb:"):
		base := "jdbc:mysql:"
		if strings.HasPrefix(low, "jdbc:mariadb:") {
			base = "jdbc:mariadb:"
		}
		form := base
		if i := strings.Index(u, "//"); i > len(base) && !strings.ContainsAny(u[:i], "@/?") {
			form = u[:i]
		}
		return db.Conn{}, fmt.Errorf("%s URLs are not supported: sqlscim connects to a single host; write %s//host[:port]/database", form, base)
	default:
		return db.Conn{}, fmt.Errorf("%q is not a jdbc:mysql: or jdbc:mariadb: URL", db.RedactURL(u))
	}
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	query := ""
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest, query = rest[:i], rest[i+1:]
	}
	authority, path := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		authority, path = rest[:i], rest[i+1:]
	}

	c := db.Conn{Type: info.Name}
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		userinfo := authority[:i]
		authority = authority[i+1:]
		user, pass, hasPass := strings.Cut(userinfo, ":")
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
	if strings.Contains(authority, "(") || strings.Contains(strings.ToLower(authority), "address=") {
		return db.Conn{}, fmt.Errorf("%s URL uses the key-value host syntax (address=(host=...)); write host:port instead", scheme)
	}
	host, port, err := db.SplitHostPort(authority)
	if err != nil {
		return db.Conn{}, fmt.Errorf("%s URL: %w", scheme, err)
	}
	if host == "" {
		return db.Conn{}, fmt.Errorf("%s URL has no host", scheme)
	}
	c.Host, c.Port = host, port
	if c.Database, err = decode(path); err != nil {
		return db.Conn{}, fmt.Errorf("%s URL: database name: %w", scheme, err)
	}
	if err := parseProperties(&c, query, scheme); err != nil {
		return db.Conn{}, err
	}
	return c, nil
}

// parseProperties reads k=v&k2=v2 into c, moving user and password to
// their fields.
func parseProperties(c *db.Conn, query, scheme string) error {
	for _, pair := range strings.Split(query, "&") {
		if pair == "" {
			continue
		}
		rk, rv, _ := strings.Cut(pair, "=")
		k, err := decode(rk)
		if err != nil {
			return fmt.Errorf("%s URL: property name: %w", scheme, err)
		}
		k = strings.TrimSpace(k)
		if k == "" {
			return fmt.Errorf("%s URL has a property without a name", scheme)
		}
		v, err := decode(rv)
		if err != nil {
			return fmt.Errorf("%s URL: value of property %q: %w", scheme, k, err)
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
	return nil
}

// decode percent-decodes s, leaving "+" alone. Its error never quotes s,
// which may be a password.
func decode(s string) (string, error) {
	v, err := url.PathUnescape(s)
	if err != nil {
		return "", fmt.Errorf("invalid percent-encoding")
	}
	return v, nil
}
