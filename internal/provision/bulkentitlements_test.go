package provision_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/provision"
	"github.com/sqlscim/sqlscim/internal/scim"
	"github.com/sqlscim/sqlscim/internal/testsupport/labtest"
)

// opCounter counts the statements each operation ran.
type opCounter struct {
	mu sync.Mutex
	n  map[provision.OpName]int
}

func (c *opCounter) OperationFailed(string, provision.OpName, db.Class) {}

func (c *opCounter) OperationTimed(_ string, op provision.OpName, _ time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[provision.OpName]int{}
	}
	c.n[op]++
}

// compileCounted compiles cfg on pools with an opCounter observing it.
func compileCounted(t *testing.T, cfg *provision.Config, pools *db.Pools) (*provision.Tenant, *opCounter) {
	t.Helper()
	tn, err := provision.Compile(cfg, pools, "tenant")
	if err != nil {
		t.Fatal(err)
	}
	c := &opCounter{}
	tn.Observe(c)
	return tn, c
}

func (c *opCounter) count(op provision.OpName) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[op]
}

// bulkEntitlementsSQL reads the lab's assignments of a range of users.
const bulkEntitlementsSQL = "SELECT UE.USER_ID, UE.ENT_ID, E.ENT_NAME FROM USERENTITLEMENTS UE " +
	"JOIN ENTITLEMENTS E ON UE.ENT_ID = E.ENT_ID WHERE UE.USER_ID BETWEEN ? AND ? ORDER BY UE.USER_ID, UE.ENT_ID"

// A page of a listing read each user's entitlements with a query of its
// own: 100 round trips for a page of Okta's import. With
// get_entitlements_of_users a page costs one, and every page, filtered or
// not, is the same as get_user_entitlements makes it.
func TestBulkEntitlementsGiveThePagesPerUserQueriesGive(t *testing.T) {
	for _, lab := range []struct{ dialect, file string }{{"mysql", "mysql-sql.yaml"}, {"postgresql", "postgresql-sql.yaml"}} {
		t.Run(lab.dialect, func(t *testing.T) {
			d := labtest.Database(t, lab.dialect)
			pools := db.NewPools(db.DefaultPoolConfig)
			t.Cleanup(func() { pools.Close() })
			compileWith := func(bulk bool) (*provision.Tenant, *opCounter) {
				cfg := labtest.Tenant(t, lab.file, d)
				if bulk {
					cfg.Operations[provision.GetEntitlementsOfUsers] = &provision.Operation{Enabled: true, Type: provision.SQLStatement,
						Statement: bulkEntitlementsSQL, Parameters: []provision.Param{
							{Type: provision.DatabaseField, Field: provision.FirstUserField}, {Type: provision.DatabaseField, Field: provision.LastUserField}}}
				}
				return compileCounted(t, cfg, pools)
			}
			perUser, _ := compileWith(false)
			bulk, counted := compileWith(true)

			queries := map[string]scim.Query{}
			for start := 1; start <= 16; start += 3 {
				queries["page at "+itoa(start)] = scim.Query{StartIndex: start, Count: 3}
			}
			// Filters the database answers exactly: a superset (text on a
			// collation that ignores case) is filtered here, user by user.
			for _, f := range []string{`active eq true`, `title pr`} {
				q := filterQuery(t, f)
				q.Count = 2
				queries[f] = q
			}
			pages := 0
			for name, q := range queries {
				want, wantTotal := list(t, perUser, q)
				got, total := list(t, bulk, q)
				if len(got) > 0 {
					pages++
				}
				wj, _ := json.Marshal(want)
				gj, _ := json.Marshal(got)
				if total != wantTotal || string(wj) != string(gj) {
					t.Errorf("%s: the bulk operation gives %d %s\nper-user queries give %d %s", name, total, gj, wantTotal, wj)
				}
				if !strings.Contains(string(wj), `"entitlements"`) && name == "page at 1" {
					t.Errorf("%s: the lab's first page has no entitlements to compare: %s", name, wj)
				}
			}
			if n := counted.count(provision.GetUserEntitlements); n != 0 {
				t.Errorf("with the bulk operation, listings still ran get_user_entitlements %d times", n)
			}
			if n := counted.count(provision.GetEntitlementsOfUsers); n != pages {
				t.Errorf("%d pages with users ran get_entitlements_of_users %d times, want once each", pages, n)
			}
			// A listing without entitlements reads none.
			before := counted.count(provision.GetEntitlementsOfUsers)
			list(t, bulk, scim.Query{StartIndex: 1, Count: 5, SkipEntitlements: true})
			if n := counted.count(provision.GetEntitlementsOfUsers); n != before {
				t.Errorf("excludedAttributes=entitlements still read them")
			}
			// One user's entitlements still come from get_user_entitlements.
			if _, err := bulk.GetUser(context.Background(), "luke.skywalker@galaxy.local", true); err != nil || counted.count(provision.GetUserEntitlements) != 1 {
				t.Errorf("GET of one user: %v, get_user_entitlements ran %d times", err, counted.count(provision.GetUserEntitlements))
			}
		})
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
