// Package postgres is sqlscim's PostgreSQL dialect. It reads
// jdbc:postgresql: URLs, translates the PgJDBC properties people put in
// them into a pgx connection URL, calls procedures and set-returning
// functions (following a returned refcursor when asked to) and sorts
// SQLSTATE codes into db classes.
//
// Importing the package registers the dialect under "postgresql",
// "postgres" and "pgsql", on the pgx database/sql driver.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	// The pgx stdlib package registers the "pgx" database/sql driver.
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/sqlscim/sqlscim/internal/db"
)

func init() { db.Register(Dialect{}) }

// Dialect is the PostgreSQL implementation of db.Dialect.
type Dialect struct{}

var _ db.Dialect = Dialect{}

// info is what the dialect states about itself.
var info = db.Info{
	Name:         "postgresql",
	Aliases:      []string{"postgres", "pgsql"},
	DriverName:   "pgx", // keeps its own statement cache
	DefaultPort:  5432,
	JDBCPrefixes: []string{"jdbc:postgresql:"},
	Syntax:       db.Syntax{EscapeStrings: true, DollarQuotes: true, NestedComments: true},
	Product:      "PostgreSQL",
	RowFunctions: true,
}

// Info returns what the dialect states about itself.
func (Dialect) Info() db.Info { return info }

// Placeholder returns $n.
func (Dialect) Placeholder(n int) string { return "$" + strconv.Itoa(n) }

// QuoteIdent quotes name with double quotes, doubling any inside.
func (Dialect) QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// CallSQL returns the statement for call:
//
//   - with a CURSOR argument: CALL name($1, NULL), NULL standing for the
//     INOUT refcursor parameter whose value (the portal name) the call
//     returns; only one cursor is supported;
//   - a read (WantRows) without a cursor: SELECT * FROM name($1, $2), for a
//     set-returning function;
//   - a write: CALL name($1, $2).
//
// Non-cursor arguments are numbered $1, $2 ... in order.
func (Dialect) CallSQL(call db.ProcCall) (string, error) {
	name, err := checkProcName(call.Name)
	if err != nil {
		return "", err
	}
	cursors, n := 0, 0
	args := make([]string, len(call.Args))
	for i, a := range call.Args {
		if a.Cursor {
			cursors++
			args[i] = "NULL"
			continue
		}
		n++
		args[i] = "$" + strconv.Itoa(n)
	}
	if cursors > 1 {
		return "", fmt.Errorf("procedure %s has %d CURSOR parameters; sqlscim reads one", name, cursors)
	}
	list := "(" + strings.Join(args, ", ") + ")"
	if cursors == 0 && call.WantRows {
		return "SELECT * FROM " + name + list, nil
	}
	return "CALL " + name + list, nil
}

// CallProcedure runs call on q. A call without a cursor is one
// QueryContext: SELECT * FROM for a read, CALL for a write (a procedure
// with OUT parameters then returns their row).
//
// A call with a CURSOR argument needs q to be a *sql.Tx: the procedure opens
// the refcursor, CALL returns its portal name, and the rows are read with
// FETCH ALL FROM "<portal>" on the same transaction before the cursor closes
// at commit. The returned rows belong to the transaction.
func (d Dialect) CallProcedure(ctx context.Context, q db.Querier, call db.ProcCall) (*sql.Rows, error) {
	stmt, err := d.CallSQL(call)
	if err != nil {
		return nil, err
	}
	var vals []any
	cursor := false
	for _, a := range call.Args {
		if a.Cursor {
			cursor = true
			continue
		}
		vals = append(vals, a.Value)
	}
	if !cursor {
		return q.QueryContext(ctx, stmt, vals...)
	}
	tx, ok := q.(*sql.Tx)
	if !ok {
		return nil, fmt.Errorf("procedure %s returns a CURSOR, which PostgreSQL closes when the transaction ends: it must be called inside a transaction (*sql.Tx), not on %T", strings.TrimSpace(call.Name), q)
	}
	rows, err := tx.QueryContext(ctx, stmt, vals...)
	if err != nil {
		return nil, err
	}
	portal, err := cursorName(rows)
	if err != nil {
		return nil, fmt.Errorf("procedure %s: %w", strings.TrimSpace(call.Name), err)
	}
	return tx.QueryContext(ctx, "FETCH ALL FROM "+d.QuoteIdent(portal))
}

