package provision_test

import (
	"context"
	"sort"
	"testing"

	"github.com/sqlscim/sqlscim/internal/scim"
)

// TestFiltersOnMariaDBCollations: MariaDB's default collation ignores case
// and accents. A userName filter is still SCIM's – without regard to case,
// not to accents – and an id filter exact, whether the column's collation
// ignores case (an = its index serves) or not (utf8mb4_bin, LOWER).
func TestFiltersOnMariaDBCollations(t *testing.T) {
	for _, collation := range []string{"", "utf8mb4_bin"} {
		t.Run("collation="+collation, func(t *testing.T) {
			tn, d := compile(t, "mysql", "mysql-sql.yaml")
			if collation != "" {
				if _, err := d.DB.Exec("ALTER TABLE USERS MODIFY USERNAME VARCHAR(100) COLLATE " + collation + " NOT NULL"); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := d.DB.Exec(`INSERT INTO USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, EMAIL, IS_ACTIVE)
				VALUES ('José.Garcia@Example.com', 'José.Garcia', 'José', 'García', 'jose@example.com', TRUE)`); err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				filter string
				want   []string
			}{
				{`userName eq "JOSÉ.GARCIA"`, []string{"José.Garcia@Example.com"}},
				{`userName eq "josé.garcia"`, []string{"José.Garcia@Example.com"}},
				{`userName eq "jose.garcia"`, nil},
				{`userName eq "LUKE.SKYWALKER"`, []string{"luke.skywalker@galaxy.local"}},
				{`userName eq "luke.skywalker" or userName eq "Jose.Garcia"`, []string{"luke.skywalker@galaxy.local"}},
				{`userName sw "jose"`, nil},
				{`userName sw "JOSÉ"`, []string{"José.Garcia@Example.com"}},
				{`id eq "José.Garcia@Example.com"`, []string{"José.Garcia@Example.com"}},
				{`id eq "josé.garcia@example.com"`, nil},
				{`id eq "Jose.Garcia@Example.com"`, nil},
				{`id co "Garcia@Example"`, []string{"José.Garcia@Example.com"}},
				{`id co "garcia@example"`, nil},
			} {
				for _, count := range []int{-1, 100} { // unpaged, and a page as Okta asks
					q := filterQuery(t, tc.filter)
					q.Count = count
					got, total := list(t, tn, q)
					if ids := idsOf(got); !sameStrings(ids, tc.want) || total != len(tc.want) {
						t.Errorf("%s, count=%d: got %v (totalResults %d), want %v", tc.filter, count, ids, total, tc.want)
					}
				}
			}
			// ne is SCIM's too: "José" differs from "jose", which the
			// collation's <> would deny.
			got, _ := list(t, tn, filterQuery(t, `userName ne "jose.garcia"`))
			if ids := idsOf(got); !contains(ids, "José.Garcia@Example.com") {
				t.Errorf(`userName ne "jose.garcia": %v lacks José`, ids)
			}
			// A taken userName is refused whatever the case.
			_, err := tn.CreateUser(context.Background(), scim.Resource{
				"schemas": []any{scim.UserSchemaURN}, "id": "other@example.com", "userName": "JOSÉ.GARCIA",
				"name":   map[string]any{"givenName": "J", "familyName": "G"},
				"emails": []any{map[string]any{"value": "other@example.com", "primary": true}},
			})
			if scimStatus(err) != 409 {
				t.Fatalf("create with a taken userName in other case: %v, want 409", err)
			}
		})
	}
}

func idsOf(rs []scim.Resource) []string {
	var ids []string
	for _, r := range rs {
		ids = append(ids, r["id"].(string))
	}
	sort.Strings(ids)
	return ids
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
