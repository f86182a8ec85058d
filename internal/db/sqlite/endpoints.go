package sqlite

import "github.com/sqlscim/sqlscim/internal/db"

// Endpoints is empty: SQLite dials nothing.
func (Dialect) Endpoints(db.Conn) ([]db.Endpoint, error) { return nil, nil }

// LocalFiles names the database: a SQLite database is a file of the
// sqlscim host.
func (Dialect) LocalFiles(db.Conn) []string { return []string{"database"} }
