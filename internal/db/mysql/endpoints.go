package mysql

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sqlscim/sqlscim/internal/db"
)

// Endpoints is the one server go-sql-driver/mysql dials: the host and port
// over TCP (DSN never writes a Unix socket).
func (d Dialect) Endpoints(c db.Conn) ([]db.Endpoint, error) {
	host, port, err := d.server(c)
	if err != nil {
		return nil, err
	}
	return []db.Endpoint{{Host: host, Port: port}}, nil
}

// LocalFiles names nothing: the driver parameters that read files of the
// sqlscim host (allowAllFiles, serverPubKey) are refused, and tls names a
// configuration registered in code, not a file.
func (Dialect) LocalFiles(db.Conn) []string { return nil }

// server is the host and port DSN writes.
func (d Dialect) server(c db.Conn) (string, int, error) {
	if c.Host == "" {
		return "", 0, errors.New("MySQL connection has no host")
	}
	if strings.ContainsAny(c.Host, "/()@?&[], ") {
		return "", 0, fmt.Errorf("MySQL host %q is not a host name or address", c.Host)
	}
	port := c.Port
	if port == 0 {
		port = info.DefaultPort
	}
	if port < 1 || port > 65535 {
		return "", 0, fmt.Errorf("port %d is out of range (1-65535)", port)
	}
	return c.Host, port, nil
}
