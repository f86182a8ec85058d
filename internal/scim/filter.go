package scim

import (
	"encoding/json"
	"strings"

	filter "github.com/scim2/filter-parser/v2"
)

// Filter is a parsed SCIM filter (RFC 7644 §3.4.2.2).
type Filter struct {
	raw  string
	expr filter.Expression
}

// ParseFilter parses a filter. Keywords and operators are case-insensitive.
// Any mistake, an empty filter or one longer than 4096 bytes is a 400
// invalidFilter error whose detail quotes the filter and says what to fix.
func ParseFilter(s string) (*Filter, error) {
	if len(s) > maxFilterLen {
		return nil, BadRequest(InvalidFilter, "the filter is %d bytes long; the limit is %d bytes", len(s), maxFilterLen)
	}
	if strings.TrimSpace(s) == "" {
		return nil, BadRequest(InvalidFilter, `the filter is empty; give an expression such as userName eq "bjensen"`)
	}
	if depth := nesting(s); depth > maxFilterNesting {
		return nil, BadRequest(InvalidFilter, "the filter nests parentheses or brackets %d deep; the limit is %d", depth, maxFilterNesting)
	}
	expr, err := parseFilterText(s)
	if err != nil {
		return nil, &Error{Status: 400, Type: InvalidFilter,
			Detail: "the filter " + quoteForMessage(s) + " is invalid: " + err.Error(), Cause: err}
	}
	return &Filter{raw: s, expr: expr}, nil
}

// maxFilterNesting bounds parentheses and brackets: the parser's cost grows
// with the depth, and no real filter needs more.
const maxFilterNesting = 32

// nesting is the deepest nesting of ( and [ outside quoted strings.
func nesting(s string) int {
	depth, deepest, inString := 0, 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '(' || c == '[':
			depth++
			deepest = max(deepest, depth)
		case c == ')' || c == ']':
			depth--
		}
	}
	return deepest
}

// Expr returns the parsed filter for translation into a query language.
//
// It is the tree filter.ParseFilter builds, with two differences: numbers
// are json.Number (as filter.ParseFilterNumber makes them), so that large
// integers keep their precision, and string values are unescaped (the
// library keeps JSON escapes such as \" as written). Value filters in
// brackets may hold any filter, not only the one or two comparisons the
// library's grammar allows. The tree must not be modified.
func (f *Filter) Expr() filter.Expression { return f.expr }

// FilterOf wraps part of a parsed filter's tree (one side of its "and", as
// Expr returns it) as a filter of its own.
func FilterOf(e filter.Expression) *Filter {
	f := &Filter{expr: e}
	f.raw = f.String()
	return f
}

// String renders the filter in canonical SCIM syntax: operators in lower
// case, strings JSON-quoted, parentheses only where precedence needs them.
func (f *Filter) String() string {
	if f == nil || f.expr == nil {
		return ""
	}
	return exprString(f.expr)
}

func exprString(e filter.Expression) string {
	switch x := e.(type) {
	case *filter.AttributeExpression:
		s := x.AttributePath.String() + " " + strings.ToLower(string(x.Operator))
		if x.Operator == filter.PR {
			return s
		}
		return s + " " + literalString(x.CompareValue)
	case *filter.LogicalExpression:
		return logicalOperand(x.Left, x.Operator) + " " + string(x.Operator) + " " + logicalOperand(x.Right, x.Operator)
	case *filter.NotExpression:
		return "not (" + exprString(x.Expression) + ")"
	case *filter.ValuePath:
		return x.AttributePath.String() + "[" + exprString(x.ValueFilter) + "]"
	}
	return ""
}

func logicalOperand(e filter.Expression, parent filter.LogicalOperator) string {
	if l, ok := e.(*filter.LogicalExpression); ok && parent == filter.AND && l.Operator == filter.OR {
		return "(" + exprString(e) + ")"
	}
	return exprString(e)
}

func literalString(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		b, _ := marshalNoEscape(x)
		return string(b)
	case bool:
		if x {
			return "true"
		}
		return "false"
	case json.Number:
		return string(x)
	}
	b, _ := marshalNoEscape(v)
	return string(b)
}

// Validate checks the filter against the schemas of the resources it will
// be matched with: gt, ge, lt and le have no meaning for a boolean or binary
// attribute, or for the value true or false, and RFC 7644 §3.4.2.2 wants
// such a filter refused with 400 invalidFilter rather than left to match
// nothing. rs may be nil; then only the values are checked. Attributes the
// schemas do not know are not an error: they match nothing.
func (f *Filter) Validate(rs *ResourceSchema) error {
	if f == nil || f.expr == nil {
		return nil
	}
	return f.validate(f.expr, scope{rs: rs})
}

