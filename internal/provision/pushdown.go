package provision

import (
	"strings"
	"time"

	filter "github.com/scim2/filter-parser/v2"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/scim"
)

// whereClause is a filter translated into SQL over the columns of the
// wrapped Get Users statement.
type whereClause struct {
	sql  string
	args []any
	// complete is true when the SQL selects exactly the filter's matches;
	// otherwise it selects a superset and the filter runs on each row too.
	complete bool
}

// pushdown translates what it can of a SCIM filter into a WHERE clause.
// Attributes held by one column translate; anything else (entitlements,
// meta, element types of multi-valued attributes) does not: an AND keeps
// only its translatable side, an OR needs both, and a NOT is dropped.
func pushdown(expr filter.Expression, m *mapping, d db.Dialect, firstArg int) whereClause {
	p := &pusher{m: m, d: d, next: firstArg}
	sql, complete := p.expr(expr)
	return whereClause{sql: sql, args: p.args, complete: complete}
}

type pusher struct {
	m    *mapping
	d    db.Dialect
	args []any
	next int
}

func (p *pusher) bind(v any) string {
	p.args = append(p.args, v)
	s := p.d.Placeholder(p.next)
	p.next++
	return s
}

// expr returns SQL ("" for "no condition") and whether it is exact.
func (p *pusher) expr(e filter.Expression) (string, bool) {
	switch x := e.(type) {
	case *filter.LogicalExpression:
		mark := len(p.args)
		left, lok := p.expr(x.Left)
		right, rok := p.expr(x.Right)
		if x.Operator == filter.AND {
			switch {
			case left == "":
				return right, false
			case right == "":
				return left, false
			}
			return "(" + left + " AND " + right + ")", lok && rok
		}
		if left == "" || right == "" {
			p.rewind(mark)
			return "", false
		}
		// Either side may select a superset of its matches; so does
		// the OR of the two then.
		return "(" + left + " OR " + right + ")", lok && rok
	case *filter.NotExpression:
		// SQL's NOT of a comparison with a NULL column is NULL, not true, so
		// NOT would drop users whose attribute is missing: evaluate it here.
		return "", false
	case *filter.AttributeExpression:
		return p.compare(x)
	}
	return "", false
}

func (p *pusher) rewind(mark int) {
	p.next -= len(p.args) - mark
	p.args = p.args[:mark]
}

// columnFor finds the single column behind a filter attribute path.
func (p *pusher) columnFor(path filter.AttributePath) (column, bool) {
	m := p.m
	urn := path.URI()
	name, sub := path.AttributeName, path.SubAttributeName()
	switch {
	case strings.EqualFold(urn, m.extURN):
		if sub != "" {
			return column{}, false
		}
		return m.column(name)
	case urn == "" || strings.EqualFold(urn, scim.UserSchemaURN):
		if strings.EqualFold(name, "meta") {
			switch {
			case strings.EqualFold(sub, "lastModified") && m.modifiedKey != "":
				return m.column(m.modifiedKey)
			case strings.EqualFold(sub, "created") && m.createdKey != "":
				return m.column(m.createdKey)
			}
			return column{}, false
		}
		if sub == "" && strings.EqualFold(name, "id") {
			return m.columns[m.byKey[m.idKey]], true
		}
		if sub == "" && strings.EqualFold(name, "userName") {
			if m.userNameKey != "" {
				return m.column(m.userNameKey)
			}
			return m.columns[m.byKey[m.idKey]], true
		}
		urn = ""
	case strings.EqualFold(urn, scim.EnterpriseUserURN):
		urn = scim.EnterpriseUserURN
	default:
		return column{}, false
	}
	var found []column
	for key, t := range m.targets {
		if t.urn != urn || !strings.EqualFold(t.attr, name) {
			continue
		}
		want := sub
		if want == "" && t.typ != "" {
			want = "value" // emails eq "x" compares the elements' values
		}
		if strings.EqualFold(t.sub, want) {
			c, _ := m.column(key)
			found = append(found, c)
		}
	}
	if len(found) != 1 {
		return column{}, false
	}
	return found[0], true
}

