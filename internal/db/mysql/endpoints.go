package mysql

import (
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
	return db.ServerOf(c, "MySQL", "/()@?&[], ", info.DefaultPort)
}