func (f *Filter) validate(e filter.Expression, sc scope) error {
	switch x := e.(type) {
	case *filter.LogicalExpression:
		if err := f.validate(x.Left, sc); err != nil {
			return err
		}
		return f.validate(x.Right, sc)
	case *filter.NotExpression:
		return f.validate(x.Expression, sc)
	case *filter.ValuePath:
		return f.validate(x.ValueFilter, scope{parent: definition(x.AttributePath, sc), inElem: true})
	case *filter.AttributeExpression:
		// A value never returned is never compared either: pr, eq or sw on
		// a password hash would answer, a character at a time, what GET
		// hides.
		if a := definition(x.AttributePath, sc); a != nil && (a.Mutability == MutabilityWriteOnly || a.returned() == ReturnedNever) {
			return BadRequest(InvalidFilter, "the filter %s is invalid: %s is never returned, so it cannot be filtered on", quoteForMessage(f.raw), x.AttributePath.String())
		}
		op := strings.ToLower(string(x.Operator))
		if !orderingOps[op] {
			return nil
		}
		if _, isBool := x.CompareValue.(bool); isBool {
			return BadRequest(InvalidFilter, "the filter %s is invalid: %s cannot compare with %v; gt, ge, lt and le order numbers, dates and strings, and a boolean takes only eq or ne",
				quoteForMessage(f.raw), op, x.CompareValue)
		}
		a := definition(x.AttributePath, sc)
		if a != nil && a.Type == TypeComplex {
			a = subAttrOf(a, "value") // compared through its value, as in anyMatches
		}
		if a != nil && (a.Type == TypeBoolean || a.Type == TypeBinary) {
			return BadRequest(InvalidFilter, "the filter %s is invalid: %s cannot compare %s, a %s attribute; gt, ge, lt and le order numbers, dates and strings, and a %s attribute takes only eq or ne",
				quoteForMessage(f.raw), op, x.AttributePath.String(), a.Type, a.Type)
		}
	}
	return nil
}

// definition is the schema definition of the attribute a filter path names
// in its scope, or nil when the schemas do not have it.
func definition(p filter.AttributePath, sc scope) *Attribute {
	name, sub := p.AttributeName, p.SubAttributeName()
	var a *Attribute
	switch {
	case sc.inElem:
		a = subAttrOf(sc.parent, name)
	case strings.EqualFold(name, "meta") && p.URI() == "":
		m := metaAttribute
		a = &m
	case sc.rs != nil:
		if _, found, _, ok := sc.rs.Resolve(p.URI(), name, ""); ok {
			a = &found
		}
	}
	if sub == "" {
		return a
	}
	return subAttrOf(a, sub)
}

// Matches reports whether the resource r matches the filter. rs supplies the
// attribute types and caseExact characteristics; it may be nil, and then
// every string comparison is case-insensitive and URN-prefixed names are
// looked up in the resource's extension object of that name, when it has
// one.
//
// Semantics (RFC 7644 §3.4.2.2):
//   - attribute names are case-insensitive; a core URN prefix means the top
//     level, an extension URN its object; meta.* compares the meta object;
//   - strings compare case-insensitively unless the attribute is caseExact;
//     unknown attributes compare case-insensitively;
//   - gt/ge/lt/le compare numbers numerically (numeric strings count as
//     numbers when the other side or the attribute type is a number),
//     dateTime attributes as instants (RFC 3339, or a bare date) and other
//     strings lexicographically; booleans support only eq and ne;
//   - a multi-valued attribute matches when any value matches; the values of
//     a multi-valued complex attribute, and of a complex attribute such as
//     manager, are compared through their "value" sub-attribute;
//   - "pr" means present and not null, "" or an empty array or object;
//   - an attribute that is missing (or null) matches nothing except ne: ne
//     is always the negation of eq, so "title ne \"x\"" matches a user
//     without a title, and "emails ne \"x\"" matches when no email is x;
//   - "eq null" matches a missing attribute and "ne null" a present one.
func (f *Filter) Matches(r Resource, rs *ResourceSchema) bool {
	if f == nil || f.expr == nil {
		return true
	}
	return evalExpr(f.expr, map[string]any(r), scope{rs: rs})
}

// scope tells how attribute names in an expression resolve: against the
// resource (top level) or against one value of a multi-valued attribute
// inside a value filter.
type scope struct {
	rs     *ResourceSchema
	parent *Attribute // inside a value filter: the filtered attribute, if known
	inElem bool
}

func evalExpr(e filter.Expression, obj any, sc scope) bool {
	switch x := e.(type) {
	case *filter.LogicalExpression:
		if x.Operator == filter.OR {
			return evalExpr(x.Left, obj, sc) || evalExpr(x.Right, obj, sc)
		}
		return evalExpr(x.Left, obj, sc) && evalExpr(x.Right, obj, sc)
	case *filter.NotExpression:
		return !evalExpr(x.Expression, obj, sc)
	case *filter.ValuePath:
		raw, attr := lookup(obj, x.AttributePath, sc)
		elems, ok := asList(raw)
		if !ok {
			if raw == nil {
				return false
			}
			elems = []any{raw}
		}
		inner := scope{parent: attr, inElem: true}
		for _, el := range elems {
			if evalExpr(x.ValueFilter, el, inner) {
				return true
			}
		}
		return false
	case *filter.AttributeExpression:
		return evalComparison(x, obj, sc)
	}
	return false
}

