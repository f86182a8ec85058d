package provision_test

import (
	"context"
	"sync"
	"testing"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/provision"
	"github.com/sqlscim/sqlscim/internal/scim"
	"github.com/sqlscim/sqlscim/internal/testsupport/labtest"
)

// A password hash (bcrypt at cost 12: about 0.4 s) ran inside the update's
// transaction, holding the user's row – and a pooled connection – while it
// ran. PUT and PATCH hash before the transaction begins: while the hash
// runs, the tenant's pool has no connection leased.
func TestPasswordIsHashedBeforeTheTransaction(t *testing.T) {
	d := labtest.Database(t, "mysql")
	pools := db.NewPools(db.DefaultPoolConfig)
	t.Cleanup(func() { pools.Close() })
	cfg := labtest.Tenant(t, "mysql-sql.yaml", d)
	cfg.PasswordSync = provision.PasswordSync{Column: "PASSWORD_HASH"}
	tn, err := provision.Compile(cfg, pools, "tenant")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var inUse []int
	provision.SetHash(tn, func(plain string) (string, error) {
		// Leases, not database/sql's InUse: InUse also counts a connection
		// the pool is opening in the background.
		busy := 0
		for _, s := range pools.Stats() {
			busy += s.Leases
		}
		mu.Lock()
		inUse = append(inUse, busy)
		mu.Unlock()
		return "hashed:" + plain, nil
	})
	ctx := context.Background()
	const id = "luke.skywalker@galaxy.local"
	cur, err := tn.GetUser(ctx, id, false)
	if err != nil {
		t.Fatal(err)
	}
	put := cur.Clone()
	put["password"] = "Put-Passw0rd!"
	delete(put, "meta")
	if _, err := tn.ReplaceUser(ctx, id, put); err != nil {
		t.Fatalf("PUT with a password: %v", err)
	}
	ops, err := scim.ParsePatch([]byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"password","value":"Patch-Passw0rd!"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tn.PatchUser(ctx, id, ops); err != nil {
		t.Fatalf("PATCH of the password: %v", err)
	}
	ops, err = scim.ParsePatch([]byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"password":"Value-Passw0rd!","title":"Jedi"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tn.PatchUser(ctx, id, ops); err != nil {
		t.Fatalf("PATCH with the password in a value: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(inUse) != 3 {
		t.Fatalf("%d hashes for three writes of a password, want 3 (one each)", len(inUse))
	}
	for i, n := range inUse {
		if n != 0 {
			t.Errorf("write %d hashed with %d lease(s) of the pool held: inside the transaction", i+1, n)
		}
	}
	var stored string
	if err := d.DB.QueryRow("SELECT PASSWORD_HASH FROM USERS WHERE USER_ID = ?", id).Scan(&stored); err != nil || stored != "hashed:Value-Passw0rd!" {
		t.Errorf("stored %q (%v), want the last password's hash", stored, err)
	}
}
