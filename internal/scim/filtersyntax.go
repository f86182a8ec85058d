package scim

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	filter "github.com/scim2/filter-parser/v2"
)

// This file turns filter and path text into the parser's AST and, when that
// fails, explains in words what is wrong.
//
// The parser (github.com/scim2/filter-parser/v2) accepts case-insensitive
// keywords and operators but needs help with a few things, which prepare
// does before parsing, never changing the meaning of quoted strings:
//   - whitespace other than spaces (tabs, newlines) and leading or trailing
//     whitespace: turned into or trimmed to single spaces;
//   - "(a pr)and(b pr)": spaces are put around parentheses;
//   - \u escapes with lower-case hex digits, which its grammar refuses: the
//     digits are upper-cased;
//   - value filters in brackets: its grammar allows only one or two
//     comparisons and no parentheses there, so each bracket's content is
//     parsed as a filter of its own and put back into the tree.
// After parsing, string values are JSON-unescaped (the parser keeps the
// escapes) so that the tree holds the values the client meant.

// placeholderAttr stands in for the content of value-filter brackets.
const placeholderAttr = "sqlscimValueFilter"

// maxFilterLen is the longest filter accepted, in bytes.
const maxFilterLen = 4096

var errSyntax = errors.New("syntax error")

// prepare normalises s for the parser and cuts out bracket contents.
func prepare(s string) (string, []string, error) {
	var b strings.Builder
	var inner []string
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case '"':
			end, ok := scanString(s, i)
			if !ok {
				return "", nil, errSyntax
			}
			b.WriteString(fixString(s[i:end]))
			i = end
		case '[':
			end, ok := scanBracket(s, i)
			if !ok {
				return "", nil, errSyntax
			}
			fmt.Fprintf(&b, "[%s eq %d]", placeholderAttr, len(inner))
			inner = append(inner, s[i+1:end-1])
			i = end
		case '(', ')':
			b.WriteByte(' ')
			b.WriteByte(c)
			b.WriteByte(' ')
			i++
		case '\t', '\n', '\r', '\f', '\v':
			b.WriteByte(' ')
			i++
		default:
			b.WriteByte(c)
			i++
		}
	}
	return strings.TrimSpace(b.String()), inner, nil
}

// scanString returns the index just past the string literal starting at
// s[i] == '"'.
func scanString(s string, i int) (int, bool) {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1, true
		}
	}
	return 0, false
}

// scanBracket returns the index just past the "]" that closes the "[" at
// s[i]; brackets cannot nest.
func scanBracket(s string, i int) (int, bool) {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '"':
			end, ok := scanString(s, j)
			if !ok {
				return 0, false
			}
			j = end - 1
		case '[':
			return 0, false
		case ']':
			return j + 1, true
		}
	}
	return 0, false
}

