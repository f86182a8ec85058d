// Package sqlfiles embeds the SQL scripts of the sqlscim lab database – the
// USERS / ENTITLEMENTS / USERENTITLEMENTS schema of Okta's generic-database
// connector guide, its views, its stored procedures and its demo data – in
// five dialects, and loads them through database/sql.
//
// Every dialect directory (mysql, postgresql, sqlserver, oracle, sqlite)
// holds schema.sql, procedures.sql and data.sql, written for the vendor's
// own command-line client (mysql, psql, sqlcmd, SQL*Plus, sqlite3).
// [Statements] splits them into single statements the way those clients do,
// so that [Load] can send them one by one through a driver.
//
// The directory is sql/ because that is where an admin looks for the
// scripts (the guides name sql/<dialect>/schema.sql); the package is
// sqlfiles because a package sql would shadow database/sql in this file and
// in every importer, which all use both.
package sqlfiles

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/sqlscim/sqlscim/internal/db"
	_ "github.com/sqlscim/sqlscim/internal/db/all" // the dialects state their syntax
)

//go:embed mysql/*.sql postgresql/*.sql sqlserver/*.sql oracle/*.sql sqlite/*.sql
var files embed.FS

// scripts are the files of every dialect, in the order they run.
var scripts = []string{"schema.sql", "procedures.sql", "data.sql"}

// dialects are the known dialect names, in a stable order.
var dialects = []string{"mysql", "postgresql", "sqlserver", "oracle", "sqlite"}

// Dialects returns the dialect names known to [Statements], [Split] and [Load]:
// "mysql", "postgresql", "sqlserver", "oracle" and "sqlite".
func Dialects() []string {
	return append([]string(nil), dialects...)
}

func knownDialect(dialect string) error {
	for _, d := range dialects {
		if d == dialect {
			return nil
		}
	}
	return fmt.Errorf("sqlfiles: unknown dialect %q (known: %s)", dialect, strings.Join(dialects, ", "))
}

// Statements returns every statement of the dialect's schema.sql,
// procedures.sql and data.sql, in order, each ready to be sent on its own
// through database/sql (see [Split] for how each dialect is split).
func Statements(dialect string) ([]string, error) {
	if err := knownDialect(dialect); err != nil {
		return nil, err
	}
	var all []string
	for _, name := range scripts {
		text, err := files.ReadFile(dialect + "/" + name)
		if err != nil {
			return nil, fmt.Errorf("sqlfiles: %w", err)
		}
		stmts, err := Split(dialect, string(text))
		if err != nil {
			return nil, fmt.Errorf("sqlfiles: %s/%s: %w", dialect, name, err)
		}
		all = append(all, stmts...)
	}
	return all, nil
}

// Load runs [Statements] of the dialect one by one on a single connection
// of db (so that session settings such as SET NAMES or PRAGMA foreign_keys
// apply to the statements that follow). It stops at the first failure and
// returns it wrapped with the statement's index in Statements and its first
// line. The database should be empty: the scripts create their objects
// without dropping them first.
func Load(ctx context.Context, db *sql.DB, dialect string) error {
	stmts, err := Statements(dialect)
	if err != nil {
		return err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlfiles: load %s: %w", dialect, err)
	}
	defer conn.Close()
	for i, stmt := range stmts {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("sqlfiles: load %s: statements[%d] (%s): %w", dialect, i, firstLine(stmt), err)
		}
	}
	return nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// Split splits one script of the dialect into statements, following the
