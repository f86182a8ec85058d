// Package oracle is sqlscim's Oracle Database dialect. It reads
// jdbc:oracle:thin: URLs (EZConnect, host:port:SID and connect
// descriptors), translates the Oracle JDBC properties people put in them
// into a github.com/sijms/go-ora URL, calls procedures in anonymous PL/SQL
// blocks (reading a SYS_REFCURSOR OUT parameter) and sorts ORA- codes into
// db classes.
//
// Importing the package registers the dialect under "oracle".
package oracle

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	go_ora "github.com/sijms/go-ora/v2"

	"github.com/sqlscim/sqlscim/internal/db"
)

func init() { db.Register(Dialect{}) }

// Dialect is the Oracle implementation of db.Dialect.
type Dialect struct{}

var _ db.Dialect = Dialect{}

// info is what the dialect states about itself.
var info = db.Info{
	Name:        "oracle",
	DriverName:  "oracle",
	DefaultPort: 1521,
	// jdbc:oracle: rather than jdbc:oracle:thin:, so that an OCI URL gets
	// ParseJDBC's clear error instead of a generic one.
	JDBCPrefixes: []string{"jdbc:oracle:"},
	Syntax:       db.Syntax{QQuotes: true},
	Product:      "Oracle",
	OffsetFetch:  true,
}

// Info returns what the dialect states about itself.
func (Dialect) Info() db.Info { return info }

// Placeholder returns :n.
func (Dialect) Placeholder(n int) string { return ":" + strconv.Itoa(n) }

// QuoteIdent quotes name with double quotes, doubling any inside.
func (Dialect) QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// CallSQL returns BEGIN name(:1, :2); END; (BEGIN name; END; without
// arguments). Every argument, the cursor included, has a bind position;
// only one CURSOR argument is supported.
func (Dialect) CallSQL(call db.ProcCall) (string, error) {
	name, err := checkProcName(call.Name)
	if err != nil {
		return "", err
	}
	cursors := 0
	marks := make([]string, len(call.Args))
	for i, a := range call.Args {
		if a.Cursor {
			cursors++
		}
		marks[i] = ":" + strconv.Itoa(i+1)
	}
	if cursors > 1 {
		return "", fmt.Errorf("procedure %s has %d CURSOR parameters; sqlscim reads one", name, cursors)
	}
	if len(marks) == 0 {
		return "BEGIN " + name + "; END;", nil
	}
	return "BEGIN " + name + "(" + strings.Join(marks, ", ") + "); END;", nil
}

// emptyQuery is run after a call without a cursor, because database/sql
// can only produce *sql.Rows from a query. It costs one round trip and
// touches no table; the call's own failure, if any, has already been
// returned by ExecContext.
const emptyQuery = "SELECT 1 FROM dual WHERE 1 = 0"

// CallProcedure runs the PL/SQL block with ExecContext, binding a CURSOR
// argument as sql.Out{Dest: *go_ora.RefCursor}, and returns the cursor's
// rows through go_ora.WrapRefCursor. A call without a cursor returns the
// empty result of emptyQuery.
//
// go-ora fetches a ref cursor on the connection that opened it, so q
// should be a *sql.Tx or *sql.Conn when the call has a cursor; on a *sql.DB
// that connection is back in the pool while the rows are fetched.
func (d Dialect) CallProcedure(ctx context.Context, q db.Querier, call db.ProcCall) (*sql.Rows, error) {
	stmt, err := d.CallSQL(call)
	if err != nil {
		return nil, err
	}
	var cursor *go_ora.RefCursor
	args := make([]any, len(call.Args))
	for i, a := range call.Args {
		if a.Cursor {
			cursor = new(go_ora.RefCursor)
			args[i] = sql.Out{Dest: cursor}
			continue
		}
		args[i] = a.Value
	}
	if _, err := q.ExecContext(ctx, stmt, args...); err != nil {
		return nil, err
	}
	if cursor == nil {
		return q.QueryContext(ctx, emptyQuery)
	}
	return wrapCursor(ctx, q, cursor, strings.TrimSpace(call.Name))
}

// wrapCursor calls go_ora.WrapRefCursor. A cursor the procedure never
// opened comes back without a connection, and go-ora dereferences it
// anyway; that panic is turned into an error.
func wrapCursor(ctx context.Context, q db.Querier, cursor *go_ora.RefCursor, name string) (rows *sql.Rows, err error) {
	defer func() {
		if r := recover(); r != nil {
			rows, err = nil, fmt.Errorf("procedure %s: the cursor parameter came back unopened: the procedure did not OPEN it (%v)", name, r)
		}
	}()
	rows, err = go_ora.WrapRefCursor(ctx, q, cursor)
	if err == nil && rows == nil {
		err = errors.New("go-ora returned no rows for the cursor")
	}
	return rows, err
}

// RequiredColumnsQuery lists the NOT NULL columns of table, in the named
// schema or the user's own, that have no default and are neither identity
// nor virtual columns. Unquoted names fold to upper case.
func (Dialect) RequiredColumnsQuery(table string) (string, []any, error) {
	parts, err := db.ParseProcName(table, identQuotes)
	if err != nil {
		return "", nil, err
	}
	fold := func(p db.NamePart) string {
		if p.Quoted {
			return p.Text
		}
		return strings.ToUpper(p.Text)
	}
	var schema any
	if len(parts) > 1 {
		schema = fold(parts[len(parts)-2])
	}
	return `SELECT COLUMN_NAME FROM ALL_TAB_COLUMNS
WHERE OWNER = COALESCE(:1, USER) AND TABLE_NAME = :2 AND NULLABLE = 'N' AND DEFAULT_LENGTH IS NULL
  AND IDENTITY_COLUMN = 'NO' AND VIRTUAL_COLUMN = 'NO'
ORDER BY COLUMN_ID`, []any{schema, fold(parts[len(parts)-1])}, nil
}

// ArityQuery counts the arguments of each stand-alone procedure named like
// call, in the named schema or the user's own. Unquoted names fold to upper
// case.
func (Dialect) ArityQuery(call db.ProcCall) (string, []any, error) {
	parts, err := db.ParseProcName(call.Name, identQuotes)
	if err != nil {
		return "", nil, err
	}
	fold := func(p db.NamePart) string {
		if p.Quoted {
			return p.Text
		}
		return strings.ToUpper(p.Text)
	}
	var schema any
	if len(parts) > 1 {
		schema = fold(parts[len(parts)-2])
	}
	return `SELECT COUNT(a.ARGUMENT_NAME) FROM ALL_PROCEDURES p
LEFT JOIN ALL_ARGUMENTS a ON a.OWNER = p.OWNER AND a.OBJECT_NAME = p.OBJECT_NAME
  AND a.PACKAGE_NAME IS NULL AND a.ARGUMENT_NAME IS NOT NULL
WHERE p.OBJECT_TYPE = 'PROCEDURE' AND p.OWNER = NVL(:1, USER) AND p.OBJECT_NAME = :2
GROUP BY p.OWNER, p.OBJECT_NAME`, []any{schema, fold(parts[len(parts)-1])}, nil
}