// fixString makes a string literal acceptable to the parser without
// changing its value: the hex digits of \u escapes are upper-cased and raw
// control characters are escaped.
func fixString(lit string) string {
	var b strings.Builder
	for i := 0; i < len(lit); i++ {
		c := lit[i]
		switch {
		case c == '\\' && i+1 < len(lit):
			b.WriteByte(c)
			i++
			b.WriteByte(lit[i])
			if lit[i] == 'u' {
				for j := 0; j < 4 && i+1 < len(lit); j++ {
					i++
					h := lit[i]
					if h >= 'a' && h <= 'f' {
						h -= 'a' - 'A'
					}
					b.WriteByte(h)
				}
			}
		case c < 0x20:
			fmt.Fprintf(&b, "\\u%04X", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// parseFilterText parses a filter into the parser's AST.
func parseFilterText(s string) (filter.Expression, error) {
	norm, inner, err := prepare(s)
	if err != nil {
		return nil, err
	}
	if norm == "" {
		return nil, errSyntax
	}
	expr, err := filter.ParseFilterNumber([]byte(norm))
	if err != nil {
		return nil, err
	}
	return finishExpr(expr, inner)
}

// parsePathText parses a PATCH path into the parser's AST.
func parsePathText(s string) (filter.Path, error) {
	norm, inner, err := prepare(s)
	if err != nil || norm == "" || len(inner) > 1 {
		return filter.Path{}, errSyntax
	}
	p, err := filter.ParsePathNumber([]byte(norm))
	if err != nil {
		return filter.Path{}, err
	}
	if p.ValueExpression != nil {
		p.ValueExpression, err = innerFilter(p.ValueExpression, inner)
		if err != nil {
			return filter.Path{}, err
		}
	}
	return p, nil
}

// innerFilter parses the bracket content a placeholder stands for.
func innerFilter(placeholder filter.Expression, inner []string) (filter.Expression, error) {
	ae, ok := placeholder.(*filter.AttributeExpression)
	if !ok || ae.AttributePath.AttributeName != placeholderAttr {
		return nil, errSyntax
	}
	n, ok := ae.CompareValue.(json.Number)
	if !ok {
		return nil, errSyntax
	}
	i, err := strconv.Atoi(string(n))
	if err != nil || i < 0 || i >= len(inner) {
		return nil, errSyntax
	}
	norm, nested, err := prepare(inner[i])
	if err != nil || norm == "" || len(nested) > 0 {
		return nil, errSyntax
	}
	e, err := filter.ParseFilterNumber([]byte(norm))
	if err != nil {
		return nil, err
	}
	return finishExpr(e, nil)
}

// finishExpr puts bracket contents back and unescapes string values.
func finishExpr(e filter.Expression, inner []string) (filter.Expression, error) {
	switch x := e.(type) {
	case *filter.AttributeExpression:
		if s, ok := x.CompareValue.(string); ok {
			var u string
			if err := json.Unmarshal([]byte(`"`+s+`"`), &u); err != nil {
				return nil, err
			}
			x.CompareValue = u
		}
		if x.AttributePath.AttributeName == placeholderAttr {
			return nil, errSyntax
		}
	case *filter.LogicalExpression:
		l, err := finishExpr(x.Left, inner)
		if err != nil {
			return nil, err
		}
		r, err := finishExpr(x.Right, inner)
		if err != nil {
			return nil, err
		}
		x.Left, x.Right = l, r
	case *filter.NotExpression:
		in, err := finishExpr(x.Expression, inner)
		if err != nil {
			return nil, err
		}
		x.Expression = in
	case *filter.ValuePath:
		if inner == nil {
			return nil, errSyntax // a value path inside a value filter
		}
		vf, err := innerFilter(x.ValueFilter, inner)
		if err != nil {
			return nil, err
		}
		x.ValueFilter = vf
	default:
		return nil, errSyntax
	}
	return e, nil
}

// ---- diagnostics ----

type tokKind int

const (
	tkEOF tokKind = iota
	tkWord
	tkString
	tkBadString
	tkLParen
	tkRParen
	tkLBrack
	tkRBrack
)

type token struct {
	kind tokKind
	text string
	pos  int // 1-based character position
}

// describe names a token for messages.
func (t token) describe() string {
	switch t.kind {
	case tkEOF:
		return "the end of the text"
	case tkString:
		return "the string " + t.text
	}
	return `"` + t.text + `"`
}

// tokenize splits filter text into words, strings, parentheses and brackets.
func tokenize(s string) []token {
	var toks []token
	pos := func(i int) int { return utf8.RuneCountInString(s[:i]) + 1 }
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '"':
			end, ok := scanString(s, i)
			if !ok {
				toks = append(toks, token{tkBadString, s[i:], pos(i)})
				i = len(s)
				continue
			}
			toks = append(toks, token{tkString, s[i:end], pos(i)})
			i = end
		case c == '(' || c == ')' || c == '[' || c == ']':
			k := map[byte]tokKind{'(': tkLParen, ')': tkRParen, '[': tkLBrack, ']': tkRBrack}[c]
			toks = append(toks, token{k, string(c), pos(i)})
			i++
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n\r\f\v()[]\"", rune(s[j])) {
				j++
			}
			toks = append(toks, token{tkWord, s[i:j], pos(i)})
			i = j
		}
	}
	return append(toks, token{tkEOF, "", utf8.RuneCountInString(s) + 1})
}

var (
	attrPathRE  = regexp.MustCompile(`^(?:[A-Za-z0-9.\-]+:)*\$?[A-Za-z][A-Za-z0-9_\-]*(?:\.\$?[A-Za-z][A-Za-z0-9_\-]*)?$`)
	subAttrRE   = regexp.MustCompile(`^\.\$?[A-Za-z][A-Za-z0-9_\-]*$`)
	jsonNumRE   = regexp.MustCompile(`^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$`)
	compareOps  = map[string]bool{"eq": true, "ne": true, "co": true, "sw": true, "ew": true, "gt": true, "ge": true, "lt": true, "le": true}
	orderingOps = map[string]bool{"gt": true, "ge": true, "lt": true, "le": true}
)

const opList = "eq, ne, co, sw, ew, gt, ge, lt, le or pr"

// checker is a recursive-descent reader of the SCIM filter grammar that only
// looks for the first mistake and describes it.
type checker struct {
	toks    []token
	i       int
	inValue *token // the "[" of the value filter being read
}

type diag struct{ msg string }

func (c *checker) peek() token { return c.toks[c.i] }

func (c *checker) next() token {
	t := c.toks[c.i]
	if t.kind != tkEOF {
		c.i++
	}
	return t
}

func (c *checker) fail(format string, args ...any) {
	panic(diag{fmt.Sprintf(format, args...)})
}

func isWord(t token, w string) bool { return t.kind == tkWord && strings.EqualFold(t.text, w) }

// run calls f and returns the first diagnosis, or "".
func run(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			d, ok := r.(diag)
			if !ok {
				panic(r)
			}
			msg = d.msg
		}
	}()
	f()
	return ""
}

