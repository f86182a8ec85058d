package sqlfiles

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		dialect, name, in string
		want              []string
	}{
		// MySQL
		{"mysql", "simple", "SELECT 1; SELECT 2;\n", []string{"SELECT 1", "SELECT 2"}},
		{"mysql", "no final delimiter", "SELECT 1;\nSELECT 2", []string{"SELECT 1", "SELECT 2"}},
		{"mysql", "semicolons in quotes", "INSERT INTO t VALUES ('a;b', \"c;d\", `e;f`);\nSELECT 2;",
			[]string{"INSERT INTO t VALUES ('a;b', \"c;d\", `e;f`)", "SELECT 2"}},
		{"mysql", "backslash escapes", `SELECT 'it\'s; fine', "x\";y"; SELECT 2;`,
			[]string{`SELECT 'it\'s; fine', "x\";y"`, "SELECT 2"}},
		{"mysql", "doubled quotes", "SELECT 'it''s; fine'; SELECT 2;", []string{"SELECT 'it''s; fine'", "SELECT 2"}},
		{"mysql", "dash dash in string", "SELECT '-- not a comment;'; SELECT 2;",
			[]string{"SELECT '-- not a comment;'", "SELECT 2"}},
		{"mysql", "dash dash needs a space", "SELECT 1--1;\nSELECT 2;", []string{"SELECT 1--1", "SELECT 2"}},
		{"mysql", "comments hide semicolons", "-- a; b\n# c; d\n/* e; f */\nSELECT 1 -- g;\n;\n/* only a comment */\n",
			[]string{"SELECT 1 -- g;"}},
		{"mysql", "executable comment is code", "/*!40101 SET NAMES utf8mb4 */;\n", []string{"/*!40101 SET NAMES utf8mb4 */"}},
		{"mysql", "delimiter switching",
			"-- procedures\nDELIMITER //\nCREATE PROCEDURE p()\nBEGIN\n  SELECT 'a;b';\n  SELECT 2; -- two\nEND //\n\ndelimiter ;\nSELECT 3;\n",
			[]string{"CREATE PROCEDURE p()\nBEGIN\n  SELECT 'a;b';\n  SELECT 2; -- two\nEND", "SELECT 3"}},
		{"mysql", "delimiter at end of line or mid line", "DELIMITER $$\nSELECT 1$$ SELECT 2 $$\nSELECT '$$'$$\nDELIMITER ;\n",
			[]string{"SELECT 1", "SELECT 2", "SELECT '$$'"}},
		{"mysql", "DELIMITER inside a string is text", "SELECT '\nDELIMITER //\n';\nSELECT 2;",
			[]string{"SELECT '\nDELIMITER //\n'", "SELECT 2"}},

		// PostgreSQL
		{"postgresql", "simple", "SELECT 1;SELECT 2;", []string{"SELECT 1", "SELECT 2"}},
		{"postgresql", "dollar quoted body",
			"CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;\nSELECT 2;",
			[]string{"CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$", "SELECT 2"}},
		{"postgresql", "tagged dollar quotes nest $$",
			"DO $body$ BEGIN EXECUTE $$SELECT ';'$$; RAISE NOTICE 'x;'; END $body$;\nSELECT 2;",
			[]string{"DO $body$ BEGIN EXECUTE $$SELECT ';'$$; RAISE NOTICE 'x;'; END $body$", "SELECT 2"}},
		{"postgresql", "parameters and $ in identifiers are not dollar quotes", "SELECT $1; SELECT a$b, $2::int; SELECT 3;",
			[]string{"SELECT $1", "SELECT a$b, $2::int", "SELECT 3"}},
		{"postgresql", "dollar quote inside a string", "SELECT '$$;'; SELECT 2;", []string{"SELECT '$$;'", "SELECT 2"}},
		{"postgresql", "double quoted identifier", `SELECT 1 AS "x;""y"; SELECT 2;`, []string{`SELECT 1 AS "x;""y"`, "SELECT 2"}},
		{"postgresql", "dash dash inside string", "SELECT '-- x;'; SELECT 2;", []string{"SELECT '-- x;'", "SELECT 2"}},
		{"postgresql", "dash dash without space is a comment", "SELECT 1;--c;\nSELECT 2;", []string{"SELECT 1", "SELECT 2"}},
		{"postgresql", "nested block comments", "/* a /* b; */ c; */ SELECT 1;", []string{"SELECT 1"}},
		{"postgresql", "E string escapes", `SELECT E'it\'s;'; SELECT 2;`, []string{`SELECT E'it\'s;'`, "SELECT 2"}},
		{"postgresql", "backslash is plain in standard strings", `SELECT 'a\'; SELECT 2;`, []string{`SELECT 'a\'`, "SELECT 2"}},

		// SQL Server
		{"sqlserver", "GO separates batches", "SELECT 1;\nSELECT 2;\nGO\nSELECT 3\ngo\n",
			[]string{"SELECT 1;\nSELECT 2;", "SELECT 3"}},
		{"sqlserver", "semicolons do not split", "SELECT 1; SELECT 2", []string{"SELECT 1; SELECT 2"}},
		{"sqlserver", "GO inside a string", "SELECT N'a\nGO\nb'\nGO\nSELECT 2", []string{"SELECT N'a\nGO\nb'", "SELECT 2"}},
		{"sqlserver", "GO inside nested comments", "/* a /* b */\nGO\n*/\nSELECT 1\nGO", []string{"SELECT 1"}},
		{"sqlserver", "GO inside brackets", "SELECT 1 AS [a\nGO\n]\nGO", []string{"SELECT 1 AS [a\nGO\n]"}},
		{"sqlserver", "GO with count", "INSERT INTO t DEFAULT VALUES\nGO 3\n",
			[]string{"INSERT INTO t DEFAULT VALUES", "INSERT INTO t DEFAULT VALUES", "INSERT INTO t DEFAULT VALUES"}},
		{"sqlserver", "GO with spaces, comment and CRLF", "SELECT 1\r\n  GO  -- done\r\nSELECT 2\r\n", []string{"SELECT 1", "SELECT 2"}},
		{"sqlserver", "words starting with GO", "SELECT 1 AS GOAL\nGOTO done\ndone:\n", []string{"SELECT 1 AS GOAL\nGOTO done\ndone:"}},
		{"sqlserver", "comment-only batches dropped", "-- nothing\nGO\nSELECT 1\nGO\n/* x */\nGO\n", []string{"SELECT 1"}},

		// Oracle
		{"oracle", "plain statements lose their semicolon", "CREATE TABLE t (a VARCHAR2(10));\nINSERT INTO t VALUES ('x;y');\n",
			[]string{"CREATE TABLE t (a VARCHAR2(10))", "INSERT INTO t VALUES ('x;y')"}},
		{"oracle", "procedure ends at slash and keeps END;",
			"CREATE OR REPLACE PROCEDURE p AS\nBEGIN\n  NULL; -- nothing\nEND;\n/\nSELECT 1 FROM dual;\n",
			[]string{"CREATE OR REPLACE PROCEDURE p AS\nBEGIN\n  NULL; -- nothing\nEND;", "SELECT 1 FROM dual"}},
		{"oracle", "anonymous blocks", "BEGIN\n  dbms_output.put_line('a;');\nEND;\n/\nDECLARE\n  n NUMBER;\nBEGIN\n  n := 1;\nEND;\n  /  \n",
			[]string{"BEGIN\n  dbms_output.put_line('a;');\nEND;", "DECLARE\n  n NUMBER;\nBEGIN\n  n := 1;\nEND;"}},
		{"oracle", "slash inside a string in a block", "BEGIN\n  x := '\n/\n';\nEND;\n/\n", []string{"BEGIN\n  x := '\n/\n';\nEND;"}},
		{"oracle", "slash ends a plain statement", "SELECT 1 FROM dual\n/\n", []string{"SELECT 1 FROM dual"}},
		{"oracle", "q quotes", "SELECT q'[it's; ok]', Nq'{x;}' FROM dual;\nSELECT 2 FROM dual;",
			[]string{"SELECT q'[it's; ok]', Nq'{x;}' FROM dual", "SELECT 2 FROM dual"}},
		{"oracle", "division is not a slash line", "SELECT 4\n/ 2 FROM dual;", []string{"SELECT 4\n/ 2 FROM dual"}},
		{"oracle", "comments", "-- a; b\nSELECT 1 FROM dual; -- trailing; comment\n/* c; */\n", []string{"SELECT 1 FROM dual"}},
		{"oracle", "editionable package body and trigger",
			"CREATE OR REPLACE EDITIONABLE PACKAGE BODY pk AS\nEND;\n/\ncreate trigger tr before insert on t for each row\nbegin\n  :new.a := 1;\nend;\n/\n",
			[]string{"CREATE OR REPLACE EDITIONABLE PACKAGE BODY pk AS\nEND;", "create trigger tr before insert on t for each row\nbegin\n  :new.a := 1;\nend;"}},
		{"oracle", "other CREATE statements are plain SQL", "CREATE VIEW v AS SELECT 'BEGIN;' x FROM dual;\nCREATE TABLE procedure_log (a NUMBER);",
			[]string{"CREATE VIEW v AS SELECT 'BEGIN;' x FROM dual", "CREATE TABLE procedure_log (a NUMBER)"}},
		{"oracle", "leading comment before a block", "-- doc; more\n/* x */\nCREATE PROCEDURE p AS BEGIN NULL; END;\n/",
			[]string{"CREATE PROCEDURE p AS BEGIN NULL; END;"}},

		// SQLite
		{"sqlite", "all quote styles", "SELECT 'a;b', \"c;d\", `e;f`, [g;h]; SELECT 2;",
			[]string{"SELECT 'a;b', \"c;d\", `e;f`, [g;h]", "SELECT 2"}},
		{"sqlite", "comments", "PRAGMA foreign_keys = ON; -- on;\n/* only a comment; */\n", []string{"PRAGMA foreign_keys = ON"}},
		{"sqlite", "trigger body", "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  UPDATE t SET a = 1;\n  DELETE FROM u;\nEND;\nSELECT 1;",
			[]string{"CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  UPDATE t SET a = 1;\n  DELETE FROM u;\nEND", "SELECT 1"}},
		{"sqlite", "backslash is plain", `SELECT 'a\'; SELECT 2;`, []string{`SELECT 'a\'`, "SELECT 2"}},
		{"sqlite", "byte order mark", "\ufeffSELECT 1;", []string{"SELECT 1"}},
		{"sqlite", "only comments", "-- nothing here;\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.dialect+"/"+tt.name, func(t *testing.T) {
			got, err := Split(tt.dialect, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Split(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSplitErrors(t *testing.T) {
	tests := []struct{ dialect, name, in, want string }{
		{"mysql", "unterminated string", "SELECT 'abc;\nSELECT 2;", "unterminated quoted string starting at line 1"},
		{"mysql", "DELIMITER inside a statement", "SELECT 1\nDELIMITER //\nSELECT 2//", "line 2: DELIMITER"},
		{"postgresql", "unterminated dollar quote", "SELECT 1;\nSELECT $$abc;", "unterminated quoted string starting at line 2"},
		{"postgresql", "unterminated comment", "SELECT 1; /* abc", "unterminated comment"},
		{"sqlserver", "unterminated bracket", "SELECT [a\nGO\n", "unterminated quoted string"},
		{"oracle", "stray slash", "SELECT 1 FROM dual;\n/\n", "line 2"},
		{"oracle", "unterminated q quote", "SELECT q'[abc' FROM dual;", "unterminated quoted string"},
		{"sqlite", "unterminated identifier", `SELECT "abc;`, "unterminated quoted string"},
		{"db2", "unknown dialect", "SELECT 1", "known: mysql, postgresql, sqlserver, oracle, sqlite"},
	}
	for _, tt := range tests {
		t.Run(tt.dialect+"/"+tt.name, func(t *testing.T) {
			got, err := Split(tt.dialect, tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Split(%q) = %q, %v; want an error containing %q", tt.in, got, err, tt.want)
			}
		})
	}
	if _, err := Statements("mssql"); err == nil || !strings.Contains(err.Error(), "sqlserver") {
		t.Errorf("Statements(mssql) error = %v, want one listing the known dialects", err)
	}
}

// fileStatements splits one embedded script.
func fileStatements(t *testing.T, dialect, name string) []string {
	t.Helper()
	text, err := files.ReadFile(dialect + "/" + name)
	if err != nil {
		t.Fatal(err)
	}
	stmts, err := Split(dialect, string(text))
	if err != nil {
		t.Fatalf("%s/%s: %v", dialect, name, err)
	}
	return stmts
}

func TestStatementCounts(t *testing.T) {
	// schema: 3 tables, 1 index (+ LOWER(USERNAME) but for MySQL and SQL
	// Server), 6 views (+ PRAGMA for SQLite).
	// data: 10 entitlements, 15 users, 33 assignments, one INSERT each
	// (+ SET NAMES for MySQL, + COMMIT for Oracle; SQL Server: 3 batches).
	want := map[string][3]int{
		"mysql":      {10, 11, 59},
		"postgresql": {11, 16, 58},
		"sqlserver":  {10, 11, 3},
		"oracle":     {11, 11, 59},
		"sqlite":     {12, 0, 58},
	}
	for _, d := range Dialects() {
		total := 0
		for i, name := range scripts {
			n := len(fileStatements(t, d, name))
			total += n
			if n != want[d][i] {
				t.Errorf("%s/%s: %d statements, want %d", d, name, n, want[d][i])
			}
		}
		all, err := Statements(d)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != total {
			t.Errorf("Statements(%s) = %d statements, want %d", d, len(all), total)
		}
		for i, st := range all {
			if st == "" || st != strings.TrimSpace(st) || strings.HasPrefix(st, "--") || strings.HasPrefix(st, "/*") {
				t.Errorf("%s statements[%d] is not trimmed of comments and space: %q", d, i, st)
			}
		}
	}
}

var (
	tableNames  = []string{"USERS", "ENTITLEMENTS", "USERENTITLEMENTS"}
	viewNames   = []string{"V_USERENTITLEMENTS", "V_ACTIVE_USERS", "V_INACTIVE_USERS", "V_ENTITLEMENT_USAGE", "V_USER_HIERARCHY", "V_INACTIVE_USERENTITLEMENTS"}
	readProcs   = []string{"GET_ACTIVEUSERS", "GET_USER_BY_ID", "GET_USER_BY_USERNAME", "GET_ALL_ENTITLEMENTS", "GET_USER_ENTITLEMENT"}
	writeProcs  = []string{"CREATE_USER", "UPDATE_USER", "ACTIVATE_USER", "DEACTIVATE_USER", "ADD_ENTITLEMENT_TO_USER", "REMOVE_ENTITLEMENT_FROM_USER"}
	userColumns = strings.Fields("USER_ID USERNAME FIRSTNAME LASTNAME MIDDLENAME EMAIL DISPLAYNAME NICKNAME MOBILEPHONE STREETADDRESS CITY STATE ZIPCODE COUNTRYCODE TIMEZONE ORGANIZATION DEPARTMENT MANAGERID MANAGER TITLE EMPLOYEENUMBER HIREDATE TERMINATIONDATE PASSWORD_HASH IS_ACTIVE")
	writeParams = strings.Fields("p_user_id p_username p_firstname p_lastname p_email p_middlename p_displayname p_nickname p_mobilephone p_streetaddress p_city p_state p_zipcode p_countrycode p_timezone p_organization p_department p_managerid p_manager p_title p_employeenumber p_hiredate p_terminationdate p_password_hash")
	createStmt  = regexp.MustCompile(`(?is)^CREATE\s+(?:OR\s+REPLACE\s+)?(TABLE|VIEW|INDEX|PROCEDURE|FUNCTION)\s+(?:dbo\.)?(\w+)`)
)

// created maps "KIND NAME" of every CREATE statement to the statement.
func created(stmts []string) map[string]string {
	m := map[string]string{}
	for _, st := range stmts {
		if g := createStmt.FindStringSubmatch(st); g != nil {
			m[strings.ToUpper(g[1])+" "+strings.ToUpper(g[2])] = st
		}
	}
	return m
}

func TestObjects(t *testing.T) {
	for _, d := range Dialects() {
		stmts, err := Statements(d)
		if err != nil {
			t.Fatal(err)
		}
		objs := created(stmts)
		for _, name := range tableNames {
			if objs["TABLE "+name] == "" {
				t.Errorf("%s: no CREATE TABLE %s", d, name)
			}
		}
		for _, name := range viewNames {
			if objs["VIEW "+name] == "" {
				t.Errorf("%s: no CREATE VIEW %s", d, name)
			}
		}
		if objs["INDEX IX_USERENTITLEMENTS_USER_ID"] == "" {
			t.Errorf("%s: no index on USERENTITLEMENTS(USER_ID)", d)
		}
		// userName lookups compare LOWER(USERNAME) where the collation
		// does not ignore case (MySQL's does; SQL Server's would need a
		// computed column).
		lowerIndex := d == "postgresql" || d == "oracle" || d == "sqlite"
		if got := objs["INDEX IX_USERS_USERNAME_LOWER"] != ""; got != lowerIndex {
			t.Errorf("%s: an index on LOWER(USERNAME): %t, want %t", d, got, lowerIndex)
		}
		// 3 tables, 1 or 2 indexes, 6 views, and the procedures and functions.
		wantObjects := map[string]int{"mysql": 21, "postgresql": 27, "sqlserver": 21, "oracle": 22, "sqlite": 11}[d]
		if n := len(objs); n != wantObjects {
			t.Errorf("%s: %d objects created, want %d", d, n, wantObjects)
		}

		// USERS columns, in order.
		users := objs["TABLE USERS"]
		var cols []string
		for _, line := range strings.Split(users, "\n")[1:] {
			f := strings.Fields(line)
			if len(f) < 2 || f[0] == "CONSTRAINT" || f[0] == ");" || f[0] == ")" {
				continue
			}
			cols = append(cols, f[0])
		}
		if !slices.Equal(cols, userColumns) {
			t.Errorf("%s: USERS columns\n got %v\nwant %v", d, cols, userColumns)
		}

		switch d {
		case "sqlite":
			for _, p := range append(readProcs, writeProcs...) {
				if objs["PROCEDURE "+p] != "" || objs["FUNCTION "+p] != "" {
					t.Errorf("sqlite defines %s", p)
				}
			}
		case "postgresql":
			for _, p := range readProcs {
				if objs["FUNCTION "+p] == "" {
					t.Errorf("postgresql: no FUNCTION %s", p)
				}
				rc := objs["PROCEDURE "+p+"_RC"]
				if !regexp.MustCompile(`(?i)INOUT p_cursor REFCURSOR\)`).MatchString(rc) {
					t.Errorf("postgresql: PROCEDURE %s_RC without a trailing INOUT p_cursor refcursor:\n%s", p, rc)
				}
			}
			for _, p := range writeProcs {
				if objs["PROCEDURE "+p] == "" {
					t.Errorf("postgresql: no PROCEDURE %s", p)
				}
			}
		default:
			for _, p := range append(readProcs, writeProcs...) {
				if objs["PROCEDURE "+p] == "" {
					t.Errorf("%s: no PROCEDURE %s", d, p)
				}
			}
		}
		if d != "sqlite" {
			for _, p := range []string{"CREATE_USER", "UPDATE_USER"} {
				body := objs["PROCEDURE "+p]
				re := regexp.MustCompile(`(?i)@?(p_\w+)\s+(?:IN\s+)?(?:VARCHAR|NVARCHAR|VARCHAR2|DATE)\b`)
				var params []string
				for _, m := range re.FindAllStringSubmatch(body, -1) {
					params = append(params, strings.ToLower(m[1]))
				}
				if !slices.Equal(params, writeParams) {
					t.Errorf("%s: %s parameters\n got %v\nwant %v", d, p, params, writeParams)
				}
				for _, mandatory := range writeParams[:5] {
					if !strings.Contains(body, p+": "+mandatory+" is required") {
						t.Errorf("%s: %s does not check %s", d, p, mandatory)
					}
				}
			}
		}
	}
}

func TestOracleScripts(t *testing.T) {
	procs := fileStatements(t, "oracle", "procedures.sql")
	ends := 0
	for _, p := range procs {
		if strings.HasPrefix(p, "CREATE OR REPLACE PROCEDURE ") && strings.HasSuffix(p, "\nEND;") {
			ends++
		}
	}
	if ends != 11 {
		t.Errorf("%d Oracle procedures end with END;, want 11", ends)
	}
	for _, name := range scripts {
		text, _ := files.ReadFile("oracle/" + name)
		for i, line := range strings.Split(string(text), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "--") && (strings.HasSuffix(line, ";") || strings.HasSuffix(line, "/")) {
				t.Errorf("oracle/%s:%d: SQL*Plus may take the end of this comment for a terminator: %q", name, i+1, line)
			}
		}
		for _, st := range fileStatements(t, "oracle", name) {
			if strings.Contains(st, "\n\n") || strings.Contains(st, "\n\r\n") {
				t.Errorf("oracle/%s: blank line inside a statement (SQL*Plus ends the statement there):\n%s", name, st)
			}
			if !plsqlStart.MatchString(st) && strings.HasSuffix(st, ";") {
				t.Errorf("oracle/%s: plain statement still ends with ';': %s", name, firstLine(st))
			}
		}
	}
	if slashes := strings.Count("\n"+string(must(files.ReadFile("oracle/procedures.sql"))), "\n/\n"); slashes != 11 {
		t.Errorf("oracle/procedures.sql has %d '/' lines, want 11", slashes)
	}
	// Oracle before 12.2 limits identifiers to 30 bytes.
	all, _ := Statements("oracle")
	for _, w := range regexp.MustCompile(`\b[A-Z][A-Z0-9_]*\b`).FindAllString(strings.Join(all, "\n"), -1) {
		if len(w) > 30 {
			t.Errorf("oracle: identifier %s is longer than 30 characters", w)
		}
	}
	// SQL*Plus substitutes &name and treats DOC/REM lines as remarks.
	for _, st := range all {
		if strings.Contains(st, "&") || regexp.MustCompile(`(?im)^\s*(DOC|REM)\b`).MatchString(st) {
			t.Errorf("oracle: SQL*Plus would mangle %s", firstLine(st))
		}
	}
}

func TestSQLServerScripts(t *testing.T) {
	procs := fileStatements(t, "sqlserver", "procedures.sql")
	for _, p := range procs {
		if !strings.HasPrefix(p, "CREATE PROCEDURE dbo.") || !strings.HasSuffix(p, "\nEND") {
			t.Errorf("batch is not one whole CREATE PROCEDURE dbo.X ... END:\n%s", p)
		}
		if !strings.Contains(p, "SET NOCOUNT ON;") {
			t.Errorf("%s: no SET NOCOUNT ON", firstLine(p))
		}
	}
	// sqlcmd expands $(name) and runs lines starting with ":" as commands.
	all, _ := Statements("sqlserver")
	for _, st := range all {
		if strings.Contains(st, "$(") || regexp.MustCompile(`(?m)^\s*(:|!!)`).MatchString(st) {
			t.Errorf("sqlcmd would mangle %s", firstLine(st))
		}
	}
	for _, b := range fileStatements(t, "sqlserver", "schema.sql") {
		if strings.Count(strings.ToUpper(b), "CREATE ") != 1 {
			t.Errorf("schema batch does not hold exactly one CREATE:\n%s", b)
		}
	}
}

func TestMySQLScripts(t *testing.T) {
	for _, p := range fileStatements(t, "mysql", "procedures.sql") {
		if !strings.HasPrefix(p, "CREATE PROCEDURE ") || !strings.HasSuffix(p, "\nEND") {
			t.Errorf("not a whole procedure:\n%s", p)
		}
		// Parameters without a character set would take the database's
		// collation and clash with the columns' (error 1267).
		if regexp.MustCompile(`(?i)IN p_\w+\s+VARCHAR\(\d+\)[,)\n]`).MatchString(p) {
			t.Errorf("%s: VARCHAR parameter without CHARSET utf8mb4", firstLine(p))
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// null stands for SQL NULL in parsed demo data.
const null = "\x00NULL"

// row is one parsed INSERT row, column name → normalised literal.
type row map[string]string

// parseData parses every INSERT of a dialect's data.sql into rows per table,
// normalising the dialects' literals (N'x', DATE 'x', TRUE/FALSE).
func parseData(t *testing.T, dialect string) map[string][]row {
	t.Helper()
	insert := regexp.MustCompile(`(?is)^INSERT\s+INTO\s+(?:dbo\.)?(\w+)\s*\(([^)]*)\)\s*VALUES\s*(.*)$`)
	data := map[string][]row{}
	for _, st := range fileStatements(t, dialect, "data.sql") {
		pieces := []string{st}
		if dialect == "sqlserver" { // a batch of many statements
			var err error
			if pieces, err = splitDelimited(st, syntaxes["sqlserver"]); err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range pieces {
			m := insert.FindStringSubmatch(p)
			if m == nil {
				if !slices.Contains([]string{"SET NAMES utf8mb4", "SET NOCOUNT ON", "COMMIT"}, p) {
					t.Errorf("%s data: unexpected statement %q", dialect, firstLine(p))
				}
				continue
			}
			cols := strings.Split(m[2], ",")
			for i := range cols {
				cols[i] = strings.TrimSpace(cols[i])
			}
			tuples, err := parseTuples(m[3])
			if err != nil {
				t.Fatalf("%s data: %v in %s", dialect, err, p)
			}
			for _, tuple := range tuples {
				if len(tuple) != len(cols) {
					t.Fatalf("%s data: %d values for %d columns in %s", dialect, len(tuple), len(cols), p)
				}
				r := row{}
				for i, c := range cols {
					r[c] = tuple[i]
				}
				data[m[1]] = append(data[m[1]], r)
			}
		}
	}
	return data
}

// parseTuples parses "(v, ...), (v, ...)" with an optional trailing ";".
func parseTuples(s string) ([][]string, error) {
	var tuples [][]string
	i := 0
	skip := func() {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
	}
	for {
		skip()
		if i >= len(s) || s[i] == ';' {
			return tuples, nil
		}
		if len(tuples) > 0 {
			if s[i] != ',' {
				return nil, fmt.Errorf("expected ',' between tuples at %q", s[i:])
			}
			i++
			skip()
		}
		if i >= len(s) || s[i] != '(' {
			return nil, fmt.Errorf("expected '(' at %q", s[i:])
		}
		i++
		var tuple []string
		for {
			skip()
			v, n, err := parseLiteral(s, i)
			if err != nil {
				return nil, err
			}
			tuple = append(tuple, v)
			i = n
			skip()
			if i < len(s) && s[i] == ',' {
				i++
				continue
			}
			if i < len(s) && s[i] == ')' {
				i++
				break
			}
			return nil, fmt.Errorf("expected ',' or ')' at %q", s[i:])
		}
		tuples = append(tuples, tuple)
	}
}

var literal = regexp.MustCompile(`^(?i:(NULL|TRUE|FALSE)\b|(-?[0-9]+)\b|(?:N|DATE\s+)?'((?:[^']|'')*)')`)

func parseLiteral(s string, i int) (string, int, error) {
	m := literal.FindStringSubmatch(s[i:])
	if m == nil {
		return "", 0, fmt.Errorf("not a literal at %q", s[i:min(len(s), i+30)])
	}
	n := i + len(m[0])
	switch strings.ToUpper(m[1]) {
	case "NULL":
		return null, n, nil
	case "TRUE":
		return "1", n, nil
	case "FALSE":
		return "0", n, nil
	}
	if m[2] != "" {
		return m[2], n, nil
	}
	return strings.ReplaceAll(m[3], "''", "'"), n, nil
}

func TestDemoData(t *testing.T) {
	ref := parseData(t, "mysql")
	for _, d := range Dialects()[1:] {
		if got := parseData(t, d); !reflect.DeepEqual(got, ref) {
			t.Errorf("%s demo data differs from mysql's", d)
		}
	}
	if n := len(ref["ENTITLEMENTS"]); n != 10 {
		t.Errorf("%d entitlement rows, want 10", n)
	}
	if n := len(ref["USERS"]); n != 15 {
		t.Errorf("%d user rows, want 15", n)
	}
	if n := len(ref["USERENTITLEMENTS"]); n != 33 {
		t.Errorf("%d assignment rows, want 33", n)
	}

	entNames := map[string]string{}
	var names []string
	for _, e := range ref["ENTITLEMENTS"] {
		entNames[e["ENT_ID"]] = e["ENT_NAME"]
		names = append(names, e["ENT_ID"]+" "+e["ENT_NAME"])
		if e["ENT_DESCRIPTION"] == null {
			t.Errorf("entitlement %s has no description", e["ENT_NAME"])
		}
	}
	wantNames := []string{"1 VPN Access", "2 GitHub Admin", "3 AWS Console", "4 Jira Admin", "5 Confluence Edit",
		"6 Database Read", "7 Database Write", "8 Slack Admin", "9 Office 365", "10 Salesforce"}
	if !slices.Equal(names, wantNames) {
		t.Errorf("entitlements %q, want %q", names, wantNames)
	}

	users := map[string]row{}
	var inactive []string
	nonASCII, hashes := 0, 0
	for _, u := range ref["USERS"] {
		id := u["USER_ID"]
		if _, dup := users[id]; dup {
			t.Errorf("duplicate user %s", id)
		}
		users[id] = u
		if len(u) != len(userColumns) {
			t.Errorf("%s: %d columns, want %d", id, len(u), len(userColumns))
		}
		if u["EMAIL"] != id || u["USERNAME"]+"@galaxy.local" != id {
			t.Errorf("%s: USERNAME %q / EMAIL %q do not match USER_ID", id, u["USERNAME"], u["EMAIL"])
		}
		for _, c := range []string{"FIRSTNAME", "LASTNAME", "DISPLAYNAME", "TITLE", "ORGANIZATION", "DEPARTMENT", "HIREDATE", "EMPLOYEENUMBER", "TIMEZONE"} {
			if u[c] == null || u[c] == "" {
				t.Errorf("%s: no %s", id, c)
			}
		}
		if !regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(u["HIREDATE"]) {
			t.Errorf("%s: HIREDATE %q", id, u["HIREDATE"])
		}
		if u["IS_ACTIVE"] == "0" {
			inactive = append(inactive, u["USERNAME"])
		}
		for _, v := range u {
			if strings.ContainsFunc(v, func(r rune) bool { return r > 127 }) {
				nonASCII++
			}
		}
		if u["PASSWORD_HASH"] != null {
			hashes++
		}
	}
	for id, u := range users {
		if m := u["MANAGERID"]; m != null {
			if users[m] == nil {
				t.Errorf("%s: manager %s does not exist", id, m)
			} else if u["MANAGER"] != users[m]["DISPLAYNAME"] {
				t.Errorf("%s: MANAGER %q, want %q", id, u["MANAGER"], users[m]["DISPLAYNAME"])
			}
		}
	}
	sort.Strings(inactive)
	if !slices.Equal(inactive, []string{"darth.vader", "kylo.ren"}) {
		t.Errorf("inactive users %v, want darth.vader and kylo.ren", inactive)
	}
	if nonASCII != 1 || users["padme.amidala@galaxy.local"]["DISPLAYNAME"] != "Padmé Amidala" {
		t.Errorf("%d non-ASCII values, want exactly one (Padmé Amidala)", nonASCII)
	}
	if hashes < 1 || hashes > 3 {
		t.Errorf("%d users with a PASSWORD_HASH, want a couple", hashes)
	}

	held := map[string][]string{}
	seen := map[string]bool{}
	for _, a := range ref["USERENTITLEMENTS"] {
		key := a["USER_ID"] + " " + a["ENT_ID"]
		if seen[key] {
			t.Errorf("duplicate assignment %s", key)
		}
		seen[key] = true
		if users[a["USER_ID"]] == nil || entNames[a["ENT_ID"]] == "" {
			t.Errorf("assignment %s refers to an unknown user or entitlement", key)
		}
		held[a["USER_ID"]] = append(held[a["USER_ID"]], entNames[a["ENT_ID"]])
	}
	for user, want := range map[string][]string{
		"luke.skywalker": {"VPN Access", "GitHub Admin", "Confluence Edit"},
		"leia.organa":    {"VPN Access", "AWS Console", "Jira Admin"},
		"han.solo":       {"VPN Access", "Database Read"},
		"obiwan.kenobi":  {"VPN Access", "GitHub Admin", "AWS Console"},
		"yoda":           {"VPN Access", "GitHub Admin", "AWS Console", "Jira Admin"},
	} {
		if got := held[user+"@galaxy.local"]; !slices.Equal(got, want) {
			t.Errorf("%s holds %q, want %q", user, got, want)
		}
	}
	for id := range users {
		if n := len(held[id]); n < 1 || n > 4 {
			t.Errorf("%s holds %d entitlements", id, n)
		}
	}
}
