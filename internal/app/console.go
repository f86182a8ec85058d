package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/sqlscim/sqlscim/internal/audit"
	"github.com/sqlscim/sqlscim/internal/config"
	"github.com/sqlscim/sqlscim/internal/console"
	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/demo"
	"github.com/sqlscim/sqlscim/internal/provision"
	"github.com/sqlscim/sqlscim/internal/scim"
	"github.com/sqlscim/sqlscim/internal/server"
	"github.com/sqlscim/sqlscim/internal/telemetry"
	"github.com/sqlscim/sqlscim/internal/tenant"
)

// openAudit starts the audit trail. The returned function writes what is
// queued and closes the file. The reload on SIGHUP reopens the file.
func openAudit(cfg *config.Config, opts *Options, log *zap.Logger) (*audit.Trail, func(), error) {
	alog := log.Named("audit")
	trail, err := audit.Open(cfg.Audit, opts.Stdout, func(msg string) { alog.Warn(msg) })
	if err != nil {
		return nil, nil, fmt.Errorf("%w (set audit.file to a writable path, or off)", err)
	}
	alog.Info("audit trail", zap.String("file", cfg.Audit.File), zap.Bool("stdout", cfg.Audit.Stdout),
		zap.Int("ring_size", trail.RingSize()), zap.Float64("reads", cfg.Audit.Reads), zap.Bool("values", cfg.Audit.Values))
	return trail, func() {
		if err := trail.Close(5 * time.Second); err != nil {
			alog.Error("closing the audit trail", zap.Error(err))
		}
	}, nil
}

// adminHandler serves the console and its JSON beside the telemetry
// endpoints (/healthz, /readyz, /metrics) of the admin port.
func adminHandler(telemetry http.Handler, c *console.Console) http.Handler {
	mux := http.NewServeMux()
	c.Register(mux)
	mux.Handle("/", telemetry)
	return mux
}

// observers tells every observer of the server of each request.
type observers []server.Observer

func (o observers) ObserveRequest(ob server.Observation) {
	for _, x := range o {
		x.ObserveRequest(ob)
	}
}

func (o observers) StartRequest() {
	for _, x := range o {
		x.StartRequest()
	}
}

func (o observers) AuthFailed() {
	for _, x := range o {
		x.AuthFailed()
	}
}

// rateObserver adapts console.Rates to server.Observer.
type rateObserver struct{ *console.Rates }

func (r rateObserver) ObserveRequest(o server.Observation) { r.Count(o.Status, o.Tenant) }

func (rateObserver) AuthFailed() {}

func (rateObserver) StartRequest() {}

// consoleTenants lists the tenants for the console: the local ones, with
// a self-check (a database ping, made when the console asks and at most
// every checkInterval), and the header tenants cached now.
type consoleTenants struct {
	registry *tenant.Registry
	pools    *db.Pools

	mu sync.Mutex
	// cfg is the running configuration; a reload replaces it.
	cfg    *config.Config
	checks map[string]*console.Check
	// selfChecks are the tenants' last full checks (start, reload).
	selfChecks map[string]*telemetry.SelfCheck
}

// checkInterval is the least time between two self-checks of a tenant.
const checkInterval = 15 * time.Second

func newConsoleTenants(cfg *config.Config, registry *tenant.Registry, pools *db.Pools) *consoleTenants {
	return &consoleTenants{cfg: cfg, registry: registry, pools: pools, checks: map[string]*console.Check{}, selfChecks: map[string]*telemetry.SelfCheck{}}
}

// Tenants implements console.Tenants.
func (c *consoleTenants) Tenants(ctx context.Context) []console.Tenant {
	stats := map[string]db.PoolStats{}
	for _, s := range c.pools.Stats() {
		stats[s.Identity] = s
	}
	local := c.registry.Local()
	checks := c.check(ctx, local)
	var out []console.Tenant
	add := func(t *provision.Tenant, source string, check *console.Check) {
		conn := t.Config().Database
		ct := console.Tenant{Name: t.Name(), Source: source, Check: check,
			Database: console.Database{Type: t.Dialect().Info().Name, Host: conn.Host, Port: conn.Port, Name: databaseName(conn)}}
		if s, ok := stats[conn.String()]; ok {
			ct.Pool = &console.Pool{MaxOpen: c.pools.Config().MaxOpen, Open: s.OpenConnections, InUse: s.InUse, Idle: s.Idle,
				Waits: s.WaitCount, WaitedMS: float64(s.WaitDuration.Microseconds()) / 1000}
		}
		out = append(out, ct)
	}
	for i, t := range local {
		add(t, c.source(t), c.withSelfCheck(t.Name(), checks[i]))
	}
	for _, h := range c.registry.Cached() {
		var check *console.Check
		if self := headerSelfCheck(h); self != nil {
			check = &console.Check{Time: self.Time, OK: self.OK}
			if !self.OK {
				check.Error = "self-check: " + strings.Join(self.Failures, "; ")
			}
		}
		add(h.Tenant, server.HeaderName+" header", check)
	}
	return out
}