// diagnoseFilter explains what is wrong with a filter, or returns "".
func diagnoseFilter(s string) string {
	c := &checker{toks: tokenize(s)}
	return run(func() {
		c.or()
		c.end(nil)
	})
}

// end expects the end of the filter, or the ")" / "]" matching open.
func (c *checker) end(open *token) {
	t := c.next()
	switch {
	case open == nil && t.kind == tkEOF:
		return
	case open != nil && open.kind == tkLParen && t.kind == tkRParen,
		open != nil && open.kind == tkLBrack && t.kind == tkRBrack:
		return
	case t.kind == tkEOF && open.kind == tkLParen:
		c.fail(`the "(" at character %d is never closed; add ")"`, open.pos)
	case t.kind == tkEOF && open.kind == tkLBrack:
		c.fail(`the "[" at character %d is never closed; add "]"`, open.pos)
	case t.kind == tkRParen:
		c.fail(`the ")" at character %d has no matching "("`, t.pos)
	case t.kind == tkRBrack:
		c.fail(`the "]" at character %d has no matching "["`, t.pos)
	case t.kind == tkWord && c.i >= 2 && c.toks[c.i-2].kind == tkWord && !isWord(c.toks[c.i-2], "pr"):
		// Two words in a row after a complete comparison: most likely an
		// unquoted value with a space in it.
		c.fail(`expected "and" or "or" at character %d, found %s; values with spaces must be in double quotes`, t.pos, t.describe())
	}
	want := `"and", "or" or the end of the filter`
	if open != nil {
		want = `"and", "or" or "` + map[tokKind]string{tkLParen: ")", tkLBrack: "]"}[open.kind] + `"`
	}
	c.fail("expected %s at character %d, found %s", want, t.pos, t.describe())
}

func (c *checker) or() {
	c.and()
	for isWord(c.peek(), "or") {
		c.connective()
		c.and()
	}
}

func (c *checker) and() {
	c.unary()
	for isWord(c.peek(), "and") {
		c.connective()
		c.unary()
	}
}

