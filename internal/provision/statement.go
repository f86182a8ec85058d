package provision

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/sqlscim/sqlscim/internal/db"
)

// rulesFor is the dialect's quoting and comment rules (db.Syntax), which
// the script splitter of the lab's SQL files reads too.
func rulesFor(dialect string) db.Syntax {
	return infoOf(dialect).Syntax
}

// infoOf is the Info of the dialect named dialect; zero for an unknown name.
func infoOf(dialect string) db.Info {
	d, err := db.Lookup(dialect)
	if err != nil {
		return db.Info{}
	}
	return d.Info()
}

// scanned is a statement split into its parts outside literals and comments.
type scanned struct {
	// text is the statement with placeholders rewritten.
	text string
	// params counts the ? placeholders.
	params int
	// separators are the byte offsets (in the input) of ; outside literals.
	separators []int
	// unterminated names a literal or comment that never ends.
	unterminated string
}

// skipLiteral reports whether a literal, quoted identifier or comment
// starts at stmt[i], and the offset just past its end; end is len(stmt)
// and unterminated describes it when it never ends (a line comment may end
// the statement).
func skipLiteral(stmt string, i int, rules db.Syntax) (end int, ok bool, unterminated string) {
	end, kind, closed := rules.Span(stmt, i)
	if kind == db.SpanNone {
		return 0, false, ""
	}
	if closed {
		return end, true, ""
	}
	switch c := stmt[i]; {
	case c == '[':
		return end, true, "a [bracketed] name starting at byte " + strconv.Itoa(i)
	case c == '/':
		return end, true, "a /* comment starting at byte " + strconv.Itoa(i)
	case c == '$':
		return end, true, "a " + db.DollarTag(stmt, i) + " quoted body starting at byte " + strconv.Itoa(i)
	}
	return end, true, "a quoted text starting at byte " + strconv.Itoa(i)
}

// scan walks a statement, rewriting each ? placeholder with placeholder(n)
// (1-based) and ?? into a literal ?, and recording separators. A nil
// placeholder keeps ? as it is.
func scan(stmt string, rules db.Syntax, placeholder func(int) string) scanned {
	var out strings.Builder
	out.Grow(len(stmt) + 16)
	var res scanned
	for i := 0; i < len(stmt); {
		if end, ok, open := skipLiteral(stmt, i, rules); ok {
			if open != "" {
				res.unterminated = open
			}
			out.WriteString(stmt[i:end])
			i = end
			continue
		}
		switch c := stmt[i]; {
		case c == '?':
			if strings.HasPrefix(stmt[i:], "??") {
				out.WriteByte('?')
				i += 2
				continue
			}
			res.params++
			if placeholder != nil {
				out.WriteString(placeholder(res.params))
			} else {
				out.WriteByte('?')
			}
			i++
		case c == ';':
			res.separators = append(res.separators, i)
			out.WriteByte(c)
			i++
		default:
			out.WriteByte(c)
			i++
		}
	}
	res.text = out.String()
	return res
}

// withoutFinalOrderBy removes a trailing ORDER BY from a SELECT, for use
// as a derived table: SQL Server refuses ORDER BY there, and sqlscim sorts
// the outer query itself. A statement that limits its rows (TOP, LIMIT,
// OFFSET, FETCH) or ends in a FOR clause keeps its ORDER BY, which then
// decides which rows it returns.
func withoutFinalOrderBy(stmt string, rules db.Syntax) string {
	depth, orderAt := 0, -1
	for i := 0; i < len(stmt); {
		if end, ok, _ := skipLiteral(stmt, i, rules); ok {
			i = end
			continue
		}
		c := stmt[i]
		switch {
		case c == '(':
			depth++
		case c == ')':
			depth--
		case depth == 0 && identByte(c) && (i == 0 || !identByte(stmt[i-1])):
			j := i
			for j < len(stmt) && identByte(stmt[j]) {
				j++
			}
			switch strings.ToUpper(stmt[i:j]) {
			case "ORDER":
				if rest := strings.TrimLeftFunc(stmt[j:], unicode.IsSpace); len(rest) >= 2 && strings.EqualFold(rest[:2], "BY") {
					orderAt = i
				}
			case "TOP", "LIMIT", "OFFSET", "FETCH", "FOR":
				return stmt
			case "SELECT", "UNION", "EXCEPT", "INTERSECT", "MINUS":
				orderAt = -1 // an ORDER BY counts only after the last of these
			}
			i = j
			continue
		}
		i++
	}
	if orderAt < 0 {
		return stmt
	}
	return strings.TrimRightFunc(stmt[:orderAt], unicode.IsSpace)
}

