package provision

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	filter "github.com/scim2/filter-parser/v2"

	"github.com/sqlscim/sqlscim/internal/scim"
)

// ListUsers answers GET /Users: it emits the users of the requested page in
// a stable order (by the user id column when the database sorts, else the
// order Get Users returns) and returns the number of matches.
//
// Every filter, id and userName included, selects among the users Get
// Users returns, so a deactivated user that Get Users leaves out is in no
// list. A Get Users SQL statement is wrapped, so the database filters,
// sorts, counts and pages; a stored procedure is read to the end and
// filtered here. Users stream: a full list is never held in memory.
func (t *Tenant) ListUsers(ctx context.Context, q scim.Query, emit func(scim.Resource) error) (_ int, err error) {
	ctx, wd, stop := t.guard(ctx)
	defer stop()
	defer func() { err = t.settle(ctx, err) }()
	m, err := t.discover(ctx)
	if err != nil {
		return 0, err
	}
	schema, err := t.UserSchema(ctx)
	if err != nil {
		return 0, err
	}
	l := &lister{t: t, m: m, q: q, schema: schema, emit: emit, wd: wd, source: GetUsers}
	if q.Filter != nil {
		since, rest, viaOp, err := l.checkMetaFilter()
		if err != nil {
			return 0, err
		}
		if viaOp {
			return l.modifiedUsers(ctx, since, rest)
		}
	}
	return l.scan(ctx)
}

type lister struct {
	t      *Tenant
	m      *mapping
	q      scim.Query
	schema *scim.ResourceSchema
	emit   func(scim.Resource) error
	wd     *watchdog
	// side is the second session of a scan; see sideSession.
	side *session
	// needsEntitlements is set when the filter looks at entitlements.
	needsEntitlements bool
	// source is the operation whose rows are read: get_users, or
	// get_users_modified_since.
	source OpName
}

// inPage reports whether the n-th match (1-based) is on the requested page.
func (l *lister) inPage(n int) bool {
	if n < l.q.StartIndex {
		return false
	}
	return l.q.Count < 0 || n < l.q.StartIndex+l.q.Count
}

func (l *lister) withEntitlements() bool { return !l.q.SkipEntitlements }

// queryKey identifies a listing for the import cache.
func (l *lister) queryKey() string {
	f := ""
	if l.q.Filter != nil {
		f = l.q.Filter.String()
	}
	return fmt.Sprintf("%d|%t|%s", l.q.Count, l.q.SkipEntitlements, f)
}

// getUsersWrappable reports whether Get Users is a plain SELECT, which a
// filter, a page or a probe can wrap as a derived table.
func (t *Tenant) getUsersWrappable() bool {
	st := t.stmts[GetUsers]
	return st.sql != "" && firstWord(st.sql, t.dialect.Info().Syntax) == "SELECT"
}

// scan lists users through Get Users.
func (l *lister) scan(ctx context.Context) (int, error) {
	t := l.t
	if l.q.Filter != nil {
		l.needsEntitlements = mentionsEntitlements(l.q.Filter.Expr())
	}
	st := t.stmts[GetUsers]
	wrappable := t.getUsersWrappable()
	s, err := t.openScan(ctx, t.needsTx(GetUsers))
	if err != nil {
		return 0, err
	}
	defer s.close()

	if !wrappable {
		if l.q.Count >= 0 {
			return l.fromSnapshot(ctx, s)
		}
		rows, err := t.query(ctx, s.q, GetUsers, func(string) (any, bool) { return nil, false })
		if err != nil {
			return 0, err
		}
		return l.filterRows(ctx, rows)
	}

	inner, err := t.bind(GetUsers, func(string) (any, bool) { return nil, false })
	if err != nil {
		return 0, err
	}
	args := plain(inner)
	from := " FROM (" + st.derived + ") sqlscim_u"
	var where whereClause
	if l.q.Filter != nil {
		where = pushdown(l.q.Filter.Expr(), l.m, t.dialect, len(args)+1)
	} else {
		where.complete = true
	}
	if where.sql != "" {
		from += " WHERE " + where.sql
		args = append(args, where.args...)
	}
	idRef := "sqlscim_u." + t.dialect.QuoteIdent(l.m.columns[l.m.byKey[l.m.idKey]].name)
	order := " ORDER BY " + idRef
	start := time.Now()

	if !where.complete || l.needsEntitlements || l.q.Count < 0 {
		// The filter runs here, or the list is unpaged: stream every row.
		rows, err := s.q.QueryContext(ctx, "SELECT *"+from+order, args...)
		t.timed(GetUsers, start)
		if err != nil {
			return 0, t.opError(GetUsers, err)
		}
		return l.filterRows(ctx, rows)
	}

	// A page. Continuing an import: the rows after the last id served.
	key := l.queryKey()
	var total int
	var rows *sql.Rows
	if _, lastID, known, ok := t.imports.cursor(key, l.q.StartIndex); ok {
		total = known
		join := " WHERE "
		if where.sql != "" {
			join = " AND "
		}
		rows, err = s.q.QueryContext(ctx, "SELECT *"+from+join+idRef+" > "+t.dialect.Placeholder(len(args)+1)+order+t.dialect.Info().Page(l.q.Count, 0), append(args, lastID)...)
	} else {
		if err := s.q.QueryRowContext(ctx, "SELECT COUNT(*)"+from, args...).Scan(&total); err != nil {
			t.timed(GetUsers, start)
			return 0, t.opError(GetUsers, err)
		}
		if l.q.Count == 0 || l.q.StartIndex > total {
			t.timed(GetUsers, start)
			return total, nil
		}
		rows, err = s.q.QueryContext(ctx, "SELECT *"+from+order+t.dialect.Info().Page(l.q.Count, l.q.StartIndex-1), args...)
	}
	t.timed(GetUsers, start)
	if err != nil {
		return 0, t.opError(GetUsers, err)
	}
	page, err := l.collect(rows)
	if err != nil {
		return 0, err
	}
	if len(page) > 0 {
		t.imports.advance(key, l.q.StartIndex+len(page), page[len(page)-1][l.m.idKey], total)
	}
	return total, l.emitPage(ctx, page)
}

