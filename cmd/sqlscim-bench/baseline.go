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

// The baseline runs, through database/sql and the same driver DSN, pool size
// and dialect calls, the statements sqlscim runs for a request – nothing
// else: no HTTP, no TLS, no JSON, no mapping. It is the floor sqlscim is
// compared with.

// op is one configured operation of a lab tenant, ready for the baseline.
type op struct {
	name   string
	sql    string // SQL mode: the statement with the dialect's placeholders
	proc   string // procedure mode: the procedure name
	fields []string
	reads  bool
}

// baseline is a lab tenant's operations on a database/sql pool.
type baseline struct {
	dialect db.Dialect
	pool    *sql.DB
	pools   *db.Pools
	lease   *db.Lease
	// q runs statements on the pool the way sqlscim's sessions do.
	q   db.Querier
	ops map[string]*op
	// idColumn is the user id column as the database names it (user_id on PostgreSQL).
	idColumn string
}

var callPattern = regexp.MustCompile(`(?is)^\s*CALL\s+([A-Za-z0-9_.$]+)\s*\(`)

// newBaseline compiles lt's operations for l and opens a pool of poolSize
// connections with the DSN sqlscim's dialect builds.
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
	// The pool comes from sqlscim's own database layer, so the baseline
	// runs its statements exactly as sqlscim does (the same DSN, pool
	// settings and prepared-statement cache) and only the HTTP, TLS, JSON
	// and mapping work differs.
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
	pool := lease.DB
	b := &baseline{dialect: d, pool: pool, pools: pools, lease: lease, q: lease.Querier(), ops: map[string]*op{}}
	opsDoc, _ := lt.doc["operations"].(map[string]any)
	for name, raw := range opsDoc {
		od, _ := raw.(map[string]any)
		o := &op{name: name, reads: strings.HasPrefix(name, "get_")}
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
				b.close()
				return nil, fmt.Errorf("%s %s: not a CALL: %s", lt.file, name, stmt)
			}
			o.proc = m[1]
		} else {
			n := 0
			o.sql = rewritePlaceholders(stmt, func() string { n++; return d.Placeholder(n) })
		}
		b.ops[name] = o
	}
	if err := pool.PingContext(ctx); err != nil {
		b.close()
		return nil, err
	}
	// The id column as Get Users returns it.
	rows, err := b.query(ctx, b.q, "get_user_by_id", func(string) any { return "" })
	if err != nil {
		b.close()
		return nil, err
	}
	cols, _ := rows.Columns()
	rows.Close()
	for _, c := range cols {
		if strings.EqualFold(c, "USER_ID") {
			b.idColumn = c
		}
	}
	return b, nil
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

func (b *baseline) close() { b.lease.Release(); b.pools.Close() }

// args binds an operation's parameters by field name.
func (o *op) args(val func(field string) any) []db.ProcArg {
	out := make([]db.ProcArg, len(o.fields))
	for i, f := range o.fields {
		out[i] = db.ProcArg{Value: val(f)}
	}
	return out
}

func plainArgs(args []db.ProcArg) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = a.Value
	}
	return out
}

// query runs a read operation the way sqlscim does: QueryContext for a
// statement, the dialect's CallProcedure for a procedure.
func (b *baseline) query(ctx context.Context, q db.Querier, name string, val func(string) any) (*sql.Rows, error) {
	o := b.ops[name]
	if o == nil {
		return nil, fmt.Errorf("operation %s is not configured", name)
	}
	args := o.args(val)
	if o.proc != "" {
		return b.dialect.CallProcedure(ctx, q, db.ProcCall{Name: o.proc, Args: args, WantRows: true})
	}
	return q.QueryContext(ctx, o.sql, plainArgs(args)...)
}

