package mysql

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/go-sql-driver/mysql"
)

// driverName is the database/sql driver the dialect opens:
// go-sql-driver/mysql, with one addition. When a statement's context
// ends (pool.query_timeout, a client that went away), go-sql-driver closes
// the connection, but the server does not notice a closed socket while a
// statement runs: SELECT SLEEP(20) went on for its 20 seconds, and
// retries piled load on the database. So when a connection dies that way,
// the server is told to stop the statement with KILL QUERY, sent on a
// second connection of the same account.
const driverName = "sqlscim-mysql"

func init() { sql.Register(driverName, killingDriver{}) }

// killTimeout bounds the side connection that sends KILL QUERY.
const killTimeout = 5 * time.Second

// maxKills bounds the KILL QUERY connections open at once per pool.
const maxKills = 4

// killingDriver is go-sql-driver/mysql with KILL QUERY on cancellation.
type killingDriver struct{}

func (d killingDriver) Open(dsn string) (driver.Conn, error) {
	c, err := d.OpenConnector(dsn)
	if err != nil {
		return nil, err
	}
	return c.Connect(context.Background())
}

func (killingDriver) OpenConnector(dsn string) (driver.Connector, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	inner, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	return &connector{inner: inner, kills: make(chan struct{}, maxKills)}, nil
}

// connector opens connections that know their server-side id.
type connector struct {
	inner driver.Connector
	kills chan struct{} // a token per KILL QUERY under way
}

func (c *connector) Driver() driver.Driver { return killingDriver{} }

func (c *connector) Connect(ctx context.Context) (driver.Conn, error) {
	dc, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	kc, ok := newConn(dc, c)
	if !ok {
		dc.Close()
		return nil, errors.New("go-sql-driver/mysql connection lacks the context interfaces sqlscim relies on")
	}
	if kc.id, kc.server, err = identify(ctx, kc.queryer); err != nil {
		dc.Close()
		return nil, err
	}
	return kc, nil
}

// identify asks a connection for its id and the server it is on.
func identify(ctx context.Context, q driver.QueryerContext) (uint64, string, error) {
	rows, err := q.QueryContext(ctx, "SELECT CONNECTION_ID(), CONCAT(@@hostname, ':', @@port, '/', @@server_id)", nil)
	if err != nil {
		return 0, "", err
	}
	defer rows.Close()
	row := make([]driver.Value, 2)
	if err := rows.Next(row); err != nil {
		return 0, "", fmt.Errorf("CONNECTION_ID(): %w", err)
	}
	id, err := strconv.ParseUint(text(row[0]), 10, 64)
	if err != nil {
		return 0, "", fmt.Errorf("CONNECTION_ID() is %v: %w", row[0], err)
	}
	return id, text(row[1]), nil
}

