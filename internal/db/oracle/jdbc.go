package oracle

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/secret"
)

// ParseJDBC reads the thin-driver URL forms:
//
//	jdbc:oracle:thin:@host:port:SID                  -> SID
//	jdbc:oracle:thin:@//host[:port]/service          -> Database = service
//	jdbc:oracle:thin:@host[:port]/service            (EZConnect without //)
//	jdbc:oracle:thin:@tcps://host:port/service       (adds ssl=true)
//	jdbc:oracle:thin:@(DESCRIPTION=...)              -> Descriptor, kept verbatim
//	jdbc:oracle:thin:user/password@...               -> User, Password
//	jdbc:oracle:thin:"user"/"p@ss"@...               (quoted, for special characters)
//	...?k=v&k2=v2                                    properties, percent-decoded
//
// A bare TNS alias (@mydb) cannot be resolved without tnsnames.ora and is
// an error, as is the OCI driver (jdbc:oracle:oci:) and the EZConnect
// server-type and instance-name suffixes.
func (d Dialect) ParseJDBC(raw string) (db.Conn, error) {
	const scheme = "jdbc:oracle:thin"
	u := strings.TrimSpace(raw)
	low := strings.ToLower(u)
	if !strings.HasPrefix(low, "jdbc:oracle:") {
		return db.Conn{}, fmt.Errorf("%q is not a jdbc:oracle: URL", db.RedactURL(u))
	}
	if !strings.HasPrefix(low, scheme+":") {
		return db.Conn{}, fmt.Errorf("only the thin driver URL jdbc:oracle:thin:@... is supported; the OCI driver needs Oracle client libraries")
	}
	rest := u[len(scheme)+1:]
	c := db.Conn{Type: info.Name}
	if !strings.HasPrefix(rest, "@") {
		user, pass, hasPass, after, err := splitCredentials(rest)
		if err != nil {
			return db.Conn{}, fmt.Errorf("%s URL: %w", scheme, err)
		}
		c.User = user
		if hasPass {
			c.Password = secret.String(pass)
		}
		rest = after
	} else {
		rest = rest[1:]
	}
	if rest == "" {
		return db.Conn{}, fmt.Errorf("%s URL has no host", scheme)
	}

	query := ""
	if rest[0] == '(' {
		end, err := descriptorEnd(rest)
		if err != nil {
			return db.Conn{}, fmt.Errorf("%s URL: %w", scheme, err)
		}
		c.Descriptor = rest[:end]
		tail := strings.TrimSpace(rest[end:])
		switch {
		case tail == "":
		case tail[0] == '?':
			query = tail[1:]
		default:
			return db.Conn{}, fmt.Errorf("%s URL has text after the connect descriptor", scheme)
		}
	} else {
		var err error
		if query, err = parseAddress(&c, rest); err != nil {
			return db.Conn{}, fmt.Errorf("%s URL: %w", scheme, err)
		}
	}
	for _, pair := range strings.Split(query, "&") {
		if pair == "" {
			continue
		}
		rk, rv, _ := strings.Cut(pair, "=")
		k, err := url.PathUnescape(rk)
		if err != nil {
			return db.Conn{}, fmt.Errorf("%s URL: property name: invalid percent-encoding", scheme)
		}
		k = strings.TrimSpace(k)
		if k == "" {
			return db.Conn{}, fmt.Errorf("%s URL has a property without a name", scheme)
		}
		v, err := url.PathUnescape(rv)
		if err != nil {
			return db.Conn{}, fmt.Errorf("%s URL: value of property %q: invalid percent-encoding", scheme, k)
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

// splitCredentials reads user[/password]@ with either part possibly in
// double quotes, returning what follows the @.
func splitCredentials(s string) (user, pass string, hasPass bool, rest string, err error) {
	user, i, err := credentialPart(s, 0, "/@", "user name")
	if err != nil {
		return "", "", false, "", err
	}
	if i < len(s) && s[i] == '/' {
		hasPass = true
		if pass, i, err = credentialPart(s, i+1, "@", "password"); err != nil {
			return "", "", false, "", err
		}
	}
	if i >= len(s) || s[i] != '@' {
		return "", "", false, "", fmt.Errorf(`needs "@" before the host, like jdbc:oracle:thin:user/password@//host:1521/service (quote a password holding @ or / in double quotes)`)
	}
	return user, pass, hasPass, s[i+1:], nil
}

// credentialPart reads a quoted part or one ending at a stop character.
func credentialPart(s string, i int, stops, what string) (string, int, error) {
	if i < len(s) && s[i] == '"' {
		end := strings.IndexByte(s[i+1:], '"')
		if end < 0 {
			return "", 0, fmt.Errorf("the quoted %s has no closing quote", what)
		}
		return s[i+1 : i+1+end], i + end + 2, nil
	}
	end := strings.IndexAny(s[i:], stops)
	if end < 0 {
		end = len(s) - i
	}
	return s[i : i+end], i + end, nil
}

// descriptorEnd returns the index just past the parenthesis that closes
// the one s starts with.
func descriptorEnd(s string) (int, error) {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i + 1, nil
			}
		}
	}
	return 0, fmt.Errorf("the connect descriptor has unbalanced parentheses")
}