// lookup finds the raw value an attribute path names and its definition
// (nil when unknown). For a path with a sub-attribute the raw value is the
// list of that sub-attribute's values over all values of the attribute.
func lookup(obj any, p filter.AttributePath, sc scope) (any, *Attribute) {
	name, sub := p.AttributeName, p.SubAttributeName()
	var container map[string]any
	var attr *Attribute
	if sc.inElem {
		m, ok := asMap(obj)
		if !ok {
			// A value of a multi-valued attribute of simple values: "value"
			// is the value itself.
			if strings.EqualFold(name, "value") && sub == "" {
				return obj, subAttrOf(sc.parent, "value")
			}
			return nil, nil
		}
		container = m
		attr = subAttrOf(sc.parent, name)
	} else {
		container, attr = topContainer(obj, p, sc.rs)
	}
	if container == nil {
		return nil, nil
	}
	raw, ok := getCI(container, name)
	if !ok {
		return nil, attr
	}
	if sub == "" {
		return raw, attr
	}
	subDef := subAttrOf(attr, sub)
	var out []any
	elems, isList := asList(raw)
	if !isList {
		elems = []any{raw}
	}
	for _, el := range elems {
		if m, ok := asMap(el); ok {
			if v, ok := getCI(m, sub); ok {
				if l, ok := asList(v); ok {
					out = append(out, l...)
				} else {
					out = append(out, v)
				}
			}
		}
	}
	if !isList && len(out) == 1 {
		return out[0], subDef
	}
	return out, subDef
}

// topContainer returns the object a top-level path lives in (the resource
// or one of its extension objects) and the attribute's definition.
func topContainer(obj any, p filter.AttributePath, rs *ResourceSchema) (map[string]any, *Attribute) {
	res, ok := asMap(obj)
	if !ok {
		return nil, nil
	}
	uri, name := p.URI(), p.AttributeName
	if strings.EqualFold(name, "meta") && (uri == "" || (rs != nil && strings.EqualFold(uri, rs.Core.ID))) {
		a := metaAttribute
		return res, &a
	}
	if rs != nil {
		if schemaURN, a, _, ok := rs.Resolve(uri, name, ""); ok {
			if schemaURN == "" {
				return res, &a
			}
			ext, _ := getCI(res, schemaURN)
			m, _ := asMap(ext)
			return m, &a
		}
	}
	if uri != "" {
		if ext, ok := getCI(res, uri); ok {
			if m, ok := asMap(ext); ok {
				return m, nil
			}
		}
		if rs != nil {
			if _, core, ok := rs.isSchemaID(uri); !ok || !core {
				// An extension the resource does not have, or a schema
				// this resource type does not use.
				return nil, nil
			}
		}
	}
	return res, nil
}

func subAttrOf(a *Attribute, name string) *Attribute {
	if a == nil {
		return nil
	}
	s, ok := a.Sub(name)
	if !ok {
		return nil
	}
	return &s
}

// evalComparison evaluates "attr op value" in its scope.
func evalComparison(x *filter.AttributeExpression, obj any, sc scope) bool {
	raw, attr := lookup(obj, x.AttributePath, sc)
	op := filter.CompareOperator(strings.ToLower(string(x.Operator)))
	if op == filter.PR {
		return present(raw)
	}
	if x.CompareValue == nil {
		switch op {
		case filter.EQ:
			return !present(raw)
		case filter.NE:
			return present(raw)
		}
		return false
	}
	if op == filter.NE {
		return !anyMatches(raw, filter.EQ, x.CompareValue, attr)
	}
	return anyMatches(raw, op, x.CompareValue, attr)
}

// anyMatches compares every value raw holds with want.
func anyMatches(raw any, op filter.CompareOperator, want any, attr *Attribute) bool {
	vals, isList := asList(raw)
	if !isList {
		vals = []any{raw}
	}
	for _, v := range vals {
		a := attr
		if m, ok := asMap(v); ok {
			// A complex value is compared through its "value".
			var found bool
			if v, found = getCI(m, "value"); !found {
				continue
			}
			a = subAttrOf(attr, "value")
		}
		if v == nil {
			continue
		}
		if compareValues(v, op, want, a) {
			return true
		}
	}
	return false
}

// present reports whether v counts as a value for "pr".
func present(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return x != ""
	}
	if m, ok := asMap(v); ok {
		for _, e := range m {
			if present(e) {
				return true
			}
		}
		return false
	}
	if l, ok := asList(v); ok {
		for _, e := range l {
			if present(e) {
				return true
			}
		}
		return false
	}
	return true
}

// matchElement reports whether one value of the multi-valued attribute a
// matches a value filter.
func matchElement(e filter.Expression, elem any, a *Attribute) bool {
	return evalExpr(e, elem, scope{parent: a, inElem: true})
}
