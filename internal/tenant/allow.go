package tenant

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

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
// a port of * or none allows every port. Host names match literally, so
// CIDR blocks only match configurations that give an IP address; only a
// name that * alone allows is resolved, to refuse one that points at the
// sqlscim host (see allowList).
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

// allows reports whether the rule lets a header configuration dial host
// on port. An address of the sqlscim host or its link (see local) is
// allowed only by a rule that names it: the same host, or a CIDR block of
// such addresses; never by *, *.domain or a wider block.
func (r AllowRule) allows(host string, port int) bool {
	if r.port != 0 && r.port != port {
		return false
	}
	h := strings.ToLower(strings.Trim(host, "[]"))
	if local(h) {
		return r.names(h)
	}
	switch {
	case r.any:
		return true
	case r.suffix != "":
		return strings.HasSuffix(h, r.suffix)
	case r.cidr != nil:
		ip := net.ParseIP(h)
		return ip != nil && r.cidr.Contains(ip)
	}
	return r.names(h)
}

// names reports a rule written for exactly this host (or a CIDR block of
// local addresses holding it).
func (r AllowRule) names(h string) bool {
	ip := net.ParseIP(h)
	switch {
	case r.cidr != nil:
		// A block of loopback or link-local addresses names them; a
		// wider one (0.0.0.0/0) does not.
		network := r.cidr.IP
		return ip != nil && !network.IsUnspecified() && localIP(network) && r.cidr.Contains(ip)
	case r.exact == "":
		return false
	case ip != nil:
		return ip.Equal(net.ParseIP(r.exact))
	}
	return strings.TrimSuffix(h, ".") == strings.TrimSuffix(r.exact, ".")
}

// local reports a host that is the sqlscim host itself or its link: the
// name localhost, a loopback, unspecified (0.0.0.0 and :: dial the local
// host) or link-local address (169.254.169.254 is a cloud's metadata
// service). A leaked token must not reach the databases and services that
// trust connections from there.
func local(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	if zone := strings.IndexByte(h, '%'); zone >= 0 {
		h = h[:zone]
	}
	ip := net.ParseIP(h)
	return ip != nil && localIP(ip)
}

func localIP(ip net.IP) bool {
	return ip.IsLoopback() || ip.IsUnspecified() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast()
}

// allowList is what configurations from the agent's header may reach:
// the databases the rules name, or any database when anyDatabase is set.
// With neither, nothing: header mode is off until the admin opens it.
type allowList struct {
	rules       []AllowRule
	anyDatabase bool
	// lookup resolves a host name that only * or anyDatabase allows, to
	// refuse a name that points at the sqlscim host (net.DefaultResolver).
	lookup func(ctx context.Context, host string) ([]net.IPAddr, error)
}

// lookupTimeout bounds the resolution of one host name.
const lookupTimeout = 2 * time.Second

// check refuses a header configuration that names a file of the sqlscim
// host, or whose driver may dial a Unix socket or a server the list does
// not allow; the error says what to change.
func (a allowList) check(ctx context.Context, c db.Conn, d db.Dialect) error {
	if files := d.LocalFiles(c); len(files) > 0 {
		return fmt.Errorf("connection property %s names a file of the sqlscim host; configurations from the agent's header may not read local files (configure such a database in the local tenants file)", strings.Join(files, ", "))
	}
	eps, err := d.Endpoints(c)
	if err != nil {
		return err
	}
	for _, ep := range eps {
		if ep.Socket != "" {
			return fmt.Errorf("the database is the %s of the sqlscim host; configurations from the agent's header reach databases over TCP only: give a host name or address", ep)
		}
	}
	if len(a.rules) == 0 && !a.anyDatabase {
		rule := ruleFor(eps[0])
		return fmt.Errorf("configurations from the agent's header reach no database until the sqlscim admin lists them: add header.allowed_databases: [%q] to sqlscim's configuration (or SQLSCIM_HEADER_ALLOWED_DATABASES=%s), or set header.allow_any_database: true", rule, rule)
	}
	for _, ep := range eps {
		if err := a.allows(ctx, ep); err != nil {
			return err
		}
	}
	return nil
}

// allows checks one TCP endpoint.
func (a allowList) allows(ctx context.Context, ep db.Endpoint) error {
	broad := a.anyDatabase // allowed only by a rule that does not name it
	named := false
	for _, r := range a.rules {
		if r.allows(ep.Host, ep.Port) {
			if r.any {
				broad = true
				continue
			}
			named = true
			break
		}
	}
	switch {
	case named:
		return nil
	case local(ep.Host):
		return fmt.Errorf("database %s is the sqlscim host or on its link (loopback, link-local), which only a rule naming it allows; add %q to header.allowed_databases to let the agent's configuration reach it", ep, ruleFor(ep))
	case !broad:
		return fmt.Errorf("database %s is not in header.allowed_databases; add it there to let the agent's configuration reach it", ep)
	}
	if net.ParseIP(strings.Trim(ep.Host, "[]")) != nil || a.lookup == nil {
		return nil
	}
	lctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	addrs, err := a.lookup(lctx, ep.Host)
	if err != nil {
		return nil // the driver cannot dial a name that does not resolve either
	}
	for _, addr := range addrs {
		if localIP(addr.IP) {
			return fmt.Errorf("database %s resolves to %s, the sqlscim host or its link (loopback, link-local), which only a rule naming the host allows; add %q to header.allowed_databases to let the agent's configuration reach it", ep, addr.IP, ruleFor(ep))
		}
	}
	return nil
}

// ruleFor is the allow rule that names exactly ep.
func ruleFor(ep db.Endpoint) string {
	if ep.Port == 0 {
		if strings.Contains(ep.Host, ":") {
			return "[" + ep.Host + "]"
		}
		return ep.Host
	}
	return net.JoinHostPort(ep.Host, strconv.Itoa(ep.Port))
}
