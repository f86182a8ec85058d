package tenant

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"go.uber.org/zap"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/logging"
	"github.com/sqlscim/sqlscim/internal/provision"
	"github.com/sqlscim/sqlscim/internal/scim"
)

// Options configure a Registry.
type Options struct {
	// Local are the tenants of the local configuration file.
	Local []*provision.Config
	// IgnoreUnknown tolerates header fields the decoder does not know.
	IgnoreUnknown bool
	// Capture, if set, records each distinct header configuration.
	Capture *Capture
	// MaxCached bounds the compiled header configurations kept (default 64).
	MaxCached int
	// Allowed lists the only databases a header configuration may reach;
	// others get 403. With no rules and AllowAnyDatabase false, header
	// configurations reach no database at all.
	Allowed []AllowRule
	// AllowAnyDatabase lets header configurations reach any database but
	// the sqlscim host's own (loopback and link-local addresses still need
	// a rule naming them).
	AllowAnyDatabase bool
	// Observer, if set, learns of failed operations of every tenant.
	Observer provision.Observer
	// Pins, if set, records header configurations and in enforce mode
	// refuses those an admin has not approved (header.pinning).
	Pins *Pins
	// Verifier, if set, checks each configuration from the agent's header
	// on its first use; the result is kept per configuration.
	Verifier Verifier
}

// Registry finds the tenant of each request: from the agent's header when
// the request carries one, else from the local configuration.
type Registry struct {
	pools *db.Pools
	// local is replaced whole by ReplaceLocal; a request keeps the tenant
	// it looked up until it ends.
	local         atomic.Pointer[localTenants]
	ignoreUnknown bool
	capture       *Capture
	maxCached     int
	allowed       allowList
	observer      provision.Observer
	pins          *Pins
	verifier      Verifier

	mu    sync.Mutex
	cache map[cacheKey]*list.Element
	lru   *list.List
	// verified are the checks of header configurations, by header.
	verified map[string]*verification
}

// cacheKey is a compiled header's key: the app and the header as sent. A
// struct of the two strings costs no copy and no digest per request.
type cacheKey struct{ app, header string }

// localTenants are the tenants of the local configuration, by name and in
// file order. A value is never changed once published.
type localTenants struct {
	byName map[string]*provision.Tenant
	order  []string
}

type cached struct {
	key    cacheKey
	tenant *provision.Tenant
}

// NewRegistry compiles the local tenants; every problem of every tenant is
// reported.
func NewRegistry(pools *db.Pools, opts Options) (*Registry, error) {
	r := &Registry{
		pools: pools, ignoreUnknown: opts.IgnoreUnknown,
		capture: opts.Capture, maxCached: opts.MaxCached, cache: map[cacheKey]*list.Element{}, lru: list.New(),
		allowed:  allowList{rules: opts.Allowed, anyDatabase: opts.AllowAnyDatabase, lookup: net.DefaultResolver.LookupIPAddr},
		observer: opts.Observer, pins: opts.Pins, verifier: opts.Verifier, verified: map[string]*verification{},
	}
	if r.maxCached <= 0 {
		r.maxCached = 64
	}
	local, err := r.compileLocal(opts.Local, nil)
	if err != nil {
		return nil, err
	}
	r.local.Store(local)
	return r, nil
}

