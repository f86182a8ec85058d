package provision

import (
	"testing"
)

// TestPasswordSyncBadValues: every wrong password_sync setting is refused
// at start-up with its path and what to write instead.
func TestPasswordSyncBadValues(t *testing.T) {
	writes := func(c *Config) {
		c.Operations[CreateUser] = &Operation{Enabled: true, Type: SQLStatement, Statement: "INSERT INTO USERS (USER_ID, PASSWORD_HASH) VALUES (?, ?)", Parameters: testFields("USER_ID", "PASSWORD_HASH")}
		c.Operations[UpdateUser] = &Operation{Enabled: true, Type: SQLStatement, Statement: "UPDATE USERS SET TITLE = ? WHERE USER_ID = ?", Parameters: testFields("TITLE", "USER_ID")}
	}
	setPassword := &Operation{Enabled: true, Type: SQLStatement, Statement: "UPDATE USERS SET PASSWORD_HASH = ? WHERE USER_ID = ?", Parameters: testFields("password", "USER_ID")}
	const at = "tenants[0].password_sync"
	for _, tc := range []struct {
		name   string
		change func(c *Config)
		want   []string
	}{
		{name: "none: passwords are refused per request", change: func(*Config) {}},
		{name: "column with the default hash", change: func(c *Config) { c.PasswordSync = PasswordSync{Column: "PASSWORD_HASH"} }},
		{name: "plain with opt-in", change: func(c *Config) {
			c.PasswordSync = PasswordSync{Column: "PASSWORD_HASH", Hash: "plain", AllowPlain: true}
		}},
		{name: "set_password as sent", change: func(c *Config) { c.Operations[SetPassword] = setPassword }},
		{name: "set_password with a hash", change: func(c *Config) {
			c.Operations[SetPassword] = setPassword
			c.PasswordSync = PasswordSync{Hash: "argon2id"}
		}},
		{name: "unknown hash", change: func(c *Config) { c.PasswordSync = PasswordSync{Column: "PASSWORD_HASH", Hash: "md5"} },
			want: []string{at + `.hash: "md5" is not a hash scheme; use bcrypt, argon2id, sha512-crypt, plain`}},
		{name: "plain without opt-in", change: func(c *Config) { c.PasswordSync = PasswordSync{Column: "PASSWORD_HASH", Hash: "plain"} },
			want: []string{at + ".allow_plain: hash: plain stores passwords as sent; set allow_plain: true to accept that (sqlscim warns at start-up), or choose bcrypt, argon2id or sha512-crypt"}},
		{name: "opt-in without plain", change: func(c *Config) { c.PasswordSync = PasswordSync{Column: "PASSWORD_HASH", AllowPlain: true} },
			want: []string{at + ".allow_plain: applies to hash: plain only; remove it"}},
		{name: "cost too low", change: func(c *Config) { c.PasswordSync = PasswordSync{Column: "PASSWORD_HASH", BcryptCost: 3} },
			want: []string{at + ".bcrypt_cost: bcrypt_cost 3 is outside 4-31 (the default is 12)"}},
		{name: "cost for another scheme", change: func(c *Config) {
			c.PasswordSync = PasswordSync{Column: "PASSWORD_HASH", Hash: "sha512-crypt", BcryptCost: 10}
		}, want: []string{at + ".bcrypt_cost: bcrypt_cost applies to hash: bcrypt only, not sha512-crypt"}},
		{name: "hash without a column", change: func(c *Config) { c.PasswordSync = PasswordSync{Hash: "bcrypt"} },
			want: []string{at + ".column: missing: name the column that stores the hash (e.g. PASSWORD_HASH), or configure the set_password operation"}},
		{name: "column and set_password", change: func(c *Config) {
			c.PasswordSync = PasswordSync{Column: "PASSWORD_HASH"}
			c.Operations[SetPassword] = setPassword
		}, want: []string{at + ".column: set either password_sync.column or the set_password operation, not both"}},
		{name: "column the writes do not bind", change: func(c *Config) {
			writes(c)
			c.PasswordSync = PasswordSync{Column: "PWD"}
		}, want: []string{
			at + ".column: create_user binds no parameter PWD, so the password would not be stored; add PWD to its parameters",
			at + ".column: update_user binds no parameter PWD, so the password would not be stored; add PWD to its parameters",
		}},
		{name: "set_password without the password field", change: func(c *Config) {
			c.Operations[SetPassword] = &Operation{Enabled: true, Type: SQLStatement, Statement: "UPDATE USERS SET PASSWORD_HASH = ? WHERE USER_ID = ?", Parameters: testFields("PASSWORD_HASH", "USER_ID")}
		}, want: []string{`tenants[0].operations.set_password.parameters: no DATABASE_FIELD parameter binds the field "password", so the password would never reach the database; add {type: DATABASE_FIELD, field: password}`}},
		{name: "the hash column mapped to an attribute", change: func(c *Config) {
			c.PasswordSync = PasswordSync{Column: "PASSWORD_HASH"}
			c.Mapping = map[string]string{"password_hash": "title"}
		}, want: []string{"tenants[0].mapping.password_hash: password_hash is password_sync.column: it holds a password's hash and maps to no attribute; remove this entry"}},
		{name: "a column mapped to password", change: func(c *Config) { c.Mapping = map[string]string{"PASSWORD_HASH": "password"} },
			want: []string{`tenants[0].mapping.PASSWORD_HASH: "password" cannot hold a column: a password is written, never read; set password_sync.column and a hash to store it`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := testValidConfig()
			tc.change(c)
			wantProblems(t, c, tc.want)
		})
	}
}
