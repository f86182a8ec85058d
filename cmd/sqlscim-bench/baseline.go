package main

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/sqlscim/sqlscim/internal/db"
)

// The baseline runs, through database/sql with the same driver, DSN, pool
// size and concurrency, the statements sqlscim runs for a request – nothing
// else: no HTTP, no TLS, no JSON, no mapping. It is the floor sqlscim is
// compared with, in two variants:
//
//   - prepared, the headline: every statement is prepared once on the pool
//     when the bench starts and reused by every request, in a transaction
//     through Tx.StmtContext. It is the best a plain Go program does with
//     the driver, and what sqlscim's own statement cache does
//     (internal/db/stmtcache.go).
//   - unprepared (-unprepared): every statement is sent as text with its
//     arguments. go-sql-driver/mysql then prepares, runs and closes it on
//     every query (three round trips); pgx prepares it once per connection
//     from its own statement cache, so on PostgreSQL the two variants differ
//     little.
//
// Both scan every column of every row into driver values, as a program that
// uses them must, and bind each statement's arguments from the columns read
// before.

// pageSize is the count of Okta's paged import (scenario b).
const pageSize = 100

// statement is one SQL text and, once prepared, its statement on the pool.
type statement struct {
	text string
	stmt *sql.Stmt
}

// op is one configured operation of a lab tenant, ready for the baseline.
type op struct {
	statement
	name string
	// proc: a stored procedure, sent as the dialect's call (text); its rows
	// are read even when it writes, as the engine does.
	proc   bool
	fields []string
}

// baseline is a lab tenant's operations on a database/sql pool.
type baseline struct {
	dialect db.Dialect
	pool    *sql.DB
	pools   *db.Pools
	lease   *db.Lease
	ops     map[string]*op
	// userCols are get_user_by_id's columns (upper case) by position.
	userCols map[string]int
	// idColumn is the user id column as the database names it (user_id on PostgreSQL).
	idColumn string
	// The statements of a listing in SQL mode (see importer and listAll).
	count, firstPage, nextPage, all statement
}

// variant is the baseline with its statements prepared or not.
type variant struct {
	b        *baseline
	prepared bool
}

var callPattern = regexp.MustCompile(`(?is)^\s*CALL\s+([A-Za-z0-9_.$]+)\s*\(`)

// newBaseline compiles lt's operations for l, opens a pool of poolSize
// connections with the DSN sqlscim's dialect builds, and prepares every
// statement on it.
func newBaseline(ctx context.Context, l *labDB, lt *labTenant, poolSize int) (*baseline, error) {
	d, err := db.Lookup(l.conn.Type)
	if err != nil {
		return nil, err
	}
	conn := l.conn
	conn.Properties = map[string]string{}
	if dd, ok := l.databaseDoc(lt)["properties"].(map[string]any); ok {
		for k, v := range dd {
			conn.Properties[k] = fmt.Sprint(v)
		}
	}
	// The pool comes from sqlscim's own database layer, so that the DSN and
	// the pool settings are sqlscim's; the statements are the baseline's.
	target, err := db.NewTarget(conn)
	if err != nil {
		return nil, err
	}
	pools := db.NewPools(db.PoolConfig{MaxOpen: poolSize, MaxTenants: 1, IdleTimeout: time.Hour, MaxLifetime: time.Hour})
	lease, err := pools.Acquire(ctx, target)
	if err != nil {
		pools.Close()
		return nil, err
	}
	b := &baseline{dialect: d, pool: lease.DB, pools: pools, lease: lease, ops: map[string]*op{}}
	if err := b.compile(ctx, lt); err != nil {
		b.close()
		return nil, fmt.Errorf("%s: %w", lt.file, err)
	}
	return b, nil
}

