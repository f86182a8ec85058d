package app

import (
	"encoding/json"
	"strings"
	"testing"
)

// setOp replaces an operation's statement and parameters in a tenant
// document.
func setOp(doc map[string]any, name, statement string, params ...string) {
	ops := doc["operations"].(map[string]any)
	op := ops[name].(map[string]any)
	op["statement"] = statement
	ps := make([]any, len(params))
	for i, p := range params {
		ps[i] = p
	}
	op["parameters"] = ps
}

// yesNoSchema turns the lab's IS_ACTIVE into a Y/N text column.
var yesNoSchema = []string{
	"ALTER TABLE USERS MODIFY IS_ACTIVE VARCHAR(1) NOT NULL DEFAULT 'Y'",
	"UPDATE USERS SET IS_ACTIVE = CASE IS_ACTIVE WHEN '1' THEN 'Y' ELSE 'N' END",
}

// Defect 7 of issue 12: active on a Y/N text column is written in the
// column's own spelling, and PATCH, POST and PUT read "t", "yes" and 0 the
// way the engine reads the column.
func TestActiveOnAYesNoColumn(t *testing.T) {
	l := newContractLab(t, "mysql", "mysql-sql.yaml")
	d := l.d
	for _, stmt := range yesNoSchema {
		if _, err := d.DB.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	yesNo := func(mapping map[string]any) func(doc map[string]any) {
		return func(doc map[string]any) {
			if mapping != nil {
				doc["mapping"] = mapping
			}
			ops := doc["operations"].(map[string]any)
			gu := ops["get_users"].(map[string]any)
			gu["statement"] = strings.Replace(gu["statement"].(string), "IS_ACTIVE = 1", "IS_ACTIVE = 'Y'", 1)
			setOp(doc, "create_user", "INSERT INTO USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, EMAIL, IS_ACTIVE) VALUES (?, ?, ?, ?, ?, ?)",
				"USER_ID", "USERNAME", "FIRSTNAME", "LASTNAME", "EMAIL", "IS_ACTIVE")
			setOp(doc, "update_user", "UPDATE USERS SET FIRSTNAME = ?, LASTNAME = ?, EMAIL = ?, IS_ACTIVE = ? WHERE USER_ID = ?",
				"FIRSTNAME", "LASTNAME", "EMAIL", "IS_ACTIVE", "USER_ID")
			setOp(doc, "activate_user", "UPDATE USERS SET IS_ACTIVE = 'Y' WHERE USER_ID = ?", "USER_ID")
			setOp(doc, "deactivate_user", "UPDATE USERS SET IS_ACTIVE = 'N' WHERE USER_ID = ?", "USER_ID")
		}
	}
	stored := func(id string) string {
		t.Helper()
		var v string
		if err := d.DB.QueryRow("SELECT IS_ACTIVE FROM USERS WHERE USER_ID = ?", id).Scan(&v); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		return v
	}
	user := func(id string, active any) []byte {
		b, _ := json.Marshal(map[string]any{
			"schemas":  []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
			"userName": id, "name": map[string]any{"givenName": "Yes", "familyName": "No"},
			"emails": []any{map[string]any{"value": id, "type": "work", "primary": true}},
			"active": active,
		})
		return b
	}
	patch := func(value any) []byte {
		b, _ := json.Marshal(map[string]any{
			"schemas":    []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
			"Operations": []any{map[string]any{"op": "replace", "value": map[string]any{"active": value}}},
		})
		return b
	}

	t.Run("spelled by the mapping", func(t *testing.T) {
		l.use(yesNo(map[string]any{"IS_ACTIVE": "active(Y/N)"}))
		a := l.a
		if status, body := a.do("POST", "/Users", user("yn.one@example.com", "t")); status != 201 || body["active"] != true {
			t.Fatalf("POST active \"t\": %d %v", status, body)
		}
		if got := stored("yn.one@example.com"); got != "Y" {
			t.Errorf("after POST, IS_ACTIVE = %q, want Y", got)
		}
		for _, step := range []struct {
			value any
			want  string
		}{{"f", "N"}, {"yes", "Y"}, {0, "N"}, {"TRUE", "Y"}} {
			status, body := a.do("PATCH", "/Users/yn.one@example.com", patch(step.value))
			if status != 200 {
				t.Fatalf("PATCH active %v: %d %v", step.value, status, body)
			}
			if got := stored("yn.one@example.com"); got != step.want {
				t.Errorf("after PATCH active %v, IS_ACTIVE = %q, want %s", step.value, got, step.want)
			}
			if body["active"] != (step.want == "Y") {
				t.Errorf("after PATCH active %v, the answer says active %v", step.value, body["active"])
			}
		}
		// PUT, and a change of another column: IS_ACTIVE keeps its spelling.
		if status, body := a.do("PUT", "/Users/yn.one@example.com", user("yn.one@example.com", "N")); status != 200 || body["active"] != false {
			t.Fatalf("PUT active \"N\": %d %v", status, body)
		}
		if got := stored("yn.one@example.com"); got != "N" {
			t.Errorf("after PUT, IS_ACTIVE = %q, want N", got)
		}
		status, body := a.do("PATCH", "/Users/yn.one@example.com", patch("maybe"))
		if status != 400 || body["scimType"] != "invalidValue" || !strings.Contains(body["detail"].(string), `active must be a boolean (true or false), not the string "maybe"`) {
			t.Errorf("PATCH active maybe: %d %v", status, body)
		}
	})

	t.Run("spelled as the column reads", func(t *testing.T) {
		l.use(yesNo(map[string]any{"IS_ACTIVE": "active"}))
		a := l.a
		// An existing user: the current value says how to spell.
		if status, body := a.do("PATCH", "/Users/luke.skywalker@galaxy.local", patch(false)); status != 200 || body["active"] != false {
			t.Fatalf("PATCH active false: %d %v", status, body)
		}
		if got := stored("luke.skywalker@galaxy.local"); got != "N" {
			t.Errorf("IS_ACTIVE = %q, want N", got)
		}
		// A new user after a read: the spelling read is the one written.
		if status, body := a.do("POST", "/Users", user("yn.two@example.com", true)); status != 201 {
			t.Fatalf("POST: %d %v", status, body)
		}
		if got := stored("yn.two@example.com"); got != "Y" {
			t.Errorf("IS_ACTIVE = %q, want Y", got)
		}
	})

	t.Run("unknown spelling", func(t *testing.T) {
		// Nothing read yet and no spelling in the mapping: the database
		// refuses "true", and the error says how to fix the mapping.
		l := newContractLab(t, "mysql", "mysql-sql.yaml")
		for _, stmt := range yesNoSchema {
			if _, err := l.d.DB.Exec(stmt); err != nil {
				t.Fatal(err)
			}
		}
		l.use(yesNo(nil))
		a := l.a
		status, body := a.do("POST", "/Users", user("yn.three@example.com", true))
		if status != 400 || !strings.Contains(body["detail"].(string), "IS_ACTIVE: active(Y/N)") {
			t.Errorf("POST: %d %v", status, body)
		}
	})
}