// parseAddress reads [tcp[s]://][//]host[:port](/service|:SID)[?query]
// into c and returns the query.
func parseAddress(c *db.Conn, s string) (string, error) {
	low := strings.ToLower(s)
	switch {
	case strings.HasPrefix(low, "tcps://"):
		s = s[len("tcps://"):]
		if c.Properties == nil {
			c.Properties = map[string]string{}
		}
		c.Properties["ssl"] = "true"
	case strings.HasPrefix(low, "tcp://"):
		s = s[len("tcp://"):]
	}
	s = strings.TrimPrefix(s, "//")
	s, query, _ := strings.Cut(s, "?")
	var r string
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", fmt.Errorf("IPv6 address %q has no closing ]", s)
		}
		c.Host, r = s[1:end], s[end+1:]
	} else {
		i := strings.IndexAny(s, ":/")
		if i < 0 {
			i = len(s)
		}
		c.Host, r = s[:i], s[i:]
	}
	if c.Host == "" {
		return "", fmt.Errorf("has no host")
	}
	if strings.ContainsAny(c.Host, ",@()") {
		return "", fmt.Errorf("host %q is not a single host name; use a connect descriptor for address lists", c.Host)
	}
	if r == "" {
		return "", fmt.Errorf("%q looks like a TNS alias, which sqlscim cannot resolve without tnsnames.ora; use //host:port/service or a (DESCRIPTION=...) connect descriptor", c.Host)
	}
	if r[0] == ':' {
		r = r[1:]
		i := strings.IndexAny(r, ":/")
		if i < 0 {
			i = len(r)
		}
		p, err := strconv.Atoi(r[:i])
		if err != nil {
			return "", fmt.Errorf("port %q is not a number", r[:i])
		}
		if p < 1 || p > 65535 {
			return "", fmt.Errorf("port %d is out of range (1-65535)", p)
		}
		c.Port, r = p, r[i:]
	}
	switch {
	case r == "":
		return "", fmt.Errorf("has no service name or SID: use //host:port/service or host:port:SID")
	case r[0] == '/':
		c.Database = r[1:]
		if c.Database == "" {
			return "", fmt.Errorf("has an empty service name")
		}
		if strings.ContainsAny(c.Database, ":/") {
			return "", fmt.Errorf("service %q has an EZConnect server type or instance name, which sqlscim does not support; use a connect descriptor", c.Database)
		}
	default: // ':' - host:port:SID
		c.SID = r[1:]
		if c.SID == "" || strings.ContainsAny(c.SID, ":/") {
			return "", fmt.Errorf("SID %q is not valid", c.SID)
		}
	}
	return query, nil
}
