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

// info is what the dialect states about itself.
var info = db.Info{
	Name:         "sqlite",
	Aliases:      []string{"sqlite3"},
	DriverName:   "sqlite", // modernc.org/sqlite's; no DefaultPort, SQLite is a file
	JDBCPrefixes: []string{"jdbc:sqlite:"},
	Syntax:       db.Syntax{Backticks: true, Brackets: true},
	Product:      "SQLite",
	File:         true,
	NoProcedures: true,
	ASCIIFolding: true, // modernc.org/sqlite's LOWER, as SQLite's own without ICU
}

// Info returns what the dialect states about itself.
func (Dialect) Info() db.Info { return info }

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

// RequiredColumnsQuery lists the NOT NULL columns of table that have no
// default, leaving out an INTEGER PRIMARY KEY (the rowid, which SQLite
// fills).
func (Dialect) RequiredColumnsQuery(table string) (string, []any, error) {
	parts, err := db.ParseProcName(table, identQuotes)
	if err != nil {
		return "", nil, err
	}
	return `SELECT name FROM pragma_table_info(?)
WHERE "notnull" = 1 AND dflt_value IS NULL AND NOT (pk = 1 AND upper(type) = 'INTEGER')
ORDER BY cid`, []any{parts[len(parts)-1].Text}, nil
}

// ArityQuery fails: SQLite has no stored procedures.
func (Dialect) ArityQuery(db.ProcCall) (string, []any, error) {
	return "", nil, errors.New("SQLite has no stored procedures; set the operation type to sql")
}
