package provision_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sqlscim/sqlscim/internal/db"
	_ "github.com/sqlscim/sqlscim/internal/db/all"
	"github.com/sqlscim/sqlscim/internal/provision"
	"github.com/sqlscim/sqlscim/internal/scim"
	"github.com/sqlscim/sqlscim/internal/testsupport/dbtest"
	"github.com/sqlscim/sqlscim/internal/testsupport/labtest"
)

// labs are the lab tenants of testdata/tenants, each on its database.
var labs = []struct{ dialect, file string }{
	{"mysql", "mysql-sql.yaml"},
	{"mysql", "mysql-procedures.yaml"},
	{"postgresql", "postgresql-sql.yaml"},
	{"postgresql", "postgresql-procedures.yaml"},
	{"postgresql", "postgresql-refcursors.yaml"},
}

func compile(t *testing.T, dialect, file string) (*provision.Tenant, *dbtest.Database) {
	t.Helper()
	d := labtest.Database(t, dialect)
	pools := db.NewPools(db.DefaultPoolConfig)
	t.Cleanup(func() { pools.Close() })
	tn, err := provision.Compile(labtest.Tenant(t, file, d), pools, "tenant")
	if err != nil {
		t.Fatal(err)
	}
	return tn, d
}

func list(t *testing.T, tn *provision.Tenant, q scim.Query) ([]scim.Resource, int) {
	t.Helper()
	var out []scim.Resource
	total, err := tn.ListUsers(context.Background(), q, func(r scim.Resource) error {
		out = append(out, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out, total
}

func filterQuery(t *testing.T, f string) scim.Query {
	t.Helper()
	parsed, err := scim.ParseFilter(f)
	if err != nil {
		t.Fatal(err)
	}
	return scim.Query{Filter: parsed, StartIndex: 1, Count: -1}
}

func entitlementValues(r scim.Resource) []string {
	var out []string
	list, _ := r["entitlements"].([]any)
	for _, e := range list {
		out = append(out, e.(map[string]any)["value"].(string)+"="+e.(map[string]any)["display"].(string))
	}
	sort.Strings(out)
	return out
}

func scimStatus(err error) int {
	var se *scim.Error
	if errors.As(err, &se) {
		return se.Status
	}
	return 0
}

func TestTenOperationsOnTheLab(t *testing.T) {
	for _, lab := range labs {
		t.Run(strings.TrimSuffix(lab.file, ".yaml"), func(t *testing.T) {
			ctx := context.Background()
			tn, d := compile(t, lab.dialect, lab.file)

			// get_users: the 13 active users, ordered by id.
			users, total := list(t, tn, scim.Query{StartIndex: 1, Count: -1})
			if total != 13 || len(users) != 13 {
				t.Fatalf("listed %d of %d users, want 13", len(users), total)
			}
			for i := 1; i < len(users); i++ {
				if users[i-1]["id"].(string) >= users[i]["id"].(string) {
					t.Fatalf("not ordered by id: %v before %v", users[i-1]["id"], users[i]["id"])
				}
			}

			// Paging covers every user exactly once.
			seen := map[string]int{}
			for start := 1; start <= 13; start += 5 {
				page, total := list(t, tn, scim.Query{StartIndex: start, Count: 5})
				if total != 13 {
					t.Fatalf("page at %d: total %d", start, total)
				}
				for _, u := range page {
					seen[u["id"].(string)]++
				}
			}
			if len(seen) != 13 {
				t.Errorf("paging saw %d distinct users", len(seen))
			}

			// get_user_by_id + get_user_entitlements.
			luke, err := tn.GetUser(ctx, "luke.skywalker@galaxy.local", true)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(entitlementValues(luke), ","); got != "1=VPN Access,2=GitHub Admin,5=Confluence Edit" {
				t.Errorf("luke's entitlements: %s", got)
			}
			if luke["userName"] != "luke.skywalker" || luke["active"] != true {
				t.Errorf("luke: userName %v active %v", luke["userName"], luke["active"])
			}
			if name, _ := luke["name"].(map[string]any); name["givenName"] != "Luke" || name["familyName"] != "Skywalker" {
				t.Errorf("luke's name: %v", luke["name"])
			}
			if _, err := tn.GetUser(ctx, "nobody@galaxy.local", true); scimStatus(err) != 404 {
				t.Errorf("missing user: %v", err)
			}

			// get_all_entitlements.
			ents, err := tn.Entitlements(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(ents) != 10 || ents[0]["displayName"] != "VPN Access" || ents[9]["displayName"] != "Salesforce" {
				t.Errorf("entitlements: %d, first %v", len(ents), ents[0])
			}

			// Filters: by the USERNAME column, by the id, and a scan.
			for f, want := range map[string]int{
				`userName eq "LUKE.SKYWALKER"`:                                             1,
				`userName eq "luke.skywalker@galaxy.local"`:                                0, // that is luke's id; his userName is luke.skywalker
				`id eq "yoda@galaxy.local"`:                                                1,
				`userName eq "nobody"`:                                                     0,
				`name.familyName eq "skywalker"`:                                           2,
				`name.familyName eq "Skywalker" and title co "knight"`:                     1,
				`emails.value ew "@galaxy.local" and not (name.familyName eq "Skywalker")`: 11,
				`entitlements.value eq "4"`:                                                2,
			} {
				if _, total := list(t, tn, filterQuery(t, f)); total != want {
					t.Errorf("filter %s: %d users, want %d", f, total, want)
				}
			}

			// create_user + add_entitlement_to_user, in one transaction.
			newUser := scim.Resource{
				"schemas":  []any{scim.UserSchemaURN},
				"userName": "testuser@example.com",
				"name":     map[string]any{"givenName": "Test", "familyName": "User"},
				"emails":   []any{map[string]any{"value": "testuser@example.com", "type": "work", "primary": true}},
				"title":    "Tester",
				"entitlements": []any{
					map[string]any{"value": "1"}, map[string]any{"value": "2"},
				},
				"urn:sqlscim:schemas:extension:database:2.0:User": map[string]any{"USERNAME": "test.user", "HIREDATE": "2025-03-01"},
			}
			created, err := tn.CreateUser(ctx, newUser)
			if err != nil {
				t.Fatal(err)
			}
			if created["id"] != "testuser@example.com" || created["userName"] != "test.user" {
				t.Errorf("created %v / %v", created["id"], created["userName"])
			}
			var username, first, email, title, hired string
			if err := d.DB.QueryRow(sqlText(lab.dialect, "SELECT USERNAME, FIRSTNAME, EMAIL, TITLE, CAST(HIREDATE AS CHAR(10)) FROM USERS WHERE USER_ID = ?"), "testuser@example.com").Scan(&username, &first, &email, &title, &hired); err != nil {
				t.Fatal(err)
			}
			if username != "test.user" || first != "Test" || email != "testuser@example.com" || title != "Tester" || hired != "2025-03-01" {
				t.Errorf("USERS row: %s %s %s %s %s", username, first, email, title, hired)
			}
			if got := assigned(t, d, lab.dialect, "testuser@example.com"); got != "1,2" {
				t.Errorf("USERENTITLEMENTS: %s", got)
			}
			if _, err := tn.CreateUser(ctx, newUser); scimStatus(err) != http.StatusConflict {
				t.Errorf("duplicate create: %v", err)
			}

			// update_user through PUT: title and department.
			put := created.Clone()
			put["title"] = "Senior Tester"
			put[scim.EnterpriseUserURN] = map[string]any{"department": "QA"}
			if _, err := tn.ReplaceUser(ctx, "testuser@example.com", put); err != nil {
				t.Fatal(err)
			}
			var dept string
			if err := d.DB.QueryRow(sqlText(lab.dialect, "SELECT TITLE, DEPARTMENT FROM USERS WHERE USER_ID = ?"), "testuser@example.com").Scan(&title, &dept); err != nil {
				t.Fatal(err)
			}
			if title != "Senior Tester" || dept != "QA" {
				t.Errorf("after PUT: %s / %s", title, dept)
			}

			// deactivate_user and activate_user through PATCH.
			for _, active := range []bool{false, true} {
				ops, err := scim.ParsePatch([]byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":` + map[bool]string{true: "true", false: "false"}[active] + `}}]}`))
				if err != nil {
					t.Fatal(err)
				}
				res, err := tn.PatchUser(ctx, "testuser@example.com", ops)
				if err != nil {
					t.Fatal(err)
				}
				if res["active"] != active || isActive(t, d, lab.dialect, "testuser@example.com") != active {
					t.Errorf("after PATCH active=%v: response %v", active, res["active"])
				}
			}

			// remove_entitlement_from_user through PATCH.
			ops, _ := scim.ParsePatch([]byte(`{"Operations":[{"op":"remove","path":"entitlements[value eq \"2\"]"}]}`))
			if _, err := tn.PatchUser(ctx, "testuser@example.com", ops); err != nil {
				t.Fatal(err)
			}
			if got := assigned(t, d, lab.dialect, "testuser@example.com"); got != "1" {
				t.Errorf("after removing 2: %s", got)
			}

			// A create whose second step fails leaves nothing behind.
			bad := newUser.Clone()
			bad["userName"] = "half@example.com"
			bad["urn:sqlscim:schemas:extension:database:2.0:User"] = map[string]any{"USERNAME": "half"}
			bad["entitlements"] = []any{map[string]any{"value": "1"}, map[string]any{"value": "999"}}
			if _, err := tn.CreateUser(ctx, bad); scimStatus(err) != http.StatusBadRequest {
				t.Errorf("create with an unknown entitlement: %v", err)
			}
			var n int
			if err := d.DB.QueryRow(sqlText(lab.dialect, "SELECT COUNT(*) FROM USERS WHERE USER_ID = ?"), "half@example.com").Scan(&n); err != nil || n != 0 {
				t.Errorf("half-written user left behind: %d, %v", n, err)
			}
			if got := assigned(t, d, lab.dialect, "half@example.com"); got != "" {
				t.Errorf("half-written entitlements left behind: %s", got)
			}

			// DELETE deactivates, it does not delete.
			if err := tn.DeleteUser(ctx, "testuser@example.com"); err != nil {
				t.Fatal(err)
			}
			if isActive(t, d, lab.dialect, "testuser@example.com") {
				t.Error("DELETE did not deactivate")
			}
		})
	}
}

func sqlText(dialect, s string) string {
	if dialect != "postgresql" {
		return s
	}
	return strings.Replace(strings.Replace(s, "?", "$1", 1), "CHAR(10)", "VARCHAR(10)", 1)
}

func assigned(t *testing.T, d *dbtest.Database, dialect, user string) string {
	t.Helper()
	rows, err := d.DB.Query(sqlText(dialect, "SELECT ENT_ID FROM USERENTITLEMENTS WHERE USER_ID = ? ORDER BY ENT_ID"), user)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	return strings.Join(ids, ",")
}

func isActive(t *testing.T, d *dbtest.Database, dialect, user string) bool {
	t.Helper()
	var active bool
	if err := d.DB.QueryRow(sqlText(dialect, "SELECT IS_ACTIVE FROM USERS WHERE USER_ID = ?"), user).Scan(&active); err != nil {
		t.Fatal(err)
	}
	return active
}

// TestImportSurvivesChangesBetweenPages pages through the users the way
// Okta imports, while a user is created in the middle of the order and
// another deactivated: no user may be skipped or served twice.
func TestImportSurvivesChangesBetweenPages(t *testing.T) {
	for _, lab := range []struct{ dialect, file string }{
		{"mysql", "mysql-sql.yaml"},
		{"mysql", "mysql-procedures.yaml"},
		{"postgresql", "postgresql-sql.yaml"},
		{"postgresql", "postgresql-procedures.yaml"},
	} {
		t.Run(strings.TrimSuffix(lab.file, ".yaml"), func(t *testing.T) {
			ctx := context.Background()
			tn, _ := compile(t, lab.dialect, lab.file)
			before, _ := list(t, tn, scim.Query{StartIndex: 1, Count: -1})

			seen := map[string]int{}
			first, total := list(t, tn, scim.Query{StartIndex: 1, Count: 5})
			for _, u := range first {
				seen[u["id"].(string)]++
			}
			// Changes after the first page: a user whose id sorts before
			// everything served (which shifts every later position), and a
			// deactivation.
			if _, err := tn.CreateUser(ctx, scim.Resource{
				"userName": "able.archer@galaxy.local", "name": map[string]any{"givenName": "Able", "familyName": "Archer"},
				"emails": []any{map[string]any{"value": "able.archer@galaxy.local"}},
				"urn:sqlscim:schemas:extension:database:2.0:User": map[string]any{"USERNAME": "able.archer"},
			}); err != nil {
				t.Fatal(err)
			}
			if err := tn.DeleteUser(ctx, "yoda@galaxy.local"); err != nil {
				t.Fatal(err)
			}
			for start := 6; start <= total; start += 5 {
				page, _ := list(t, tn, scim.Query{StartIndex: start, Count: 5})
				for _, u := range page {
					seen[u["id"].(string)]++
				}
			}
			for id, n := range seen {
				if n > 1 {
					t.Errorf("%s served %d times", id, n)
				}
			}
			for _, u := range before {
				id := u["id"].(string)
				if seen[id] == 0 && id != "yoda@galaxy.local" {
					t.Errorf("%s was skipped", id)
				}
			}
			// A new import sees the changes.
			again, total := list(t, tn, scim.Query{StartIndex: 1, Count: 100})
			if total != 13 || len(again) != 13 {
				t.Errorf("a new import: %d of %d users, want 13 (one added, one deactivated)", len(again), total)
			}
		})
	}
}

// TestConcurrentListingsShareASmallPool: more listings than the pool has
// connections, each reading its rows on one connection while entitlements
// come from another, all finish; none waits forever for a second
// connection held by another listing.
func TestConcurrentListingsShareASmallPool(t *testing.T) {
	for _, lab := range labs {
		// A pool of 1 is raised to db.MinPoolSize: one worker per listing;
		// of 4, three workers per listing.
		for _, size := range []int{1, 4} {
			t.Run(fmt.Sprintf("%s/pool%d", strings.TrimSuffix(lab.file, ".yaml"), size), func(t *testing.T) {
				concurrentListings(t, lab.dialect, lab.file, size)
			})
		}
	}
}

func concurrentListings(t *testing.T, dialect, file string, size int) {
	d := labtest.Database(t, dialect)
	cfg := db.DefaultPoolConfig
	cfg.MaxOpen, cfg.QueryTimeout = size, 15*time.Second
	pools := db.NewPools(cfg)
	t.Cleanup(func() { pools.Close() })
	tn, err := provision.Compile(labtest.Tenant(t, file, d), pools, "tenant")
	if err != nil {
		t.Fatal(err)
	}
	all, _ := list(t, tn, scim.Query{StartIndex: 1, Count: -1})
	queries := []scim.Query{{StartIndex: 1, Count: -1}, {StartIndex: 2, Count: 3}}
	errs := make(chan error, 12)
	for i := 0; i < cap(errs); i++ {
		go func(q scim.Query) {
			n := 0
			_, err := tn.ListUsers(context.Background(), q, func(scim.Resource) error { n++; return nil })
			if err == nil && q.Count < 0 && n != len(all) {
				err = fmt.Errorf("%d users, want %d", n, len(all))
			}
			errs <- err
		}(queries[i%len(queries)])
	}
	for i := 0; i < cap(errs); i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestBrokenCatalogueFailsTheWriteWithItsCause: when Get All Entitlements
// fails while an entitlement is added, the client learns why and nothing
// is written. (PostgreSQL aborts the transaction on the first error: a
// write that carried on would fail with an unrelated one.)
func TestBrokenCatalogueFailsTheWriteWithItsCause(t *testing.T) {
	for _, lab := range []struct{ dialect, file string }{
		{"mysql", "mysql-sql.yaml"},
		{"postgresql", "postgresql-sql.yaml"},
	} {
		t.Run(strings.TrimSuffix(lab.file, ".yaml"), func(t *testing.T) {
			ctx := context.Background()
			d := labtest.Database(t, lab.dialect)
			cfg := labtest.Tenant(t, lab.file, d)
			cfg.Operations[provision.GetAllEntitlements].Statement = "SELECT ENT_ID, ENT_NAME FROM NO_SUCH_CATALOGUE"
			pools := db.NewPools(db.DefaultPoolConfig)
			t.Cleanup(func() { pools.Close() })
			tn, err := provision.Compile(cfg, pools, "tenant")
			if err != nil {
				t.Fatal(err)
			}
			luke, err := tn.GetUser(ctx, "luke.skywalker@galaxy.local", true)
			if err != nil {
				t.Fatal(err)
			}
			before := strings.Join(entitlementValues(luke), ",")
			next := luke.Clone()
			next["entitlements"] = append(luke["entitlements"].([]any), map[string]any{"value": "3"})
			_, err = tn.ReplaceUser(ctx, "luke.skywalker@galaxy.local", next)
			var opErr *provision.OperationError
			if scimStatus(err) != http.StatusInternalServerError || !errors.As(err, &opErr) || !strings.Contains(strings.ToLower(opErr.Error()), "no_such_catalogue") {
				t.Fatalf("got %v (status %d), want a configuration error (500) whose cause names the missing table", err, scimStatus(err))
			}
			after, err := tn.GetUser(ctx, "luke.skywalker@galaxy.local", true)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(entitlementValues(after), ","); got != before {
				t.Errorf("entitlements changed from %s to %s", before, got)
			}
		})
	}
}
