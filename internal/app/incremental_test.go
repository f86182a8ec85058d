package app

import (
	"net/url"
	"sort"
	"strings"
	"testing"
)

// TestIncrementalImport: created_column and last_modified_column fill
// meta.created and meta.lastModified (UTC, RFC 3339, no invented
// meta.version); the incremental import's filter=meta.lastModified gt "…"
// runs in SQL in statement mode and through get_users_modified_since
// (statement or procedure), and is a 400 naming the fix without either,
// on MariaDB and PostgreSQL.
func TestIncrementalImport(t *testing.T) {
	// The times live beside the lab's USERS (whose PostgreSQL functions
	// return its row type, which a new column would break).
	setup := map[string][]string{
		"mysql": {
			"CREATE TABLE USER_CHANGES (USER_ID VARCHAR(100) PRIMARY KEY, CREATED_AT DATETIME NULL, LAST_MODIFIED DATETIME NULL) DEFAULT CHARSET = utf8mb4",
			"CREATE PROCEDURE GET_USERS_MODIFIED_SINCE(IN p_since DATETIME) SELECT U.* FROM USERS U JOIN USER_CHANGES C USING (USER_ID) WHERE U.IS_ACTIVE = 1 AND C.LAST_MODIFIED >= p_since",
		},
		"postgresql": {
			"CREATE TABLE USER_CHANGES (USER_ID VARCHAR(100) PRIMARY KEY, CREATED_AT TIMESTAMP NULL, LAST_MODIFIED TIMESTAMP NULL)",
			"CREATE FUNCTION GET_USERS_MODIFIED_SINCE(p_since TIMESTAMP) RETURNS SETOF USERS LANGUAGE sql STABLE AS $$ SELECT U.* FROM USERS U JOIN USER_CHANGES C USING (USER_ID) WHERE U.IS_ACTIVE AND C.LAST_MODIFIED >= p_since $$",
		},
	}
	common := []string{
		"INSERT INTO USER_CHANGES (USER_ID, CREATED_AT, LAST_MODIFIED) SELECT USER_ID, '2024-01-01 00:00:00', '2024-01-01 00:00:00' FROM USERS",
		// Two active users and an inactive one changed since.
		"UPDATE USER_CHANGES SET LAST_MODIFIED = '2025-06-01 12:00:00' WHERE USER_ID IN ('yoda@galaxy.local', 'leia.organa@galaxy.local', 'darth.vader@galaxy.local')",
	}
	const (
		incremental = `meta.lastModified gt "2025-01-01T00:00:00Z"`
		want        = "leia.organa@galaxy.local yoda@galaxy.local"
	)
	withTimes := func(doc map[string]any) {
		ops := operations(doc)
		for _, name := range []string{"get_users", "get_user_by_id"} {
			op := ops[name].(map[string]any)
			op["statement"] = strings.Replace(op["statement"].(string), "PASSWORD_HASH, IS_ACTIVE FROM USERS", "PASSWORD_HASH, IS_ACTIVE, CREATED_AT, LAST_MODIFIED FROM USERS JOIN USER_CHANGES USING (USER_ID)", 1)
		}
	}
	for _, dialect := range []string{"mysql", "postgresql"} {
		for _, mode := range []string{"sql", "procedures"} {
			t.Run(dialect+"-"+mode, func(t *testing.T) {
				l := newContractLab(t, dialect, dialect+"-"+mode+".yaml")
				for _, s := range append(setup[dialect], common...) {
					if _, err := l.d.DB.Exec(s); err != nil {
						t.Fatalf("%s: %v", s, err)
					}
				}
				list := func(filter string, extra string, wantStatus int) (string, float64, map[string]any) {
					t.Helper()
					status, doc := l.a.do("GET", "/Users?filter="+url.QueryEscape(filter)+extra, nil)
					if status != wantStatus {
						t.Fatalf("filter %s: %d %v\n%s", filter, status, doc, l.in.out)
					}
					if status != 200 {
						return "", 0, doc
					}
					var ids []string
					for _, r := range doc["Resources"].([]any) {
						ids = append(ids, r.(map[string]any)["id"].(string))
					}
					sort.Strings(ids)
					return strings.Join(ids, " "), doc["totalResults"].(float64), doc
				}

				// Without a column or the operation: a 400 that names both.
				l.use(nil)
				_, _, doc := list(incremental, "", 400)
				if d, _ := doc["detail"].(string); doc["scimType"] != "invalidFilter" || !strings.Contains(d, "last_modified_column") || !strings.Contains(d, "get_users_modified_since") {
					t.Errorf("the 400 does not name the fix: %v", doc)
				}

				if mode == "sql" {
					// The columns: meta filled, the filter in SQL.
					l.use(func(doc map[string]any) {
						withTimes(doc)
						doc["created_column"], doc["last_modified_column"] = "CREATED_AT", "LAST_MODIFIED"
					})
					status, user := l.a.do("GET", "/Users/yoda@galaxy.local", nil)
					meta, _ := user["meta"].(map[string]any)
					if status != 200 || meta["created"] != "2024-01-01T00:00:00Z" || meta["lastModified"] != "2025-06-01T12:00:00Z" {
						t.Errorf("meta of yoda: %d %v", status, meta)
					}
					if _, ok := meta["version"]; ok {
						t.Errorf("meta.version invented: %v", meta)
					}
					for _, c := range []struct {
						filter, extra, want string
						total               float64
					}{
						{incremental, "", want, 2},
						{incremental, "&startIndex=2&count=1", "yoda@galaxy.local", 2},
						{`meta.lastModified ge "2025-06-01T12:00:00Z"`, "", want, 2},
						{`meta.lastModified gt "2025-06-01T12:00:00Z"`, "", "", 0},
						{`meta.lastModified gt "2025-06-01T14:00:00+02:00"`, "", "", 0},
						{`meta.lastModified gt "2025-06-01T13:30:00+02:00"`, "", want, 2},
						{incremental + ` and name.givenName eq "Yoda"`, "", "yoda@galaxy.local", 1},
						{`meta.created lt "2024-06-01T00:00:00Z"`, "&count=1", "chewbacca@galaxy.local", 13},
					} {
						if got, total, _ := list(c.filter, c.extra, 200); got != c.want || total != c.total {
							t.Errorf("%s%s: %q (%v), want %q (%v)", c.filter, c.extra, got, total, c.want, c.total)
						}
					}
				}

				// The operation, without the column: as a statement in SQL
				// mode, as a procedure in procedure mode.
				l.use(func(doc map[string]any) {
					op := map[string]any{"type": "sql", "parameters": []any{"since"},
						"statement": "SELECT U.* FROM USERS U JOIN USER_CHANGES C USING (USER_ID) WHERE U.IS_ACTIVE = " + map[string]string{"mysql": "1", "postgresql": "TRUE"}[dialect] + " AND C.LAST_MODIFIED >= ?"}
					if mode == "procedures" {
						op = map[string]any{"type": "stored_procedure", "statement": "CALL GET_USERS_MODIFIED_SINCE(?)", "parameters": []any{"since"}}
					}
					operations(doc)["get_users_modified_since"] = op
				})
				for _, c := range []struct {
					filter, extra, want string
					total               float64
				}{
					{incremental, "", want, 2},
					{incremental, "&count=1", "leia.organa@galaxy.local", 2},
					{incremental + ` and name.givenName eq "Leia"`, "", "leia.organa@galaxy.local", 1},
					{`meta.lastModified gt "2026-01-01T00:00:00Z"`, "", "", 0},
				} {
					if got, total, _ := list(c.filter, c.extra, 200); got != c.want || total != c.total {
						t.Errorf("operation, %s%s: %q (%v), want %q (%v)", c.filter, c.extra, got, total, c.want, c.total)
					}
				}
				if _, _, doc := list(`meta.lastModified lt "2025-01-01T00:00:00Z"`, "", 400); !strings.Contains(doc["detail"].(string), "gt (or ge)") {
					t.Errorf("a form the operation cannot answer: %v", doc)
				}
			})
		}
	}
}