// databaseName names the database of conn: its name, SID, or that a
// descriptor says where it is.
func databaseName(conn db.Conn) string {
	switch {
	case conn.Database != "":
		return conn.Database
	case conn.SID != "":
		return conn.SID
	case conn.Descriptor != "":
		return "(descriptor)"
	}
	return ""
}

// source says where a local tenant's configuration comes from.
func (c *consoleTenants) source(t *provision.Tenant) string {
	c.mu.Lock()
	cfg := c.cfg
	c.mu.Unlock()
	conn := t.Config().Database
	if cfg.Demo && t.Name() == demo.TenantName && conn.Host == "" && conn.Database == filepath.Join(cfg.DataDir, demo.FileName) {
		return "demo"
	}
	return "tenants file " + cfg.TenantsFile
}

// reloaded records the configuration a reload applied.
func (c *consoleTenants) reloaded(cfg *config.Config) {
	c.mu.Lock()
	c.cfg = cfg
	c.mu.Unlock()
}

// health is each local tenant's last self-check, for sqlscim_tenant_up.
func (c *consoleTenants) health(ctx context.Context) []telemetry.Check {
	local := c.registry.Local()
	checks := c.check(ctx, local)
	out := make([]telemetry.Check, len(local))
	for i, t := range local {
		c.mu.Lock()
		self := c.selfChecks[t.Name()]
		c.mu.Unlock()
		out[i] = telemetry.Check{Tenant: t.Name(), OK: checks[i].OK, Error: checks[i].Error, SelfCheck: self}
	}
	return out
}

// headerChecks are the header tenants cached now with their first-use
// checks, for /readyz.
func (c *consoleTenants) headerChecks() []telemetry.HeaderCheck {
	out := []telemetry.HeaderCheck{}
	for _, h := range c.registry.Cached() {
		out = append(out, telemetry.HeaderCheck{Tenant: h.App, SelfCheck: headerSelfCheck(h)})
	}
	return out
}

// withSelfCheck is a ping's result with the tenant's last self-check
// folded in, for the console: a tenant whose procedure is missing answers
// pings but does not serve.
func (c *consoleTenants) withSelfCheck(name string, ping *console.Check) *console.Check {
	c.mu.Lock()
	self := c.selfChecks[name]
	c.mu.Unlock()
	if self == nil || self.OK || !ping.OK {
		return ping
	}
	return &console.Check{Time: self.Time, OK: false, Error: "self-check: " + strings.Join(self.Failures, "; ")}
}