// identByte reports bytes that continue an identifier; a $ after one is
// part of the identifier (a$b), not a dollar quote.
func identByte(c byte) bool {
	return c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// dollarTag reads a PostgreSQL dollar-quote opener ($$ or $tag$) at the
// start of s. $1 (a positional parameter) is not one.
func dollarTag(s string) (string, bool) {
	tag := db.DollarTag(s, 0)
	return tag, tag != ""
}

// firstWord returns the first keyword of a statement, upper-cased, skipping
// comments, white space and opening parentheses.
func firstWord(stmt string, rules db.Syntax) string {
	s := stmt
	for {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		switch {
		case lineComment(s, rules):
			if nl := strings.IndexByte(s, '\n'); nl >= 0 {
				s = s[nl+1:]
				continue
			}
			return ""
		case strings.HasPrefix(s, "/*"):
			if end := strings.Index(s, "*/"); end >= 0 {
				s = s[end+2:]
				continue
			}
			return ""
		case strings.HasPrefix(s, "("):
			s = s[1:]
			continue
		case strings.HasPrefix(s, "{"):
			return "{"
		}
		end := strings.IndexFunc(s, func(r rune) bool { return !(unicode.IsLetter(r) || r == '_') })
		if end < 0 {
			end = len(s)
		}
		return strings.ToUpper(s[:end])
	}
}

// lineComment reports whether s starts with a comment that runs to the end
// of the line, as the dialect's scanner reads one (db.Syntax): MySQL's "--"
// needs white space after it ("--1" is minus minus one), and only MySQL
// has "#".
func lineComment(s string, rules db.Syntax) bool {
	if strings.HasPrefix(s, "--") {
		return !rules.DashNeedsSpace || len(s) == 2 || s[2] <= ' '
	}
	return rules.HashComments && strings.HasPrefix(s, "#")
}

// onlyComments reports whether s holds nothing but white space and comments.
func onlyComments(s string, rules db.Syntax) bool {
	for {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		switch {
		case s == "":
			return true
		case lineComment(s, rules):
			nl := strings.IndexByte(s, '\n')
			if nl < 0 {
				return true
			}
			s = s[nl+1:]
		case strings.HasPrefix(s, "/*"):
			end := strings.Index(s, "*/")
			if end < 0 {
				return false
			}
			s = s[end+2:]
		default:
			return false
		}
	}
}

var ddlWords = map[string]bool{
	"CREATE": true, "ALTER": true, "DROP": true, "TRUNCATE": true, "RENAME": true,
	"GRANT": true, "REVOKE": true, "COMMENT": true,
}

var callWords = map[string]bool{"CALL": true, "EXEC": true, "EXECUTE": true, "{": true, "BEGIN": true, "DECLARE": true}

// quoteStatement shortens a statement for an error message.
func quoteStatement(stmt string) string {
	s := strings.Join(strings.Fields(stmt), " ")
	if len(s) > 200 {
		s = s[:197] + "..."
	}
	return s
}

// compiledStatement is a validated operation statement, ready to run.
type compiledStatement struct {
	// sql is the statement with dialect placeholders (SQL mode).
	sql string
	// derived is sql as a derived table, for a SELECT that sqlscim wraps to
	// filter, sort and page: without its final ORDER BY.
	derived string
	// proc is the procedure call (stored-procedure mode).
	proc string
	// params is the number of positional parameters.
	params int
}

// compileStatement validates an operation's statement against its type and
// the dialect, with messages that say how to fix the configuration. OPS's
// wording ("executeCall not allowed") is kept for people who search for it.
func compileStatement(name OpName, op *Operation, dialect string, placeholder func(int) string) (*compiledStatement, error) {
	rules := rulesFor(dialect)
	stmt := strings.TrimSpace(op.Statement)
	if stmt == "" {
		return nil, fmt.Errorf("statement is empty")
	}
	sc := scan(stmt, rules, placeholder)
	if sc.unterminated != "" {
		return nil, fmt.Errorf("statement=%s: %s never ends", quoteStatement(stmt), sc.unterminated)
	}
	// A single trailing semicolon is harmless, even with a comment after it;
	// any other is a second statement.
	if n := len(sc.separators); n > 0 && onlyComments(stmt[sc.separators[n-1]+1:], rules) {
		stmt = strings.TrimSpace(stmt[:sc.separators[n-1]])
		sc = scan(stmt, rules, placeholder)
	}
	word := firstWord(stmt, rules)

	switch op.Type {
	case SQLStatement:
		switch {
		case callWords[word]:
			return nil, fmt.Errorf("statement=%s, errors=[ValidationException: executeCall not allowed.] – this is a stored procedure call: set the type of %s to stored_procedure (\"Execute Stored Procedure\" in Okta)", quoteStatement(stmt), name)
		case ddlWords[word]:
			return nil, fmt.Errorf("statement=%s, errors=[ValidationException: execute not allowed.] – %s changes the database schema; an operation may only run SELECT, INSERT, UPDATE or DELETE", quoteStatement(stmt), word)
		case word == "SELECT" || word == "WITH":
			// Reads and SELECT fn(...) writes.
		case word == "INSERT" || word == "UPDATE" || word == "DELETE":
			if name.reads() {
				return nil, fmt.Errorf("statement=%s: %s must return rows; use a SELECT (or WITH ... SELECT), not %s", quoteStatement(stmt), name, word)
			}
		default:
			return nil, fmt.Errorf("statement=%s, errors=[ValidationException: execute not allowed.] – only SELECT, INSERT, UPDATE, DELETE and WITH statements are allowed in SQL mode", quoteStatement(stmt))
		}
		if len(sc.separators) > 0 {
			return nil, fmt.Errorf("statement=%s, errors=[ValidationException: execute not allowed.] – it holds more than one statement (a ';' outside quotes); an operation runs exactly one statement", quoteStatement(stmt))
		}
		if want := len(op.Parameters); sc.params != want {
			return nil, fmt.Errorf("statement=%s has %d ? placeholder(s) but %d parameter(s) are mapped; map exactly one parameter to each ?", quoteStatement(stmt), sc.params, want)
		}
		for i, p := range op.Parameters {
			if p.Type == Cursor {
				return nil, fmt.Errorf("parameters[%d]: a CURSOR parameter needs a stored procedure; SQL statements return their rows directly", i)
			}
		}
		return &compiledStatement{sql: sc.text, derived: withoutFinalOrderBy(sc.text, rules), params: sc.params}, nil

	case StoredProcedure:
		if info := infoOf(dialect); info.NoProcedures {
			return nil, fmt.Errorf("%s has no stored procedures: set the type of %s to sql and write the statement", info.Product, name)
		}
		if len(sc.separators) > 0 {
			return nil, fmt.Errorf("statement=%s holds more than one statement (a ';' outside quotes); write one procedure call", quoteStatement(stmt))
		}
		proc, args, err := parseCall(stmt, rules)
		if err != nil {
			return nil, fmt.Errorf("statement=%s: %v", quoteStatement(stmt), err)
		}
		if args < 0 { // a bare name: one argument per mapped parameter
			args = len(op.Parameters)
		}
		if args != len(op.Parameters) {
			return nil, fmt.Errorf("statement=%s passes %d argument(s) but %d parameter(s) are mapped; map exactly one parameter to each ?", quoteStatement(stmt), args, len(op.Parameters))
		}
		return &compiledStatement{proc: proc, params: args}, nil
	}
	return nil, fmt.Errorf("type %q is neither sql nor stored_procedure", op.Type)
}

// parseCall reads a procedure call in any of the forms admins write:
// CALL p(?, ?), {call p(?)}, EXEC p ?, ?, p(?, ?) or a bare p. It returns the
// procedure name and the number of ? arguments (-1 for a bare name).
func parseCall(stmt string, rules db.Syntax) (string, int, error) {
	s := strings.TrimSpace(stmt)
	if strings.HasPrefix(s, "{") {
		if !strings.HasSuffix(s, "}") {
			return "", 0, fmt.Errorf("the JDBC escape {call ...} is not closed")
		}
		s = strings.TrimSpace(s[1 : len(s)-1])
		if !strings.EqualFold(firstWord(s, rules), "CALL") {
			return "", 0, fmt.Errorf("only {call name(?, ...)} escapes are understood")
		}
	}
	word := firstWord(s, rules)
	switch word {
	case "SELECT", "INSERT", "UPDATE", "DELETE", "WITH":
		return "", 0, fmt.Errorf("this is a SQL statement, not a procedure call: set the operation type to sql (\"SQL Statement\" in Okta), or call a procedure: CALL name(?, ...)")
	case "CALL":
		s = strings.TrimSpace(s[len("CALL"):])
	case "EXEC", "EXECUTE":
		s = strings.TrimSpace(s[len(word):])
		name, rest := splitName(s)
		if name == "" {
			return "", 0, fmt.Errorf("EXEC must be followed by a procedure name")
		}
		rest = strings.TrimSpace(rest)
		if rest == "" {
			return name, -1, nil
		}
		n, err := countArgs(rest)
		return name, n, err
	}
	if ddlWords[word] || word == "BEGIN" || word == "DECLARE" {
		return "", 0, fmt.Errorf("only a procedure call is allowed here (CALL name(?, ...)), not %s", word)
	}
	name, rest := splitName(s)
	if name == "" {
		return "", 0, fmt.Errorf("no procedure name found; write CALL name(?, ...)")
	}
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return name, -1, nil
	}
	if !strings.HasPrefix(rest, "(") || !strings.HasSuffix(rest, ")") {
		return "", 0, fmt.Errorf("expected (?, ...) after %s", name)
	}
	inner := strings.TrimSpace(rest[1 : len(rest)-1])
	if inner == "" {
		return name, 0, nil
	}
	n, err := countArgs(inner)
	return name, n, err
}

