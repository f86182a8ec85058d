package provision

import (
	"testing"
)

func TestBulkEntitlementsSettingsBadValues(t *testing.T) {
	const stmt = "SELECT USER_ID, ENT_ID FROM USERENTITLEMENTS WHERE USER_ID BETWEEN ? AND ?"
	const path = "tenants[0].operations.get_entitlements_of_users"
	for _, tc := range []struct {
		name   string
		change func(c *Config)
		want   []string
	}{
		{name: "statement", change: func(c *Config) {
			c.Operations[GetEntitlementsOfUsers] = &Operation{Enabled: true, Type: SQLStatement, Statement: stmt, Parameters: testFields("first_user_id", "LAST_USER_ID")}
		}},
		{name: "one end of the range", change: func(c *Config) {
			c.Operations[GetEntitlementsOfUsers] = &Operation{Enabled: true, Type: SQLStatement, Statement: "SELECT USER_ID, ENT_ID FROM USERENTITLEMENTS WHERE USER_ID >= ?", Parameters: testFields("first_user_id")}
		}, want: []string{path + `.parameters: no DATABASE_FIELD parameter binds the field "last_user_id"; the range of user ids is bound by {type: DATABASE_FIELD, field: first_user_id} and {type: DATABASE_FIELD, field: last_user_id}`}},
		{name: "a field a range has no value for", change: func(c *Config) {
			c.Operations[GetEntitlementsOfUsers] = &Operation{Enabled: true, Type: SQLStatement, Statement: stmt + " AND ENT_ID = ?", Parameters: testFields("first_user_id", "last_user_id", "ENT_ID")}
		}, want: []string{path + `.parameters[2]: the field "ENT_ID" has no value here: a range of users binds only first_user_id and last_user_id`}},
		{name: "without get_user_entitlements", change: func(c *Config) {
			c.Operations[GetEntitlementsOfUsers] = &Operation{Enabled: true, Type: SQLStatement, Statement: stmt, Parameters: testFields("first_user_id", "last_user_id")}
			delete(c.Operations, GetUserEntitlements)
		}, want: []string{path + ": needs get_user_entitlements too: a single user's entitlements are still read with it"}},
		{name: "a statement that writes", change: func(c *Config) {
			c.Operations[GetEntitlementsOfUsers] = &Operation{Enabled: true, Type: SQLStatement, Statement: "DELETE FROM USERENTITLEMENTS WHERE USER_ID BETWEEN ? AND ?", Parameters: testFields("first_user_id", "last_user_id")}
		}, want: []string{path + ".statement: statement=DELETE FROM USERENTITLEMENTS WHERE USER_ID BETWEEN ? AND ?: get_entitlements_of_users must return rows; use a SELECT (or WITH ... SELECT), not DELETE"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := testValidConfig()
			c.Operations[GetUserEntitlements] = &Operation{Enabled: true, Type: SQLStatement, Statement: "SELECT ENT_ID FROM USERENTITLEMENTS WHERE USER_ID = ?", Parameters: testFields("USER_ID")}
			tc.change(c)
			wantProblems(t, c, tc.want)
		})
	}
}