// rules of the dialect's command-line client:
//
//   - mysql: a statement ends at the current delimiter (";" unless changed)
//     outside quotes and comments; "DELIMITER x" lines change the delimiter
//     and are dropped, as in the mysql client.
//   - postgresql: a statement ends at ";" outside single-quoted strings,
//     double-quoted identifiers, comments and dollar-quoted bodies
//     ($$...$$, $tag$...$tag$).
//   - sqlserver: batches end at lines holding only GO (optionally "GO n",
//     which repeats the batch n times); each batch is kept whole.
//   - oracle: a PL/SQL block (BEGIN, DECLARE, CREATE [OR REPLACE] PROCEDURE,
//     FUNCTION, PACKAGE, TRIGGER, TYPE ...) ends at a line holding only "/"
//     and keeps its final "END;"; any other statement ends at ";" (or at a
//     "/" line), and the ";" is dropped because Oracle drivers reject it.
//   - sqlite: a statement ends at ";" outside quotes and comments (inside
//     CREATE TRIGGER only at "END;").
//
// Leading comments are removed from each statement, and empty or
// comment-only pieces are dropped. A quote or comment left open at the end of
// the script is an error, and so is an Oracle "/" line with nothing to run
// (SQL*Plus would run the previous statement again).
func Split(dialect, script string) ([]string, error) {
	if err := knownDialect(dialect); err != nil {
		return nil, err
	}
	script = strings.TrimPrefix(script, "\ufeff")
	syn := syntaxes[dialect]
	switch dialect {
	case "sqlserver":
		return splitBatches(script, syn)
	case "oracle":
		return splitOracle(script, syn)
	default:
		return splitDelimited(script, syn)
	}
}

// syntax is a dialect's quoting and comment rules (its db.Syntax, shared
// with the provisioning engine's statement scanner) and how its client
// splits a script.
type syntax struct {
	db.Syntax
	delimiterCommand bool // DELIMITER lines change the statement delimiter
	triggers         bool // CREATE TRIGGER ... END; holds inner semicolons
}

var syntaxes = map[string]*syntax{
	"mysql":      {Syntax: dialectSyntax("mysql"), delimiterCommand: true},
	"postgresql": {Syntax: dialectSyntax("postgresql")},
	"sqlserver":  {Syntax: dialectSyntax("sqlserver")},
	"oracle":     {Syntax: dialectSyntax("oracle")},
	"sqlite":     {Syntax: dialectSyntax("sqlite"), triggers: true},
}

// dialectSyntax is the quoting and comment rules the dialect states.
func dialectSyntax(name string) db.Syntax {
	d, err := db.Lookup(name)
	if err != nil {
		panic("sqlfiles: " + err.Error()) // every dialect is linked in through internal/db/all
	}
	return d.Info().Syntax
}

// nextLine returns the index of the first character of the line after s[i].
func nextLine(s string, i int) int {
	if e := db.LineEnd(s, i); e < len(s) {
		return e + 1
	}
	return len(s)
}

func atLineStart(s string, i int) bool {
	return i == 0 || s[i-1] == '\n'
}

