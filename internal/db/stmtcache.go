package db

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// maxCachedStatements bounds a pool's prepared statements: operations are
// few, but filters pushed into SQL vary with the request.
const maxCachedStatements = 64

// stmtCache holds one pool's prepared statements by SQL text.
type stmtCache struct {
	mu      sync.Mutex
	m       map[string]*sql.Stmt
	warming map[string]bool
	// plain holds queries the server would not prepare: they run as they
	// are, which reports the server's error if the query is wrong.
	plain map[string]bool
	// classify tells a refusal from a passing failure (a lost connection),
	// after which the query is prepared again next time.
	classify func(error) *Error
}

// lookup returns the cached statement for query, if any; skip says not to
// prepare it: the cache is full or the server refused it before.
func (c *stmtCache) lookup(query string) (st *sql.Stmt, skip bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[query], len(c.m) >= maxCachedStatements || c.plain[query]
}

// warm prepares query on the pool in the background. A transaction cannot
// wait for that: preparing on the pool takes a second connection, and
// transactions that each hold one while waiting for another would deadlock
// a full pool.
func (c *stmtCache) warm(db *sql.DB, query string) {
	c.mu.Lock()
	if c.warming[query] {
		c.mu.Unlock()
		return
	}
	if c.warming == nil {
		c.warming = map[string]bool{}
	}
	c.warming[query] = true
	c.mu.Unlock()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c.get(ctx, db, query)
		c.mu.Lock()
		delete(c.warming, query)
		c.mu.Unlock()
	}()
}

// get returns the prepared statement for query, preparing it on first use;
// nil when the query is to run unprepared. A query the server cannot
// prepare is remembered and runs unprepared: if it is wrong, running it
// reports why.
func (c *stmtCache) get(ctx context.Context, db *sql.DB, query string) *sql.Stmt {
	st, skip := c.lookup(query)
	if st != nil || skip {
		return st
	}
	st, err := db.PrepareContext(ctx, query)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		if c.refused(ctx, err) && len(c.plain) < maxCachedStatements {
			if c.plain == nil {
				c.plain = map[string]bool{}
			}
			c.plain[query] = true
		}
		return nil
	}
	if prev, ok := c.m[query]; ok { // prepared concurrently
		st.Close()
		return prev
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[query] = st
	return st
}

// refused reports whether a prepare error is the server refusing the query
// rather than a passing failure.
func (c *stmtCache) refused(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	if c.classify == nil {
		return true
	}
	switch c.classify(err).Class {
	case Unavailable, Auth, Settings:
		return false
	}
	return true
}

// cachingQuerier runs queries through a pool's prepared statements, on the
// pool or inside a transaction.
type cachingQuerier struct {
	db    *sql.DB
	tx    *sql.Tx
	cache *stmtCache
}

func (q *cachingQuerier) plain() Querier {
	if q.tx != nil {
		return q.tx
	}
	return q.db
}

// stmt returns the prepared statement to run query with, or nil to run it
// as it is.
func (q *cachingQuerier) stmt(ctx context.Context, query string) *sql.Stmt {
	if q.tx == nil {
		return q.cache.get(ctx, q.db, query)
	}
	st, skip := q.cache.lookup(query)
	if st == nil {
		if !skip {
			q.cache.warm(q.db, query)
		}
		return nil // this time, as a plain query in the transaction
	}
	// Prepared on the transaction's connection if need be; closed with it.
	return q.tx.StmtContext(ctx, st)
}

func (q *cachingQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := q.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return q.plain().ExecContext(ctx, query, args...)
}

func (q *cachingQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := q.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return q.plain().QueryContext(ctx, query, args...)
}

func (q *cachingQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := q.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return q.plain().QueryRowContext(ctx, query, args...)
}

// Querier runs queries on the lease's pool, through prepared statements
// when the dialect wants them.
func (l *Lease) Querier() Querier { return l.querier(nil) }

// TxQuerier runs queries in tx, through the pool's prepared statements
// when the dialect wants them.
func (l *Lease) TxQuerier(tx *sql.Tx) Querier { return l.querier(tx) }

func (l *Lease) querier(tx *sql.Tx) Querier {
	if l.Dialect.Info().CacheStatements {
		return &cachingQuerier{db: l.DB, tx: tx, cache: &l.p.stmts}
	}
	if tx != nil {
		return tx
	}
	return l.DB
}
