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

// endpoint is one host and port a driver may dial; port 0 when the port
// is found at connection time, so that only a rule allowing every port of
// the host can allow it.
type endpoint struct {
	host string
	port int
}

func (e endpoint) String() string {
	if e.port == 0 {
		return e.host + " (any port: a named instance's port comes from SQL Server Browser)"
	}
	return net.JoinHostPort(e.host, strconv.Itoa(e.port))
}

// oracleDefaultPort is the port go-ora dials for an ADDRESS without PORT.
// A SERVER option without a port is checked on it too (go-ora refuses
// one, but the check must not depend on that).
const oracleDefaultPort = 1521

// endpoints lists every host:port the driver of c may dial: the host, or
// every ADDRESS of an Oracle connect descriptor, and the fallback servers
// some drivers take from properties. A configuration whose addresses
// cannot all be read is an error: an address the check cannot see is an
// address it cannot refuse.
func endpoints(c db.Conn, d db.Dialect) ([]endpoint, error) {
	var out []endpoint
	port := c.Port
	if port == 0 {
		port = d.DefaultPort()
	}
	switch r, ok := d.(db.Resolver); {
	case c.Descriptor != "":
		eps, err := descriptorEndpoints(c.Descriptor)
		if err != nil {
			return nil, err
		}
		out = eps
	case ok:
		// Properties may name the server (SQL Server's serverName,
		// portNumber, instanceName): check the one the driver dials.
		ep, err := r.Server(c)
		if err != nil {
			return nil, err
		}
		out = []endpoint{{ep.Host, ep.Port}}
		if ep.Port != 0 {
			port = ep.Port
		}
	default:
		out = []endpoint{{c.Host, port}}
	}
	extra, err := propertyEndpoints(c, d, port)
	if err != nil {
		return nil, err
	}
	return append(out, extra...), nil
}

// addressStart finds where each (ADDRESS= group of a connect descriptor
// opens, as go-ora finds them (case-insensitive, spaces allowed).
var addressStart = regexp.MustCompile(`(?i)\(\s*ADDRESS\s*=`)

// descriptorEndpoints reads every (ADDRESS=...) group of an Oracle connect
// descriptor, wherever it is nested (ADDRESS_LIST, DESCRIPTION_LIST): go-ora
// may dial any of them. Inside a group HOST, PORT and PROTOCOL come in any
// order and any case; a group without PORT is dialled on 1521. A group
// giving HOST or PORT twice yields every combination, whichever one the
// driver picks.
func descriptorEndpoints(desc string) ([]endpoint, error) {
	// go-ora drops line breaks before it reads the descriptor, so
	// (ADD\nRESS=...) is an address to it; it must be one here too.
	desc = strings.NewReplacer("\r", "", "\n", "").Replace(desc)
	var out []endpoint
	for _, loc := range addressStart.FindAllStringIndex(desc, -1) {
		params, err := descriptorParams(desc[loc[1]:])
		if err != nil {
			return nil, fmt.Errorf("the connect descriptor's ADDRESS at character %d %v", loc[0]+1, err)
		}
		group := desc[loc[0] : loc[1]+params.end]
		hosts, ports := params.values["HOST"], params.values["PORT"]
		if len(hosts) == 0 {
			return nil, fmt.Errorf("the connect descriptor's address %s has no HOST, so it cannot be checked against header.allowed_databases; give every ADDRESS a (HOST=...)", group)
		}
		nums := []int{}
		for _, p := range ports {
			n, err := strconv.Atoi(p)
			if err != nil || n < 1 || n > 65535 {
				return nil, fmt.Errorf("the connect descriptor's address %s has PORT %q, which is not a port number (1-65535)", group, p)
			}
			nums = append(nums, n)
		}
		if len(nums) == 0 {
			nums = []int{oracleDefaultPort}
		}
		for _, h := range hosts {
			if h == "" {
				return nil, fmt.Errorf("the connect descriptor's address %s has an empty HOST", group)
			}
			for _, n := range nums {
				out = append(out, endpoint{h, n})
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the connect descriptor has no (ADDRESS=(HOST=...)(PORT=...)) to check against header.allowed_databases")
	}
	return out, nil
}

// groupParams are the (KEY=value) parameters directly inside one
// descriptor group, by upper-case key, and where the group ends.
type groupParams struct {
	values map[string][]string
	end    int // just past the group's closing parenthesis
}

// descriptorParams reads the parameters of a group whose "(NAME=" s
// follows, up to the parenthesis that closes the group. Parameters nested
// deeper are skipped: go-ora reads HOST and PORT only directly inside
// ADDRESS.
func descriptorParams(s string) (groupParams, error) {
	gp := groupParams{values: map[string][]string{}}
	depth, open := 1, -1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
			if depth == 2 {
				open = i
			}
		case ')':
			depth--
			switch depth {
			case 0:
				gp.end = i + 1
				return gp, nil
			case 1:
				k, v, _ := strings.Cut(s[open+1:i], "=")
				k = strings.ToUpper(strings.TrimSpace(k))
				gp.values[k] = append(gp.values[k], strings.TrimSpace(v))
			}
		}
	}
	return gp, fmt.Errorf("has unbalanced parentheses")
}