// exec runs a write operation the way sqlscim does, draining a procedure's rows.
func (b *baseline) exec(ctx context.Context, q db.Querier, name string, val func(string) any) error {
	o := b.ops[name]
	if o == nil {
		return fmt.Errorf("operation %s is not configured", name)
	}
	args := o.args(val)
	if o.proc == "" {
		_, err := q.ExecContext(ctx, o.sql, plainArgs(args)...)
		return err
	}
	rows, err := b.dialect.CallProcedure(ctx, q, db.ProcCall{Name: o.proc, Args: args})
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

// scanAll reads every row of rows into driver values, as a caller that uses
// them must; it returns the rows as column → value maps.
func scanAll(rows *sql.Rows) ([]map[string]any, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for rows.Next() {
		r, err := scanOne(rows, cols)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func scanOne(rows *sql.Rows, cols []string) (map[string]any, error) {
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return nil, err
	}
	r := make(map[string]any, len(cols))
	for i, c := range cols {
		r[strings.ToUpper(c)] = vals[i]
	}
	return r, nil
}

// rowVal binds fields from a row (column names upper case).
func rowVal(r map[string]any) func(string) any {
	return func(f string) any { return r[f] }
}

// getUser is GET /Users/{id}: get_user_by_id, then get_user_entitlements
// with the row's values, on the pool (sqlscim opens no transaction for reads).
func (b *baseline) getUser(ctx context.Context, q db.Querier, id string) (map[string]any, []map[string]any, error) {
	rows, err := b.query(ctx, q, "get_user_by_id", func(string) any { return id })
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
	rows, err = b.query(ctx, q, "get_user_entitlements", rowVal(users[0]))
	if err != nil {
		return nil, nil, err
	}
	ents, err := scanAll(rows)
	return users[0], ents, err
}

// createUser is POST /Users with entitlements, in one transaction:
// get_user_by_id (the duplicate check), create_user, add_entitlement_to_user
// per entitlement, get_user_by_id and get_user_entitlements (the answer).
func (b *baseline) createUser(ctx context.Context, cols map[string]any, ents []int) error {
	tx, err := b.pool.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	q := b.lease.TxQuerier(tx)
	id := cols["USER_ID"].(string)
	rows, err := b.query(ctx, q, "get_user_by_id", func(string) any { return id })
	if err != nil {
		return err
	}
	if found, err := scanAll(rows); err != nil || len(found) > 0 {
		return fmt.Errorf("duplicate check of %s: %d rows, %v", id, len(found), err)
	}
	if err := b.exec(ctx, q, "create_user", rowVal(cols)); err != nil {
		return err
	}
	for _, e := range ents {
		if err := b.exec(ctx, q, "add_entitlement_to_user", entVal(cols, e)); err != nil {
			return err
		}
	}
	if _, _, err := b.getUser(ctx, q, id); err != nil {
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
func (b *baseline) replaceUser(ctx context.Context, cols map[string]any, remove, add int) error {
	tx, err := b.pool.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	q := b.lease.TxQuerier(tx)
	id := cols["USER_ID"].(string)
	cur, _, err := b.getUser(ctx, q, id)
	if err != nil {
		return err
	}
	next := map[string]any{}
	for k, v := range cur {
		next[k] = v
	}
	for k, v := range cols {
		next[k] = v
	}
	if err := b.exec(ctx, q, "update_user", rowVal(next)); err != nil {
		return err
	}
	if err := b.exec(ctx, q, "remove_entitlement_from_user", entVal(next, remove)); err != nil {
		return err
	}
	if err := b.exec(ctx, q, "add_entitlement_to_user", entVal(next, add)); err != nil {
		return err
	}
	if _, _, err := b.getUser(ctx, q, id); err != nil {
		return err
	}
	return tx.Commit()
}

// entitlements is GET /Entitlements: get_all_entitlements.
func (b *baseline) entitlements(ctx context.Context) (int, error) {
	rows, err := b.query(ctx, b.q, "get_all_entitlements", func(string) any { return nil })
	if err != nil {
		return 0, err
	}
	list, err := scanAll(rows)
	return len(list), err
}

// getUsersFrom is the wrapped Get Users statement sqlscim sends in SQL mode.
func (b *baseline) getUsersFrom() string {
	return " FROM (" + b.ops["get_users"].sql + ") sqlscim_u"
}

func (b *baseline) orderByID() string {
	return " ORDER BY sqlscim_u." + b.dialect.QuoteIdent(b.idColumn)
}

// listAll is unpaged GET /Users: every active user streamed from one
// connection, and get_user_entitlements for each through the pool (so on
// another connection), as sqlscim does. It returns the number of users.
func (b *baseline) listAll(ctx context.Context) (int, error) {
	var rows *sql.Rows
	var err error
	if b.ops["get_users"].proc != "" {
		rows, err = b.query(ctx, b.q, "get_users", func(string) any { return nil })
	} else {
		rows, err = b.q.QueryContext(ctx, "SELECT *"+b.getUsersFrom()+b.orderByID())
	}
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	n := 0
	for rows.Next() {
		u, err := scanOne(rows, cols)
		if err != nil {
			return n, err
		}
		er, err := b.query(ctx, b.q, "get_user_entitlements", rowVal(u))
		if err != nil {
			return n, err
		}
		if _, err := scanAll(er); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// importer runs the statements of an import page by page, as the engine
// does since its paged imports are linear (internal/provision/imports.go):
//
//   - SQL mode: the first page is COUNT(*) and LIMIT/OFFSET on the wrapped
//     Get Users; each later page continues after the last id served
//     (WHERE id > ? ORDER BY id LIMIT 100);
//   - procedure mode: the first page runs Get Users once and keeps the ids
//     of every user; each page then reads its users with get_user_by_id;
//
// then get_user_entitlements for each user of the page.
type importer struct {
	b      *baseline
	total  int
	lastID any
	ids    []string
}

// page returns the total and the number of users on the page.
func (im *importer) page(ctx context.Context, startIndex, count int) (total, got int, err error) {
	b := im.b
	var page []map[string]any
	if b.ops["get_users"].proc != "" {
		if startIndex == 1 || im.ids == nil {
			rows, err := b.query(ctx, b.q, "get_users", func(string) any { return nil })
			if err != nil {
				return 0, 0, err
			}
			all, err := scanAll(rows)
			if err != nil {
				return 0, 0, err
			}
			im.ids = make([]string, len(all))
			for i, u := range all {
				im.ids[i] = asText(u["USER_ID"])
			}
		}
		from := min(startIndex-1, len(im.ids))
		to := min(from+count, len(im.ids))
		for _, id := range im.ids[from:to] {
			rows, err := b.query(ctx, b.q, "get_user_by_id", func(string) any { return id })
			if err != nil {
				return 0, 0, err
			}
			users, err := scanAll(rows)
			if err != nil {
				return 0, 0, err
			}
			page = append(page, users...)
		}
		im.total = len(im.ids)
	} else {
		from := b.getUsersFrom()
		var rows *sql.Rows
		if startIndex == 1 || im.lastID == nil {
			if err := b.q.QueryRowContext(ctx, "SELECT COUNT(*)"+from).Scan(&im.total); err != nil {
				return 0, 0, err
			}
			rows, err = b.q.QueryContext(ctx, "SELECT *"+from+b.orderByID()+fmt.Sprintf(" LIMIT %d OFFSET %d", count, startIndex-1))
		} else {
			rows, err = b.q.QueryContext(ctx, "SELECT *"+from+" WHERE sqlscim_u."+b.dialect.QuoteIdent(b.idColumn)+" > "+b.dialect.Placeholder(1)+
				b.orderByID()+fmt.Sprintf(" LIMIT %d OFFSET 0", count), im.lastID)
		}
		if err != nil {
			return 0, 0, err
		}
		if page, err = scanAll(rows); err != nil {
			return 0, 0, err
		}
		if len(page) > 0 {
			im.lastID = asText(page[len(page)-1]["USER_ID"])
		}
	}
	for _, u := range page {
		rows, err := b.query(ctx, b.q, "get_user_entitlements", rowVal(u))
		if err != nil {
			return 0, 0, err
		}
		if _, err := scanAll(rows); err != nil {
			return 0, 0, err
		}
	}
	return im.total, len(page), nil
}

// asText is a text column's value as a string (MySQL returns []byte).
func asText(v any) string {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return fmt.Sprint(v)
}