func (b *baseline) compile(ctx context.Context, lt *labTenant) error {
	opsDoc, _ := lt.doc["operations"].(map[string]any)
	for name, raw := range opsDoc {
		od, _ := raw.(map[string]any)
		o := &op{name: name}
		for _, p := range asList(od["parameters"]) {
			switch x := p.(type) {
			case string:
				o.fields = append(o.fields, strings.ToUpper(x))
			case map[string]any:
				o.fields = append(o.fields, strings.ToUpper(fmt.Sprint(x["field"])))
			}
		}
		stmt := strings.TrimSpace(fmt.Sprint(od["statement"]))
		if od["type"] == "stored_procedure" {
			m := callPattern.FindStringSubmatch(stmt)
			if m == nil {
				return fmt.Errorf("%s: not a CALL: %s", name, stmt)
			}
			// The call the engine sends: reads want rows (PostgreSQL:
			// SELECT * FROM f(…)), writes do not (CALL).
			text, err := b.dialect.CallSQL(db.ProcCall{Name: m[1], Args: make([]db.ProcArg, len(o.fields)), WantRows: strings.HasPrefix(name, "get_")})
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			o.text, o.proc = text, true
		} else {
			n := 0
			o.text = rewritePlaceholders(stmt, func() string { n++; return b.dialect.Placeholder(n) })
		}
		if err := b.prepare(ctx, &o.statement); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		b.ops[name] = o
	}
	// The columns of Get User by ID, from generated user 1.
	rows, err := b.prepared().query(ctx, nil, &b.ops["get_user_by_id"].statement, userID(1))
	if err != nil {
		return err
	}
	cols, err := rows.Columns()
	rows.Close()
	if err != nil {
		return err
	}
	b.userCols = colIndex(cols)
	for _, c := range cols {
		if strings.EqualFold(c, "USER_ID") {
			b.idColumn = c
		}
	}
	if b.idColumn == "" {
		return fmt.Errorf("get_user_by_id returns no USER_ID column: %v", cols)
	}
	if b.ops["get_users"].proc {
		return nil
	}
	// SQL mode lists through the wrapped Get Users statement (importer).
	from := " FROM (" + b.ops["get_users"].text + ") sqlscim_u"
	id := "sqlscim_u." + b.dialect.QuoteIdent(b.idColumn)
	b.count.text = "SELECT COUNT(*)" + from
	b.firstPage.text = "SELECT *" + from + " ORDER BY " + id + fmt.Sprintf(" LIMIT %d OFFSET 0", pageSize)
	b.nextPage.text = "SELECT *" + from + " WHERE " + id + " > " + b.dialect.Placeholder(1) + " ORDER BY " + id + fmt.Sprintf(" LIMIT %d OFFSET 0", pageSize)
	b.all.text = "SELECT *" + from + " ORDER BY " + id
	for _, st := range []*statement{&b.count, &b.firstPage, &b.nextPage, &b.all} {
		if err := b.prepare(ctx, st); err != nil {
			return fmt.Errorf("%s: %w", st.text, err)
		}
	}
	return nil
}