// refcursorOID is the type OID pgx reports for refcursor columns it has
// no name for.
const refcursorOID = "1790"

// cursorName reads the portal name from the row CALL returned and closes
// rows. The cursor is the only result column, or the one of type refcursor.
func cursorName(rows *sql.Rows) (string, error) {
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return "", err
	}
	col := -1
	switch len(types) {
	case 0:
		return "", errors.New("CALL returned no OUT parameter; declare the cursor parameter INOUT ... refcursor")
	case 1:
		col = 0
	default:
		for i, ct := range types {
			if n := ct.DatabaseTypeName(); n == "REFCURSOR" || n == refcursorOID {
				if col >= 0 {
					return "", errors.New("CALL returned several refcursor parameters; sqlscim reads one")
				}
				col = i
			}
		}
		if col < 0 {
			return "", errors.New("CALL returned no refcursor parameter")
		}
	}
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return "", err
		}
		return "", errors.New("CALL returned no row")
	}
	dest := make([]any, len(types))
	var name sql.NullString
	for i := range dest {
		if i == col {
			dest[i] = &name
		} else {
			dest[i] = new(any)
		}
	}
	if err := rows.Scan(dest...); err != nil {
		return "", err
	}
	if err := rows.Close(); err != nil {
		return "", err
	}
	if !name.Valid || name.String == "" {
		return "", errors.New("the cursor parameter came back NULL: the procedure did not OPEN it")
	}
	return name.String, nil
}

// RequiredColumnsQuery lists the NOT NULL columns of table, in the named
// schema or the current one, that have no default and are neither identity
// nor generated columns. Unquoted names fold to lower case.
func (Dialect) RequiredColumnsQuery(table string) (string, []any, error) {
	parts, err := db.ParseProcName(table, identQuotes)
	if err != nil {
		return "", nil, err
	}
	fold := func(p db.NamePart) string {
		if p.Quoted {
			return p.Text
		}
		return strings.ToLower(p.Text)
	}
	var schema any
	if len(parts) > 1 {
		schema = fold(parts[len(parts)-2])
	}
	return `SELECT column_name FROM information_schema.columns
WHERE table_schema = COALESCE($1::text, current_schema()) AND table_name = $2 AND is_nullable = 'NO'
  AND column_default IS NULL AND is_identity = 'NO' AND is_generated = 'NEVER'
ORDER BY ordinal_position`, []any{schema, fold(parts[len(parts)-1])}, nil
}

// ArityQuery counts the arguments of each routine named like call that
// CallProcedure would call: a set-returning function for a read without a
// cursor (its IN arguments), a procedure otherwise (all its arguments, as
// CALL passes OUT and INOUT ones too). Unquoted names fold to lower case.
func (Dialect) ArityQuery(call db.ProcCall) (string, []any, error) {
	parts, err := db.ParseProcName(call.Name, identQuotes)
	if err != nil {
		return "", nil, err
	}
	fold := func(p db.NamePart) string {
		if p.Quoted {
			return p.Text
		}
		return strings.ToLower(p.Text)
	}
	var schema any
	if len(parts) > 1 {
		schema = fold(parts[len(parts)-2])
	}
	kind := "p"
	cursor := false
	for _, a := range call.Args {
		cursor = cursor || a.Cursor
	}
	if call.WantRows && !cursor {
		kind = "f"
	}
	return `SELECT CASE WHEN p.prokind = 'p' THEN COALESCE(array_length(p.proallargtypes, 1), p.pronargs) ELSE p.pronargs END
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE p.proname = $1 AND p.prokind = $2
  AND (($3::text IS NULL AND n.nspname = ANY (current_schemas(false))) OR n.nspname = $3::text)`,
		[]any{fold(parts[len(parts)-1]), kind, schema}, nil
}
