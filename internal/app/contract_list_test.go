package app

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// listIDs runs GET path and returns totalResults and the ids served.
func (l *contractLab) listIDs(path string) (int, []string) {
	l.t.Helper()
	status, body := l.a.do("GET", path, nil)
	if status != 200 {
		l.t.Fatalf("GET %s: %d %v", path, status, body)
	}
	var ids []string
	rs, _ := body["Resources"].([]any)
	for _, r := range rs {
		ids = append(ids, r.(map[string]any)["id"].(string))
	}
	return int(body["totalResults"].(float64)), ids
}

func filterPath(f string) string { return "/Users?filter=" + url.QueryEscape(f) }

// Defect 1 of issue 12: userName is caseExact false and uniqueness server,
// whatever the column's collation; a userName or id filter answers from
// Get Users, so it neither misses case variants nor shows inactive users.
func TestUserNameIsUniqueWithoutCase(t *testing.T) {
	for _, lab := range []struct{ dialect, file string }{
		{"postgresql", "postgresql-sql.yaml"},
		{"mysql", "mysql-sql.yaml"},
	} {
		t.Run(lab.dialect, func(t *testing.T) {
			l := newContractLab(t, lab.dialect, lab.file)
			l.use(nil)
			if status, body := l.a.do("POST", "/Users", labUser("probe.one@example.com", nil)); status != 201 {
				t.Fatalf("POST probe.one: %d %v", status, body)
			}
			status, body := l.a.do("POST", "/Users", labUser("PROBE.ONE@example.com", nil))
			if status != 409 || body["scimType"] != "uniqueness" {
				t.Fatalf("POST PROBE.ONE after probe.one: %d %v, want 409 uniqueness", status, body)
			}

			// Two users whose names differ only in case, as a case-sensitive
			// column lets the database hold them.
			if lab.dialect == "postgresql" {
				if _, err := l.d.DB.Exec(`INSERT INTO USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, EMAIL) VALUES ('P2UP', 'PROBE.TWO', 'P', 'Two', 'p2@x'), ('p2low', 'probe.two', 'p', 'two', 'p2b@x')`); err != nil {
					t.Fatal(err)
				}
				for _, v := range []string{"PROBE.TWO", "probe.two", "Probe.Two"} {
					if total, ids := l.listIDs(filterPath(fmt.Sprintf("userName eq %q", v))); total != 2 || len(ids) != 2 {
						t.Errorf("userName eq %q: totalResults %d, ids %v; want P2UP and p2low", v, total, ids)
					}
				}
				if total, ids := l.listIDs(filterPath(`id eq "p2low"`)); total != 1 || len(ids) != 1 || ids[0] != "p2low" {
					t.Errorf(`id eq "p2low" (id is caseExact): totalResults %d, ids %v`, total, ids)
				}
			}

			// An inactive user is in no list Get Users does not return.
			if status, body := l.a.do("DELETE", "/Users/probe.one@example.com", nil); status != 204 {
				t.Fatalf("DELETE: %d %v", status, body)
			}
			for _, f := range []string{`userName eq "probe.one@example.com"`, `id eq "probe.one@example.com"`, `userName eq "PROBE.ONE@EXAMPLE.COM"`} {
				if total, ids := l.listIDs(filterPath(f)); total != 0 || len(ids) != 0 {
					t.Errorf("%s after deactivation: totalResults %d, ids %v; want none (Get Users lists active users)", f, total, ids)
				}
			}
			// The user still exists: a create with its name is a conflict.
			status, body = l.a.do("POST", "/Users", labUser("probe.one@example.com", nil))
			if status != 409 {
				t.Errorf("POST over a deactivated user: %d %v", status, body)
			}
		})
	}
}