// compare translates one comparison, or returns "" when it cannot.
func (p *pusher) compare(x *filter.AttributeExpression) (string, bool) {
	col, ok := p.columnFor(x.AttributePath)
	if !ok {
		return "", false
	}
	if isMetaPath(x.AttributePath, x.AttributePath.SubAttributeName()) && col.kind == kindString && x.Operator != filter.PR {
		// Times kept as text compare as text in SQL, not as moments: the
		// filter runs here, on meta, which holds them parsed.
		return "", false
	}
	ref := "sqlscim_u." + p.d.QuoteIdent(col.name)
	if x.Operator == filter.PR {
		if col.kind == kindString {
			return "(" + ref + " IS NOT NULL AND " + ref + " <> '')", true
		}
		return ref + " IS NOT NULL", true
	}
	caseExact := col.key == p.m.idKey && !strings.EqualFold(x.AttributePath.AttributeName, "userName")
	isActive := false
	if t, ok := p.m.targets[col.key]; ok && t.attr == "active" && t.urn == "" {
		isActive = true
	}

	var value any
	switch v := x.CompareValue.(type) {
	case string:
		value = v
	case bool:
		if x.Operator != filter.EQ && x.Operator != filter.NE {
			return "", false
		}
		value = v
	case nil:
		return "", false
	default:
		value = v
	}
	if isActive && col.kind != kindInt && col.kind != kindBool {
		return "", false // a Y/N or text flag: only truthy() knows how to read it
	}
	switch {
	case col.kind == kindString && !isActive:
		s, isString := value.(string)
		if !isString {
			s = text(value)
		}
		return p.compareText(ref, x.Operator, s, caseExact, col.caseless)
	default:
		dbValue, err := toDB(value, col, true)
		if err != nil || dbValue == nil {
			return "", false
		}
		if tm, ok := dbValue.(time.Time); ok && isMetaPath(x.AttributePath, x.AttributePath.SubAttributeName()) {
			// meta times are UTC (columns without a zone are read as UTC),
			// and a driver may bind a timestamp by its wall clock.
			dbValue = tm.UTC()
		}
		op, ok := sqlOperators[x.Operator]
		if !ok {
			return "", false
		}
		if x.Operator == filter.NE {
			return "(" + ref + " IS NULL OR " + ref + " <> " + p.bind(dbValue) + ")", true
		}
		return ref + " " + op + " " + p.bind(dbValue), true
	}
}

var sqlOperators = map[filter.CompareOperator]string{
	filter.EQ: "=", filter.NE: "<>", filter.GT: ">", filter.GE: ">=", filter.LT: "<", filter.LE: "<=",
}

// compareText compares a text column; SCIM string attributes are
// case-insensitive unless caseExact.
func (p *pusher) compareText(ref string, op filter.CompareOperator, s string, caseExact, caseless bool) (string, bool) {
	if caseless {
		return p.compareCaseless(ref, op, s, caseExact)
	}
	col := ref
	if !caseExact {
		if p.d.Info().ASCIIFolding && !isASCII(s) {
			return "", false // the database's LOWER would leave the other letters alone
		}
		col = "LOWER(" + ref + ")"
		s = strings.ToLower(s)
	}
	switch op {
	case filter.EQ:
		return col + " = " + p.bind(s), true
	case filter.NE:
		return "(" + ref + " IS NULL OR " + col + " <> " + p.bind(s) + ")", true
	case filter.GT, filter.GE, filter.LT, filter.LE:
		return col + " " + sqlOperators[op] + " " + p.bind(s), true
	}
	sql := p.like(col, op, s)
	return sql, sql != ""
}

// compareCaseless compares a column whose collation ignores case, and
// maybe accents (utf8mb4_general_ci: "José" = "jose"). Its = and LIKE
// select a superset of the filter's matches, caseExact or not, which the
// filter then narrows; a plain = is served by the column's index, which
// LOWER would not be. Its <> and ordering are not the filter's, so they
// are left to the filter. A non-ASCII value compared without regard to
// case keeps LOWER, whose matches the collation need not include.
func (p *pusher) compareCaseless(ref string, op filter.CompareOperator, s string, caseExact bool) (string, bool) {
	col := ref
	if !caseExact && !isASCII(s) {
		col = "LOWER(" + ref + ")"
		s = strings.ToLower(s)
	}
	if op == filter.EQ {
		return col + " = " + p.bind(s), false
	}
	return p.like(col, op, s), false
}

// like is col LIKE the pattern of a co, sw or ew comparison with s.
func (p *pusher) like(col string, op filter.CompareOperator, s string) string {
	pattern := escapeLike(s)
	switch op {
	case filter.CO:
		pattern = "%" + pattern + "%"
	case filter.SW:
		pattern += "%"
	case filter.EW:
		pattern = "%" + pattern
	default:
		return ""
	}
	return col + " LIKE " + p.bind(pattern) + " ESCAPE '!'"
}

// escapeLike escapes LIKE wildcards with '!' (chosen over '\', which MySQL
// also treats as a string escape).
func escapeLike(s string) string {
	r := strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")
	return r.Replace(s)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