func lineNumber(s string, i int) int {
	return strings.Count(s[:i], "\n") + 1
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// clean removes leading white space and comments and trailing white space;
// it returns "" for a piece without code.
func (x *syntax) clean(piece string) string {
	i := 0
	for i < len(piece) {
		if isSpace(piece[i]) {
			i++
			continue
		}
		end, kind, _ := x.Span(piece, i)
		if kind != db.SpanComment {
			break
		}
		i = end
	}
	return strings.TrimRight(piece[i:], " \t\r\n\f\v")
}

// unterminated describes a quote or comment left open at s[i].
func unterminated(s string, i int) error {
	what := "quoted string"
	if strings.HasPrefix(s[i:], "/*") || strings.HasPrefix(s[i:], "--") {
		what = "comment"
	}
	return fmt.Errorf("unterminated %s starting at line %d", what, lineNumber(s, i))
}

// delimiterLine recognises a mysql client "DELIMITER x" line starting at s[i]
// and returns the new delimiter.
func delimiterLine(s string, i int) (string, bool) {
	line := strings.TrimLeft(s[i:db.LineEnd(s, i)], " \t")
	const kw = "delimiter"
	if len(line) <= len(kw) || !strings.EqualFold(line[:len(kw)], kw) || (line[len(kw)] != ' ' && line[len(kw)] != '\t') {
		return "", false
	}
	fields := strings.Fields(line[len(kw):])
	if len(fields) == 0 {
		return "", false
	}
	return fields[0], true
}

var createTrigger = regexp.MustCompile(`(?is)^CREATE\s+(?:TEMP\s+|TEMPORARY\s+)?TRIGGER\b`)
var endsWithEnd = regexp.MustCompile(`(?i)\bEND\s*$`)

// splitDelimited splits on a delimiter (";" or, for MySQL, the one set by
// DELIMITER lines) outside quotes and comments.
func splitDelimited(s string, x *syntax) ([]string, error) {
	var out []string
	delim := ";"
	start := 0
	code := false
	emit := func(end int) {
		if st := x.clean(s[start:end]); st != "" {
			out = append(out, st)
		}
	}
	for i := 0; i < len(s); {
		if x.delimiterCommand && atLineStart(s, i) {
			if d, ok := delimiterLine(s, i); ok {
				if code {
					return nil, fmt.Errorf("line %d: DELIMITER inside a statement that is not terminated by %q", lineNumber(s, i), delim)
				}
				delim = d
				i = nextLine(s, i)
				start = i
				continue
			}
		}
		end, kind, ok := x.Span(s, i)
		if !ok {
			return nil, unterminated(s, i)
		}
		if kind != db.SpanNone {
			code = code || kind == db.SpanQuoted
			i = end
			continue
		}
		if strings.HasPrefix(s[i:], delim) {
			if x.triggers && createTrigger.MatchString(x.clean(s[start:i])) && !endsWithEnd.MatchString(s[start:i]) {
				i++
				continue
			}
			emit(i)
			i += len(delim)
			start = i
			code = false
			continue
		}
		if !isSpace(s[i]) {
			code = true
		}
		i++
	}
	emit(len(s))
	return out, nil
}

var goLine = regexp.MustCompile(`(?i)^[ \t]*GO(?:[ \t]+([0-9]+))?[ \t]*(?:--.*)?\r?$`)

// splitBatches splits a T-SQL script into the batches between GO lines.
func splitBatches(s string, x *syntax) ([]string, error) {
	var out []string
	start := 0
	for i := 0; i < len(s); {
		if atLineStart(s, i) {
			if m := goLine.FindStringSubmatch(s[i:db.LineEnd(s, i)]); m != nil {
				count := 1
				if m[1] != "" {
					n, err := strconv.Atoi(m[1])
					if err != nil || n < 1 {
						return nil, fmt.Errorf("line %d: bad GO count %q", lineNumber(s, i), m[1])
					}
					count = n
				}
				if batch := x.clean(s[start:i]); batch != "" {
					for range count {
						out = append(out, batch)
					}
				}
				i = nextLine(s, i)
				start = i
				continue
			}
		}
		end, _, ok := x.Span(s, i)
		if !ok {
			return nil, unterminated(s, i)
		}
		i = end
	}
	if batch := x.clean(s[start:]); batch != "" {
		out = append(out, batch)
	}
	return out, nil
}

var plsqlStart = regexp.MustCompile(`(?is)^(?:BEGIN\b|DECLARE\b|CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:NON)?EDITIONABLE\s+)?(?:PROCEDURE|FUNCTION|PACKAGE|TRIGGER|TYPE|LIBRARY)\b)`)

// splitOracle splits a SQL*Plus script: PL/SQL blocks end at a "/" line,
// other statements at ";" (dropped) or at a "/" line.
func splitOracle(s string, x *syntax) ([]string, error) {
	var out []string
	start := 0
	plsql := -1 // unknown until the first ";" of the statement
	for i := 0; i < len(s); {
		if atLineStart(s, i) && strings.TrimSpace(s[i:db.LineEnd(s, i)]) == "/" {
			st := x.clean(s[start:i])
			if st == "" {
				return nil, fmt.Errorf("line %d: \"/\" with no statement before it (SQL*Plus would run the previous statement again)", lineNumber(s, i))
			}
			out = append(out, st)
			i = nextLine(s, i)
			start = i
			plsql = -1
			continue
		}
		end, kind, ok := x.Span(s, i)
		if !ok {
			return nil, unterminated(s, i)
		}
		if kind != db.SpanNone {
			i = end
			continue
		}
		if s[i] == ';' {
			if plsql < 0 {
				plsql = 0
				if plsqlStart.MatchString(x.clean(s[start:i])) {
					plsql = 1
				}
			}
			if plsql == 0 {
				if st := x.clean(s[start:i]); st != "" {
					out = append(out, st)
				}
				start = i + 1
				plsql = -1
			}
		}
		i++
	}
	if st := x.clean(s[start:]); st != "" {
		out = append(out, st)
	}
	return out, nil
}
