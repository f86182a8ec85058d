// Package mysql is sqlscim's MySQL and MariaDB dialect. It reads
// jdbc:mysql: and jdbc:mariadb: URLs, translates the Connector/J properties
// people put in them into a github.com/go-sql-driver/mysql DSN, calls stored
// procedures with CALL and sorts MySQL/MariaDB error numbers into db classes.
//
// Importing the package registers the dialect under "mysql" and "mariadb".
package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"

	// The go-sql-driver/mysql package registers the "mysql" database/sql driver.
	"github.com/go-sql-driver/mysql"

	"github.com/sqlscim/sqlscim/internal/db"
)

func init() { db.Register(Dialect{}) }

// Dialect is the MySQL/MariaDB implementation of db.Dialect.
type Dialect struct{}

var _ db.Dialect = Dialect{}

// info is what the dialect states about itself.
var info = db.Info{
	Name:    "mysql",
	Aliases: []string{"mariadb"},
	// go-sql-driver/mysql, which also stops a statement on the server when
	// its context ends (see driverName).
	DriverName:   driverName,
	DefaultPort:  3306,
	JDBCPrefixes: []string{"jdbc:mysql:", "jdbc:mariadb:"},
	// go-sql-driver prepares and closes a statement for every query with
	// arguments.
	CacheStatements: true,
	Syntax:          db.Syntax{HashComments: true, DashNeedsSpace: true, BackslashEscapes: true, Backticks: true, ExecComments: true},
	Product:         "MySQL/MariaDB",
	CollationOf:     "COLLATION",
}

// Info returns what the dialect states about itself.
func (Dialect) Info() db.Info { return info }

// Placeholder returns "?": MySQL bind markers are positional.
func (Dialect) Placeholder(int) string { return "?" }

// QuoteIdent quotes name with backticks, doubling any backtick inside.
func (Dialect) QuoteIdent(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

// CallSQL returns the CALL statement for call: CALL name(?, ?), or
// CALL name() without arguments. MySQL procedures hand back result sets
// directly, so a CURSOR argument is an error.
func (Dialect) CallSQL(call db.ProcCall) (string, error) {
	name, err := checkProcName(call.Name)
	if err != nil {
		return "", err
	}
	for _, a := range call.Args {
		if a.Cursor {
			return "", errors.New("MySQL procedures return result sets; remove the CURSOR parameter")
		}
	}
	marks := make([]string, len(call.Args))
	for i := range marks {
		marks[i] = "?"
	}
	return "CALL " + name + "(" + strings.Join(marks, ", ") + ")", nil
}

// CallProcedure runs CALL with QueryContext, so the first result set the
// procedure produces is returned; a procedure that selects nothing yields
// an empty result. The driver discards the trailing status result when the
// rows are closed.
func (d Dialect) CallProcedure(ctx context.Context, q db.Querier, call db.ProcCall) (*sql.Rows, error) {
	stmt, err := d.CallSQL(call)
	if err != nil {
		return nil, err
	}
	args := make([]any, len(call.Args))
	for i, a := range call.Args {
		args[i] = a.Value
	}
	return q.QueryContext(ctx, stmt, args...)
}

// RequiredColumnsQuery lists the NOT NULL columns of table, in the current
// (or the named) database, that have no default and are neither
// AUTO_INCREMENT nor generated.
func (Dialect) RequiredColumnsQuery(table string) (string, []any, error) {
	parts, err := db.ParseProcName(table, identQuotes)
	if err != nil {
		return "", nil, err
	}
	var schema any
	if len(parts) > 1 {
		schema = parts[len(parts)-2].Text
	}
	return `SELECT COLUMN_NAME FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND IS_NULLABLE = 'NO' AND COLUMN_DEFAULT IS NULL
  AND EXTRA NOT LIKE '%auto_increment%' AND EXTRA NOT LIKE '%GENERATED%'
ORDER BY ORDINAL_POSITION`, []any{schema, parts[len(parts)-1].Text}, nil
}

// ArityQuery counts the parameters of each procedure named like call in
// the current (or the named) database.
func (Dialect) ArityQuery(call db.ProcCall) (string, []any, error) {
	parts, err := db.ParseProcName(call.Name, identQuotes)
	if err != nil {
		return "", nil, err
	}
	var schema any
	if len(parts) > 1 {
		schema = parts[len(parts)-2].Text
	}
	return `SELECT COUNT(p.PARAMETER_NAME) FROM information_schema.ROUTINES r
LEFT JOIN information_schema.PARAMETERS p
  ON p.SPECIFIC_SCHEMA = r.ROUTINE_SCHEMA AND p.SPECIFIC_NAME = r.SPECIFIC_NAME AND p.ORDINAL_POSITION > 0
WHERE r.ROUTINE_TYPE = 'PROCEDURE' AND r.ROUTINE_SCHEMA = COALESCE(?, DATABASE()) AND r.ROUTINE_NAME = ?
GROUP BY r.SPECIFIC_NAME`, []any{schema, parts[len(parts)-1].Text}, nil
}

// driverLogger hands go-sql-driver's log lines to the function
// SetDriverLog stored last, or to standard error before that. The driver's logger is a
// process global that it reads without a lock, so it is installed once, at
// init, and never replaced; what it forwards to may change at any time.
type driverLogger struct{ to atomic.Pointer[func(string)] }

func (l *driverLogger) Print(v ...any) {
	msg := strings.TrimSpace(fmt.Sprint(v...))
	if to := l.to.Load(); to != nil {
		(*to)(msg)
		return
	}
	fmt.Fprintln(os.Stderr, "mysql:", msg)
}

var logger driverLogger

func init() { _ = mysql.SetLogger(&logger) }

var _ db.DriverLogger = Dialect{}

// SetDriverLog routes the MySQL driver's own log lines (a connection it
// dropped, an unexpected EOF) to log instead of standard error.
func (Dialect) SetDriverLog(log func(msg string)) { logger.to.Store(&log) }
