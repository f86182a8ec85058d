package db

import "strings"

// Syntax is how a dialect quotes and comments: what a statement scanner
// must skip so that a ?, a ; or a keyword inside a string, a quoted name or
// a comment is not taken for code. Each dialect states its own in its Info;
// the statement scanner of the provisioning engine and the script splitter
// of the lab's SQL files both read it, so the two cannot disagree.
type Syntax struct {
	HashComments     bool // # starts a comment to the end of the line (MySQL)
	DashNeedsSpace   bool // "--" starts a comment only before white space (MySQL)
	BackslashEscapes bool // \ escapes the next character in '...' and "..." (MySQL)
	EscapeStrings    bool // E'...' strings take backslash escapes (PostgreSQL)
	Backticks        bool // `identifier`
	Brackets         bool // [identifier]
	DollarQuotes     bool // $tag$ ... $tag$ (PostgreSQL)
	NestedComments   bool // /* /* */ */ nests
	ExecComments     bool // /*! ... */ is code, not a comment (MySQL)
	QQuotes          bool // q'[...]' and friends (Oracle)
}

// SpanKind is what Span found.
type SpanKind int

// Kinds of span.
const (
	SpanNone    SpanKind = iota // an ordinary character
	SpanQuoted                  // a string, quoted identifier or dollar-quoted body: code
	SpanComment                 // a comment
)

// Span looks at s[i]. When a quoted string, quoted identifier or comment
// starts there it returns the index just past its end and its kind; one
// that never ends yields ok=false and end len(s). Otherwise it returns i+1
// and SpanNone.
func (x Syntax) Span(s string, i int) (end int, kind SpanKind, ok bool) {
	c := s[i]
	next := byte(0)
	if i+1 < len(s) {
		next = s[i+1]
	}
	switch {
	case c == '\'':
		escapes := x.BackslashEscapes
		if x.EscapeStrings && i > 0 && (s[i-1] == 'E' || s[i-1] == 'e') && !IdentBefore(s, i-1) {
			escapes = true
		}
		end, ok = closeQuote(s, i+1, '\'', escapes)
		return end, SpanQuoted, ok
	case c == '"':
		end, ok = closeQuote(s, i+1, '"', x.BackslashEscapes)
		return end, SpanQuoted, ok
	case c == '`' && x.Backticks:
		end, ok = closeQuote(s, i+1, '`', false)
		return end, SpanQuoted, ok
	case c == '[' && x.Brackets:
		end, ok = closeQuote(s, i+1, ']', false)
		return end, SpanQuoted, ok
	case c == '-' && next == '-' && (!x.DashNeedsSpace || i+2 >= len(s) || s[i+2] <= ' '):
		return LineEnd(s, i), SpanComment, true
	case c == '#' && x.HashComments:
		return LineEnd(s, i), SpanComment, true
	case c == '/' && next == '*':
		end, ok = x.closeComment(s, i)
		if x.ExecComments && i+2 < len(s) && s[i+2] == '!' {
			return end, SpanQuoted, ok
		}
		return end, SpanComment, ok
	case c == '$' && x.DollarQuotes:
		if tag := DollarTag(s, i); tag != "" {
			j := strings.Index(s[i+len(tag):], tag)
			if j < 0 {
				return len(s), SpanQuoted, false
			}
			return i + len(tag) + j + len(tag), SpanQuoted, true
		}
	case (c == 'q' || c == 'Q') && x.QQuotes && next == '\'' && i+2 < len(s) && qQuoteAllowed(s, i):
		closing := s[i+2]
		switch closing {
		case '[':
			closing = ']'
		case '(':
			closing = ')'
		case '{':
			closing = '}'
		case '<':
			closing = '>'
		}
		j := strings.Index(s[i+3:], string(closing)+"'")
		if j < 0 {
			return len(s), SpanQuoted, false
		}
		return i + 3 + j + 2, SpanQuoted, true
	}
	return i + 1, SpanNone, true
}

// closeQuote returns the index just past the quote character q that closes a
// quoted span whose content starts at s[from]; a doubled q stands for itself.
func closeQuote(s string, from int, q byte, backslash bool) (int, bool) {
	for j := from; j < len(s); j++ {
		switch {
		case backslash && s[j] == '\\':
			j++
		case s[j] == q:
			if j+1 < len(s) && s[j+1] == q {
				j++
				continue
			}
			return j + 1, true
		}
	}
	return len(s), false
}

// closeComment returns the index just past the block comment starting at s[i].
func (x Syntax) closeComment(s string, i int) (int, bool) {
	depth := 0
	for j := i; j+1 < len(s); j++ {
		switch {
		case s[j] == '/' && s[j+1] == '*' && (depth == 0 || x.NestedComments):
			depth++
			j++
		case s[j] == '*' && s[j+1] == '/':
			depth--
			j++
			if depth == 0 {
				return j + 1, true
			}
		}
	}
	return len(s), false
}

// DollarTag returns the PostgreSQL dollar-quote opener ($$ or $tag$) at s[i],
// or "" when there is none (a positional parameter $1, or a $ inside an
// identifier).
func DollarTag(s string, i int) string {
	if IdentBefore(s, i) {
		return ""
	}
	j := i + 1
	for j < len(s) && s[j] != '$' {
		c := s[j]
		if !(IsIdentChar(c) && !(j == i+1 && c >= '0' && c <= '9')) {
			return ""
		}
		j++
	}
	if j >= len(s) {
		return ""
	}
	return s[i : j+1]
}

// qQuoteAllowed reports whether a q at s[i] can open an Oracle q'...'
// literal: it must not end an identifier, except for the N of nq'...'.
func qQuoteAllowed(s string, i int) bool {
	if !IdentBefore(s, i) {
		return true
	}
	return (s[i-1] == 'n' || s[i-1] == 'N') && !IdentBefore(s, i-1)
}

// IsIdentChar reports whether c can be part of an unquoted SQL word.
func IsIdentChar(c byte) bool {
	return c == '_' || c == '$' || c >= 0x80 ||
		(c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// IdentBefore reports whether the character before s[i] belongs to a word.
func IdentBefore(s string, i int) bool {
	return i > 0 && IsIdentChar(s[i-1])
}

// LineEnd returns the index of the newline ending the line of s[i], or len(s).
func LineEnd(s string, i int) int {
	if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(s)
}
