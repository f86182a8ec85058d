package provision

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/scim"
)

// Tenant is a validated tenant configuration bound to its database pool,
// ready to serve SCIM requests. It is safe for concurrent use.
type Tenant struct {
	cfg     *Config
	dialect db.Dialect
	target  *db.Target
	stmts   map[OpName]*compiledStatement
	pools   *db.Pools

	mu       sync.Mutex
	mapping  *mapping // discovered on first use
	ents     *entitlementCache
	imports  importCache
	observer Observer
	// columnCache holds each operation's result columns ([]column by OpName).
	columnCache sync.Map
	// hash, when set, replaces the password policy's hash (tests watch
	// when it runs).
	hash func(plain string) (string, error)
}

// Compile validates cfg and prepares it for serving. Every problem is
// reported, each with its path under prefix.
func Compile(cfg *Config, pools *db.Pools, prefix string) (*Tenant, error) {
	if cfg.JDBCURL != "" {
		if err := cfg.applyJDBCURL(); err != nil {
			return nil, Problems{{Path: prefix + ".database.jdbc_url", Message: err.Error()}}
		}
	}
	if ps := cfg.Validate(prefix); len(ps) > 0 {
		return nil, ps
	}
	target, err := db.NewTarget(cfg.Database)
	if err != nil {
		return nil, Problems{{Path: prefix + ".database", Message: err.Error()}}
	}
	t := &Tenant{cfg: cfg, dialect: target.Dialect, target: target, pools: pools, stmts: map[OpName]*compiledStatement{}, ents: &entitlementCache{}}
	for _, name := range AllOps {
		op, ok := cfg.Op(name)
		if !ok {
			continue
		}
		st, err := compileStatement(name, op, target.Dialect.Info().Name, target.Dialect.Placeholder)
		if err != nil {
			return nil, Problems{{Path: prefix + ".operations." + string(name) + ".statement", Message: err.Error()}}
		}
		t.stmts[name] = st
	}
	return t, nil
}

// applyJDBCURL fills the connection fields from the JDBC URL; fields set
// explicitly (user, password) win over the URL's.
func (c *Config) applyJDBCURL() error {
	parsed, err := db.ParseJDBC(c.JDBCURL)
	if err != nil {
		return err
	}
	explicit := c.Database
	c.Database = parsed
	if explicit.User != "" {
		c.Database.User = explicit.User
	}
	if !explicit.Password.IsZero() {
		c.Database.Password = explicit.Password
	}
	if explicit.Type != "" {
		if d, err := db.Lookup(explicit.Type); err == nil && d.Info().Name != parsed.Type {
			return fmt.Errorf("the JDBC URL is for %s but the database type says %s", parsed.Type, explicit.Type)
		}
	}
	for k, v := range explicit.Properties {
		if c.Database.Properties == nil {
			c.Database.Properties = map[string]string{}
		}
		c.Database.Properties[k] = v
	}
	return nil
}

// Name is the tenant's name.
func (t *Tenant) Name() string { return t.cfg.Name }

// Config returns the tenant's configuration.
func (t *Tenant) Config() *Config { return t.cfg }

// Dialect returns the tenant's database dialect.
func (t *Tenant) Dialect() db.Dialect { return t.dialect }

// disabled is the error for a SCIM call whose operation is not enabled.
func disabled(name OpName, call string) error {
	return &scim.Error{Status: http.StatusNotImplemented, Detail: fmt.Sprintf("%s needs the operation %s, which is not enabled for this tenant; enable it in the connector's configuration.", call, name)}
}

// discover learns the columns of a user row once, from the metadata of an
// empty result of Get Users wrapped in WHERE 1 = 0 (or, when Get Users is a
// procedure or a WITH statement, of Get User by ID for an empty id), and
// builds the mapping.
func (t *Tenant) discover(ctx context.Context) (*mapping, error) {
	m, err := t.discoverMapping(ctx)
	if err != nil {
		return nil, err
	}
	if m.unusable != nil {
		return nil, m.unusable
	}
	return m, nil
}

