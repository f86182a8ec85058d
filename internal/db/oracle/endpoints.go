package oracle

import (
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"

	"github.com/sqlscim/sqlscim/internal/db"
)

// Endpoints lists every server go-ora may dial for c: the host and port, or
// every ADDRESS of a connect descriptor, then each SERVER option (go-ora
// tries them when the first fails). A group without PORT is dialled on
// 1521, as go-ora does; a SERVER without a port is listed on 1521 too
// (go-ora refuses one, but a check must not depend on that).
func (d Dialect) Endpoints(c db.Conn) ([]db.Endpoint, error) {
	var out []db.Endpoint
	if c.Descriptor != "" {
		eps, err := descriptorEndpoints(c.Descriptor)
		if err != nil {
			return nil, err
		}
		out = eps
	} else {
		host, port, err := d.server(c)
		if err != nil {
			return nil, err
		}
		out = []db.Endpoint{{Host: host, Port: port}}
	}
	for _, v := range db.PropertyValues(c.Properties, "server") {
		ep, err := serverOption(v)
		if err != nil {
			return nil, fmt.Errorf("the SERVER property %q %v", v, err)
		}
		out = append(out, ep)
	}
	return out, nil
}

// server is the host and port DSN writes for a connection without a
// descriptor.
func (d Dialect) server(c db.Conn) (string, int, error) {
	return db.ServerOf(c, "Oracle", "/?#@,() ", info.DefaultPort)
}

// LocalFiles names the wallet properties: go-ora reads the wallet
// directory of the sqlscim host.
func (Dialect) LocalFiles(c db.Conn) []string {
	var out []string
	for _, k := range db.SortedKeys(c.Properties) {
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "wallet", "oracle.net.wallet_location", "wallet_location", "tns_admin":
			out = append(out, k)
		}
	}
	return out
}

// defaultPort is the port go-ora dials for an ADDRESS without PORT.
const defaultPort = 1521

// serverOption reads a SERVER option: host, host:port, [v6] or [v6]:port.
func serverOption(s string) (db.Endpoint, error) {
	host, p, err := net.SplitHostPort(s)
	if err != nil {
		return db.Endpoint{Host: strings.Trim(s, "[]"), Port: defaultPort}, nil
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 {
		return db.Endpoint{}, fmt.Errorf("has %q, which is not a port number (1-65535)", p)
	}
	if host == "" {
		return db.Endpoint{}, fmt.Errorf("has no host")
	}
	return db.Endpoint{Host: host, Port: n}, nil
}

// addressStart finds where each (ADDRESS= group of a connect descriptor
// opens, as go-ora finds them (case-insensitive, spaces allowed).
var addressStart = regexp.MustCompile(`(?i)\(\s*ADDRESS\s*=`)

// descriptorEndpoints reads every (ADDRESS=...) group of a connect
// descriptor, wherever it is nested (ADDRESS_LIST, DESCRIPTION_LIST): go-ora
// may dial any of them. Inside a group HOST, PORT and PROTOCOL come in any
// order and any case; a group without PORT is dialled on 1521. A group
// giving HOST or PORT twice yields every combination, whichever one the
// driver picks. A group without HOST is an error: go-ora would dial the
// local host for it.
func descriptorEndpoints(desc string) ([]db.Endpoint, error) {
	// go-ora drops line breaks before it reads the descriptor, so
	// (ADD\nRESS=...) is an address to it; it must be one here too.
	desc = strings.NewReplacer("\r", "", "\n", "").Replace(desc)
	var out []db.Endpoint
	for _, loc := range addressStart.FindAllStringIndex(desc, -1) {
		params, err := descriptorParams(desc[loc[1]:])
		if err != nil {
			return nil, fmt.Errorf("the connect descriptor's ADDRESS at character %d %v", loc[0]+1, err)
		}
		group := desc[loc[0] : loc[1]+params.end]
		hosts, ports := params.values["HOST"], params.values["PORT"]
		if len(hosts) == 0 {
			return nil, fmt.Errorf("the connect descriptor's address %s has no HOST; give every ADDRESS a (HOST=...)", group)
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
			nums = []int{defaultPort}
		}
		for _, h := range hosts {
			if h == "" {
				return nil, fmt.Errorf("the connect descriptor's address %s has an empty HOST", group)
			}
			for _, n := range nums {
				out = append(out, db.Endpoint{Host: h, Port: n})
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the connect descriptor has no (ADDRESS=(HOST=...)(PORT=...))")
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