// compileLocal compiles cfgs into a set of local tenants. A tenant whose
// configuration equals its namesake's in old keeps old's compiled tenant
// (and its caches).
func (r *Registry) compileLocal(cfgs []*provision.Config, old *localTenants) (*localTenants, error) {
	set := &localTenants{byName: map[string]*provision.Tenant{}}
	var problems provision.Problems
	for i, cfg := range cfgs {
		prefix := fmt.Sprintf("tenants[%d]", i)
		if _, dup := set.byName[cfg.Name]; dup {
			problems = append(problems, provision.Problem{Path: prefix + ".name", Message: fmt.Sprintf("tenant %q is defined twice", cfg.Name)})
			continue
		}
		t, err := provision.Compile(cfg, r.pools, prefix)
		if err != nil {
			if ps, ok := err.(provision.Problems); ok {
				problems = append(problems, ps...)
				continue
			}
			return nil, err
		}
		if was, ok := old.get(cfg.Name); ok && reflect.DeepEqual(was.Config(), t.Config()) {
			t = was
		} else if r.observer != nil {
			t.Observe(r.observer)
		}
		set.byName[cfg.Name] = t
		set.order = append(set.order, cfg.Name)
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return set, nil
}

func (l *localTenants) get(name string) (*provision.Tenant, bool) {
	if l == nil {
		return nil, false
	}
	t, ok := l.byName[name]
	return t, ok
}

// Changes says which local tenants a ReplaceLocal added, removed or
// changed, by name.
type Changes struct {
	Added, Removed, Changed []string
}

// None reports a replacement that changed no tenant.
func (c Changes) None() bool {
	return len(c.Added)+len(c.Removed)+len(c.Changed) == 0
}

// ReplaceLocal compiles cfgs and, only if every one compiles, makes them
// the local tenants; on error the tenants stay as they were. Requests
// already past the lookup finish with the tenant they found. Unchanged
// tenants keep their compiled form; the pools of removed tenants close
// when the pool limit needs their place (db.Pools).
func (r *Registry) ReplaceLocal(cfgs []*provision.Config) (Changes, error) {
	old := r.local.Load()
	set, err := r.compileLocal(cfgs, old)
	if err != nil {
		return Changes{}, err
	}
	var ch Changes
	for _, name := range set.order {
		was, ok := old.get(name)
		switch {
		case !ok:
			ch.Added = append(ch.Added, name)
		case was != set.byName[name]:
			ch.Changed = append(ch.Changed, name)
		}
	}
	for _, name := range old.order {
		if _, ok := set.byName[name]; !ok {
			ch.Removed = append(ch.Removed, name)
		}
	}
	r.local.Store(set)
	return ch, nil
}

// Local returns the locally configured tenants in file order.
func (r *Registry) Local() []*provision.Tenant {
	local := r.local.Load()
	out := make([]*provision.Tenant, len(local.order))
	for i, n := range local.order {
		out[i] = local.byName[n]
	}
	return out
}

// Tenant returns the tenant serving app. header is the X-OKTA-ONPREM-DATA
// value, "" when absent. A repeated header costs a map lookup: compiled
// configurations are cached by app and header.
func (r *Registry) Tenant(ctx context.Context, app, header string) (*provision.Tenant, error) {
	if !provision.ValidTenantName(app) {
		return nil, scim.NotFound("No tenant %q: a tenant name has only letters, digits, '_', '-' and '.'.", app)
	}
	if header == "" {
		if t, ok := r.local.Load().byName[app]; ok {
			return t, nil
		}
		return nil, r.noTenant(app)
	}
	key := cacheKey{app, header}
	r.mu.Lock()
	if el, ok := r.cache[key]; ok {
		r.lru.MoveToFront(el)
		t := el.Value.(*cached).tenant
		r.mu.Unlock()
		return r.checked(ctx, app, header, t)
	}
	r.mu.Unlock()

	cfg, doc, err := decodeHeader(app, header, r.ignoreUnknown)
	if doc != nil && r.capture != nil {
		r.capture.Record(app, doc)
	}
	if err != nil {
		return nil, err
	}
	t, err := provision.Compile(cfg, r.pools, HeaderName)
	if err != nil {
		return nil, &scim.Error{Status: http.StatusBadRequest, Type: scim.InvalidValue, Detail: err.Error(), Cause: err}
	}
	if err := r.allowed.check(ctx, t.Config().Database, t.Dialect()); err != nil {
		logging.From(ctx).Warn("refused a configuration from the agent's header", zap.String("app", app), zap.String("reason", err.Error()))
		return nil, &scim.Error{Status: http.StatusForbidden, Detail: HeaderName + ": " + err.Error()}
	}
	if err := r.checkPins(ctx, app, t.Config()); err != nil {
		return nil, err
	}
	if t.Config().StoresPlain() {
		logging.From(ctx).Warn("the agent's header configures user passwords stored in plain text (password_sync.hash: plain); anyone who can read the column can read them",
			zap.String("app", app), zap.String("column", t.Config().PasswordSync.Column))
	}
	if r.observer != nil {
		t.Observe(r.observer)
	}
	r.mu.Lock()
	if el, ok := r.cache[key]; ok { // compiled concurrently
		t = el.Value.(*cached).tenant
	} else {
		r.cache[key] = r.lru.PushFront(&cached{key: key, tenant: t})
		for r.lru.Len() > r.maxCached {
			old := r.lru.Back()
			r.lru.Remove(old)
			delete(r.cache, old.Value.(*cached).key)
		}
	}
	r.mu.Unlock()
	return r.checked(ctx, app, header, t)
}

// checked returns t once its configuration passed the header check (or
// the check does not refuse it).
func (r *Registry) checked(ctx context.Context, app, header string, t *provision.Tenant) (*provision.Tenant, error) {
	if err := r.verify(ctx, app, header, t); err != nil {
		return nil, err
	}
	return t, nil
}

// noTenant answers a request for app, which is not a local tenant and
// carries no header. Without local tenants only the agent configures
// tenants, so the header is what is missing (400, as the Okta On-Prem SCIM
// Server answers). With local tenants the app name is the likelier
// mistake, so the answer is a 404 naming the tenants there are.
func (r *Registry) noTenant(app string) error {
	order := r.local.Load().order
	if len(order) == 0 {
		return &scim.Error{Status: http.StatusBadRequest, Type: scim.MissingAttribute,
			Detail: "Missing " + HeaderName + " header"}
	}
	return scim.NotFound("No tenant %q: the local tenants are %s; any other app needs its configuration in the %s header.",
		app, quotedList(order, maxListedTenants), HeaderName)
}

// maxListedTenants bounds the tenant names one error lists.
const maxListedTenants = 20

// quotedList quotes names, at most limit of them, then says how many more.
func quotedList(names []string, limit int) string {
	shown := names
	if len(shown) > limit {
		shown = shown[:limit]
	}
	quoted := make([]string, len(shown))
	for i, n := range shown {
		quoted[i] = strconv.Quote(n)
	}
	s := strings.Join(quoted, ", ")
	if more := len(names) - len(shown); more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return s
}

// checkPins records a header configuration under header.pinning and, in
// enforce mode, refuses one that is not approved: 403, and a log line for
// the admin naming the app and what changed.
func (r *Registry) checkPins(ctx context.Context, app string, cfg *provision.Config) error {
	if r.pins == nil {
		return nil
	}
	log := logging.From(ctx)
	learned, err := r.pins.Check(app, cfg)
	var refusal *PinRefusal
	switch {
	case errors.As(err, &refusal):
		log.Warn("refused a configuration from the agent's header that is not approved", zap.String("app", app),
			zap.String("set", refusal.Set.ID), zap.String("changed", refusal.Changed), zap.String("database", refusal.Set.Database))
		return &scim.Error{Status: http.StatusForbidden, Detail: HeaderName + ": " + err.Error()}
	case err != nil:
		return scim.Internal(fmt.Errorf("header.pinning: %w", err))
	case learned:
		log.Info("header.pinning learned a configuration", zap.String("app", app), zap.String("database", cfg.Database.String()))
	}
	return nil
}
