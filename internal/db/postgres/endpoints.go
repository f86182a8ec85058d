package postgres

import (
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/sqlscim/sqlscim/internal/db"
)

// Endpoints is the one server pgx dials for c: a host and port over TCP,
// or, for a host that is an absolute path, the Unix socket
// <directory>/.s.PGSQL.<port> in it. Host lists are refused by DSN, so
// there is never more than one.
func (d Dialect) Endpoints(c db.Conn) ([]db.Endpoint, error) {
	host, port, err := d.server(c)
	if err != nil {
		return nil, err
	}
	if isSocketDir(host) {
		return []db.Endpoint{{Socket: path.Join(host, ".s.PGSQL."+strconv.Itoa(port))}}, nil
	}
	return []db.Endpoint{{Host: host, Port: port}}, nil
}

// LocalFiles names the libpq parameters that make pgx read files of the
// sqlscim host: the CA, the client certificate and its key.
func (Dialect) LocalFiles(c db.Conn) []string {
	var out []string
	for _, k := range db.SortedKeys(c.Properties) {
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "sslrootcert", "sslcert", "sslkey":
			out = append(out, k)
		}
	}
	return out
}

// isSocketDir reports a host that pgx reads as the directory of a Unix
// socket.
func isSocketDir(host string) bool { return strings.HasPrefix(host, "/") }

// server is the host (or socket directory) and port DSN writes. pgx reads
// a host holding commas as a list of hosts, each tried in turn, so a comma
// is refused in every host, a socket directory included: sqlscim connects
// to one server, the one its checks see.
func (d Dialect) server(c db.Conn) (string, int, error) {
	host := c.Host
	switch {
	case host == "":
		return "", 0, errors.New("PostgreSQL connection has no host")
	case strings.Contains(host, ","):
		return "", 0, fmt.Errorf("PostgreSQL host %q is a list of hosts; sqlscim connects to one host", host)
	case isSocketDir(host):
		if strings.ContainsAny(host, "?#&=") {
			return "", 0, fmt.Errorf("PostgreSQL socket directory %q is not a directory path", host)
		}
	case strings.ContainsAny(host, "/?#@%[] "):
		return "", 0, fmt.Errorf("PostgreSQL host %q is not a host name or address", host)
	}
	port := c.Port
	if port == 0 {
		port = info.DefaultPort
	}
	if port < 1 || port > 65535 {
		return "", 0, fmt.Errorf("port %d is out of range (1-65535)", port)
	}
	return host, port, nil
}