// fromSnapshot serves a page of a stored procedure's listing: the first
// page runs the procedure and records the ids of every match; the next
// pages of the same import read their users by id.
func (l *lister) fromSnapshot(ctx context.Context, s *session) (int, error) {
	key := l.queryKey()
	ids := l.t.imports.snapshot(key, l.q.StartIndex)
	if ids == nil {
		rows, err := l.t.query(ctx, s.q, GetUsers, func(string) (any, bool) { return nil, false })
		if err != nil {
			return 0, err
		}
		ids = []string{}
		if _, err := l.eachMatch(ctx, rows, func(_ int, r row, _ scim.Resource, _ bool) error {
			ids = append(ids, text(r[l.m.idKey]))
			return nil
		}); err != nil {
			return 0, err
		}
		l.t.imports.keep(key, ids)
	}
	total := len(ids)
	from := min(l.q.StartIndex-1, total)
	to := total
	if l.q.Count >= 0 {
		to = min(from+l.q.Count, total)
	}
	p := l.newPipeline(ctx)
	for _, id := range ids[from:to] {
		err := p.add(nil, func(ctx context.Context, ws *session) (scim.Resource, error) {
			r, err := l.t.fetchUser(ctx, ws, l.m, id)
			if err != nil || r == nil { // nil: deleted since the first page
				return nil, err
			}
			return l.t.complete(ctx, ws, l.m, r, l.withEntitlements())
		})
		if err != nil {
			break
		}
	}
	return total, p.finish()
}

// sideSession is a second session for lookups while the rows of a scan
// hold the first one's connection. It lasts until eachMatch returns, so a
// scan holds at most two connections, and only while it reads its rows.
func (l *lister) sideSession(ctx context.Context) (*session, error) {
	if l.side == nil {
		s, err := l.t.open(ctx, l.t.readTx())
		if err != nil {
			return nil, err
		}
		l.side = s
	}
	return l.side, nil
}

func (l *lister) closeSide() {
	if l.side != nil {
		l.side.close()
		l.side = nil
	}
}

// eachMatch reads rows to the end and calls fn with every row that matches
// the filter, numbered from 1. When the filter looks at entitlements, the
// user is completed first (res has them, haveEnts is true).
func (l *lister) eachMatch(ctx context.Context, rows *sql.Rows, fn func(n int, r row, res scim.Resource, haveEnts bool) error) (int, error) {
	defer l.closeSide()
	matched := 0
	err := l.eachRow(rows, func(r row) error {
		res := l.m.toResource(r)
		haveEnts := false
		if l.q.Filter != nil {
			if l.needsEntitlements {
				ss, err := l.sideSession(ctx)
				if err != nil {
					return err
				}
				if res, err = l.t.complete(ctx, ss, l.m, r, true); err != nil {
					return err
				}
				haveEnts = true
			}
			if !l.q.Filter.Matches(res, l.schema) {
				return nil
			}
		}
		matched++
		return fn(matched, r, res, haveEnts)
	})
	if err != nil {
		return 0, err
	}
	return matched, nil
}