// splitName reads a possibly schema-qualified, possibly quoted procedure name.
func splitName(s string) (string, string) {
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"' || c == '`' || c == '[':
			closer := c
			if c == '[' {
				closer = ']'
			}
			end := strings.IndexByte(s[i+1:], closer)
			if end < 0 {
				return "", s
			}
			i += end + 2
		case c == '.' || c == '_' || c == '$' || c == '#' || unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c)):
			i++
		default:
			return s[:i], s[i:]
		}
	}
	return s, ""
}

// countArgs counts a comma-separated list of ? arguments.
func countArgs(list string) (int, error) {
	parts := strings.Split(list, ",")
	for i, p := range parts {
		if strings.TrimSpace(p) != "?" {
			return 0, fmt.Errorf("argument %d is %q; every argument must be a ? placeholder (use a CONSTANT parameter for a fixed value)", i+1, strings.TrimSpace(p))
		}
	}
	return len(parts), nil
}

// validateOperation checks one enabled operation; paths are relative to it.
func validateOperation(name OpName, op *Operation, dialect interface{ Info() db.Info }) Problems {
	var ps Problems
	add := func(path, format string, args ...any) {
		ps = append(ps, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
	}
	if op.Type != SQLStatement && op.Type != StoredProcedure {
		add(".type", "%q is not an operation type; use sql (\"SQL Statement\") or stored_procedure (\"Execute Stored Procedure\")", op.Type)
	}
	for i, p := range op.Parameters {
		path := fmt.Sprintf(".parameters[%d]", i)
		switch p.Type {
		case DatabaseField:
			if p.Field == "" {
				add(path, "a DATABASE_FIELD parameter needs a field (a column name such as USER_ID)")
			}
		case Cursor:
			if !name.reads() {
				add(path, "a CURSOR parameter returns rows; %s returns none", name)
			}
		case Constant:
		default:
			add(path, "%q is not a parameter type; use DATABASE_FIELD, CURSOR or CONSTANT", p.Type)
		}
	}
	if len(ps) > 0 || dialect == nil {
		return ps
	}
	if _, err := compileStatement(name, op, dialect.Info().Name, nil); err != nil {
		add(".statement", "%v", err)
	}
	return ps
}
