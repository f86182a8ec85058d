// Package sqlite is sqlscim's SQLite dialect, on the pure-Go
// modernc.org/sqlite driver. The database is a file, created when missing;
// it suits tests, demos and small single-node installations. SQLite has no
// stored procedures, so only SQL operations work.
//
// Importing the package registers the dialect under "sqlite" and "sqlite3".
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	// modernc.org/sqlite registers the "sqlite" database/sql driver.
	_ "modernc.org/sqlite"

	"github.com/sqlscim/sqlscim/internal/db"
)

func init() { db.Register(Dialect{}) }

// Dialect is the SQLite implementation of db.Dialect.
type Dialect struct{}

var _ db.Dialect = Dialect{}

// errNoProcedures is what every procedure call returns.
var errNoProcedures = errors.New("SQLite has no stored procedures; set the operation type to sql")

// Name returns "sqlite".
func (Dialect) Name() string { return "sqlite" }

// Aliases returns sqlite3.
func (Dialect) Aliases() []string { return []string{"sqlite3"} }

// DriverName returns "sqlite", modernc.org/sqlite's driver.
func (Dialect) DriverName() string { return "sqlite" }

// DefaultPort returns 0: SQLite is a file.
func (Dialect) DefaultPort() int { return 0 }

// JDBCPrefixes returns jdbc:sqlite:.
func (Dialect) JDBCPrefixes() []string { return []string{"jdbc:sqlite:"} }

// Placeholder returns "?".
func (Dialect) Placeholder(int) string { return "?" }

// QuoteIdent quotes name with double quotes, doubling any inside.
func (Dialect) QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// CallSQL always fails: SQLite has no stored procedures.
func (Dialect) CallSQL(db.ProcCall) (string, error) { return "", errNoProcedures }

// CallProcedure always fails: SQLite has no stored procedures.
func (Dialect) CallProcedure(context.Context, db.Querier, db.ProcCall) (*sql.Rows, error) {
	return nil, errNoProcedures
}

// ArityQuery fails: SQLite has no stored procedures.
func (Dialect) ArityQuery(db.ProcCall) (string, []any, error) {
	return "", nil, errors.New("SQLite has no stored procedures; set the operation type to sql")
}
