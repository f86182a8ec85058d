package app

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDeleteUser: with delete_user (a statement or a procedure) DELETE
// deletes as RFC 7644 §3.6 asks: a later GET is 404, the user is gone from
// every list and filter, its row and assignments are gone, and the audit
// trail records it; the userName is free again. Without delete_user,
// DELETE deactivates as OPS does. On MariaDB and PostgreSQL.
func TestDeleteUser(t *testing.T) {
	procedure := map[string]string{
		"mysql":      "CREATE PROCEDURE DELETE_USER(IN p_user_id VARCHAR(100) CHARSET utf8mb4) BEGIN DELETE FROM USERENTITLEMENTS WHERE USER_ID = p_user_id; DELETE FROM USERS WHERE USER_ID = p_user_id; END",
		"postgresql": "CREATE PROCEDURE DELETE_USER(p_user_id VARCHAR) LANGUAGE sql AS $$ DELETE FROM USERENTITLEMENTS WHERE USER_ID = p_user_id; DELETE FROM USERS WHERE USER_ID = p_user_id $$",
	}
	for _, dialect := range []string{"mysql", "postgresql"} {
		for _, mode := range []string{"sql", "procedures"} {
			t.Run(dialect+"-"+mode, func(t *testing.T) {
				l := newContractLab(t, dialect, dialect+"-"+mode+".yaml")
				if _, err := l.d.DB.Exec(procedure[dialect]); err != nil {
					t.Fatal(err)
				}
				count := func(query, id string) int {
					t.Helper()
					var n int
					if err := l.d.DB.QueryRow(l.q(query), id).Scan(&n); err != nil {
						t.Fatal(err)
					}
					return n
				}
				ents := map[string]any{"entitlements": []any{map[string]any{"value": "1"}, map[string]any{"value": "3"}}}
				const id = "gone@example.com"

				// Without delete_user: deactivated, still there.
				l.use(nil)
				if status, doc := l.a.do("POST", "/Users", labUser(id, ents)); status != 201 {
					t.Fatalf("create: %d %v", status, doc)
				}
				if status, doc := l.a.do("DELETE", "/Users/"+id, nil); status != 204 {
					t.Fatalf("DELETE without delete_user: %d %v", status, doc)
				}
				if status, doc := l.a.do("GET", "/Users/"+id, nil); status != 200 || doc["active"] != false {
					t.Errorf("after a deactivating DELETE: %d %v", status, doc)
				}

				// With delete_user.
				l.use(func(doc map[string]any) {
					op := map[string]any{"type": "sql", "statement": "DELETE FROM USERS WHERE USER_ID = ?", "parameters": []any{"USER_ID"}}
					if mode == "procedures" {
						op = map[string]any{"type": "stored_procedure", "statement": "CALL DELETE_USER(?)", "parameters": []any{"USER_ID"}}
					}
					operations(doc)["delete_user"] = op
				})
				if status, doc := l.a.do("PATCH", "/Users/"+id, patchOps(map[string]any{"op": "replace", "path": "active", "value": true})); status != 200 {
					t.Fatalf("reactivate: %d %v", status, doc)
				}
				if n := count("SELECT COUNT(*) FROM USERENTITLEMENTS WHERE USER_ID = ?", id); n != 2 {
					t.Fatalf("%d assignments before the DELETE, want 2", n)
				}
				if status, doc := l.a.do("DELETE", "/Users/"+id, nil); status != 204 {
					t.Fatalf("DELETE: %d %v", status, doc)
				}
				if status, doc := l.a.do("GET", "/Users/"+id, nil); status != 404 {
					t.Errorf("GET after DELETE: %d %v", status, doc)
				}
				for _, f := range []string{`userName eq "` + id + `"`, `id eq "` + id + `"`, `emails.value eq "` + id + `"`, `name.familyName eq "Word"`} {
					if status, doc := l.a.do("GET", "/Users?filter="+url.QueryEscape(f), nil); status != 200 || doc["totalResults"].(float64) != 0 {
						t.Errorf("filter %s after DELETE: %d %v", f, status, doc)
					}
				}
				status, doc := l.a.do("GET", "/Users?count=1000", nil)
				if status != 200 || doc["totalResults"].(float64) != 13 {
					t.Errorf("list after DELETE: %d, %v users", status, doc["totalResults"])
				}
				for _, r := range doc["Resources"].([]any) {
					if r.(map[string]any)["id"] == id {
						t.Error("the deleted user is still listed")
					}
				}
				if status, doc := l.a.do("PATCH", "/Users/"+id, patchOps(map[string]any{"op": "replace", "path": "title", "value": "x"})); status != 404 {
					t.Errorf("PATCH after DELETE: %d %v", status, doc)
				}
				if status, doc := l.a.do("DELETE", "/Users/"+id, nil); status != 404 {
					t.Errorf("second DELETE: %d %v", status, doc)
				}
				if n := count("SELECT COUNT(*) FROM USERS WHERE USER_ID = ?", id) + count("SELECT COUNT(*) FROM USERENTITLEMENTS WHERE USER_ID = ?", id); n != 0 {
					t.Errorf("%d rows of the deleted user remain", n)
				}
				// Not considered in conflicts: the userName can be used again.
				if status, doc := l.a.do("POST", "/Users", labUser(id, nil)); status != 201 {
					t.Errorf("create again after DELETE: %d %v", status, doc)
				}

				data, _ := os.ReadFile(filepath.Join(l.dataDir, "audit.log"))
				var deleted string
				for _, line := range strings.Split(string(data), "\n") {
					if strings.Contains(line, `"method":"DELETE"`) && strings.Contains(line, `"status":204`) && strings.Contains(line, `"delete_user"`) {
						deleted = line
					}
				}
				if deleted == "" || !strings.Contains(deleted, `"committed":true`) || !strings.Contains(deleted, `"user_id":"`+id+`"`) ||
					!strings.Contains(deleted, `"entitlements_removed":["1","3"]`) {
					t.Errorf("no audit event for the deletion:\n%s", data)
				}
			})
		}
	}
}
