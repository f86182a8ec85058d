package provision

import (
	"reflect"
	"strings"
	"testing"

	"github.com/sqlscim/sqlscim/internal/db"
	_ "github.com/sqlscim/sqlscim/internal/db/all"
)

// fields builds DATABASE_FIELD parameters.
func testFields(names ...string) []Param {
	out := make([]Param, len(names))
	for i, n := range names {
		out[i] = Param{Type: DatabaseField, Field: n}
	}
	return out
}

// placeholderOf returns the registered dialect's bind-marker function.
func testPlaceholder(t *testing.T, dialect string) func(int) string {
	t.Helper()
	d, err := db.Lookup(dialect)
	if err != nil {
		t.Fatal(err)
	}
	return d.Placeholder
}

const testExecuteCall = "errors=[ValidationException: executeCall not allowed.] – this is a stored procedure call: set the type of "

func TestCompileStatementSQLMode(t *testing.T) {
	cursor := []Param{{Type: Cursor}}
	tests := []struct {
		name    string
		op      OpName
		stmt    string
		params  []Param
		dialect string
		wantSQL string
		wantN   int
		wantErr string
	}{
		{name: "select", op: GetUsers, stmt: "SELECT * FROM USERS", wantSQL: "SELECT * FROM USERS"},
		{name: "select lower case", op: GetUsers, stmt: "select * from users", wantSQL: "select * from users"},
		{name: "select in parentheses", op: GetUsers, stmt: "(SELECT * FROM USERS)", wantSQL: "(SELECT * FROM USERS)"},
		{name: "select after comments", op: GetUsers, stmt: "-- the users\n/* all */ SELECT * FROM USERS", wantSQL: "-- the users\n/* all */ SELECT * FROM USERS"},
		{name: "with", op: GetUsers, stmt: "WITH A AS (SELECT * FROM USERS) SELECT * FROM A", wantSQL: "WITH A AS (SELECT * FROM USERS) SELECT * FROM A"},
		{name: "insert", op: CreateUser, stmt: "INSERT INTO USERS (USER_ID, USERNAME) VALUES (?, ?)", params: testFields("USER_ID", "USERNAME"),
			wantSQL: "INSERT INTO USERS (USER_ID, USERNAME) VALUES (?, ?)", wantN: 2},
		{name: "update", op: UpdateUser, stmt: "UPDATE USERS SET TITLE = ? WHERE USER_ID = ?", params: testFields("TITLE", "USER_ID"),
			wantSQL: "UPDATE USERS SET TITLE = ? WHERE USER_ID = ?", wantN: 2},
		{name: "delete", op: RemoveEntitlementFromUser, stmt: "DELETE FROM USERENTITLEMENTS WHERE USER_ID = ? AND ENT_ID = ?", params: testFields("USER_ID", "ENT_ID"),
			wantSQL: "DELETE FROM USERENTITLEMENTS WHERE USER_ID = ? AND ENT_ID = ?", wantN: 2},
		{name: "select function as a write", op: ActivateUser, stmt: "SELECT activate_user(?)", params: testFields("USER_ID"),
			wantSQL: "SELECT activate_user(?)", wantN: 1},
		{name: "postgresql placeholders", op: UpdateUser, stmt: "UPDATE USERS SET TITLE = ? WHERE USER_ID = ?", params: testFields("TITLE", "USER_ID"), dialect: "postgresql",
			wantSQL: "UPDATE USERS SET TITLE = $1 WHERE USER_ID = $2", wantN: 2},
		{name: "sqlserver placeholders", op: GetUserByID, stmt: "SELECT * FROM USERS WHERE USER_ID = ?", params: testFields("USER_ID"), dialect: "sqlserver",
			wantSQL: "SELECT * FROM USERS WHERE USER_ID = @p1", wantN: 1},
		{name: "oracle placeholders", op: GetUserByID, stmt: "SELECT * FROM USERS WHERE USER_ID = ?", params: testFields("USER_ID"), dialect: "oracle",
			wantSQL: "SELECT * FROM USERS WHERE USER_ID = :1", wantN: 1},
		{name: "constant parameter", op: DeactivateUser, stmt: "UPDATE USERS SET IS_ACTIVE = ? WHERE USER_ID = ?",
			params:  []Param{{Type: Constant, Value: "0"}, {Type: DatabaseField, Field: "USER_ID"}},
			wantSQL: "UPDATE USERS SET IS_ACTIVE = ? WHERE USER_ID = ?", wantN: 2},

		// One statement only; a single trailing ; is dropped.
		{name: "trailing semicolon", op: GetUsers, stmt: "SELECT * FROM USERS;", wantSQL: "SELECT * FROM USERS"},
		{name: "trailing semicolon and space", op: GetUsers, stmt: "  SELECT * FROM USERS ;  \n", wantSQL: "SELECT * FROM USERS"},
		{name: "trailing semicolon rewritten", op: GetUserByID, stmt: "SELECT * FROM USERS WHERE USER_ID = ?;", params: testFields("USER_ID"), dialect: "postgresql",
			wantSQL: "SELECT * FROM USERS WHERE USER_ID = $1", wantN: 1},
		{name: "semicolon in a literal", op: GetUsers, stmt: "SELECT * FROM USERS WHERE TITLE <> 'a;b'", wantSQL: "SELECT * FROM USERS WHERE TITLE <> 'a;b'"},
		{name: "semicolon in a quoted name", op: GetUsers, stmt: `SELECT "a;b" FROM USERS`, dialect: "postgresql", wantSQL: `SELECT "a;b" FROM USERS`},
		{name: "semicolon in a line comment", op: GetUsers, stmt: "SELECT * FROM USERS -- first; second\nWHERE 1 = 1", wantSQL: "SELECT * FROM USERS -- first; second\nWHERE 1 = 1"},
		{name: "semicolon in a block comment", op: GetUsers, stmt: "SELECT * /* a; b */ FROM USERS", wantSQL: "SELECT * /* a; b */ FROM USERS"},
		{name: "two statements", op: GetUsers, stmt: "SELECT 1; DROP TABLE USERS",
			wantErr: "statement=SELECT 1; DROP TABLE USERS, errors=[ValidationException: execute not allowed.] – it holds more than one statement (a ';' outside quotes); an operation runs exactly one statement"},
		{name: "two statements and a trailing semicolon", op: GetUsers, stmt: "SELECT 1; SELECT 2;",
			wantErr: "statement=SELECT 1; SELECT 2, errors=[ValidationException: execute not allowed.] – it holds more than one statement (a ';' outside quotes); an operation runs exactly one statement"},
		{name: "two trailing semicolons", op: GetUsers, stmt: "SELECT 1;;",
			wantErr: "statement=SELECT 1;, errors=[ValidationException: execute not allowed.] – it holds more than one statement (a ';' outside quotes); an operation runs exactly one statement"},

		// Procedure calls belong to stored_procedure, with OPS's wording.
		{name: "call", op: ActivateUser, stmt: "CALL ACTIVATE_USER(?)", params: testFields("USER_ID"),
			wantErr: "statement=CALL ACTIVATE_USER(?), " + testExecuteCall + "activate_user to stored_procedure (\"Execute Stored Procedure\" in Okta)"},
		{name: "call lower case", op: GetUsers, stmt: "call get_activeusers()",
			wantErr: "statement=call get_activeusers(), " + testExecuteCall + "get_users to stored_procedure (\"Execute Stored Procedure\" in Okta)"},
		{name: "exec", op: ActivateUser, stmt: "EXEC ACTIVATE_USER ?", params: testFields("USER_ID"),
			wantErr: "statement=EXEC ACTIVATE_USER ?, " + testExecuteCall + "activate_user to stored_procedure (\"Execute Stored Procedure\" in Okta)"},
		{name: "execute", op: ActivateUser, stmt: "EXECUTE ACTIVATE_USER ?", params: testFields("USER_ID"),
			wantErr: "statement=EXECUTE ACTIVATE_USER ?, " + testExecuteCall + "activate_user to stored_procedure (\"Execute Stored Procedure\" in Okta)"},
		{name: "jdbc escape", op: ActivateUser, stmt: "{call ACTIVATE_USER(?)}", params: testFields("USER_ID"),
			wantErr: "statement={call ACTIVATE_USER(?)}, " + testExecuteCall + "activate_user to stored_procedure (\"Execute Stored Procedure\" in Okta)"},
		{name: "anonymous block", op: ActivateUser, stmt: "BEGIN ACTIVATE_USER(?) END", params: testFields("USER_ID"),
			wantErr: "statement=BEGIN ACTIVATE_USER(?) END, " + testExecuteCall + "activate_user to stored_procedure (\"Execute Stored Procedure\" in Okta)"},
		{name: "anonymous block with semicolons", op: ActivateUser, stmt: "BEGIN\n  ACTIVATE_USER(?);\nEND;", params: testFields("USER_ID"),
			wantErr: "statement=BEGIN ACTIVATE_USER(?); END, errors=[ValidationException: executeCall not allowed.] – this is a stored procedure call: set the type of activate_user to stored_procedure (\"Execute Stored Procedure\" in Okta)"},
		{name: "declare", op: ActivateUser, stmt: "DECLARE X INT", params: nil,
			wantErr: "statement=DECLARE X INT, " + testExecuteCall + "activate_user to stored_procedure (\"Execute Stored Procedure\" in Okta)"},

		// Schema changes are refused.
		{name: "create", op: CreateUser, stmt: "CREATE TABLE X (A INT)",
			wantErr: "statement=CREATE TABLE X (A INT), errors=[ValidationException: execute not allowed.] – CREATE changes the database schema; an operation may only run SELECT, INSERT, UPDATE or DELETE"},
		{name: "drop", op: DeactivateUser, stmt: "drop table USERS",
			wantErr: "statement=drop table USERS, errors=[ValidationException: execute not allowed.] – DROP changes the database schema; an operation may only run SELECT, INSERT, UPDATE or DELETE"},
		{name: "alter", op: UpdateUser, stmt: "ALTER TABLE USERS ADD X INT",
			wantErr: "statement=ALTER TABLE USERS ADD X INT, errors=[ValidationException: execute not allowed.] – ALTER changes the database schema; an operation may only run SELECT, INSERT, UPDATE or DELETE"},
		{name: "truncate", op: DeactivateUser, stmt: "TRUNCATE TABLE USERS",
			wantErr: "statement=TRUNCATE TABLE USERS, errors=[ValidationException: execute not allowed.] – TRUNCATE changes the database schema; an operation may only run SELECT, INSERT, UPDATE or DELETE"},
		{name: "grant", op: ActivateUser, stmt: "GRANT ALL ON USERS TO PUBLIC",
			wantErr: "statement=GRANT ALL ON USERS TO PUBLIC, errors=[ValidationException: execute not allowed.] – GRANT changes the database schema; an operation may only run SELECT, INSERT, UPDATE or DELETE"},
		{name: "other statement", op: GetUsers, stmt: "SHOW TABLES",
			wantErr: "statement=SHOW TABLES, errors=[ValidationException: execute not allowed.] – only SELECT, INSERT, UPDATE, DELETE and WITH statements are allowed in SQL mode"},

		// Reads return rows.
		{name: "read op with insert", op: GetUsers, stmt: "INSERT INTO USERS (USER_ID) VALUES ('x')",
			wantErr: "statement=INSERT INTO USERS (USER_ID) VALUES ('x'): get_users must return rows; use a SELECT (or WITH ... SELECT), not INSERT"},
		{name: "read op with delete", op: GetUserEntitlements, stmt: "DELETE FROM USERENTITLEMENTS WHERE USER_ID = ?", params: testFields("USER_ID"),
			wantErr: "statement=DELETE FROM USERENTITLEMENTS WHERE USER_ID = ?: get_user_entitlements must return rows; use a SELECT (or WITH ... SELECT), not DELETE"},

		// One parameter per placeholder.
		{name: "too few parameters", op: GetUserByID, stmt: "SELECT * FROM USERS WHERE USER_ID = ?",
			wantErr: "statement=SELECT * FROM USERS WHERE USER_ID = ? has 1 ? placeholder(s) but 0 parameter(s) are mapped; map exactly one parameter to each ?"},
		{name: "too many parameters", op: AddEntitlementToUser, stmt: "INSERT INTO UE (USER_ID, ENT_ID) VALUES (?, 1)", params: testFields("USER_ID", "ENT_ID"),
			wantErr: "statement=INSERT INTO UE (USER_ID, ENT_ID) VALUES (?, 1) has 1 ? placeholder(s) but 2 parameter(s) are mapped; map exactly one parameter to each ?"},
		{name: "placeholder in a literal does not count", op: GetUserByID, stmt: "SELECT * FROM USERS WHERE TITLE = '?'", params: testFields("USER_ID"),
			wantErr: "statement=SELECT * FROM USERS WHERE TITLE = '?' has 0 ? placeholder(s) but 1 parameter(s) are mapped; map exactly one parameter to each ?"},
		{name: "escaped question mark", op: GetUserByID, stmt: "SELECT * FROM USERS WHERE DATA ?? 'k' AND USER_ID = ?", params: testFields("USER_ID"), dialect: "postgresql",
			wantSQL: "SELECT * FROM USERS WHERE DATA ? 'k' AND USER_ID = $1", wantN: 1},
		{name: "cursor in sql mode", op: GetUserByID, stmt: "SELECT * FROM USERS WHERE USER_ID = ?", params: cursor,
			wantErr: "parameters[0]: a CURSOR parameter needs a stored procedure; SQL statements return their rows directly"},
		{name: "cursor second in sql mode", op: GetUserEntitlements, stmt: "SELECT * FROM UE WHERE USER_ID = ? AND ? IS NULL", params: append(testFields("USER_ID"), cursor...),
			wantErr: "parameters[1]: a CURSOR parameter needs a stored procedure; SQL statements return their rows directly"},

		{name: "empty", op: GetUsers, stmt: "  \n ", wantErr: "statement is empty"},
		{name: "unterminated literal", op: GetUsers, stmt: "SELECT * FROM USERS WHERE TITLE = 'abc",
			wantErr: "statement=SELECT * FROM USERS WHERE TITLE = 'abc: a quoted text starting at byte 34 never ends"},
		{name: "unterminated comment", op: GetUsers, stmt: "SELECT * /* FROM USERS",
			wantErr: "statement=SELECT * /* FROM USERS: a /* comment starting at byte 9 never ends"},
		{name: "long statement shortened", op: GetUsers, stmt: "SHOW " + strings.Repeat("x", 300),
			wantErr: "statement=SHOW " + strings.Repeat("x", 192) + "..., errors=[ValidationException: execute not allowed.] – only SELECT, INSERT, UPDATE, DELETE and WITH statements are allowed in SQL mode"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dialect := tc.dialect
			if dialect == "" {
				dialect = "mysql"
			}
			op := &Operation{Enabled: true, Type: SQLStatement, Statement: tc.stmt, Parameters: tc.params}
			st, err := compileStatement(tc.op, op, dialect, testPlaceholder(t, dialect))
			if tc.wantErr != "" {
				if err == nil {
					t.Fatalf("compiled to %+v, want error %q", st, tc.wantErr)
				}
				if err.Error() != tc.wantErr {
					t.Fatalf("error\n got %q\nwant %q", err.Error(), tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if st.sql != tc.wantSQL || st.proc != "" || st.params != tc.wantN {
				t.Fatalf("got sql=%q proc=%q params=%d, want sql=%q params=%d", st.sql, st.proc, st.params, tc.wantSQL, tc.wantN)
			}
		})
	}
}

// A statement may end with a ; followed by a comment: there is still only
// one statement, and the message "it holds more than one statement" would
// send the admin looking for a second one.
func TestCompileStatementTrailingSemicolonAndComment(t *testing.T) {
	for _, stmt := range []string{
		"SELECT * FROM USERS; -- every user",
		"SELECT * FROM USERS; /* every user */",
	} {
		op := &Operation{Enabled: true, Type: SQLStatement, Statement: stmt}
		st, err := compileStatement(GetUsers, op, "mysql", nil)
		if err != nil {
			t.Fatalf("%q is one statement with a trailing comment, refused: %v", stmt, err)
		}
		if st.sql != "SELECT * FROM USERS" {
			t.Errorf("%q compiled to %q", stmt, st.sql)
		}
	}
}

func TestCompileStatementProcedureMode(t *testing.T) {
	tests := []struct {
		name     string
		op       OpName
		stmt     string
		params   []Param
		dialect  string
		wantProc string
		wantN    int
		wantErr  string
	}{
		{name: "call", op: AddEntitlementToUser, stmt: "CALL ADD_ENTITLEMENT_TO_USER(?, ?)", params: testFields("USER_ID", "ENT_ID"), wantProc: "ADD_ENTITLEMENT_TO_USER", wantN: 2},
		{name: "call lower case without spaces", op: AddEntitlementToUser, stmt: "call add_ent(?,?)", params: testFields("USER_ID", "ENT_ID"), wantProc: "add_ent", wantN: 2},
		{name: "call with space before parenthesis", op: GetUserByID, stmt: "CALL GET_USER_BY_ID (?)", params: testFields("USER_ID"), wantProc: "GET_USER_BY_ID", wantN: 1},
		{name: "call without arguments", op: GetUsers, stmt: "CALL GET_ACTIVEUSERS()", wantProc: "GET_ACTIVEUSERS", wantN: 0},
		{name: "call with trailing semicolon", op: GetUserByID, stmt: "CALL GET_USER_BY_ID(?);", params: testFields("USER_ID"), wantProc: "GET_USER_BY_ID", wantN: 1},
		{name: "jdbc escape", op: GetUserByID, stmt: "{call GET_USER_BY_ID(?)}", params: testFields("USER_ID"), wantProc: "GET_USER_BY_ID", wantN: 1},
		{name: "jdbc escape with spaces", op: GetUserByID, stmt: "{ CALL GET_USER_BY_ID( ? ) }", params: testFields("USER_ID"), wantProc: "GET_USER_BY_ID", wantN: 1},
		{name: "bare name", op: AddEntitlementToUser, stmt: "ADD_ENTITLEMENT_TO_USER", params: testFields("USER_ID", "ENT_ID"), wantProc: "ADD_ENTITLEMENT_TO_USER", wantN: 2},
		{name: "bare name without parameters", op: GetUsers, stmt: "GET_ACTIVEUSERS", wantProc: "GET_ACTIVEUSERS", wantN: 0},
		{name: "name with arguments", op: AddEntitlementToUser, stmt: "ADD_ENTITLEMENT_TO_USER(?, ?)", params: testFields("USER_ID", "ENT_ID"), wantProc: "ADD_ENTITLEMENT_TO_USER", wantN: 2},
		{name: "exec", op: AddEntitlementToUser, stmt: "EXEC dbo.ADD_ENT ?, ?", params: testFields("USER_ID", "ENT_ID"), dialect: "sqlserver", wantProc: "dbo.ADD_ENT", wantN: 2},
		{name: "execute without arguments", op: GetUsers, stmt: "EXECUTE GET_ACTIVEUSERS", dialect: "sqlserver", wantProc: "GET_ACTIVEUSERS", wantN: 0},
		{name: "schema-qualified", op: GetUserByID, stmt: "CALL hr.GET_USER_BY_ID(?)", params: testFields("USER_ID"), dialect: "postgresql", wantProc: "hr.GET_USER_BY_ID", wantN: 1},
		{name: "double-quoted", op: GetUserByID, stmt: `CALL "hr"."Get User"(?)`, params: testFields("USER_ID"), dialect: "postgresql", wantProc: `"hr"."Get User"`, wantN: 1},
		{name: "backticks", op: GetUserByID, stmt: "CALL `oktademo`.`get user`(?)", params: testFields("USER_ID"), wantProc: "`oktademo`.`get user`", wantN: 1},
		{name: "brackets", op: GetUserByID, stmt: "EXEC [dbo].[Get User] ?", params: testFields("USER_ID"), dialect: "sqlserver", wantProc: "[dbo].[Get User]", wantN: 1},
		{name: "oracle package", op: GetUsers, stmt: "{call PKG_USERS.GET_USERS(?)}", params: []Param{{Type: Cursor}}, dialect: "oracle", wantProc: "PKG_USERS.GET_USERS", wantN: 1},
		{name: "cursor argument", op: GetUsers, stmt: "CALL GET_ACTIVEUSERS_RC(?)", params: []Param{{Type: Cursor}}, dialect: "postgresql", wantProc: "GET_ACTIVEUSERS_RC", wantN: 1},

		{name: "select", op: GetUsers, stmt: "SELECT * FROM GET_ACTIVEUSERS()", dialect: "postgresql",
			wantErr: "statement=SELECT * FROM GET_ACTIVEUSERS(): this is a SQL statement, not a procedure call: set the operation type to sql (\"SQL Statement\" in Okta), or call a procedure: CALL name(?, ...)"},
		{name: "update", op: ActivateUser, stmt: "UPDATE USERS SET IS_ACTIVE = 1 WHERE USER_ID = ?", params: testFields("USER_ID"),
			wantErr: "statement=UPDATE USERS SET IS_ACTIVE = 1 WHERE USER_ID = ?: this is a SQL statement, not a procedure call: set the operation type to sql (\"SQL Statement\" in Okta), or call a procedure: CALL name(?, ...)"},
		{name: "literal argument", op: ActivateUser, stmt: "CALL SET_ACTIVE('Y', ?)", params: testFields("USER_ID"),
			wantErr: "statement=CALL SET_ACTIVE('Y', ?): argument 1 is \"'Y'\"; every argument must be a ? placeholder (use a CONSTANT parameter for a fixed value)"},
		{name: "number argument", op: ActivateUser, stmt: "CALL SET_ACTIVE(?, 1)", params: testFields("USER_ID"),
			wantErr: "statement=CALL SET_ACTIVE(?, 1): argument 2 is \"1\"; every argument must be a ? placeholder (use a CONSTANT parameter for a fixed value)"},
		{name: "exec literal argument", op: ActivateUser, stmt: "EXEC SET_ACTIVE @id = ?", params: testFields("USER_ID"), dialect: "sqlserver",
			wantErr: "statement=EXEC SET_ACTIVE @id = ?: argument 1 is \"@id = ?\"; every argument must be a ? placeholder (use a CONSTANT parameter for a fixed value)"},
		{name: "argument count", op: AddEntitlementToUser, stmt: "CALL ADD_ENT(?)", params: testFields("USER_ID", "ENT_ID"),
			wantErr: "statement=CALL ADD_ENT(?) passes 1 argument(s) but 2 parameter(s) are mapped; map exactly one parameter to each ?"},
		{name: "exec without arguments takes one per parameter, like a bare name", op: ActivateUser, stmt: "EXEC ACTIVATE_USER", params: testFields("USER_ID"), dialect: "sqlserver",
			wantProc: "ACTIVATE_USER", wantN: 1},
		{name: "sqlite", op: GetUsers, stmt: "CALL GET_ACTIVEUSERS()", dialect: "sqlite",
			wantErr: "SQLite has no stored procedures: set the type of get_users to sql and write the statement"},
		{name: "two calls", op: ActivateUser, stmt: "CALL A(?); CALL B(?)", params: testFields("USER_ID", "USER_ID"),
			wantErr: "statement=CALL A(?); CALL B(?) holds more than one statement (a ';' outside quotes); write one procedure call"},
		{name: "ddl", op: ActivateUser, stmt: "DROP PROCEDURE ACTIVATE_USER",
			wantErr: "statement=DROP PROCEDURE ACTIVATE_USER: only a procedure call is allowed here (CALL name(?, ...)), not DROP"},
		{name: "anonymous block", op: ActivateUser, stmt: "BEGIN ACTIVATE_USER(?) END", params: testFields("USER_ID"), dialect: "oracle",
			wantErr: "statement=BEGIN ACTIVATE_USER(?) END: only a procedure call is allowed here (CALL name(?, ...)), not BEGIN"},
		{name: "unclosed escape", op: GetUserByID, stmt: "{call GET_USER_BY_ID(?)", params: testFields("USER_ID"),
			wantErr: "statement={call GET_USER_BY_ID(?): the JDBC escape {call ...} is not closed"},
		{name: "function escape", op: GetUserByID, stmt: "{? = call GET_USER_BY_ID(?)}", params: testFields("USER_ID"),
			wantErr: "statement={? = call GET_USER_BY_ID(?)}: only {call name(?, ...)} escapes are understood"},
		{name: "exec without a name", op: GetUsers, stmt: "EXEC", dialect: "sqlserver",
			wantErr: "statement=EXEC: EXEC must be followed by a procedure name"},
		{name: "call without parentheses around arguments", op: GetUserByID, stmt: "CALL GET_USER_BY_ID ?", params: testFields("USER_ID"),
			wantErr: "statement=CALL GET_USER_BY_ID ?: expected (?, ...) after GET_USER_BY_ID"},
		{name: "call without a name", op: GetUserByID, stmt: "CALL (?)", params: testFields("USER_ID"),
			wantErr: "statement=CALL (?): no procedure name found; write CALL name(?, ...)"},
		{name: "unterminated", op: GetUserByID, stmt: "CALL \"GET_USER(?)", params: testFields("USER_ID"),
			wantErr: "statement=CALL \"GET_USER(?): a quoted text starting at byte 5 never ends"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dialect := tc.dialect
			if dialect == "" {
				dialect = "mysql"
			}
			op := &Operation{Enabled: true, Type: StoredProcedure, Statement: tc.stmt, Parameters: tc.params}
			st, err := compileStatement(tc.op, op, dialect, testPlaceholder(t, dialect))
			if tc.wantErr != "" {
				if err == nil {
					t.Fatalf("compiled to %+v, want error %q", st, tc.wantErr)
				}
				if err.Error() != tc.wantErr {
					t.Fatalf("error\n got %q\nwant %q", err.Error(), tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if st.proc != tc.wantProc || st.sql != "" || st.params != tc.wantN {
				t.Fatalf("got proc=%q sql=%q params=%d, want proc=%q params=%d", st.proc, st.sql, st.params, tc.wantProc, tc.wantN)
			}
		})
	}
}

func TestCompileStatementUnknownType(t *testing.T) {
	op := &Operation{Enabled: true, Type: "query", Statement: "SELECT 1"}
	_, err := compileStatement(GetUsers, op, "mysql", nil)
	if err == nil || err.Error() != `type "query" is neither sql nor stored_procedure` {
		t.Fatalf("got %v", err)
	}
}

func TestParseCall(t *testing.T) {
	tests := []struct {
		stmt     string
		wantName string
		wantN    int
		wantErr  string
	}{
		{stmt: "CALL P(?, ?)", wantName: "P", wantN: 2},
		{stmt: "{call P(?)}", wantName: "P", wantN: 1},
		{stmt: "P", wantName: "P", wantN: -1},
		{stmt: "P(?, ?, ?)", wantName: "P", wantN: 3},
		{stmt: "P()", wantName: "P", wantN: 0},
		{stmt: "EXEC P ?, ?", wantName: "P", wantN: 2},
		{stmt: "EXECUTE P", wantName: "P", wantN: -1},
		{stmt: "exec s.P ?", wantName: "s.P", wantN: 1},
		{stmt: "CALL db.s.P(?)", wantName: "db.s.P", wantN: 1},
		{stmt: "CALL P$1#x(?)", wantName: "P$1#x", wantN: 1},
		{stmt: `CALL "a b"."c"(?)`, wantName: `"a b"."c"`, wantN: 1},
		{stmt: "  CALL   P ( ? , ? )  ", wantName: "P", wantN: 2},
		{stmt: "WITH X AS (SELECT 1) SELECT * FROM X", wantErr: "this is a SQL statement, not a procedure call: set the operation type to sql (\"SQL Statement\" in Okta), or call a procedure: CALL name(?, ...)"},
		{stmt: "DELETE FROM X", wantErr: "this is a SQL statement, not a procedure call: set the operation type to sql (\"SQL Statement\" in Okta), or call a procedure: CALL name(?, ...)"},
		{stmt: "DECLARE X INT", wantErr: "only a procedure call is allowed here (CALL name(?, ...)), not DECLARE"},
		{stmt: "TRUNCATE TABLE X", wantErr: "only a procedure call is allowed here (CALL name(?, ...)), not TRUNCATE"},
		{stmt: "CALL P(?, 'x')", wantErr: "argument 2 is \"'x'\"; every argument must be a ? placeholder (use a CONSTANT parameter for a fixed value)"},
		{stmt: "CALL P(?, )", wantErr: "argument 2 is \"\"; every argument must be a ? placeholder (use a CONSTANT parameter for a fixed value)"},
		{stmt: "CALL P(:id)", wantErr: "argument 1 is \":id\"; every argument must be a ? placeholder (use a CONSTANT parameter for a fixed value)"},
		{stmt: "CALL P(?", wantErr: "expected (?, ...) after P"},
		{stmt: "{call P(?)", wantErr: "the JDBC escape {call ...} is not closed"},
		{stmt: "{fn NOW()}", wantErr: "only {call name(?, ...)} escapes are understood"},
		{stmt: `CALL "P(?)`, wantErr: "no procedure name found; write CALL name(?, ...)"},
	}
	for _, tc := range tests {
		t.Run(tc.stmt, func(t *testing.T) {
			name, n, err := parseCall(tc.stmt, rulesFor("postgresql"))
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("got (%q, %d, %v), want error %q", name, n, err, tc.wantErr)
				}
				return
			}
			if err != nil || name != tc.wantName || n != tc.wantN {
				t.Fatalf("got (%q, %d, %v), want (%q, %d)", name, n, err, tc.wantName, tc.wantN)
			}
		})
	}
}

func TestValidateOperation(t *testing.T) {
	mysql, err := db.Lookup("mysql")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		op      OpName
		o       Operation
		dialect interface{ Info() db.Info }
		want    Problems
	}{
		{name: "valid sql", op: GetUserByID, dialect: mysql,
			o: Operation{Type: SQLStatement, Statement: "SELECT * FROM USERS WHERE USER_ID = ?", Parameters: testFields("USER_ID")}},
		{name: "valid procedure", op: GetUserByID, dialect: mysql,
			o: Operation{Type: StoredProcedure, Statement: "CALL GET_USER_BY_ID(?)", Parameters: testFields("USER_ID")}},
		{name: "unknown type", op: GetUsers, dialect: mysql,
			o:    Operation{Type: "Execute Stored Procedure", Statement: "CALL X()"},
			want: Problems{{".type", `"Execute Stored Procedure" is not an operation type; use sql ("SQL Statement") or stored_procedure ("Execute Stored Procedure")`}}},
		{name: "empty type", op: GetUsers, dialect: mysql,
			o:    Operation{Statement: "SELECT 1"},
			want: Problems{{".type", `"" is not an operation type; use sql ("SQL Statement") or stored_procedure ("Execute Stored Procedure")`}}},
		{name: "bad parameter type", op: CreateUser, dialect: mysql,
			o: Operation{Type: SQLStatement, Statement: "INSERT INTO USERS (USER_ID, X) VALUES (?, ?)",
				Parameters: []Param{{Type: DatabaseField, Field: "USER_ID"}, {Type: "FIELD", Field: "X"}}},
			want: Problems{{".parameters[1]", `"FIELD" is not a parameter type; use DATABASE_FIELD, CURSOR or CONSTANT`}}},
		{name: "lower-case parameter type", op: CreateUser, dialect: mysql,
			o: Operation{Type: SQLStatement, Statement: "INSERT INTO USERS (USER_ID) VALUES (?)",
				Parameters: []Param{{Type: "database_field", Field: "USER_ID"}}},
			want: Problems{{".parameters[0]", `"database_field" is not a parameter type; use DATABASE_FIELD, CURSOR or CONSTANT`}}},
		{name: "field without a name", op: ActivateUser, dialect: mysql,
			o:    Operation{Type: SQLStatement, Statement: "UPDATE USERS SET IS_ACTIVE = 1 WHERE USER_ID = ?", Parameters: []Param{{Type: DatabaseField}}},
			want: Problems{{".parameters[0]", "a DATABASE_FIELD parameter needs a field (a column name such as USER_ID)"}}},
		{name: "cursor on a write", op: ActivateUser, dialect: mysql,
			o:    Operation{Type: StoredProcedure, Statement: "CALL ACTIVATE_USER(?, ?)", Parameters: []Param{{Type: DatabaseField, Field: "USER_ID"}, {Type: Cursor}}},
			want: Problems{{".parameters[1]", "a CURSOR parameter returns rows; activate_user returns none"}}},
		{name: "several parameter problems and no statement check", op: CreateUser, dialect: mysql,
			o: Operation{Type: "bogus", Statement: "DROP TABLE USERS",
				Parameters: []Param{{Type: DatabaseField}, {Type: Constant}, {Type: Cursor}, {Type: "X"}}},
			want: Problems{
				{".type", `"bogus" is not an operation type; use sql ("SQL Statement") or stored_procedure ("Execute Stored Procedure")`},
				{".parameters[0]", "a DATABASE_FIELD parameter needs a field (a column name such as USER_ID)"},
				{".parameters[2]", "a CURSOR parameter returns rows; create_user returns none"},
				{".parameters[3]", `"X" is not a parameter type; use DATABASE_FIELD, CURSOR or CONSTANT`},
			}},
		{name: "statement problem", op: ActivateUser, dialect: mysql,
			o: Operation{Type: SQLStatement, Statement: "CALL ACTIVATE_USER(?)", Parameters: testFields("USER_ID")},
			want: Problems{{".statement", "statement=CALL ACTIVATE_USER(?), " + testExecuteCall +
				"activate_user to stored_procedure (\"Execute Stored Procedure\" in Okta)"}}},
		{name: "no dialect, no statement check", op: ActivateUser, dialect: nil,
			o: Operation{Type: SQLStatement, Statement: "CALL ACTIVATE_USER(?)", Parameters: testFields("USER_ID")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.o
			got := validateOperation(tc.op, &o, tc.dialect)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// wantProblems checks that c's validation reports exactly want, in order.
func wantProblems(t *testing.T, c *Config, want []string) {
	t.Helper()
	var got []string
	for _, p := range c.Validate("tenants[0]") {
		got = append(got, p.String())
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// validConfig is a MySQL tenant with the two required operations.
func testValidConfig() *Config {
	return &Config{
		Name:     "lab",
		Database: db.Conn{Type: "mysql", Host: "127.0.0.1", Database: "oktademo", User: "oktademo"},
		Operations: map[OpName]*Operation{
			GetUsers:    {Enabled: true, Type: SQLStatement, Statement: "SELECT * FROM USERS", UserIDColumn: "USER_ID"},
			GetUserByID: {Enabled: true, Type: SQLStatement, Statement: "SELECT * FROM USERS WHERE USER_ID = ?", Parameters: testFields("USER_ID")},
		},
	}
}

func TestConfigValidate(t *testing.T) {
	const opNames = "get_users, get_user_by_id, get_all_entitlements, get_user_entitlements, create_user, update_user, activate_user, deactivate_user, add_entitlement_to_user, remove_entitlement_from_user, set_password, get_users_modified_since, delete_user, get_entitlements_of_users, get_user_by_username"
	tests := []struct {
		name   string
		change func(c *Config)
		want   []string
	}{
		{name: "valid", change: func(*Config) {}},
		{name: "disabled optional operation is not checked", change: func(c *Config) {
			c.Operations[CreateUser] = &Operation{Enabled: false, Type: "bogus", Statement: "DROP TABLE USERS"}
		}},
		{name: "missing name", change: func(c *Config) { c.Name = "" },
			want: []string{"tenants[0].name: missing: the tenant name is the {app} part of the URL, e.g. jdbc_on_prem"}},
		{name: "bad name", change: func(c *Config) { c.Name = "lab/one" },
			want: []string{`tenants[0].name: "lab/one" is not a usable tenant name; use letters, digits, '_', '-' and '.'`}},
		{name: "missing type", change: func(c *Config) { c.Database.Type = "" },
			want: []string{"tenants[0].database.type: missing: set the database type (mysql, oracle, postgresql, sqlite, sqlserver) or a jdbc_url"}},
		{name: "unknown type", change: func(c *Config) { c.Database.Type = "informix" },
			want: []string{`tenants[0].database.type: unknown database type "informix"; known types: mysql, oracle, postgresql, sqlite, sqlserver`}},
		{name: "missing host", change: func(c *Config) { c.Database.Host = "" },
			want: []string{
				"tenants[0].database: MySQL connection has no host",
				"tenants[0].database.host: missing: set the database host name or IP address",
			}},
		{name: "sqlite without a file", change: func(c *Config) { c.Database = db.Conn{Type: "sqlite"} },
			want: []string{
				"tenants[0].database: SQLite connection has no database file: set the database to a file path",
				"tenants[0].database.database: missing: set the SQLite database file",
			}},
		{name: "sqlite with procedures", change: func(c *Config) {
			c.Database = db.Conn{Type: "sqlite", Database: "lab.db"}
			c.Operations[GetUsers].Type = StoredProcedure
			c.Operations[GetUsers].Statement = "CALL GET_ACTIVEUSERS()"
		}, want: []string{"tenants[0].operations.get_users.statement: SQLite has no stored procedures: set the type of get_users to sql and write the statement"}},
		{name: "missing user id column", change: func(c *Config) { c.Operations[GetUsers].UserIDColumn = "" },
			want: []string{"tenants[0].operations.get_users.user_id_column: missing: name the column that identifies a user, e.g. USER_ID"}},
		{name: "missing entitlement id column", change: func(c *Config) {
			c.Operations[GetAllEntitlements] = &Operation{Enabled: true, Type: SQLStatement, Statement: "SELECT * FROM ENTITLEMENTS"}
		}, want: []string{"tenants[0].operations.get_all_entitlements.entitlement_id_column: missing: name the column that identifies an entitlement, e.g. ENT_ID"}},
		{name: "required operations", change: func(c *Config) {
			c.Operations[GetUsers].Enabled = false
			delete(c.Operations, GetUserByID)
		}, want: []string{
			"tenants[0].operations.get_user_by_id: must be enabled: every user read and write looks the user up with it",
			"tenants[0].operations.get_users: must be enabled: it lists users and defines the user's columns",
		}},
		{name: "nil operation", change: func(c *Config) { c.Operations[GetUserByID] = nil },
			want: []string{"tenants[0].operations.get_user_by_id: must be enabled: every user read and write looks the user up with it"}},
		{name: "unknown operation", change: func(c *Config) { c.Operations["get_groups"] = &Operation{Enabled: true} },
			want: []string{"tenants[0].operations.get_groups: unknown operation; the operations are " + opNames}},
		{name: "bad mapping", change: func(c *Config) { c.Mapping = map[string]string{"TITLE": "jobTitle", "NICKNAME": ""} },
			want: []string{`tenants[0].mapping.TITLE: "jobTitle" is not an attribute of the User or enterprise User schema`}},
		{name: "every problem at once, sorted by path", change: func(c *Config) {
			c.Name = ""
			c.Database.Host = ""
			c.Operations[GetUsers].UserIDColumn = ""
			c.Operations[CreateUser] = &Operation{Enabled: true, Type: SQLStatement,
				Statement:  "INSERT INTO USERS (USER_ID, USERNAME, FIRSTNAME, X) VALUES (?, ?, ?, ?)",
				Parameters: append(testFields("USER_ID", "USERNAME", "FIRSTNAME"), Param{Type: "COLUMN", Field: "X"})}
			c.Operations[ActivateUser] = &Operation{Enabled: true, Type: SQLStatement, Statement: "CALL ACTIVATE_USER(?)", Parameters: testFields("USER_ID")}
			c.Mapping = map[string]string{"EMAIL": "emails.value"}
		}, want: []string{
			"tenants[0].database: MySQL connection has no host",
			"tenants[0].database.host: missing: set the database host name or IP address",
			`tenants[0].mapping.EMAIL: "emails.value" is multi-valued; name the element's type, e.g. emails[work].value`,
			"tenants[0].name: missing: the tenant name is the {app} part of the URL, e.g. jdbc_on_prem",
			"tenants[0].operations.activate_user.statement: statement=CALL ACTIVATE_USER(?), " + testExecuteCall + "activate_user to stored_procedure (\"Execute Stored Procedure\" in Okta)",
			`tenants[0].operations.create_user.parameters[3]: "COLUMN" is not a parameter type; use DATABASE_FIELD, CURSOR or CONSTANT`,
			"tenants[0].operations.get_users.user_id_column: missing: name the column that identifies a user, e.g. USER_ID",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := testValidConfig()
			tc.change(c)
			ps := c.Validate("tenants[0]")
			var got []string
			for _, p := range ps {
				got = append(got, p.String())
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
			if len(ps) > 0 && ps.Error() != strings.Join(tc.want, "; ") {
				t.Errorf("Error() = %q", ps.Error())
			}
		})
	}
}

// The prefix is prepended as it is: the header uses X-OKTA-ONPREM-DATA, the
// file tenants[i], and an empty prefix leaves paths starting with a dot.
func TestConfigValidatePrefix(t *testing.T) {
	for _, prefix := range []string{"", "X-OKTA-ONPREM-DATA", "tenants[3]"} {
		c := testValidConfig()
		c.Operations[GetUsers].UserIDColumn = ""
		ps := c.Validate(prefix)
		want := Problems{{prefix + ".operations.get_users.user_id_column", "missing: name the column that identifies a user, e.g. USER_ID"}}
		if !reflect.DeepEqual(ps, want) {
			t.Errorf("prefix %q: got %q", prefix, ps)
		}
	}
}

func TestValidTenantName(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"jdbc_on_prem", true},
		{"a.b-c_D9", true},
		{strings.Repeat("a", 64), true},
		{strings.Repeat("a", 65), false},
		{"", false},
		{".", false},
		{"..", false},
		{"...", true},
		{"a/b", false},
		{"a b", false},
		{"é", false},
		{"a%2Fb", false},
	}
	for _, tc := range tests {
		if got := ValidTenantName(tc.name); got != tc.want {
			t.Errorf("ValidTenantName(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestScanPlaceholders(t *testing.T) {
	tests := []struct {
		name    string
		dialect string
		in      string
		want    string
		params  int
		seps    []int
		unterm  string
	}{
		{name: "mysql", dialect: "mysql", in: "SELECT ? , ?", want: "SELECT ? , ?", params: 2},
		{name: "postgresql", dialect: "postgresql", in: "SELECT ? , ?", want: "SELECT $1 , $2", params: 2},
		{name: "sqlserver", dialect: "sqlserver", in: "SELECT ? , ?", want: "SELECT @p1 , @p2", params: 2},
		{name: "oracle", dialect: "oracle", in: "SELECT ? , ?", want: "SELECT :1 , :2", params: 2},
		{name: "sqlite", dialect: "sqlite", in: "SELECT ? , ?", want: "SELECT ? , ?", params: 2},
		{name: "many", dialect: "postgresql", in: "VALUES (?,?,?,?,?,?,?,?,?,?,?)", want: "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)", params: 11},

		{name: "literal", dialect: "postgresql", in: "SELECT 'a?b', ?", want: "SELECT 'a?b', $1", params: 1},
		{name: "doubled quote", dialect: "postgresql", in: "SELECT 'it''s ?', ?", want: "SELECT 'it''s ?', $1", params: 1},
		{name: "empty literal", dialect: "postgresql", in: "SELECT '', ?", want: "SELECT '', $1", params: 1},
		{name: "mysql backslash escape", dialect: "mysql", in: `SELECT 'it\'s ?', ?`, want: `SELECT 'it\'s ?', ?`, params: 1},
		{name: "mysql escaped backslash", dialect: "mysql", in: `SELECT 'a\\', ?`, want: `SELECT 'a\\', ?`, params: 1},
		{name: "mysql double-quoted string with backslash", dialect: "mysql", in: `SELECT "say \"?\"", ?`, want: `SELECT "say \"?\"", ?`, params: 1},
		// Without backslash escapes, 'it\' is a whole literal.
		{name: "postgresql backslash is not an escape", dialect: "postgresql", in: `SELECT 'a\', ?`, want: `SELECT 'a\', $1`, params: 1},
		{name: "quoted identifier", dialect: "postgresql", in: `SELECT "a?b" FROM t WHERE x = ?`, want: `SELECT "a?b" FROM t WHERE x = $1`, params: 1},
		{name: "doubled quote in identifier", dialect: "oracle", in: `SELECT "a""?" FROM t WHERE x = ?`, want: `SELECT "a""?" FROM t WHERE x = :1`, params: 1},
		{name: "backticks", dialect: "mysql", in: "SELECT `a?b` FROM t WHERE x = ?", want: "SELECT `a?b` FROM t WHERE x = ?", params: 1},
		{name: "backticks are plain in postgresql", dialect: "postgresql", in: "SELECT `a?b`, ?", want: "SELECT `a$1b`, $2", params: 2},
		{name: "brackets", dialect: "sqlserver", in: "SELECT [a?b] FROM t WHERE x = ?", want: "SELECT [a?b] FROM t WHERE x = @p1", params: 1},
		{name: "brackets are subscripts in postgresql", dialect: "postgresql", in: "SELECT a[?] FROM t", want: "SELECT a[$1] FROM t", params: 1},
		{name: "line comment", dialect: "postgresql", in: "SELECT ? -- comment ?\n, ?", want: "SELECT $1 -- comment ?\n, $2", params: 2},
		{name: "line comment at the end", dialect: "postgresql", in: "SELECT ? -- comment ?", want: "SELECT $1 -- comment ?", params: 1},
		{name: "hash comment", dialect: "mysql", in: "SELECT ? # comment ?\n, ?", want: "SELECT ? # comment ?\n, ?", params: 2},
		{name: "hash is an operator in postgresql", dialect: "postgresql", in: "SELECT ? # ?", want: "SELECT $1 # $2", params: 2},
		{name: "block comment", dialect: "postgresql", in: "SELECT /* ? */ ?", want: "SELECT /* ? */ $1", params: 1},
		{name: "multi-line block comment", dialect: "oracle", in: "SELECT /* a\n? */ ?", want: "SELECT /* a\n? */ :1", params: 1},
		{name: "dollar quote", dialect: "postgresql", in: "SELECT $$ ? $$, ?", want: "SELECT $$ ? $$, $1", params: 1},
		{name: "tagged dollar quote", dialect: "postgresql", in: "SELECT $tag$ ? $$ ? $tag$, ?", want: "SELECT $tag$ ? $$ ? $tag$, $1", params: 1},
		{name: "positional parameter is not a dollar quote", dialect: "postgresql", in: "SELECT $1, ?", want: "SELECT $1, $1", params: 1},
		{name: "dollar is plain in mysql", dialect: "mysql", in: "SELECT $$ ? $$", want: "SELECT $$ ? $$", params: 1},
		{name: "escaped question mark", dialect: "postgresql", in: "SELECT d ?? 'k', d ?| ?", want: "SELECT d ? 'k', d $1| $2", params: 2},
		{name: "escaped question mark in mysql", dialect: "mysql", in: "SELECT '?' = ??, ?", want: "SELECT '?' = ?, ?", params: 1},
		{name: "three question marks", dialect: "postgresql", in: "SELECT ???", want: "SELECT ?$1", params: 1},

		{name: "separators", dialect: "mysql", in: "SELECT 1; SELECT ';'; -- ;\nSELECT 2", want: "SELECT 1; SELECT ';'; -- ;\nSELECT 2", seps: []int{8, 20}},

		{name: "unterminated literal", dialect: "mysql", in: "SELECT 'abc ?", want: "SELECT 'abc ?", unterm: "a quoted text starting at byte 7"},
		{name: "unterminated after backslash", dialect: "mysql", in: `SELECT 'abc\'`, want: `SELECT 'abc\'`, unterm: "a quoted text starting at byte 7"},
		{name: "unterminated identifier", dialect: "postgresql", in: `SELECT "abc`, want: `SELECT "abc`, unterm: "a quoted text starting at byte 7"},
		{name: "unterminated backtick", dialect: "mysql", in: "SELECT ? FROM `abc", want: "SELECT ? FROM `abc", params: 1, unterm: "a quoted text starting at byte 14"},
		{name: "unterminated bracket", dialect: "sqlserver", in: "SELECT [abc", want: "SELECT [abc", unterm: "a [bracketed] name starting at byte 7"},
		{name: "unterminated block comment", dialect: "postgresql", in: "SELECT ? /* ?", want: "SELECT $1 /* ?", params: 1, unterm: "a /* comment starting at byte 9"},
		{name: "unterminated dollar quote", dialect: "postgresql", in: "SELECT $$ abc", want: "SELECT $$ abc", unterm: "a $$ quoted body starting at byte 7"},
		// Issue 12, defect 8: each dialect's own quotes, read from its db.Syntax.
		{name: "postgresql E string", dialect: "postgresql", in: `SELECT ? WHERE x <> E'o\'brien; ?'`, want: `SELECT $1 WHERE x <> E'o\'brien; ?'`, params: 1},
		{name: "postgresql e string", dialect: "postgresql", in: `SELECT e'\\' , ?`, want: `SELECT e'\\' , $1`, params: 1},
		{name: "postgresql plain string keeps backslash", dialect: "postgresql", in: `SELECT 'a\', ?`, want: `SELECT 'a\', $1`, params: 1},
		{name: "oracle q quote", dialect: "oracle", in: `SELECT q'[it's; ?]' FROM dual WHERE id = ?`, want: `SELECT q'[it's; ?]' FROM dual WHERE id = :1`, params: 1},
		{name: "oracle Q quote with braces", dialect: "oracle", in: `SELECT Q'{a'b}', ?`, want: `SELECT Q'{a'b}', :1`, params: 1},
		{name: "oracle nq quote", dialect: "oracle", in: `SELECT nq'!x'!', ?`, want: `SELECT nq'!x'!', :1`, params: 1},
		{name: "mysql -- without a space is code", dialect: "mysql", in: "SELECT 1--?\n", want: "SELECT 1--?\n", params: 1},
		{name: "unterminated tagged dollar quote", dialect: "postgresql", in: "SELECT $q$ abc $$", want: "SELECT $q$ abc $$", unterm: "a $q$ quoted body starting at byte 7"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := scan(tc.in, rulesFor(tc.dialect), testPlaceholder(t, tc.dialect))
			if got.text != tc.want || got.params != tc.params || got.unterminated != tc.unterm || !reflect.DeepEqual(got.separators, tc.seps) {
				t.Fatalf("scan(%q)\n got text=%q params=%d seps=%v unterminated=%q\nwant text=%q params=%d seps=%v unterminated=%q",
					tc.in, got.text, got.params, got.separators, got.unterminated, tc.want, tc.params, tc.seps, tc.unterm)
			}
		})
	}
}

// A nil placeholder keeps ? as written (validation only counts).
func TestScanWithoutPlaceholder(t *testing.T) {
	got := scan("SELECT ?, '?', ??", rulesFor("postgresql"), nil)
	if got.text != "SELECT ?, '?', ?" || got.params != 1 {
		t.Fatalf("got %+v", got)
	}
}

// PostgreSQL identifiers may contain $ after their first character; a $
// inside an identifier does not open a dollar quote.
func TestScanDollarInsideIdentifier(t *testing.T) {
	got := scan("SELECT a$b$c FROM t WHERE id = ?", rulesFor("postgresql"), testPlaceholder(t, "postgresql"))
	want := scanned{text: "SELECT a$b$c FROM t WHERE id = $1", params: 1}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("scan treats the $b$ inside the identifier a$b$c as a dollar quote: got %+v", got)
	}
}

func TestDollarTag(t *testing.T) {
	tests := []struct {
		in   string
		tag  string
		isOK bool
	}{
		{"$$ body $$", "$$", true},
		{"$tag$ body", "$tag$", true},
		{"$t1$", "$t1$", true},
		{"$_x$", "$_x$", true},
		{"$1", "", false},
		{"$12$", "", false},
		{"$", "", false},
		{"$a", "", false},
		{"$a b$", "", false},
	}
	for _, tc := range tests {
		tag, ok := dollarTag(tc.in)
		if tag != tc.tag || ok != tc.isOK {
			t.Errorf("dollarTag(%q) = %q, %v; want %q, %v", tc.in, tag, ok, tc.tag, tc.isOK)
		}
	}
}

func TestFirstWord(t *testing.T) {
	tests := []struct {
		dialect, in, want string
	}{
		{"mysql", "select 1", "SELECT"},
		{"mysql", "  \n\t((SELECT 1))", "SELECT"},
		{"mysql", "-- x\n# y\n/* z */ call p()", "CALL"},
		{"postgresql", "# y\nSELECT 1", ""},
		{"mysql", "{call p}", "{"},
		{"mysql", "-- only a comment", ""},
		{"mysql", "/* unterminated", ""},
		{"mysql", "with_x AS", "WITH_X"},
		{"mysql", "", ""},
	}
	for _, tc := range tests {
		if got := firstWord(tc.in, rulesFor(tc.dialect)); got != tc.want {
			t.Errorf("firstWord(%q, %s) = %q, want %q", tc.in, tc.dialect, got, tc.want)
		}
	}
}

func TestWithoutFinalOrderBy(t *testing.T) {
	for _, tc := range []struct {
		dialect, in, want string
	}{
		{"sqlserver", "SELECT * FROM USERS ORDER BY USER_ID", "SELECT * FROM USERS"},
		{"sqlserver", "SELECT * FROM USERS\n  order\n by USER_ID DESC, EMAIL", "SELECT * FROM USERS"},
		{"mysql", "SELECT * FROM USERS WHERE STATUS = 'ORDER BY' ORDER BY 1", "SELECT * FROM USERS WHERE STATUS = 'ORDER BY'"},
		{"sqlserver", "SELECT [ORDER BY], x FROM USERS -- ORDER BY x\n", "SELECT [ORDER BY], x FROM USERS -- ORDER BY x\n"},
		// An ORDER BY inside parentheses belongs to a subquery.
		{"postgresql", "SELECT * FROM (SELECT * FROM USERS ORDER BY 1 LIMIT 5) u", "SELECT * FROM (SELECT * FROM USERS ORDER BY 1 LIMIT 5) u"},
		{"postgresql", "SELECT u.* FROM USERS u WHERE u.id IN (SELECT id FROM t ORDER BY id) ORDER BY u.id", "SELECT u.* FROM USERS u WHERE u.id IN (SELECT id FROM t ORDER BY id)"},
		// Row limits keep the ORDER BY: it decides which rows come back.
		{"sqlserver", "SELECT TOP 100 * FROM USERS ORDER BY USER_ID", "SELECT TOP 100 * FROM USERS ORDER BY USER_ID"},
		{"sqlserver", "SELECT * FROM USERS ORDER BY USER_ID OFFSET 0 ROWS", "SELECT * FROM USERS ORDER BY USER_ID OFFSET 0 ROWS"},
		{"mysql", "SELECT * FROM USERS ORDER BY USER_ID LIMIT 10", "SELECT * FROM USERS ORDER BY USER_ID LIMIT 10"},
		{"oracle", "SELECT * FROM USERS ORDER BY USER_ID FETCH FIRST 10 ROWS ONLY", "SELECT * FROM USERS ORDER BY USER_ID FETCH FIRST 10 ROWS ONLY"},
		{"sqlserver", "SELECT * FROM USERS ORDER BY USER_ID FOR XML AUTO", "SELECT * FROM USERS ORDER BY USER_ID FOR XML AUTO"},
		// The ORDER BY of a compound query is the last clause.
		{"postgresql", "SELECT a FROM x UNION SELECT a FROM y ORDER BY a", "SELECT a FROM x UNION SELECT a FROM y"},
		{"postgresql", "SELECT * FROM USERS WHERE id = $1", "SELECT * FROM USERS WHERE id = $1"},
		{"postgresql", "SELECT * FROM USERS WHERE note = $$ ORDER BY $$ ORDER BY id", "SELECT * FROM USERS WHERE note = $$ ORDER BY $$"},
		{"postgresql", "SELECT ORDERED FROM t", "SELECT ORDERED FROM t"},
	} {
		if got := withoutFinalOrderBy(tc.in, rulesFor(tc.dialect)); got != tc.want {
			t.Errorf("%s: withoutFinalOrderBy(%q)\n got %q\nwant %q", tc.dialect, tc.in, got, tc.want)
		}
	}
}

// firstWord and onlyComments read comments as the dialect's scanner does:
// on MySQL "--" starts a comment only before white space, so "--x" is not
// one there (it was, unlike db.Syntax, which the statement scanner reads).
func TestLineCommentsFollowTheDialect(t *testing.T) {
	mysql, pg := rulesFor("mysql"), rulesFor("postgresql")
	for _, tc := range []struct {
		stmt       string
		rules      db.Syntax
		first      string
		onlyNotes  bool
		dialectTag string
	}{
		{"-- note\nSELECT 1", mysql, "SELECT", false, "mysql"},
		{"--note\nSELECT 1", pg, "SELECT", false, "postgresql"},
		{"--note\nSELECT 1", mysql, "", false, "mysql"},
		{"# note\nSELECT 1", mysql, "SELECT", false, "mysql"},
		{"# note\nSELECT 1", pg, "", false, "postgresql"},
		{"-- only a note", mysql, "", true, "mysql"},
		{"--", mysql, "", true, "mysql"},
		{"--1", mysql, "", false, "mysql"},
	} {
		if got := firstWord(tc.stmt, tc.rules); got != tc.first {
			t.Errorf("%s: firstWord(%q) = %q, want %q", tc.dialectTag, tc.stmt, got, tc.first)
		}
		if got := onlyComments(tc.stmt, tc.rules); got != tc.onlyNotes {
			t.Errorf("%s: onlyComments(%q) = %v, want %v", tc.dialectTag, tc.stmt, got, tc.onlyNotes)
		}
	}
}
