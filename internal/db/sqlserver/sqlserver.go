// Package sqlserver is sqlscim's Microsoft SQL Server dialect. It reads
// jdbc:sqlserver: URLs, translates the mssql-jdbc properties people put in
// them into a github.com/microsoft/go-mssqldb URL, calls procedures with
// EXEC and sorts SQL Server error numbers into db classes.
//
// Importing the package registers the dialect under "sqlserver" and
// "mssql" ("SQL Server" works too: db.Lookup drops spaces).
package sqlserver

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	// go-mssqldb registers the "sqlserver" database/sql driver, whose
	// positional parameters are @p1, @p2 ...
	_ "github.com/microsoft/go-mssqldb"

	"github.com/sqlscim/sqlscim/internal/db"
)

func init() { db.Register(Dialect{}) }

// Dialect is the SQL Server implementation of db.Dialect.
type Dialect struct{}

var _ db.Dialect = Dialect{}

// info is what the dialect states about itself.
var info = db.Info{
	Name:         "sqlserver",
	Aliases:      []string{"mssql"},
	DriverName:   "sqlserver", // go-mssqldb's driver with @pN parameters
	DefaultPort:  1433,
	JDBCPrefixes: []string{"jdbc:sqlserver:"},
	Syntax:       db.Syntax{Brackets: true, NestedComments: true},
	Product:      "SQL Server",
	OffsetFetch:  true,
}

// Info returns what the dialect states about itself.
func (Dialect) Info() db.Info { return info }

// Placeholder returns @pn.
func (Dialect) Placeholder(n int) string { return "@p" + strconv.Itoa(n) }

// QuoteIdent quotes name with brackets, doubling any closing bracket.
func (Dialect) QuoteIdent(name string) string {
	return "[" + strings.ReplaceAll(name, "]", "]]") + "]"
}

// CallSQL returns EXEC name @p1, @p2 (EXEC name without arguments). SQL
// Server procedures return result sets directly, so a CURSOR argument is
// an error.
func (Dialect) CallSQL(call db.ProcCall) (string, error) {
	name, err := checkProcName(call.Name)
	if err != nil {
		return "", err
	}
	marks := make([]string, len(call.Args))
	for i, a := range call.Args {
		if a.Cursor {
			return "", errors.New("SQL Server procedures return result sets; remove the CURSOR parameter")
		}
		marks[i] = "@p" + strconv.Itoa(i+1)
	}
	if len(marks) == 0 {
		return "EXEC " + name, nil
	}
	return "EXEC " + name + " " + strings.Join(marks, ", "), nil
}

// CallProcedure runs the EXEC with QueryContext and returns the first
// result set (an empty result when the procedure selects nothing).
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

// RequiredColumnsQuery lists the NOT NULL columns of the table OBJECT_ID
// resolves the name to that have no default and are neither identity nor
// computed columns.
func (Dialect) RequiredColumnsQuery(table string) (string, []any, error) {
	name, err := checkProcName(table)
	if err != nil {
		return "", nil, err
	}
	return `SELECT c.name FROM sys.columns c
WHERE c.object_id = OBJECT_ID(@p1) AND c.is_nullable = 0 AND c.default_object_id = 0 AND c.is_identity = 0 AND c.is_computed = 0
ORDER BY c.column_id`, []any{name}, nil
}

// ArityQuery counts the parameters of the procedure OBJECT_ID resolves the
// name to.
func (Dialect) ArityQuery(call db.ProcCall) (string, []any, error) {
	name, err := checkProcName(call.Name)
	if err != nil {
		return "", nil, err
	}
	return `SELECT COUNT(pa.parameter_id) FROM sys.procedures pr
LEFT JOIN sys.parameters pa ON pa.object_id = pr.object_id AND pa.parameter_id > 0
WHERE pr.object_id = OBJECT_ID(@p1) GROUP BY pr.object_id`, []any{name}, nil
}