func text(v driver.Value) string {
	switch x := v.(type) {
	case []byte:
		return string(x)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// kill stops the statement running on connection id of server, from a
// new connection, unless that connection reaches another server (behind a
// load balancer the id would name someone else's session). It runs in the
// background: the request that timed out is answered meanwhile.
func (c *connector) kill(id uint64, server string) {
	select {
	case c.kills <- struct{}{}:
	default:
		logger.Print(fmt.Sprintf("a statement timed out on connection %d, and %d KILL QUERY connections are already open; it runs until it ends", id, maxKills))
		return
	}
	go func() {
		defer func() { <-c.kills }()
		ctx, cancel := context.WithTimeout(context.Background(), killTimeout)
		defer cancel()
		if err := c.killOn(ctx, id, server); err != nil {
			logger.Print(fmt.Sprintf("a statement timed out on connection %d; stopping it with KILL QUERY failed, it runs until it ends: %v", id, err))
		}
	}()
}

func (c *connector) killOn(ctx context.Context, id uint64, server string) error {
	dc, err := c.inner.Connect(ctx)
	if err != nil {
		return err
	}
	defer dc.Close()
	q, okQ := dc.(driver.QueryerContext)
	x, okX := dc.(driver.ExecerContext)
	if !okQ || !okX {
		return errors.New("the connection cannot run statements")
	}
	if _, there, err := identify(ctx, q); err != nil {
		return err
	} else if there != server {
		return fmt.Errorf("the new connection reached %s, not %s", there, server)
	}
	_, err = x.ExecContext(ctx, "KILL QUERY "+strconv.FormatUint(id, 10), nil)
	var me *mysql.MySQLError
	if errors.As(err, &me) && me.Number == 1094 { // unknown thread: it ended already
		return nil
	}
	return err
}

// conn is a go-sql-driver connection that remembers the context of its
// latest call. database/sql closes a connection whose call was cancelled;
// if that context has ended and the connection is broken, the statement
// may still run on the server, and Close has it killed.
type conn struct {
	driver.Conn
	queryer   driver.QueryerContext
	execer    driver.ExecerContext
	preparer  driver.ConnPrepareContext
	beginner  driver.ConnBeginTx
	pinger    driver.Pinger
	resetter  driver.SessionResetter
	validator driver.Validator
	checker   driver.NamedValueChecker

	connector *connector
	id        uint64
	server    string
	ctx       atomic.Value // context.Context of the latest call
}

// newConn wraps dc, which must have every interface go-sql-driver's
// connections have.
func newConn(dc driver.Conn, c *connector) (*conn, bool) {
	kc := &conn{Conn: dc, connector: c}
	var ok [8]bool
	kc.queryer, ok[0] = dc.(driver.QueryerContext)
	kc.execer, ok[1] = dc.(driver.ExecerContext)
	kc.preparer, ok[2] = dc.(driver.ConnPrepareContext)
	kc.beginner, ok[3] = dc.(driver.ConnBeginTx)
	kc.pinger, ok[4] = dc.(driver.Pinger)
	kc.resetter, ok[5] = dc.(driver.SessionResetter)
	kc.validator, ok[6] = dc.(driver.Validator)
	kc.checker, ok[7] = dc.(driver.NamedValueChecker)
	for _, b := range ok {
		if !b {
			return nil, false
		}
	}
	return kc, true
}

func (c *conn) track(ctx context.Context) { c.ctx.Store(ctxBox{ctx}) }

// ctxBox lets atomic.Value hold contexts of different concrete types.
type ctxBox struct{ ctx context.Context }

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	c.track(ctx)
	return c.queryer.QueryContext(ctx, query, args)
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	c.track(ctx)
	return c.execer.ExecContext(ctx, query, args)
}

func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	c.track(ctx)
	st, err := c.preparer.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	return newStmt(st, c), nil
}

func (c *conn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	c.track(ctx)
	return c.beginner.BeginTx(ctx, opts)
}

func (c *conn) Ping(ctx context.Context) error {
	c.track(ctx)
	return c.pinger.Ping(ctx)
}

func (c *conn) ResetSession(ctx context.Context) error { return c.resetter.ResetSession(ctx) }

func (c *conn) IsValid() bool { return c.validator.IsValid() }

func (c *conn) CheckNamedValue(nv *driver.NamedValue) error { return c.checker.CheckNamedValue(nv) }

// Close closes the connection; one broken by the end of its latest call's
// context has that call's statement killed on the server.
func (c *conn) Close() error {
	broken := !c.validator.IsValid()
	err := c.Conn.Close()
	if box, ok := c.ctx.Load().(ctxBox); ok && broken && box.ctx.Err() != nil {
		c.connector.kill(c.id, c.server)
	}
	return err
}

// stmt is a prepared statement whose executions are tracked like the
// connection's own calls.
type stmt struct {
	driver.Stmt
	c       *conn
	queryer driver.StmtQueryContext
	execer  driver.StmtExecContext
	checker driver.NamedValueChecker
}

func newStmt(st driver.Stmt, c *conn) driver.Stmt {
	s := &stmt{Stmt: st, c: c}
	var okQ, okX, okC bool
	s.queryer, okQ = st.(driver.StmtQueryContext)
	s.execer, okX = st.(driver.StmtExecContext)
	s.checker, okC = st.(driver.NamedValueChecker)
	if !okQ || !okX || !okC {
		return st // untracked, as go-sql-driver has it
	}
	return s
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.c.track(ctx)
	return s.queryer.QueryContext(ctx, args)
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.c.track(ctx)
	return s.execer.ExecContext(ctx, args)
}

func (s *stmt) CheckNamedValue(nv *driver.NamedValue) error { return s.checker.CheckNamedValue(nv) }

var (
	_ driver.DriverContext      = killingDriver{}
	_ driver.QueryerContext     = (*conn)(nil)
	_ driver.ExecerContext      = (*conn)(nil)
	_ driver.ConnPrepareContext = (*conn)(nil)
	_ driver.ConnBeginTx        = (*conn)(nil)
	_ driver.Pinger             = (*conn)(nil)
	_ driver.SessionResetter    = (*conn)(nil)
	_ driver.Validator          = (*conn)(nil)
	_ driver.NamedValueChecker  = (*conn)(nil)
	_ driver.StmtQueryContext   = (*stmt)(nil)
	_ driver.StmtExecContext    = (*stmt)(nil)
	_ io.Closer                 = (*conn)(nil)
)