// selfCheck runs the full check (sqlscim check) of each tenant, a few at
// once, records the results for /readyz, sqlscim_tenant_up and the
// console, and logs each failure for the admin. It returns the failures,
// "tenant: check: cause".
func (c *consoleTenants) selfCheck(ctx context.Context, log *zap.Logger, tenants []*provision.Tenant) []string {
	var (
		mu     sync.Mutex
		failed []string
		wg     sync.WaitGroup
		slots  = make(chan struct{}, selfCheckParallel)
	)
	for _, t := range tenants {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			results := t.Check(ctx)
			if ctx.Err() != nil {
				return // stopping: a check cut short says nothing of the tenant
			}
			res := reportSelfCheck(log, results, zap.String("tenant", t.Name()))
			c.mu.Lock()
			c.selfChecks[t.Name()] = res
			c.mu.Unlock()
			mu.Lock()
			for _, f := range res.Failures {
				failed = append(failed, t.Name()+": "+f)
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	sort.Strings(failed)
	return failed
}

// reportSelfCheck logs the results of a tenant's check for the admin – a
// WARN line for each warning, an ERROR line for each failure, named by
// fields – and sums them up for /readyz, sqlscim_tenant_up and the console.
func reportSelfCheck(log *zap.Logger, results []provision.CheckResult, fields ...zap.Field) *telemetry.SelfCheck {
	res := &telemetry.SelfCheck{OK: true}
	for _, r := range results {
		if r.OK && r.Warning {
			log.Warn("self-check: an operation Okta calls is not configured", append(fields,
				zap.String("operation", r.Subject), zap.String("detail", r.Detail))...)
		}
		if !r.OK {
			res.OK = false
			res.Failures = append(res.Failures, r.Subject+": "+r.Check+": "+r.Detail)
			log.Error("self-check failed; run sqlscim check for the whole report", append(fields,
				zap.String("subject", r.Subject), zap.String("check", r.Check), zap.String("cause", r.Detail))...)
		}
	}
	res.Time = time.Now().UTC()
	if res.OK {
		log.Info("self-check passed", fields...)
	}
	return res
}

// selfCheckParallel bounds the tenants checked at once.
const selfCheckParallel = 4

// check returns each local tenant's last self-check, pinging those whose
// result is older than checkInterval, at once.
func (c *consoleTenants) check(ctx context.Context, tenants []*provision.Tenant) []*console.Check {
	out := make([]*console.Check, len(tenants))
	var wg sync.WaitGroup
	for i, t := range tenants {
		c.mu.Lock()
		last := c.checks[t.Name()]
		c.mu.Unlock()
		if last != nil && time.Since(last.Time) < checkInterval {
			out[i] = last
			continue
		}
		wg.Go(func() {
			pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
			defer cancel()
			res := &console.Check{Time: time.Now().UTC(), OK: true}
			if err := t.Ping(pctx); err != nil {
				res.OK, res.Error = false, err.Error()
			}
			c.mu.Lock()
			c.checks[t.Name()] = res
			c.mu.Unlock()
			out[i] = res
		})
	}
	wg.Wait()
	return out
}

// headerCheckTimeout bounds the check of a configuration from the agent's
// header, which its first request waits for.
const headerCheckTimeout = time.Minute

// headerPingTimeout bounds the ping that precedes a header configuration's
// check; a database slower than that is left to the request.
const headerPingTimeout = 3 * time.Second

// headerVerifier checks each configuration from the agent's header on its
// first use, as the start checks local tenants (there is no start for
// them): failures are ERROR lines naming the app. Under --strict a
// configuration that fails is refused with 500 – the admin's mistake, not
// the client's – until it passes (tenant.Registry checks it again later).
// A database that does not answer says nothing of the configuration: the
// request meets it itself, and the next one checks again.
func headerVerifier(log *zap.Logger, strict bool) tenant.Verifier {
	return func(ctx context.Context, app string, t *provision.Tenant) tenant.Verdict {
		// A database that does not answer soon is the request's to meet:
		// its first request waits for this ping, not for the check's.
		pctx, cancel := context.WithTimeout(ctx, headerPingTimeout)
		err := t.Ping(pctx)
		cancel()
		if err != nil {
			return tenant.Verdict{}
		}
		ctx, cancel = context.WithTimeout(ctx, headerCheckTimeout)
		defer cancel()
		results := t.Check(ctx)
		if ctx.Err() != nil {
			return tenant.Verdict{}
		}
		for _, r := range results {
			if r.Subject == "connection" && !r.OK {
				return tenant.Verdict{}
			}
		}
		res := reportSelfCheck(log, results, zap.String("tenant", app), zap.String("source", server.HeaderName+" header"))
		verdict := tenant.Verdict{Settled: true, Failures: res.Failures}
		if res.OK || !strict {
			return verdict
		}
		var subjects []string
		for _, r := range results {
			if !r.OK && !slices.Contains(subjects, r.Subject) {
				subjects = append(subjects, r.Subject)
			}
		}
		verdict.Refusal = &scim.Error{Status: http.StatusInternalServerError, Cause: errors.New(strings.Join(res.Failures, "; ")),
			Detail: fmt.Sprintf("The configuration of tenant %s from the %s header failed its self-check (%s), and serve --strict refuses it. An administrator must correct it (sqlscim check --header names the problem; the sqlscim log has it too).",
				app, server.HeaderName, strings.Join(subjects, ", "))}
		return verdict
	}
}

// headerSelfCheck is a header configuration's first-use check in the form
// of the local tenants' self-checks; nil while none has settled.
func headerSelfCheck(c tenant.Checked) *telemetry.SelfCheck {
	if c.Time.IsZero() {
		return nil
	}
	return &telemetry.SelfCheck{Time: c.Time.UTC(), OK: len(c.Failures) == 0, Failures: c.Failures}
}