// Defect 5 of issue 12: a list without count gets server.max_results users
// and the true totalResults, so the client pages; streaming every match is
// a setting. Any count up to the maximum is served as asked.
func TestListsArePagedByMaxResults(t *testing.T) {
	l := newContractLabWith(t, "mysql", "mysql-sql.yaml", "server:\n  max_results: 5\n")
	l.use(nil)
	const active = 13 // the lab's active users
	for _, tc := range []struct {
		path         string
		total, items int
	}{
		{"/Users", active, 5},
		{"/Users?startIndex=11", active, 3},
		{"/Users?count=3", active, 3},
		{"/Users?count=5", active, 5},
		{"/Users?count=7", active, 5},
		{"/Users?count=0", active, 0},
		{filterPath(`name.familyName pr`), active, 5},
	} {
		status, body := l.a.do("GET", tc.path, nil)
		if status != 200 {
			t.Fatalf("GET %s: %d %v", tc.path, status, body)
		}
		rs, _ := body["Resources"].([]any)
		if int(body["totalResults"].(float64)) != tc.total || len(rs) != tc.items || int(body["itemsPerPage"].(float64)) != tc.items {
			t.Errorf("GET %s: totalResults %v, itemsPerPage %v, %d resources; want %d, %d", tc.path, body["totalResults"], body["itemsPerPage"], len(rs), tc.total, tc.items)
		}
	}
	// Paging on from the first answer reaches every user once.
	seen := map[string]bool{}
	for start := 1; start <= active; start += 5 {
		_, ids := l.listIDs(fmt.Sprintf("/Users?startIndex=%d", start))
		for _, id := range ids {
			if seen[id] {
				t.Errorf("%s served twice", id)
			}
			seen[id] = true
		}
	}
	if len(seen) != active {
		t.Errorf("paging without count reached %d users, want %d", len(seen), active)
	}
	status, body := l.a.do("GET", "/ServiceProviderConfig", nil)
	if status != 200 || body["filter"].(map[string]any)["maxResults"] != float64(5) {
		t.Errorf("ServiceProviderConfig: %d %v", status, body["filter"])
	}

	stream := newContractLabWith(t, "mysql", "mysql-sql.yaml", "server:\n  max_results: 5\n  unpaged_lists: stream\n")
	stream.use(nil)
	if total, ids := stream.listIDs("/Users"); total != active || len(ids) != active {
		t.Errorf("unpaged_lists stream: totalResults %d, %d users; want every one of %d", total, len(ids), active)
	}
	if total, ids := stream.listIDs("/Users?count=7"); total != active || len(ids) != 5 {
		t.Errorf("unpaged_lists stream, count=7: totalResults %d, %d users; want %d, 5", total, len(ids), active)
	}
}

// Defect 8 of issue 12: a PostgreSQL E'…' string in a statement was
// refused as "never ends" although PostgreSQL runs it: the scanner now
// reads the dialect's own quoting rules.
func TestPostgreSQLEscapeStringInAStatement(t *testing.T) {
	l := newContractLab(t, "postgresql", "postgresql-sql.yaml")
	l.use(func(doc map[string]any) {
		gu := operations(doc)["get_users"].(map[string]any)
		gu["statement"] = strings.Replace(gu["statement"].(string), "WHERE IS_ACTIVE", `WHERE USERNAME <> E'o\'brien; ?' AND IS_ACTIVE`, 1)
	})
	total, ids := l.listIDs("/Users?count=2")
	if total != 13 || len(ids) != 2 {
		t.Errorf("get_users with an E'…' string: totalResults %d, %d users; want 13, 2", total, len(ids))
	}
}

// Renames kept no uniqueness: PUT or PATCH could give a user another
// user's userName in other case (and, on a case-sensitive column, 200).
// A rename to a name another user holds, compared without case, is 409
// uniqueness; a user may change the case of its own name.
func TestRenamesKeepUserNamesUnique(t *testing.T) {
	for _, lab := range []struct{ dialect, file string }{
		{"postgresql", "postgresql-sql.yaml"},
		{"mysql", "mysql-sql.yaml"},
	} {
		t.Run(lab.dialect, func(t *testing.T) {
			l := newContractLab(t, lab.dialect, lab.file)
			l.use(nil)
			for _, u := range []string{"rename.a@example.com", "rename.b@example.com"} {
				if status, body := l.a.do("POST", "/Users", labUser(u, nil)); status != 201 {
					t.Fatalf("POST %s: %d %v", u, status, body)
				}
			}
			status, body := l.a.do("PUT", "/Users/rename.b@example.com", labUser("RENAME.A@example.com", nil))
			if status != 409 || body["scimType"] != "uniqueness" || !strings.Contains(fmt.Sprint(body["detail"]), "rename.a@example.com") {
				t.Errorf("PUT b with a's name in capitals: %d %v, want 409 uniqueness naming rename.a", status, body)
			}
			status, body = l.a.do("PATCH", "/Users/rename.b@example.com", patchOps(map[string]any{"op": "replace", "path": "userName", "value": "Rename.A@Example.com"}))
			if status != 409 || body["scimType"] != "uniqueness" {
				t.Errorf("PATCH b to a's name in mixed case: %d %v, want 409 uniqueness", status, body)
			}
			status, body = l.a.do("PATCH", "/Users/rename.b@example.com", patchOps(map[string]any{"op": "replace", "path": "userName", "value": "RENAME.B@example.com"}))
			if status != 200 || body["userName"] != "RENAME.B@example.com" {
				t.Errorf("PATCH b to its own name in capitals: %d %v, want 200", status, body)
			}
			if status, body := l.a.do("PUT", "/Users/rename.b@example.com", labUser("rename.c@example.com", nil)); status != 200 {
				t.Errorf("PUT b to a free name: %d %v", status, body)
			}
		})
	}
}
