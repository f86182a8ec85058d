package db

import (
	"container/list"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"
)

// PoolConfig bounds the connections to each tenant database. The fields
// carry OPS's HikariCP settings (app.datasource.hikari.*) and map onto
// database/sql like this:
//
//	maximumPoolSize   → SetMaxOpenConns, and SetMaxIdleConns (idle
//	                    connections are kept up to the pool size, so a busy
//	                    tenant does not reconnect for every request); at
//	                    least 2, see Lease.AdmitScan
//	minimumIdle       → that many connections are opened when the pool is created
//	idleTimeout       → SetConnMaxIdleTime
//	maxLifetime       → SetConnMaxLifetime
//	connectionTimeout → bounds the warm-up of minimumIdle connections; a
//	                    request's wait for a connection counts toward
//	                    QueryTimeout, like any other wait for the database
//	validationTimeout → unused: database/sql validates connections itself
//	                    (drivers report broken ones and the call is retried)
//	keepaliveTime     → unused: idle connections are closed after
//	                    idleTimeout instead of being pinged
type PoolConfig struct {
	MaxOpen           int
	MinIdle           int
	ConnectionTimeout time.Duration
	IdleTimeout       time.Duration
	MaxLifetime       time.Duration
	// MaxTenants is how many tenant databases may have a pool at once.
	MaxTenants int
	// QueryTimeout bounds each request's wait for the database: a request
	// whose database work makes no progress for this long fails with 503.
	QueryTimeout time.Duration
}

// DefaultPoolConfig is OPS's HikariCP configuration.
var DefaultPoolConfig = PoolConfig{
	MaxOpen: 10, ConnectionTimeout: 30 * time.Second, IdleTimeout: 90 * time.Second,
	MaxLifetime: 180 * time.Second, MaxTenants: 8, QueryTimeout: 30 * time.Second,
}

// Target is a database to pool: its dialect, driver DSN and identity.
type Target struct {
	Dialect Dialect
	// Identity names the database without its password: pools are keyed by it.
	Identity string
	dsn      string
	// fingerprint changes when anything in the DSN, password included, changes.
	fingerprint [32]byte
}

// NewTarget resolves a connection into a Target.
func NewTarget(c Conn) (*Target, error) {
	d, err := Lookup(c.Type)
	if err != nil {
		return nil, err
	}
	dsn, err := d.DSN(c)
	if err != nil {
		return nil, err
	}
	c.Type = d.Info().Name
	return &Target{Dialect: d, Identity: c.String(), dsn: dsn, fingerprint: sha256.Sum256([]byte(dsn))}, nil
}

// TooManyTenantsError is returned when every tenant pool is busy and the
// limit is reached.
type TooManyTenantsError struct{ Max int }

func (e *TooManyTenantsError) Error() string {
	return fmt.Sprintf("%d tenant databases are in use at once, the limit (pool.max_tenants); retry later or raise pool.max_tenants", e.Max)
}

// Pools keeps one connection pool per tenant database, at most MaxTenants of
// them. When a new database needs a pool and the limit is reached, the least
// recently used pool that no request is using is closed; if every pool is in
// use, the request gets a TooManyTenantsError.
type Pools struct {
	cfg  PoolConfig
	open func(driver, dsn string) (*sql.DB, error)

	mu      sync.Mutex
	byID    map[string]*list.Element // identity → element holding *pool
	lru     *list.List               // front = most recently used
	closed  bool
	retired sync.WaitGroup
}

type pool struct {
	target *Target
	db     *sql.DB
	stmts  stmtCache
	// scans admits listings; see Lease.AdmitScan.
	scans  chan struct{}
	leases int
	// retired pools close when their last lease ends.
	retired bool
}

// NewPools makes an empty set of pools.
func NewPools(cfg PoolConfig) *Pools {
	if cfg.MaxTenants <= 0 {
		cfg.MaxTenants = DefaultPoolConfig.MaxTenants
	}
	if cfg.MaxOpen <= 0 {
		cfg.MaxOpen = DefaultPoolConfig.MaxOpen
	}
	cfg.MaxOpen = max(cfg.MaxOpen, MinPoolSize)
	return &Pools{cfg: cfg, open: sql.Open, byID: map[string]*list.Element{}, lru: list.New()}
}

// MinPoolSize is the smallest pool: a listing reads its rows on one
// connection while another adds each user's entitlements.
const MinPoolSize = 2

// Config returns the pools' configuration.
func (ps *Pools) Config() PoolConfig { return ps.cfg }

// ErrClosed is returned after Close.
var ErrClosed = errors.New("the database pools are closed")

// Lease is a pool handed to one request; Release it when done.
type Lease struct {
	DB      *sql.DB
	Dialect Dialect
	owner   *Pools
	p       *pool
	once    sync.Once
}

// Release returns the lease.
func (l *Lease) Release() {
	l.once.Do(func() { l.owner.release(l.p) })
}

