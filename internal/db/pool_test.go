package db_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sqlscim/sqlscim/internal/db"
	_ "github.com/sqlscim/sqlscim/internal/db/all"
	"github.com/sqlscim/sqlscim/internal/secret"
	"github.com/sqlscim/sqlscim/internal/testsupport/dbtest"
)

func sqliteTarget(t *testing.T, dir string, i int) *db.Target {
	t.Helper()
	target, err := db.NewTarget(db.Conn{Type: "sqlite", Database: filepath.Join(dir, fmt.Sprintf("tenant%d.db", i))})
	if err != nil {
		t.Fatal(err)
	}
	return target
}

func ping(t *testing.T, l *db.Lease) {
	t.Helper()
	if err := l.DB.PingContext(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestPoolsEvictTheLeastRecentlyUsedIdlePool(t *testing.T) {
	dir := t.TempDir()
	pools := db.NewPools(db.PoolConfig{MaxOpen: 2, MaxTenants: 3})
	var leases []*db.Lease
	for i := 0; i < 3; i++ {
		l, err := pools.Acquire(context.Background(), sqliteTarget(t, dir, i))
		if err != nil {
			t.Fatal(err)
		}
		ping(t, l)
		leases = append(leases, l)
	}
	// Every pool is busy: a fourth database is refused with the limit and the fix.
	_, err := pools.Acquire(context.Background(), sqliteTarget(t, dir, 3))
	var tooMany *db.TooManyTenantsError
	if !errors.As(err, &tooMany) || tooMany.Max != 3 {
		t.Fatalf("fourth tenant while all are busy: %v", err)
	}
	if want := "3 tenant databases are in use at once, the limit (pool.max_tenants); retry later or raise pool.max_tenants"; err.Error() != want {
		t.Errorf("message %q", err.Error())
	}

	// Tenant 1 becomes idle, then tenant 0 and 2 are used again: tenant 1
	// is the least recently used idle pool and makes room.
	leases[1].Release()
	leases[0].Release()
	l0, _ := pools.Acquire(context.Background(), sqliteTarget(t, dir, 0))
	l3, err := pools.Acquire(context.Background(), sqliteTarget(t, dir, 3))
	if err != nil {
		t.Fatalf("fourth tenant with an idle pool: %v", err)
	}
	ping(t, l3)
	ids := map[string]bool{}
	for _, s := range pools.Stats() {
		ids[s.Identity] = true
	}
	if len(ids) != 3 || ids[sqliteTarget(t, dir, 1).Identity] || !ids[sqliteTarget(t, dir, 3).Identity] {
		t.Errorf("live pools after eviction: %v", ids)
	}
	for _, l := range []*db.Lease{l0, l3, leases[0], leases[2]} {
		l.Release()
	}
	if err := pools.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := pools.Acquire(context.Background(), sqliteTarget(t, dir, 0)); !errors.Is(err, db.ErrClosed) {
		t.Errorf("acquire after Close: %v", err)
	}
}

func TestPoolIsSharedAndLeavesNoConnectionOpen(t *testing.T) {
	d := dbtest.MySQL(t)
	pools := db.NewPools(db.PoolConfig{MaxOpen: 4, MaxTenants: 8})
	target, err := db.NewTarget(d.Conn)
	if err != nil {
		t.Fatal(err)
	}
	a, err := pools.Acquire(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pools.Acquire(context.Background(), target)
	if a.DB != b.DB {
		t.Error("the same database got two pools")
	}
	ping(t, a)
	if st := a.DB.Stats(); st.MaxOpenConnections != 4 || st.InUse != 0 {
		t.Errorf("stats %+v", st)
	}
	a.Release()
	b.Release()
	handle := a.DB
	if err := pools.Close(); err != nil {
		t.Fatal(err)
	}
	if st := handle.Stats(); st.OpenConnections != 0 {
		t.Errorf("%d connections still open after Close", st.OpenConnections)
	}
}

func TestChangedCredentialsReplaceThePool(t *testing.T) {
	d := dbtest.MySQL(t)
	pools := db.NewPools(db.DefaultPoolConfig)
	defer pools.Close()
	good, _ := db.NewTarget(d.Conn)
	l, err := pools.Acquire(context.Background(), good)
	if err != nil {
		t.Fatal(err)
	}
	ping(t, l)
	old := l.DB

	changed := d.Conn
	changed.Password = secret.String("a-new-password")
	bad, _ := db.NewTarget(changed)
	if bad.Identity != good.Identity {
		t.Fatalf("the identity must not depend on the password: %q vs %q", bad.Identity, good.Identity)
	}
	nl, err := pools.Acquire(context.Background(), bad)
	if err != nil {
		t.Fatal(err)
	}
	if nl.DB == old {
		t.Fatal("changed credentials reused the old pool")
	}
	// The old pool keeps serving its request in flight, then closes.
	ping(t, l)
	l.Release()
	nl.Release()
	if len(pools.Stats()) != 1 {
		t.Errorf("pools: %+v", pools.Stats())
	}
	for _, s := range pools.Stats() {
		if s.Identity != good.Identity {
			t.Errorf("unexpected pool %s", s.Identity)
		}
	}
}

func TestIdentityHidesThePassword(t *testing.T) {
	target, err := db.NewTarget(db.Conn{Type: "mysql", Host: "db", Port: 3306, Database: "oktademo", User: "oktademo", Password: "s3cr3t!", Properties: map[string]string{"password": "x"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "mysql://oktademo@db:3306/oktademo?password=***"; target.Identity != want {
		t.Errorf("identity %q, want %q", target.Identity, want)
	}
	// Every spelling of a secret property is hidden when a connection is shown.
	for _, name := range []string{"password", "pass", "passwd", "PWD", "clientSecret", "accessToken"} {
		c := db.Conn{Type: "postgresql", Host: "db", Database: "d", User: "u", Properties: map[string]string{name: "hunter2"}}
		if s := c.String(); strings.Contains(s, "hunter2") {
			t.Errorf("%s shows the value of %s", s, name)
		}
	}
}

// TestPreparedStatementsDoNotDeadlockAFullPool: transactions that hold
// every connection of a pool must not wait for another to prepare a
// statement.
func TestPreparedStatementsDoNotDeadlockAFullPool(t *testing.T) {
	d := dbtest.MySQL(t)
	if _, err := d.DB.Exec("CREATE TABLE t (id INT PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	pools := db.NewPools(db.PoolConfig{MaxOpen: 2, MaxTenants: 1})
	defer pools.Close()
	target, _ := db.NewTarget(d.Conn)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	lease, err := pools.Acquire(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	defer lease.Release()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			tx, err := lease.DB.BeginTx(ctx, nil)
			if err != nil {
				errs <- err
				return
			}
			defer tx.Rollback()
			q := lease.TxQuerier(tx)
			if _, err := q.ExecContext(ctx, "INSERT INTO t (id) VALUES (?)", i); err != nil {
				errs <- err
				return
			}
			errs <- tx.Commit()
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := lease.Querier().QueryRowContext(ctx, "SELECT COUNT(*) FROM t WHERE id >= ?", 0).Scan(&n); err != nil || n != 8 {
		t.Fatalf("%d rows, %v", n, err)
	}
}

// TestUnpreparableQueryReportsTheServerError: a query the server refuses to
// prepare runs as it is, so the caller sees the server's own error, every
// time.
func TestUnpreparableQueryReportsTheServerError(t *testing.T) {
	d := dbtest.MySQL(t)
	pools := db.NewPools(db.PoolConfig{MaxOpen: 2, MaxTenants: 1})
	defer pools.Close()
	target, _ := db.NewTarget(d.Conn)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	lease, err := pools.Acquire(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	defer lease.Release()
	for i := 0; i < 2; i++ {
		_, err := lease.Querier().ExecContext(ctx, "UPDATE no_such_table SET x = ?", i)
		if err == nil || !strings.Contains(err.Error(), "no_such_table") {
			t.Fatalf("attempt %d: %v, want the server's missing-table error", i, err)
		}
	}
	var one int
	if err := lease.Querier().QueryRowContext(ctx, "SELECT ?", 1).Scan(&one); err != nil || one != 1 {
		t.Fatalf("after a refused prepare: %d, %v", one, err)
	}
}
