package provision_test

import (
	"context"
	"strings"
	"testing"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/provision"
	"github.com/sqlscim/sqlscim/internal/testsupport/labtest"
)

func TestCheckNamesMissingProceduresAndParameterMismatches(t *testing.T) {
	for _, lab := range []struct{ dialect, file, drop string }{
		{"mysql", "mysql-procedures.yaml", "DROP PROCEDURE ACTIVATE_USER"},
		{"postgresql", "postgresql-procedures.yaml", "DROP PROCEDURE ACTIVATE_USER"},
	} {
		t.Run(lab.dialect, func(t *testing.T) {
			d := labtest.Database(t, lab.dialect)
			if _, err := d.DB.Exec(lab.drop); err != nil {
				t.Fatal(err)
			}
			cfg := labtest.Tenant(t, lab.file, d)
			// Map one parameter too few to create_user.
			create := cfg.Operations[provision.CreateUser]
			create.Parameters = create.Parameters[:23]
			create.Statement = "CALL CREATE_USER(" + strings.Repeat("?, ", 22) + "?)"
			pools := db.NewPools(db.DefaultPoolConfig)
			defer pools.Close()
			tn, err := provision.Compile(cfg, pools, "tenant")
			if err != nil {
				t.Fatal(err)
			}
			failures := map[string]string{}
			passed := 0
			for _, r := range tn.Check(context.Background()) {
				if r.OK {
					passed++
				} else {
					failures[r.Subject] = r.Detail
				}
			}
			if len(failures) != 2 {
				t.Fatalf("failures %v", failures)
			}
			if got := failures["activate_user"]; !strings.HasPrefix(got, "Stored Procedure Not Found: no procedure ACTIVATE_USER in the database") {
				t.Errorf("activate_user: %q", got)
			}
			if got := failures["create_user"]; got != "Parameter Mismatch: procedure CREATE_USER takes 24 parameter(s) but 23 are mapped; map one parameter per argument" {
				t.Errorf("create_user: %q", got)
			}
			if passed < 10 {
				t.Errorf("only %d checks passed", passed)
			}
		})
	}
}

func TestCheckPassesOnTheLab(t *testing.T) {
	for _, lab := range labs {
		t.Run(strings.TrimSuffix(lab.file, ".yaml"), func(t *testing.T) {
			tn, _ := compile(t, lab.dialect, lab.file)
			for _, r := range tn.Check(context.Background()) {
				if !r.OK {
					t.Errorf("%s %s: %s", r.Subject, r.Check, r.Detail)
				}
			}
		})
	}
}

// A procedures tenant without get_user_by_username passes, with a warning
// that each create lists every user; the lab's, which has it, does not get
// the warning, nor do SQL tenants.
func TestCheckWarnsWhenOnlyAListingFindsAUserName(t *testing.T) {
	for _, lab := range []struct {
		file    string
		without bool
		warned  bool
	}{
		{"mysql-procedures.yaml", false, false},
		{"mysql-procedures.yaml", true, true},
		{"mysql-sql.yaml", false, false},
	} {
		d := labtest.Database(t, "mysql")
		cfg := labtest.Tenant(t, lab.file, d)
		if lab.without {
			delete(cfg.Operations, provision.GetUserByUserName)
		}
		pools := db.NewPools(db.DefaultPoolConfig)
		tn, err := provision.Compile(cfg, pools, "tenant")
		if err != nil {
			t.Fatal(err)
		}
		warned := false
		for _, r := range tn.Check(context.Background()) {
			if !r.OK {
				t.Errorf("%s: %s %s: %s", lab.file, r.Subject, r.Check, r.Detail)
			}
			if r.Warning && strings.Contains(r.Detail, "get_user_by_username") {
				warned = true
			}
		}
		pools.Close()
		if warned != lab.warned {
			t.Errorf("%s without get_user_by_username %t: warned %t, want %t", lab.file, lab.without, warned, lab.warned)
		}
	}
}
