package app

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zapcore"

	"github.com/sqlscim/sqlscim/internal/audit"
	"github.com/sqlscim/sqlscim/internal/config"
	"github.com/sqlscim/sqlscim/internal/console"
	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/logging"
	"github.com/sqlscim/sqlscim/internal/server"
	"github.com/sqlscim/sqlscim/internal/telemetry"
)

// BenchmarkGetUser is one authenticated GET /Users/{id} through the handler
// `sqlscim serve` builds, wired the way serve wires it: routing, bearer
// authentication, the tenant lookup, the engine on the embedded SQLite demo,
// the row mapping, the JSON answer, the access log (info level, JSON), the
// metrics and the audit trail (which, by default, records no reads). TLS
// and the network are left out, so -benchmem reports what one request
// allocates in sqlscim itself (the SQLite driver included).
// Profile it with
//
//	go test -run '^$' -bench GetUser -benchmem -cpuprofile cpu.out -memprofile mem.out ./internal/app
func BenchmarkGetUser(b *testing.B) {
	benchmarkGet(b, "/Users/luke.skywalker@galaxy.local", `"entitlements"`)
}

// BenchmarkGetEntitlements is one authenticated GET /Entitlements (the
// demo's catalogue of 10) through the same handler.
func BenchmarkGetEntitlements(b *testing.B) {
	benchmarkGet(b, "/Entitlements", `"totalResults":10`)
}

// benchmarkGet sends GET path (under the demo tenant's base) through the
// demo handler, after checking once that the answer holds want.
func benchmarkGet(b *testing.B, path, want string) {
	h, token := demoHandler(b)
	req := httptest.NewRequest(http.MethodGet, "https://localhost/ws/rest/jdbc_on_prem/scim/v2"+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/scim+json")
	w := &discardResponse{header: http.Header{}}
	h.ServeHTTP(w, req)
	if w.status != http.StatusOK || !strings.Contains(w.body.String(), want) {
		b.Fatalf("GET %s: %d %s", path, w.status, w.body.String())
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w.reset()
		h.ServeHTTP(w, req)
		if w.status != http.StatusOK {
			b.Fatalf("status %d", w.status)
		}
	}
}

// demoHandler is the complete HTTP handler of `sqlscim serve` on a fresh
// data directory with the demo tenant, and its bearer token.
func demoHandler(b *testing.B) (http.Handler, string) {
	b.Helper()
	dir := b.TempDir()
	opts := Options{Stdout: io.Discard, Stderr: io.Discard, Config: config.Options{
		DefaultOPSDir: filepath.Join(dir, "no-ops-install"),
		PKIDir:        filepath.Join(dir, "pki"),
		OPSLogFile:    filepath.Join(dir, "application.log"),
		Host:          &config.Host{Name: "sqlscim-bench.example"},
		KeyBits:       2048,
	}}
	ctx := context.Background()
	cmd := serveCommand(ctx, &opts)
	if err := cmd.ParseFlags([]string{"--data-dir", filepath.Join(dir, "data")}); err != nil {
		b.Fatal(err)
	}
	cfg, err := createConfig(cmd, &opts)
	if err != nil {
		b.Fatal(err)
	}
	log, closeLog, err := logging.New(cfg.Log, zapcore.AddSync(io.Discard))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(closeLog)
	pools := db.NewPools(cfg.Pool)
	b.Cleanup(func() { _ = pools.Close() })
	metrics := telemetry.New(pools)
	registry, err := buildRegistry(ctx, cfg, pools, metrics, nil)
	if err != nil {
		b.Fatal(err)
	}
	trail, err := audit.Open(cfg.Audit, io.Discard, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = trail.Close(5 * time.Second) })
	metrics.Provisioning(trail)
	h := server.New(cfg.Server, log, backend{registry}, observers{metrics, rateObserver{console.NewRates()}}).WithAuditor(trail).Handler()
	return h, cfg.Server.Token.Reveal()
}

// discardResponse is a ResponseWriter that keeps the status and, until
// reset, the body, without httptest.ResponseRecorder's own allocations per
// request (it clones the header map on every WriteHeader).
type discardResponse struct {
	header  http.Header
	status  int
	body    strings.Builder
	discard bool
}

func (w *discardResponse) Header() http.Header { return w.header }

func (w *discardResponse) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *discardResponse) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if !w.discard {
		w.body.Write(p)
	}
	return len(p), nil
}

// reset readies w for the next request; bodies are no longer kept.
func (w *discardResponse) reset() {
	clear(w.header)
	w.status, w.discard = 0, true
}
