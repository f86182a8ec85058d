package provision

import (
	"context"
	"database/sql"
	"strings"
)

// markCaseless marks the text columns of Get Users whose collation already
// compares without regard to case (MySQL's and MariaDB's default, ..._ci),
// so that a filter's "eq" on them is a plain =, which the column's index
// serves. With LOWER on both sides – what any other column gets – the
// database reads every row: Okta's userName lookups, and the check for a
// taken userName before every create, would grow with the table.
//
// The probe reads no row: the columns of an empty result keep their
// collations. A product without CollationOf, a Get Users that is not a
// plain SELECT, or a probe that fails marks nothing, which is slower and
// just as correct.
func (t *Tenant) markCaseless(ctx context.Context, m *mapping) {
	info := t.dialect.Info()
	if info.CollationOf == "" || !t.getUsersWrappable() {
		return
	}
	st := t.stmts[GetUsers]
	var exprs []string
	var text []int
	for i, c := range m.columns {
		if c.kind == kindString {
			exprs = append(exprs, info.CollationOf+"(sqlscim_u."+t.dialect.QuoteIdent(c.name)+")")
			text = append(text, i)
		}
	}
	if len(text) == 0 {
		return
	}
	inner, err := t.bind(GetUsers, func(string) (any, bool) { return nil, false })
	if err != nil {
		return
	}
	s, err := t.open(ctx, t.needsTx(GetUsers))
	if err != nil {
		return
	}
	defer s.close()
	probe := "SELECT " + strings.Join(exprs, ", ") +
		" FROM (SELECT 1 AS sqlscim_one) sqlscim_d LEFT JOIN (SELECT * FROM (" + st.derived + ") sqlscim_q" +
		info.Page(0, 0) + ") sqlscim_u ON 1 = 1"
	names := make([]sql.NullString, len(text))
	dest := make([]any, len(text))
	for i := range names {
		dest[i] = &names[i]
	}
	if err := s.q.QueryRowContext(ctx, probe, plain(inner)...).Scan(dest...); err != nil {
		return
	}
	for i, n := range names {
		m.columns[text[i]].caseless = info.CaseInsensitive(n.String)
	}
}