func (b *baseline) prepare(ctx context.Context, st *statement) (err error) {
	st.stmt, err = b.pool.PrepareContext(ctx, st.text)
	return err
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// rewritePlaceholders replaces each ? with next() (the lab's statements
// have no ? inside literals).
func rewritePlaceholders(stmt string, next func() string) string {
	var b strings.Builder
	for _, r := range stmt {
		if r == '?' {
			b.WriteString(next())
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (b *baseline) close() {
	for _, o := range b.ops {
		if o.stmt != nil {
			o.stmt.Close()
		}
	}
	for _, st := range []*statement{&b.count, &b.firstPage, &b.nextPage, &b.all} {
		if st.stmt != nil {
			st.stmt.Close()
		}
	}
	b.lease.Release()
	b.pools.Close()
}

func (b *baseline) prepared() variant   { return variant{b: b, prepared: true} }
func (b *baseline) unprepared() variant { return variant{b: b} }

func (v variant) String() string {
	if v.prepared {
		return "prepared"
	}
	return "unprepared"
}

// query runs a statement on the pool, or in tx when tx is not nil.
func (v variant) query(ctx context.Context, tx *sql.Tx, st *statement, args ...any) (*sql.Rows, error) {
	if v.prepared {
		s := st.stmt
		if tx != nil {
			s = tx.StmtContext(ctx, s)
		}
		return s.QueryContext(ctx, args...)
	}
	if tx != nil {
		return tx.QueryContext(ctx, st.text, args...)
	}
	return v.b.pool.QueryContext(ctx, st.text, args...)
}

// exec runs a write operation the way the engine does: a statement with
// Exec, a procedure call with Query, reading what it returns.
func (v variant) exec(ctx context.Context, tx *sql.Tx, o *op, args ...any) error {
	if o.proc {
		rows, err := v.query(ctx, tx, &o.statement, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
		}
		if err := rows.Close(); err != nil {
			return err
		}
		return rows.Err()
	}
	var err error
	switch {
	case v.prepared && tx != nil:
		_, err = tx.StmtContext(ctx, o.stmt).ExecContext(ctx, args...)
	case v.prepared:
		_, err = o.stmt.ExecContext(ctx, args...)
	case tx != nil:
		_, err = tx.ExecContext(ctx, o.text, args...)
	default:
		_, err = v.b.pool.ExecContext(ctx, o.text, args...)
	}
	return err
}

// op returns a configured operation.
func (v variant) op(name string) *op { return v.b.ops[name] }

// args binds an operation's parameters by field name.
func (o *op) args(val func(field string) any) []any {
	out := make([]any, len(o.fields))
	for i, f := range o.fields {
		out[i] = val(f)
	}
	return out
}

// colIndex maps upper-case column names to their positions.
func colIndex(cols []string) map[string]int {
	m := make(map[string]int, len(cols))
	for i, c := range cols {
		m[strings.ToUpper(c)] = i
	}
	return m
}

// scanAll reads every row of rows into driver values.
func scanAll(rows *sql.Rows) ([][]any, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]any
	for rows.Next() {
		r, err := scanOne(rows, len(cols))
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func scanOne(rows *sql.Rows, n int) ([]any, error) {
	vals := make([]any, n)
	ptrs := make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	return vals, rows.Scan(ptrs...)
}

// rowVal binds fields from a row whose columns are cols.
func rowVal(row []any, cols map[string]int) func(string) any {
	return func(f string) any {
		if i, ok := cols[f]; ok {
			return row[i]
		}
		return nil
	}
}

// mapVal binds fields from column values by upper-case name.
func mapVal(m map[string]any) func(string) any {
	return func(f string) any { return m[f] }
}

// getUser is GET /Users/{id}: get_user_by_id, then get_user_entitlements
// with the row's values, on the pool (sqlscim opens no transaction for
// reads) or in tx.
func (v variant) getUser(ctx context.Context, tx *sql.Tx, id string) ([]any, [][]any, error) {
	rows, err := v.query(ctx, tx, &v.op("get_user_by_id").statement, id)
	if err != nil {
		return nil, nil, err
	}
	users, err := scanAll(rows)
	if err != nil {
		return nil, nil, err
	}
	if len(users) != 1 {
		return nil, nil, fmt.Errorf("user %s: %d rows", id, len(users))
	}
	ue := v.op("get_user_entitlements")
	rows, err = v.query(ctx, tx, &ue.statement, ue.args(rowVal(users[0], v.b.userCols))...)
	if err != nil {
		return nil, nil, err
	}
	ents, err := scanAll(rows)
	return users[0], ents, err
}

// createUser is POST /Users with entitlements, in one transaction:
// get_user_by_id (the duplicate check), create_user, add_entitlement_to_user
// per entitlement, get_user_by_id and get_user_entitlements (the answer).
func (v variant) createUser(ctx context.Context, cols map[string]any, ents []int) error {
	tx, err := v.b.pool.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	id := cols["USER_ID"].(string)
	rows, err := v.query(ctx, tx, &v.op("get_user_by_id").statement, id)
	if err != nil {
		return err
	}
	if found, err := scanAll(rows); err != nil || len(found) > 0 {
		return fmt.Errorf("duplicate check of %s: %d rows, %v", id, len(found), err)
	}
	cu := v.op("create_user")
	if err := v.exec(ctx, tx, cu, cu.args(mapVal(cols))...); err != nil {
		return err
	}
	add := v.op("add_entitlement_to_user")
	for _, e := range ents {
		if err := v.exec(ctx, tx, add, add.args(entVal(cols, e))...); err != nil {
			return err
		}
	}
	if _, _, err := v.getUser(ctx, tx, id); err != nil {
		return err
	}
	return tx.Commit()
}

// entVal binds an entitlement operation: user fields from the user, any
// other field is the entitlement id.
func entVal(user map[string]any, ent int) func(string) any {
	return func(f string) any {
		if v, ok := user[f]; ok {
			return v
		}
		return ent
	}
}

// replaceUser is PUT /Users/{id} changing columns and swapping one
// entitlement, in one transaction: get_user_by_id, get_user_entitlements
// (the current user), update_user, remove_entitlement_from_user,
// add_entitlement_to_user, get_user_by_id and get_user_entitlements.
func (v variant) replaceUser(ctx context.Context, id string, change map[string]any, remove, add int) error {
	tx, err := v.b.pool.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	cur, _, err := v.getUser(ctx, tx, id)
	if err != nil {
		return err
	}
	next := make(map[string]any, len(v.b.userCols))
	for c, i := range v.b.userCols {
		next[c] = cur[i]
	}
	for c, val := range change {
		next[c] = val
	}
	uu, rm, ad := v.op("update_user"), v.op("remove_entitlement_from_user"), v.op("add_entitlement_to_user")
	if err := v.exec(ctx, tx, uu, uu.args(mapVal(next))...); err != nil {
		return err
	}
	if err := v.exec(ctx, tx, rm, rm.args(entVal(next, remove))...); err != nil {
		return err
	}
	if err := v.exec(ctx, tx, ad, ad.args(entVal(next, add))...); err != nil {
		return err
	}
	if _, _, err := v.getUser(ctx, tx, id); err != nil {
		return err
	}
	return tx.Commit()
}

// entitlements is GET /Entitlements: get_all_entitlements.
func (v variant) entitlements(ctx context.Context) (int, error) {
	rows, err := v.query(ctx, nil, &v.op("get_all_entitlements").statement)
	if err != nil {
		return 0, err
	}
	list, err := scanAll(rows)
	return len(list), err
}

// userEntitlements reads the entitlements of a listed user (row, whose
// columns are cols) through the pool.
func (v variant) userEntitlements(ctx context.Context, row []any, cols map[string]int) error {
	ue := v.op("get_user_entitlements")
	rows, err := v.query(ctx, nil, &ue.statement, ue.args(rowVal(row, cols))...)
	if err != nil {
		return err
	}
	_, err = scanAll(rows)
	return err
}

// listAll is unpaged GET /Users: every active user streamed from one
// connection, and get_user_entitlements for each through the pool (so on
// another connection), as sqlscim does. It returns the number of users.
func (v variant) listAll(ctx context.Context) (int, error) {
	var rows *sql.Rows
	var err error
	if gu := v.op("get_users"); gu.proc {
		rows, err = v.query(ctx, nil, &gu.statement)
	} else {
		rows, err = v.query(ctx, nil, &v.b.all)
	}
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	cols := colIndex(names)
	n := 0
	for rows.Next() {
		u, err := scanOne(rows, len(names))
		if err != nil {
			return n, err
		}
		if err := v.userEntitlements(ctx, u, cols); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

func (v variant) queryRow(ctx context.Context, st *statement) *sql.Row {
	if v.prepared {
		return st.stmt.QueryRowContext(ctx)
	}
	return v.b.pool.QueryRowContext(ctx, st.text)
}

// asText is a text column's value as a string (MySQL returns []byte).
func asText(v any) string {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return fmt.Sprint(v)
}
