package provision_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/provision"
	"github.com/sqlscim/sqlscim/internal/scim"
	"github.com/sqlscim/sqlscim/internal/testsupport/labtest"
)

// A create in a procedures tenant made sure no user held its userName by
// listing every user through GET_ACTIVEUSERS: 137 ms of CPU per POST at
// 10 000 users, growing with the table. get_user_by_username finds the
// holder in one call, deactivated holders too; without it the listing
// still keeps userNames unique.
func TestUserNameHolderFoundWithoutListingEveryUser(t *testing.T) {
	for _, lab := range []struct{ dialect, file string }{
		{"mysql", "mysql-procedures.yaml"},
		{"postgresql", "postgresql-procedures.yaml"},
		{"postgresql", "postgresql-refcursors.yaml"},
	} {
		t.Run(strings.TrimSuffix(lab.file, ".yaml"), func(t *testing.T) {
			d := labtest.Database(t, lab.dialect)
			pools := db.NewPools(db.DefaultPoolConfig)
			t.Cleanup(func() { pools.Close() })
			compileWith := func(byName bool) (*provision.Tenant, *opCounter) {
				cfg := labtest.Tenant(t, lab.file, d)
				if !byName {
					delete(cfg.Operations, provision.GetUserByUserName)
				} else if _, ok := cfg.Op(provision.GetUserByUserName); !ok {
					t.Fatalf("%s has no get_user_by_username", lab.file)
				}
				return compileCounted(t, cfg, pools)
			}
			ctx := context.Background()
			user := func(id, name string) scim.Resource {
				return scim.Resource{"schemas": []any{scim.UserSchemaURN}, "id": id, "userName": name,
					"name":   map[string]any{"givenName": "G", "familyName": "F"},
					"emails": []any{map[string]any{"value": id, "primary": true}}}
			}
			for _, byName := range []bool{true, false} {
				tn, counted := compileWith(byName)
				if _, err := tn.UserSchema(ctx); err != nil { // discovery lists no user either way
					t.Fatal(err)
				}
				listings := counted.count(provision.GetUsers)
				_, err := tn.CreateUser(ctx, user("luke2@galaxy.local", "LUKE.SKYWALKER"))
				if scimStatus(err) != 409 || !strings.Contains(err.Error(), "luke.skywalker@galaxy.local") {
					t.Fatalf("byName=%t: a create with luke's userName in capitals: %v, want 409 naming luke", byName, err)
				}
				listed := counted.count(provision.GetUsers) - listings
				if byName && (listed != 0 || counted.count(provision.GetUserByUserName) != 1) {
					t.Errorf("with get_user_by_username the check listed users %d times and ran it %d times, want 0 and 1", listed, counted.count(provision.GetUserByUserName))
				}
				if !byName && listed != 1 {
					t.Errorf("without get_user_by_username the check listed users %d times, want once", listed)
				}
				// A deactivated user keeps its userName in the table. Without
				// the operation only the database's unique constraint can
				// see it (MariaDB's ignores case, PostgreSQL's does not).
				if byName {
					if _, err := tn.CreateUser(ctx, user("vader2@galaxy.local", "Darth.Vader")); scimStatus(err) != 409 || !strings.Contains(err.Error(), "darth.vader@galaxy.local") {
						t.Errorf("with get_user_by_username, a deactivated user's userName: %v, want 409 naming darth.vader", err)
					}
				}
			}
			// A rename onto another's userName is refused too; a free one passes.
			tn, counted := compileWith(true)
			leia, err := tn.GetUser(ctx, "leia.organa@galaxy.local", true)
			if err != nil {
				t.Fatal(err)
			}
			leia = leia.Clone()
			leia["userName"] = "Han.Solo"
			if _, err := tn.ReplaceUser(ctx, "leia.organa@galaxy.local", leia); scimStatus(err) != 409 || !strings.Contains(err.Error(), "han.solo@galaxy.local") {
				t.Errorf("renaming leia to Han.Solo: %v, want 409 naming han.solo", err)
			}
			leia["userName"] = "general.organa"
			if _, err := tn.ReplaceUser(ctx, "leia.organa@galaxy.local", leia); err != nil {
				t.Errorf("renaming leia to a free userName: %v", err)
			}
			if created, err := tn.CreateUser(ctx, user("ahsoka@galaxy.local", "ahsoka.tano")); err != nil || created["userName"] != "ahsoka.tano" {
				t.Errorf("a create with a free userName: %v", err)
			}
			if n := counted.count(provision.GetUsers); n != 0 {
				t.Errorf("renames and creates listed users %d times, want none", n)
			}
		})
	}
}

// get_user_by_username must bind the userName column: bound to another,
// it would look up the wrong user, so the tenant answers 500 and says why.
func TestUserNameLookupBindingAnotherColumnIsAnAdminError(t *testing.T) {
	d := labtest.Database(t, "mysql")
	pools := db.NewPools(db.DefaultPoolConfig)
	t.Cleanup(func() { pools.Close() })
	cfg := labtest.Tenant(t, "mysql-procedures.yaml", d)
	cfg.Operations[provision.GetUserByUserName].Parameters = []provision.Param{{Type: provision.DatabaseField, Field: "EMAIL"}}
	tn, err := provision.Compile(cfg, pools, "tenant")
	if err != nil {
		t.Fatal(err)
	}
	_, err = tn.CreateUser(context.Background(), scim.Resource{"schemas": []any{scim.UserSchemaURN}, "id": "x@galaxy.local", "userName": "x",
		"name": map[string]any{"givenName": "G", "familyName": "F"}, "emails": []any{map[string]any{"value": "x@galaxy.local"}}})
	var se *scim.Error
	if !errors.As(err, &se) || se.Status != 500 || !strings.Contains(se.Cause.Error(), "parameter 1 names EMAIL, not the userName column USERNAME") {
		t.Fatalf("got %v, want 500 whose cause names EMAIL and USERNAME", err)
	}
	cfg.Operations[provision.GetUserByUserName].Parameters = nil
	if ps := cfg.Validate("tenant"); !strings.Contains(ps.Error(), "tenant.operations.get_user_by_username.parameters: no DATABASE_FIELD parameter binds the userName") {
		t.Errorf("without parameters: %v", ps)
	}
}