// filterRows keeps the matches of the filter and emits those on the page:
// directly when unpaged, after the scan otherwise.
func (l *lister) filterRows(ctx context.Context, rows *sql.Rows) (int, error) {
	// A paged scan keeps its page (a few users) until the scan ends; an
	// unpaged one passes users on as they come. Either way entitlements are
	// added by the pipeline, on other connections.
	type entry struct {
		res      scim.Resource
		r        row
		haveEnts bool
	}
	var page []entry
	var p *pipeline
	if l.q.Count < 0 {
		p = l.newPipeline(ctx)
	}
	matched, err := l.eachMatch(ctx, rows, func(n int, r row, res scim.Resource, haveEnts bool) error {
		if !l.inPage(n) {
			return nil
		}
		if p == nil {
			page = append(page, entry{res: res, r: r, haveEnts: haveEnts})
			return nil
		}
		return p.add(l.finishing(res, r, haveEnts))
	})
	if p != nil {
		if ferr := p.finish(); err == nil {
			err = ferr
		}
		return matched, err
	}
	if err != nil {
		return 0, err
	}
	p = l.newPipeline(ctx)
	for _, e := range page {
		if err := p.add(l.finishing(e.res, e.r, e.haveEnts)); err != nil {
			break
		}
	}
	return matched, p.finish()
}

// finishing is what the pipeline must do with a matching user: add its
// entitlements, or drop any it has when the client excluded them.
func (l *lister) finishing(res scim.Resource, r row, haveEnts bool) (scim.Resource, func(context.Context, *session) (scim.Resource, error)) {
	switch {
	case !l.withEntitlements():
		delete(res, "entitlements")
		return res, nil
	case haveEnts:
		return res, nil
	}
	return res, l.withEntitlementsOf(res, r)
}

// collect reads a page of rows into memory (a page is small).
func (l *lister) collect(rows *sql.Rows) ([]row, error) {
	var out []row
	err := l.eachRow(rows, func(r row) error {
		out = append(out, r)
		return nil
	})
	return out, err
}

// eachRow reads Get Users rows to the end, checks their columns once and
// calls fn with each row; it closes rows.
func (l *lister) eachRow(rows *sql.Rows, fn func(r row) error) error {
	defer rows.Close()
	cols, err := l.t.resultColumns(l.source, rows)
	if err != nil {
		return l.t.opError(l.source, err)
	}
	if err := l.checkColumns(cols); err != nil {
		return err
	}
	var sc rowScanner
	for rows.Next() {
		l.wd.progress()
		r, err := sc.read(rows, cols)
		if err != nil {
			return l.t.opError(l.source, err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return l.t.opError(l.source, err)
	}
	return nil
}

// emitPage completes and emits a page of rows, which the database
// returned ordered by the id column: with get_entitlements_of_users, the
// page's entitlements come in one query over its range of ids; else each
// user's through get_user_entitlements, a few at once.
func (l *lister) emitPage(ctx context.Context, page []row) error {
	if l.withEntitlements() && len(page) > 0 && l.t.bulkEntitlements() {
		ents, err := l.t.entitlementsOfRange(ctx, l.m, page)
		if err != nil {
			return err
		}
		for _, r := range page {
			res := l.m.toResource(r)
			if list := ents[text(r[l.m.idKey])]; len(list) > 0 {
				res["entitlements"] = list
			}
			l.wd.progress()
			if err := l.emit(res); err != nil {
				return err
			}
		}
		return nil
	}
	p := l.newPipeline(ctx)
	for _, r := range page {
		if err := p.add(l.finishing(l.m.toResource(r), r, false)); err != nil {
			break
		}
	}
	return p.finish()
}

// checkColumns makes sure a Get Users result still has the user id column.
func (l *lister) checkColumns(cols []column) error {
	for _, c := range cols {
		if c.key == l.m.idKey {
			return nil
		}
	}
	return fmt.Errorf("%s no longer returns the user id column %s", l.source, l.m.idKey)
}

// mentionsEntitlements reports whether a filter looks at entitlements.
func mentionsEntitlements(e filter.Expression) bool {
	switch x := e.(type) {
	case *filter.LogicalExpression:
		return mentionsEntitlements(x.Left) || mentionsEntitlements(x.Right)
	case *filter.NotExpression:
		return mentionsEntitlements(x.Expression)
	case *filter.AttributeExpression:
		return strings.EqualFold(x.AttributePath.AttributeName, "entitlements")
	case *filter.ValuePath:
		return strings.EqualFold(x.AttributePath.AttributeName, "entitlements")
	}
	return false
}