// connective reads "and" / "or" and makes sure an expression follows.
func (c *checker) connective() {
	t := c.next()
	switch n := c.peek(); n.kind {
	case tkEOF, tkRParen, tkRBrack:
		c.fail(`"%s" at character %d must be followed by another expression, as in userName eq "bjensen" %s title pr`, t.text, t.pos, strings.ToLower(t.text))
	}
}

func (c *checker) unary() {
	t := c.next()
	switch t.kind {
	case tkEOF:
		c.fail(`the filter ends where an expression was expected, such as userName eq "bjensen"`)
	case tkLParen:
		c.or()
		c.end(&t)
		return
	case tkRParen:
		if c.i >= 2 && c.toks[c.i-2].kind == tkLParen {
			c.fail(`the parentheses at character %d are empty; put an expression inside, as in (userName eq "bjensen")`, c.toks[c.i-2].pos)
		}
		c.fail(`the ")" at character %d has no matching "("`, t.pos)
	case tkRBrack:
		if c.inValue != nil && c.i >= 2 && c.toks[c.i-2].kind == tkLBrack {
			c.fail(`the brackets at character %d are empty; put a filter inside, as in emails[type eq "work"]`, c.inValue.pos)
		}
		c.fail(`the "]" at character %d has no matching "["`, t.pos)
	case tkLBrack:
		c.fail(`the "[" at character %d must follow a multi-valued attribute, as in emails[type eq "work"]`, t.pos)
	case tkString:
		c.fail(`found %s at character %d where an attribute name was expected`, t.describe(), t.pos)
	case tkBadString:
		c.fail(`the string starting at character %d has no closing double quote (")`, t.pos)
	}
	if isWord(t, "not") {
		if p := c.next(); p.kind != tkLParen {
			c.fail(`"not" at character %d must be followed by an expression in parentheses, as in not (userName eq "bjensen")`, t.pos)
		} else {
			c.or()
			c.end(&p)
		}
		return
	}
	c.attrName(t)
	if n := c.peek(); n.kind == tkLBrack {
		c.next()
		if c.inValue != nil {
			c.fail(`the "[" at character %d opens a value filter inside the value filter at character %d; value filters cannot be nested`, n.pos, c.inValue.pos)
		}
		c.inValue = &n
		c.or()
		c.end(&n)
		c.inValue = nil
		if s := c.peek(); s.kind == tkWord && strings.HasPrefix(s.text, ".") {
			c.fail(`%s at character %d: a sub-attribute after "]" is only allowed in PATCH paths; in a filter put the condition inside the brackets, as in %s[type eq "work" and value co "@example.com"]`, s.describe(), s.pos, t.text)
		}
		return
	}
	c.comparison(t)
}

// attrName checks that t is an attribute path.
func (c *checker) attrName(t token) {
	if strings.ContainsAny(t.text, "=!<>") {
		c.fail(`%s at character %d: SCIM filters use the operators %s, not =, !=, < or >`, t.describe(), t.pos, opList)
	}
	if isWord(t, "and") || isWord(t, "or") {
		c.fail(`"%s" at character %d must be between two expressions`, t.text, t.pos)
	}
	if !attrPathRE.MatchString(t.text) {
		c.fail(`%s at character %d is not an attribute name; names start with a letter and contain letters, digits, "_" and "-", as in userName, name.givenName or urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`, t.describe(), t.pos)
	}
}