// AdmitScan waits for the pool to admit a scan: a listing that holds a
// connection for its rows while it needs others for entitlements. At most
// one scan fewer than the pool has connections runs at a time, so a
// connection is always left for the scans to make progress with; without
// the bound, as many listings as connections would each hold one and wait
// forever for a second. Call the returned function when the scan ends.
func (l *Lease) AdmitScan(ctx context.Context) (done func(), err error) {
	select {
	case l.p.scans <- struct{}{}:
		return func() { <-l.p.scans }, nil
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

// Acquire returns the pool for t, creating it on first use. A pool whose
// identity matches but whose credentials changed is replaced; the old one
// closes when its last request ends.
func (ps *Pools) Acquire(ctx context.Context, t *Target) (*Lease, error) {
	ps.mu.Lock()
	if ps.closed {
		ps.mu.Unlock()
		return nil, ErrClosed
	}
	if el, ok := ps.byID[t.Identity]; ok {
		p := el.Value.(*pool)
		if p.target.fingerprint == t.fingerprint {
			p.leases++
			ps.lru.MoveToFront(el)
			ps.mu.Unlock()
			return &Lease{DB: p.db, Dialect: p.target.Dialect, owner: ps, p: p}, nil
		}
		ps.retireLocked(el)
	}
	if ps.lru.Len() >= ps.cfg.MaxTenants {
		victim := ps.lru.Back()
		for victim != nil && victim.Value.(*pool).leases > 0 {
			victim = victim.Prev()
		}
		if victim == nil {
			ps.mu.Unlock()
			return nil, &TooManyTenantsError{Max: ps.cfg.MaxTenants}
		}
		ps.retireLocked(victim)
	}
	handle, err := ps.open(t.Dialect.Info().DriverName, t.dsn)
	if err != nil {
		// The driver read the DSN and the files it names, and refused.
		ps.mu.Unlock()
		return nil, &Error{Class: Settings, Code: "settings", Err: fmt.Errorf("open %s: %w", t.Identity, err)}
	}
	handle.SetMaxOpenConns(ps.cfg.MaxOpen)
	handle.SetMaxIdleConns(ps.cfg.MaxOpen)
	handle.SetConnMaxIdleTime(ps.cfg.IdleTimeout)
	handle.SetConnMaxLifetime(ps.cfg.MaxLifetime)
	p := &pool{target: t, db: handle, leases: 1, scans: make(chan struct{}, ps.cfg.MaxOpen-1)}
	p.stmts.classify = t.Dialect.Classify
	ps.byID[t.Identity] = ps.lru.PushFront(p)
	ps.mu.Unlock()

	if ps.cfg.MinIdle > 0 {
		go ps.warm(handle, ps.cfg.MinIdle)
	}
	return &Lease{DB: handle, Dialect: t.Dialect, owner: ps, p: p}, nil
}

// warm opens up to n connections and returns them to the idle set. It
// takes only connections nobody waits for: it stops as soon as the pool
// is full, so that it never holds some while waiting for one a request
// holds (a listing that needs a second connection would then wait for the
// warm-up to give up).
func (ps *Pools) warm(handle *sql.DB, n int) {
	timeout := ps.cfg.ConnectionTimeout
	if timeout <= 0 {
		timeout = DefaultPoolConfig.ConnectionTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	conns := make([]*sql.Conn, 0, n)
	for i := 0; i < n && handle.Stats().OpenConnections < ps.cfg.MaxOpen; i++ {
		c, err := handle.Conn(ctx)
		if err != nil {
			break
		}
		conns = append(conns, c)
	}
	for _, c := range conns {
		c.Close()
	}
}

// retireLocked removes a pool from the set; it closes now if unused, else
// when its last lease is released.
func (ps *Pools) retireLocked(el *list.Element) {
	p := el.Value.(*pool)
	ps.lru.Remove(el)
	delete(ps.byID, p.target.Identity)
	p.retired = true
	if p.leases == 0 {
		ps.closeAsync(p)
	}
}

// closeAsync closes a retired pool in the background; Close waits for
// those retired before it. Pools still leased when Close ran close when
// their last lease ends, and nobody waits for them. Called with ps.mu held.
func (ps *Pools) closeAsync(p *pool) {
	if ps.closed {
		go p.db.Close()
		return
	}
	ps.retired.Add(1)
	go func() {
		defer ps.retired.Done()
		p.db.Close()
	}()
}

func (ps *Pools) release(p *pool) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	p.leases--
	if p.leases == 0 && p.retired {
		ps.closeAsync(p)
	}
}

// PoolStats describes one live pool.
type PoolStats struct {
	Identity string
	Leases   int
	sql.DBStats
}

// Stats reports every live pool, most recently used first.
func (ps *Pools) Stats() []PoolStats {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	out := make([]PoolStats, 0, ps.lru.Len())
	for el := ps.lru.Front(); el != nil; el = el.Next() {
		p := el.Value.(*pool)
		out = append(out, PoolStats{Identity: p.target.Identity, Leases: p.leases, DBStats: p.db.Stats()})
	}
	return out
}

// Close closes every idle pool and waits for pools retired earlier to
// finish closing; a pool still in use closes when its last lease ends.
func (ps *Pools) Close() error {
	ps.mu.Lock()
	ps.closed = true
	var errs []error
	for el := ps.lru.Front(); el != nil; el = el.Next() {
		p := el.Value.(*pool)
		p.retired = true
		if p.leases == 0 {
			errs = append(errs, p.db.Close())
		}
	}
	ps.lru.Init()
	ps.byID = map[string]*list.Element{}
	ps.mu.Unlock()
	ps.retired.Wait()
	return errors.Join(errs...)
}
