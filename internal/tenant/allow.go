package tenant

import (
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"

	"github.com/sqlscim/sqlscim/internal/db"
)

// AllowRule lets configurations from the agent's header reach some
// databases. A leaked token must not turn sqlscim into a pivot to arbitrary
// hosts, so a non-empty list of rules refuses every other database.
type AllowRule struct {
	text   string
	any    bool       // "*": every host
	exact  string     // a host name or IP, lower case
	suffix string     // "*.example.com": ".example.com"
	cidr   *net.IPNet // "10.0.0.0/8"
	port   int        // 0: any port
}

func (r AllowRule) String() string { return r.text }

// ParseAllowRules reads rules of the form host, host:port, *.domain[:port],
// an IP or CIDR block (10.0.0.0/8, [fd00::/8]:5432), or * for any host;
// a port of * or none allows every port. Host names match literally: names
// are not resolved, so CIDR blocks only match configurations that give an
// IP address.
func ParseAllowRules(list []string) ([]AllowRule, error) {
	var out []AllowRule
	for _, raw := range list {
		s := strings.TrimSpace(raw)
		if s == "" {
			continue
		}
		r := AllowRule{text: s}
		host, port := s, ""
		switch {
		case strings.HasPrefix(s, "["):
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return nil, fmt.Errorf("%q: missing ]", s)
			}
			host, port = s[1:end], strings.TrimPrefix(s[end+1:], ":")
		case strings.Count(s, ":") == 1:
			host, port, _ = strings.Cut(s, ":")
		}
		if port != "" && port != "*" {
			n, err := strconv.Atoi(port)
			if err != nil || n < 1 || n > 65535 {
				return nil, fmt.Errorf("%q: %q is not a port", s, port)
			}
			r.port = n
		}
		host = strings.ToLower(host)
		switch {
		case host == "*":
			r.any = true
		case strings.HasPrefix(host, "*."):
			r.suffix = host[1:]
		case strings.Contains(host, "/"):
			_, cidr, err := net.ParseCIDR(host)
			if err != nil {
				return nil, fmt.Errorf("%q: %v", s, err)
			}
			r.cidr = cidr
		case host == "":
			return nil, fmt.Errorf("%q: no host", s)
		default:
			r.exact = host
		}
		out = append(out, r)
	}
	return out, nil
}

func (r AllowRule) allows(host string, port int) bool {
	if r.port != 0 && r.port != port {
		return false
	}
	h := strings.ToLower(strings.Trim(host, "[]"))
	switch {
	case r.any:
		return true
	case r.suffix != "":
		return strings.HasSuffix(h, r.suffix)
	case r.cidr != nil:
		ip := net.ParseIP(h)
		return ip != nil && r.cidr.Contains(ip)
	}
	if ip := net.ParseIP(h); ip != nil {
		return ip.Equal(net.ParseIP(r.exact))
	}
	return h == r.exact
}

var descriptorAddress = regexp.MustCompile(`(?i)\(\s*HOST\s*=\s*([^)\s]+)\s*\)\s*\(\s*PORT\s*=\s*(\d+)\s*\)`)

// endpoints lists the host:port pairs a connection reaches: one, or every
// ADDRESS of an Oracle connect descriptor.
func endpoints(c db.Conn, d db.Dialect) [][2]string {
	if c.Descriptor != "" {
		var out [][2]string
		for _, m := range descriptorAddress.FindAllStringSubmatch(c.Descriptor, -1) {
			out = append(out, [2]string{m[1], m[2]})
		}
		return out
	}
	port := c.Port
	if port == 0 {
		port = d.DefaultPort()
	}
	return [][2]string{{c.Host, strconv.Itoa(port)}}
}

// checkAllowed reports the first endpoint of c no rule allows.
func checkAllowed(rules []AllowRule, c db.Conn, d db.Dialect) error {
	if len(rules) == 0 {
		return nil
	}
	eps := endpoints(c, d)
	if len(eps) == 0 {
		return fmt.Errorf("the database's address cannot be checked against header.allowed_databases")
	}
	for _, ep := range eps {
		port, _ := strconv.Atoi(ep[1])
		ok := false
		for _, r := range rules {
			if r.allows(ep[0], port) {
				ok = true
				break
			}
		}
		if !ok {
			return fmt.Errorf("database %s is not in header.allowed_databases; add it there to let the agent's configuration reach it", net.JoinHostPort(ep[0], ep[1]))
		}
	}
	return nil
}
