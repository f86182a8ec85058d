package provision

import (
	"testing"
)

func TestDeleteUserBadValues(t *testing.T) {
	for _, tc := range []struct {
		name string
		op   *Operation
		want []string
	}{
		{name: "statement", op: &Operation{Enabled: true, Type: SQLStatement, Statement: "DELETE FROM USERS WHERE USER_ID = ?", Parameters: testFields("USER_ID")}},
		{name: "procedure", op: &Operation{Enabled: true, Type: StoredProcedure, Statement: "CALL DELETE_USER(?)", Parameters: testFields("USER_ID")}},
		{name: "schema change", op: &Operation{Enabled: true, Type: SQLStatement, Statement: "DROP TABLE USERS"},
			want: []string{"tenants[0].operations.delete_user.statement: statement=DROP TABLE USERS, errors=[ValidationException: execute not allowed.] – DROP changes the database schema; an operation may only run SELECT, INSERT, UPDATE or DELETE"}},
		{name: "two statements", op: &Operation{Enabled: true, Type: SQLStatement, Statement: "DELETE FROM USERENTITLEMENTS WHERE USER_ID = ?; DELETE FROM USERS WHERE USER_ID = ?", Parameters: testFields("USER_ID", "USER_ID")},
			want: []string{"tenants[0].operations.delete_user.statement: statement=DELETE FROM USERENTITLEMENTS WHERE USER_ID = ?; DELETE FROM USERS WHERE USER_ID = ?, errors=[ValidationException: execute not allowed.] – it holds more than one statement (a ';' outside quotes); an operation runs exactly one statement"}},
		{name: "cursor", op: &Operation{Enabled: true, Type: StoredProcedure, Statement: "CALL DELETE_USER(?, ?)", Parameters: append(testFields("USER_ID"), Param{Type: Cursor})},
			want: []string{"tenants[0].operations.delete_user.parameters[1]: a CURSOR parameter returns rows; delete_user returns none"}},
		{name: "placeholders and parameters disagree", op: &Operation{Enabled: true, Type: SQLStatement, Statement: "DELETE FROM USERS WHERE USER_ID = ?"},
			want: []string{"tenants[0].operations.delete_user.statement: statement=DELETE FROM USERS WHERE USER_ID = ? has 1 ? placeholder(s) but 0 parameter(s) are mapped; map exactly one parameter to each ?"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := testValidConfig()
			c.Operations[DeleteUser] = tc.op
			wantProblems(t, c, tc.want)
		})
	}
}