// propertyEndpoints lists the servers a driver dials when the main one
// fails, which properties name: go-ora's SERVER option (host[:port]) and
// SQL Server's failoverPartner (on failoverPort, else the main port).
func propertyEndpoints(c db.Conn, d db.Dialect, mainPort int) ([]endpoint, error) {
	var out []endpoint
	switch d.Name() {
	case "oracle":
		for _, v := range propertyValues(c.Properties, "server") {
			ep, err := hostPort(v, oracleDefaultPort)
			if err != nil {
				return nil, fmt.Errorf("the SERVER property %q %v", v, err)
			}
			out = append(out, ep)
		}
	case "sqlserver":
		partners := propertyValues(c.Properties, "failoverpartner")
		if len(partners) == 0 {
			return nil, nil
		}
		ports := []int{}
		for _, v := range propertyValues(c.Properties, "failoverport") {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 65535 {
				return nil, fmt.Errorf("the failoverPort property %q is not a port number (1-65535)", v)
			}
			ports = append(ports, n)
		}
		if len(ports) == 0 {
			ports = []int{mainPort}
		}
		for _, v := range partners {
			host, _, _ := strings.Cut(v, `\`)
			if host == "" {
				return nil, fmt.Errorf("the failoverPartner property %q has no host", v)
			}
			for _, n := range ports {
				out = append(out, endpoint{host, n})
			}
		}
	}
	return out, nil
}

// propertyValues returns the non-empty values of every property named
// name, compared as the dialects compare names: trimmed, in any case.
func propertyValues(props map[string]string, name string) []string {
	var out []string
	for k, v := range props {
		if strings.EqualFold(strings.TrimSpace(k), name) && strings.TrimSpace(v) != "" {
			out = append(out, strings.TrimSpace(v))
		}
	}
	return out
}

// hostPort reads host, host:port, [v6] or [v6]:port.
func hostPort(s string, defaultPort int) (endpoint, error) {
	host, p, err := net.SplitHostPort(s)
	if err != nil {
		return endpoint{strings.Trim(s, "[]"), defaultPort}, nil
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 {
		return endpoint{}, fmt.Errorf("has %q, which is not a port number (1-65535)", p)
	}
	if host == "" {
		return endpoint{}, fmt.Errorf("has no host")
	}
	return endpoint{host, n}, nil
}

// checkAllowed reports the first endpoint of c no rule allows, or why the
// endpoints of c cannot be checked.
func checkAllowed(rules []AllowRule, c db.Conn, d db.Dialect) error {
	if len(rules) == 0 {
		return nil
	}
	eps, err := endpoints(c, d)
	if err != nil {
		return err
	}
	for _, ep := range eps {
		ok := false
		for _, r := range rules {
			if r.allows(ep.host, ep.port) {
				ok = true
				break
			}
		}
		if !ok {
			return fmt.Errorf("database %s is not in header.allowed_databases; add it there to let the agent's configuration reach it", ep)
		}
	}
	return nil
}
