// Package telemetry is sqlscim's operator surface: Prometheus metrics and
// the admin endpoints /healthz, /readyz and /metrics, served on their own
// plain-HTTP port (loopback by default), apart from the SCIM port.
// docs/monitoring.md lists every metric.
package telemetry

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/sqlscim/sqlscim/internal/buildinfo"
	"github.com/sqlscim/sqlscim/internal/db"
)

// Metrics holds sqlscim's Prometheus metrics.
type Metrics struct {
	registry *prometheus.Registry
	tenants  tenantSet

	requests     *prometheus.CounterVec
	latency      *prometheus.HistogramVec
	inFlight     prometheus.Gauge
	authFailures prometheus.Counter

	opErrors  *prometheus.CounterVec
	opLatency *prometheus.HistogramVec
	changes   *prometheus.CounterVec

	certExpiry prometheus.Gauge
}

// Histogram buckets, in seconds. Few, because every route, method, tenant
// and operation multiplies them: enough to tell fast from slow and to set
// alert thresholds at 0.25, 1 and 2.5 s.
var (
	requestBuckets   = []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10}
	operationBuckets = []float64{0.005, 0.025, 0.1, 0.5, 2.5, 10}
)

// New registers the metrics; pools, if not nil, are reported on each scrape.
func New(pools *db.Pools) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sqlscim_http_requests_total",
			Help: "SCIM requests answered, by route, method, status and tenant.",
		}, []string{"route", "method", "status", "tenant"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "sqlscim_http_request_duration_seconds",
			Help:    "Latency of the SCIM requests a route's handler answered, by route and method.",
			Buckets: requestBuckets,
		}, []string{"route", "method"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "sqlscim_http_requests_in_flight",
			Help: "SCIM requests being served now.",
		}),
		authFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sqlscim_auth_failures_total",
			Help: "Requests refused for a missing or wrong bearer token.",
		}),
		opErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sqlscim_operation_errors_total",
			Help: "Failed database operations by tenant, operation (or connection) and error class.",
		}, []string{"tenant", "operation", "class"}),
		opLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "sqlscim_db_operation_duration_seconds",
			Help:    "Time the tenant database took for an operation's statement or procedure (for reads, until the first row), by tenant and operation.",
			Buckets: operationBuckets,
		}, []string{"tenant", "operation"}),
		changes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sqlscim_provisioning_changes_total",
			Help: "Provisioning changes committed to tenant databases, by tenant and change (user_created, user_updated, user_activated, user_deactivated, entitlement_added, entitlement_removed, user_deleted, password_set).",
		}, []string{"tenant", "change"}),
		certExpiry: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "sqlscim_tls_certificate_expiry_timestamp_seconds",
			Help: "When the certificate the SCIM port serves expires (its notAfter), in seconds since the Unix epoch.",
		}),
	}
	info := buildinfo.Read()
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "sqlscim_build_info",
		Help: "Always 1; the labels say which sqlscim this is: version, commit (\"\" when unknown), dirty (uncommitted changes) and the Go version.",
		ConstLabels: prometheus.Labels{"version": info.Version, "commit": info.Commit,
			"dirty": strconv.FormatBool(info.Dirty), "go_version": info.GoVersion},
	})
	build.Set(1)
	m.registry.MustRegister(m.requests, m.latency, m.inFlight, m.authFailures, m.opErrors, m.opLatency, m.changes, m.certExpiry, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if pools != nil {
		m.registry.MustRegister(poolCollector{pools})
	}
	return m
}

// SetCertificate reports the expiry of the certificate the SCIM port
// serves; call it again when the certificate changes.
func (m *Metrics) SetCertificate(cert *x509.Certificate) {
	if cert != nil {
		m.certExpiry.Set(float64(cert.NotAfter.Unix()))
	}
}

// Check is one readiness probe: a tenant, whether its database answers,
// and its last self-check.
type Check struct {
	Tenant string `json:"tenant"`
	// OK is whether the database answers now.
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
	// SelfCheck is the last full check (sqlscim check) of the tenant, run
	// at start and on reload; nil until the first one ended.
	SelfCheck *SelfCheck `json:"self_check,omitempty"`
}

// SelfCheck is the outcome of a tenant's full check.
type SelfCheck struct {
	Time time.Time `json:"time"`
	OK   bool      `json:"ok"`
	// Failures are the checks that failed, each with its cause.
	Failures []string `json:"failures,omitempty"`
}

// HeaderCheck is the first-use check of a configuration from the agent's
// header (sqlscim serve checks each on its first request).
type HeaderCheck struct {
	Tenant string `json:"tenant"`
	// SelfCheck is nil until a check settled (its database answered).
	SelfCheck *SelfCheck `json:"self_check,omitempty"`
}

// Up reports a tenant that serves: its database answers and its last
// self-check, if one ended, passed.
func (c Check) Up() bool { return c.OK && (c.SelfCheck == nil || c.SelfCheck.OK) }

// Admin is the handler of the admin port: /healthz (the process is alive),
// /readyz (every local tenant's database answers; 503 otherwise; each
// tenant's last self-check is listed but does not make the server unready:
// one tenant's missing procedure must not take the others out of service;
// the header tenants cached now are listed with their first-use checks,
// which never make it unready either) and /metrics. None needs the bearer
// token, so bind the port to loopback or a private network only. header
// may be nil.
func (m *Metrics) Admin(ready func(ctx context.Context) []Check, header func() []HeaderCheck) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		checks := ready(ctx)
		status := http.StatusOK
		for _, c := range checks {
			if !c.OK {
				status = http.StatusServiceUnavailable
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		doc := map[string]any{"ready": status == http.StatusOK, "tenants": checks}
		if header != nil {
			doc["header_tenants"] = header()
		}
		_ = json.NewEncoder(w).Encode(doc)
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
	return mux
}
