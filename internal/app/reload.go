package app

import (
	"context"
	"os"
	"reflect"
	"slices"
	"strings"

	"go.uber.org/zap"

	"github.com/sqlscim/sqlscim/internal/audit"
	"github.com/sqlscim/sqlscim/internal/config"
	"github.com/sqlscim/sqlscim/internal/logging"
	"github.com/sqlscim/sqlscim/internal/provision"
	"github.com/sqlscim/sqlscim/internal/telemetry"
	"github.com/sqlscim/sqlscim/internal/tenant"
)

// reloader applies SIGHUP: it reopens the log and audit files (logrotate
// renamed them), and reads the configuration again for what can change
// without a restart – the log level and the local tenants. Anything that
// fails keeps what runs and says why; requests in flight finish with the
// tenant they found.
type reloader struct {
	cfg      *config.Config // what runs now
	reread   func() (*config.Config, error)
	logs     *logging.Handle
	log      *zap.Logger
	trail    *audit.Trail
	registry *tenant.Registry
	metrics  *telemetry.Metrics
	// selfCheck checks tenants in the background.
	selfCheck func([]*provision.Tenant)
	// applied, if set, is told of the configuration a reload applied.
	applied func(*config.Config)
}

// run reloads on each signal of hup until ctx ends or the returned
// function is called.
func (r *reloader) run(ctx context.Context, hup <-chan os.Signal) (stop func()) {
	quit, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			select {
			case <-ctx.Done():
				return
			case <-quit:
				return
			case <-hup:
				r.reload(ctx)
			}
		}
	}()
	return func() {
		close(quit)
		<-stopped
	}
}

func (r *reloader) reload(ctx context.Context) {
	log := r.log.Named("reload")
	// The level first, so that the reopened file starts at the new one.
	next, rereadErr := r.reread()
	if rereadErr == nil && next.Log.Level != r.cfg.Log.Level {
		// reread validated the level.
		_ = r.logs.SetLevel(next.Log.Level)
		applied := *r.cfg
		applied.Log.Level = next.Log.Level
		r.cfg = &applied
	}
	if err := r.logs.Reopen(); err != nil {
		log.Error("SIGHUP: the log file was not reopened; lines still go to the old file", zap.String("file", r.cfg.Log.File), zap.Error(err))
	}
	switch err := r.trail.Reopen(); {
	case err != nil:
		log.Error("SIGHUP: the audit file was not reopened", zap.String("file", r.cfg.Audit.File), zap.Error(err))
	case r.cfg.Audit.File != "":
		log.Info("SIGHUP: reopened the audit file", zap.String("file", r.cfg.Audit.File))
	}
	if rereadErr != nil {
		log.Error("SIGHUP: the configuration was not reloaded; the running one stays", zap.Error(rereadErr))
		return
	}
	local, err := localConfigs(ctx, next)
	if err != nil {
		log.Error("SIGHUP: the tenants were not reloaded; the running ones stay", zap.String("tenants", tenantsSource(next)), zap.Error(err))
		return
	}
	changes, err := r.registry.ReplaceLocal(local)
	if err != nil {
		log.Error("SIGHUP: the tenants were not reloaded; the running ones stay", zap.String("tenants", tenantsSource(next)), zap.Error(err))
		return
	}
	r.metrics.SetTenants(tenantNames(r.registry), r.cfg.AllowAnyDatabase || len(r.cfg.AllowedDatabases) > 0)
	if fresh := r.tenants(append(changes.Added, changes.Changed...)); len(fresh) > 0 && r.selfCheck != nil {
		r.selfCheck(fresh)
	}
	if stale := needRestart(r.cfg, next); len(stale) > 0 {
		log.Warn("SIGHUP: these settings changed but take effect only on restart", zap.String("settings", strings.Join(stale, ", ")))
	}
	// The running configuration is the old one but for what was applied.
	applied := *r.cfg
	applied.TenantsFile, applied.Demo = next.TenantsFile, next.Demo
	r.cfg = &applied
	if r.applied != nil {
		r.applied(r.cfg)
	}
	log.Info("SIGHUP: reloaded", zap.String("log_level", r.logs.Level()), zap.String("tenants", tenantsSource(next)),
		zap.Strings("added", changes.Added), zap.Strings("removed", changes.Removed), zap.Strings("changed", changes.Changed))
}

// tenants are the local tenants of these names.
func (r *reloader) tenants(names []string) []*provision.Tenant {
	var out []*provision.Tenant
	for _, t := range r.registry.Local() {
		if slices.Contains(names, t.Name()) {
			out = append(out, t)
		}
	}
	return out
}

// needRestart names the settings that differ between the running and the
// reread configuration and that a reload does not apply.
func needRestart(now, next *config.Config) []string {
	var out []string
	for _, s := range []struct {
		name string
		same bool
	}{
		{"server (address, port, TLS, token, limits)", reflect.DeepEqual(now.Server, next.Server)},
		{"log.format, log.file", now.Log.Format == next.Log.Format && now.Log.File == next.Log.File},
		{"pool", reflect.DeepEqual(now.Pool, next.Pool)},
		{"header", reflect.DeepEqual(now.AllowedDatabases, next.AllowedDatabases) && now.AllowAnyDatabase == next.AllowAnyDatabase &&
			now.IgnoreUnknownHeaderFields == next.IgnoreUnknownHeaderFields && now.CaptureFile == next.CaptureFile &&
			now.Pinning == next.Pinning && now.PinsFile == next.PinsFile},
		{"admin.address", now.AdminAddress == next.AdminAddress},
		{"audit", reflect.DeepEqual(now.Audit, next.Audit)},
	} {
		if !s.same {
			out = append(out, s.name)
		}
	}
	return out
}

// tenantNames are the names of the registry's local tenants.
func tenantNames(r *tenant.Registry) []string {
	var names []string
	for _, t := range r.Local() {
		names = append(names, t.Name())
	}
	return names
}