// discoverMapping is discover for sqlscim check, which reports a mapping
// that requests cannot use in detail (m.unusable says why they cannot).
func (t *Tenant) discoverMapping(ctx context.Context) (*mapping, error) {
	t.mu.Lock()
	m := t.mapping
	t.mu.Unlock()
	if m != nil {
		return m, nil
	}
	cols, err := t.discoverColumns(ctx)
	if err != nil {
		return nil, err
	}
	m, err = newMapping(t.cfg, cols)
	if err != nil {
		return nil, t.misfit(err)
	}
	if err := t.parameterFieldsError(m); err != nil {
		m.unusable = t.misfit(err)
	}
	t.markRequired(ctx, m)
	t.markCaseless(ctx, m)
	t.mu.Lock()
	t.mapping = m
	t.mu.Unlock()
	return m, nil
}

// misfit is the error of a configuration that does not fit the columns of
// Get Users: the admin's mistake, not the client's – 500, and the log says
// what.
func (t *Tenant) misfit(err error) error {
	return &scim.Error{Status: http.StatusInternalServerError, Cause: fmt.Errorf("tenant %s: %w", t.cfg.Name, err),
		Detail: fmt.Sprintf("The configuration of tenant %s does not fit the columns its Get Users statement returns. An administrator must correct it (sqlscim check names the problem; the sqlscim log has it too).", t.cfg.Name)}
}

// markRequired marks in m's schemas what create_user's table requires. A
// catalog the account cannot read marks nothing (sqlscim check says why).
func (t *Tenant) markRequired(ctx context.Context, m *mapping) {
	lease, err := t.pools.Acquire(ctx, t.target)
	if err != nil {
		return
	}
	defer lease.Release()
	if cols, _, err := t.requiredColumns(ctx, lease.DB); err == nil {
		m.markRequired(cols)
	}
}

// Columns returns the names of the columns of a user row.
func (t *Tenant) Columns(ctx context.Context) ([]string, error) {
	m, err := t.discover(ctx)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(m.columns))
	for i, c := range m.columns {
		names[i] = c.name
	}
	return names, nil
}

func (t *Tenant) discoverColumns(ctx context.Context) ([]column, error) {
	s, err := t.open(ctx, t.needsTx(GetUserByID, GetUsers))
	if err != nil {
		return nil, err
	}
	defer s.close()
	var rows *sql.Rows
	if st := t.stmts[GetUsers]; st.sql != "" && firstWord(st.sql, t.dialect.Info().Syntax) != "WITH" {
		// An empty result has the columns and costs nothing.
		rows, err = s.q.QueryContext(ctx, "SELECT * FROM ("+st.derived+") sqlscim_u WHERE 1 = 0")
		if err != nil {
			err = t.opError(GetUsers, err)
		}
	} else {
		rows, err = t.query(ctx, s.q, GetUserByID, func(string) (any, bool) { return nil, true }) // NULL matches no id, whatever its type
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := columnsOf(rows)
	if err != nil {
		return nil, t.opError(GetUsers, err)
	}
	return cols, nil
}

// resultColumns returns the columns of an operation's result, cached: a
// statement's columns only change when its result's column names do.
func (t *Tenant) resultColumns(name OpName, rows *sql.Rows) ([]column, error) {
	names, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	if cached, ok := t.columnCache.Load(name); ok {
		if cols := cached.([]column); sameNames(cols, names) {
			return cols, nil
		}
	}
	cols, err := columnsOf(rows)
	if err != nil {
		return nil, err
	}
	t.columnCache.Store(name, cols)
	return cols, nil
}

func sameNames(cols []column, names []string) bool {
	if len(cols) != len(names) {
		return false
	}
	for i, c := range cols {
		if c.name != names[i] {
			return false
		}
	}
	return true
}

func columnsOf(rows *sql.Rows) ([]column, error) {
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	cols := make([]column, len(types))
	for i, ct := range types {
		cols[i] = column{name: ct.Name(), key: strings.ToUpper(ct.Name()), kind: kindOf(ct)}
	}
	return cols, nil
}

// entitlementCache keeps the entitlement catalogue for a short while: it
// gives display names and typed ids to entitlement writes.
type entitlementCache struct {
	mu     sync.Mutex
	loaded time.Time
	snap   *catalogueSnapshot
}

// catalogueSnapshot is one load of the catalogue; it is never modified.
type catalogueSnapshot struct {
	byValue map[string]scim.Resource
	ids     map[string]any // value → the id as the database typed it
}

// lookupID returns the typed id of value; false without a catalogue or a
// match.
func (c *catalogueSnapshot) lookupID(value string) (any, bool) {
	if c == nil {
		return nil, false
	}
	v, ok := c.ids[value]
	return v, ok
}

const entitlementTTL = time.Minute