// comparison reads the operator and value after the attribute path attr.
func (c *checker) comparison(attr token) {
	op := c.next()
	switch {
	case op.kind == tkEOF:
		c.fail(`%s needs a comparison operator and a value, as in %s eq "bjensen", or "pr" to test that it has a value`, attr.describe(), attr.text)
	case isWord(op, "pr"):
		if v := c.peek(); v.kind == tkString || (v.kind == tkWord && (jsonNumRE.MatchString(v.text) || isLiteral(v.text))) {
			c.fail(`"pr" at character %d takes no value; write %s pr`, op.pos, attr.text)
		}
		return
	case isWord(op, "and") || isWord(op, "or"):
		c.fail(`%s needs a comparison operator before "%s" at character %d, as in %s eq "bjensen" or %s pr`, attr.describe(), op.text, op.pos, attr.text, attr.text)
	case op.kind != tkWord:
		c.fail(`expected a comparison operator (%s) after %s at character %d, found %s`, opList, attr.describe(), op.pos, op.describe())
	case strings.ContainsAny(op.text, "=!<>"):
		c.fail(`%s at character %d is not a comparison operator; SCIM filters use %s, not =, !=, < or >`, op.describe(), op.pos, opList)
	case !compareOps[strings.ToLower(op.text)]:
		c.fail(`%s at character %d is not a comparison operator; use %s`, op.describe(), op.pos, opList)
	}
	example := `"bjensen"`
	if orderingOps[strings.ToLower(op.text)] {
		example = `"2011-05-13T04:42:34Z"`
	}
	v := c.next()
	switch v.kind {
	case tkString:
		var u string
		if json.Unmarshal([]byte(fixString(v.text)), &u) != nil {
			c.fail(`the string at character %d is not a valid JSON string; escape control characters, and use only the escapes \" \\ \/ \b \f \n \r \t and \uXXXX`, v.pos)
		}
		return
	case tkBadString:
		c.fail(`the string starting at character %d has no closing double quote (")`, v.pos)
	case tkEOF, tkRParen, tkRBrack:
		c.fail(`a comparison needs a value, as in %s %s %s`, attr.text, op.text, example)
	case tkWord:
		switch {
		case isLiteral(v.text), jsonNumRE.MatchString(v.text):
			return
		case strings.HasPrefix(v.text, "'"):
			c.fail(`the value %s at character %d is in single quotes; strings must be in double quotes, as in %s %s "%s"`, v.text, v.pos, attr.text, op.text, strings.Trim(v.text, "'"))
		case isWord(v, "and") || isWord(v, "or"):
			c.fail(`a comparison needs a value before "%s" at character %d, as in %s %s %s`, v.text, v.pos, attr.text, op.text, example)
		}
		c.fail(`the value %s at character %d must be in double quotes, as in %s %s "%s"`, v.text, v.pos, attr.text, op.text, v.text)
	}
	c.fail(`expected a value after %s at character %d, found %s`, op.describe(), v.pos, v.describe())
}

func isLiteral(s string) bool {
	return strings.EqualFold(s, "true") || strings.EqualFold(s, "false") || strings.EqualFold(s, "null")
}

// diagnosePath explains what is wrong with a PATCH path, or returns "".
func diagnosePath(s string) string {
	c := &checker{toks: tokenize(s)}
	return run(func() {
		t := c.next()
		switch t.kind {
		case tkEOF:
			c.fail("the path is empty")
		case tkWord:
		default:
			c.fail(`found %s at character %d where an attribute name was expected`, t.describe(), t.pos)
		}
		c.attrName(t)
		if n := c.peek(); n.kind == tkLBrack {
			c.next()
			c.inValue = &n
			c.or()
			c.end(&n)
			c.inValue = nil
			if s := c.peek(); s.kind == tkWord && strings.HasPrefix(s.text, ".") {
				c.next()
				if !subAttrRE.MatchString(s.text) {
					c.fail(`%s at character %d is not a sub-attribute name`, s.describe(), s.pos)
				}
			}
		}
		if t := c.next(); t.kind != tkEOF {
			c.fail(`unexpected %s at character %d; a path is an attribute name, optionally followed by a filter in brackets and a sub-attribute, as in emails[type eq "work"].value`, t.describe(), t.pos)
		}
	})
}

// quoteForMessage shows user text in a message: in double quotes, not
// escaped, shortened when long.
func quoteForMessage(s string) string {
	const max = 200
	if utf8.RuneCountInString(s) > max {
		r := []rune(s)
		s = string(r[:max]) + "…"
	}
	return `"` + s + `"`
}
