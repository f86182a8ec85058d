// Package telemetry is sqlscim's operator surface: Prometheus metrics and
// the admin endpoints /healthz, /readyz and /metrics, served on their own
// plain-HTTP port (loopback by default), apart from the SCIM port.
package telemetry

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/provision"
	"github.com/sqlscim/sqlscim/internal/server"
)

// Metrics holds sqlscim's Prometheus metrics.
type Metrics struct {
	registry     *prometheus.Registry
	requests     *prometheus.CounterVec
	latency      *prometheus.HistogramVec
	authFailures prometheus.Counter
	opErrors     *prometheus.CounterVec
	changes      *prometheus.CounterVec
	tenants      tenantSet
}

// New registers the metrics; pools, if not nil, are reported on each scrape.
func New(pools *db.Pools) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sqlscim_http_requests_total",
			Help: "SCIM requests by route, method, status and tenant.",
		}, []string{"route", "method", "status", "tenant"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "sqlscim_http_request_duration_seconds",
			Help:    "SCIM request latency by route and method.",
			Buckets: []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "method"}),
		authFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sqlscim_auth_failures_total",
			Help: "Requests refused for a missing or wrong bearer token.",
		}),
		opErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sqlscim_operation_errors_total",
			Help: "Failed database operations by tenant, operation and error class.",
		}, []string{"tenant", "operation", "class"}),
		changes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sqlscim_provisioning_changes_total",
			Help: "Provisioning changes committed to tenant databases, by tenant and change (user_created, user_updated, user_activated, user_deactivated, entitlement_added, entitlement_removed).",
		}, []string{"tenant", "change"}),
	}
	m.registry.MustRegister(m.requests, m.latency, m.authFailures, m.opErrors, m.changes,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if pools != nil {
		m.registry.MustRegister(poolCollector{pools})
	}
	return m
}

// SetTenants names the local tenants, which are labelled by name; every
// other tenant is labelled "header". Their counters start at zero, so that
// rates and alert rules work from the first scrape. Call it again when the
// tenants change.
func (m *Metrics) SetTenants(names []string) {
	m.tenants.set(names)
	for _, t := range names {
		for _, c := range changes {
			m.changes.WithLabelValues(t, c)
		}
	}
}

// ObserveRequest implements server.Observer. The route is one of the
// server's patterns; the method and the tenant, which the client chose,
// are labelled from closed sets. Latency is observed only for requests a
// route's handler answered: the others (refused, 404, 405) would add a
// histogram per route and made-up method, and their latency says nothing.
func (m *Metrics) ObserveRequest(o server.Observation) {
	method := methodLabel(o.Method)
	m.requests.WithLabelValues(o.Route, method, strconv.Itoa(o.Status), m.tenants.label(o.Tenant)).Inc()
	if o.Handled {
		m.latency.WithLabelValues(o.Route, method).Observe(o.Duration.Seconds())
	}
}

// AuthFailed implements server.Observer.
func (m *Metrics) AuthFailed() { m.authFailures.Inc() }

// OperationFailed implements provision.Observer.
func (m *Metrics) OperationFailed(tenant string, op provision.OpName, class db.Class) {
	name := string(op)
	if name == "" {
		name = "connection"
	}
	m.opErrors.WithLabelValues(m.tenants.label(tenant), name, class.String()).Inc()
}

// poolCollector reports the connection pools at scrape time.
type poolCollector struct{ pools *db.Pools }

var (
	poolOpen    = prometheus.NewDesc("sqlscim_db_pool_open_connections", "Open connections of a tenant database pool.", []string{"database"}, nil)
	poolInUse   = prometheus.NewDesc("sqlscim_db_pool_in_use_connections", "Connections in use.", []string{"database"}, nil)
	poolIdle    = prometheus.NewDesc("sqlscim_db_pool_idle_connections", "Idle connections.", []string{"database"}, nil)
	poolWaits   = prometheus.NewDesc("sqlscim_db_pool_wait_count_total", "Times a request waited for a connection.", []string{"database"}, nil)
	poolWaited  = prometheus.NewDesc("sqlscim_db_pool_wait_seconds_total", "Time spent waiting for connections.", []string{"database"}, nil)
	poolLeases  = prometheus.NewDesc("sqlscim_db_pool_requests", "Requests using a pool now.", []string{"database"}, nil)
	poolsActive = prometheus.NewDesc("sqlscim_db_pools", "Tenant databases with a live pool.", nil, nil)
)

func (poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolOpen, poolInUse, poolIdle, poolWaits, poolWaited, poolLeases, poolsActive} {
		ch <- d
	}
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	stats := c.pools.Stats()
	ch <- prometheus.MustNewConstMetric(poolsActive, prometheus.GaugeValue, float64(len(stats)))
	for _, s := range stats {
		ch <- prometheus.MustNewConstMetric(poolOpen, prometheus.GaugeValue, float64(s.OpenConnections), s.Identity)
		ch <- prometheus.MustNewConstMetric(poolInUse, prometheus.GaugeValue, float64(s.InUse), s.Identity)
		ch <- prometheus.MustNewConstMetric(poolIdle, prometheus.GaugeValue, float64(s.Idle), s.Identity)
		ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(s.WaitCount), s.Identity)
		ch <- prometheus.MustNewConstMetric(poolWaited, prometheus.CounterValue, s.WaitDuration.Seconds(), s.Identity)
		ch <- prometheus.MustNewConstMetric(poolLeases, prometheus.GaugeValue, float64(s.Leases), s.Identity)
	}
}

// Check is one readiness probe: a tenant and whether its database answers.
type Check struct {
	Tenant string `json:"tenant"`
	OK     bool   `json:"ok"`
	Error  string `json:"error,omitempty"`
}

// Admin is the handler of the admin port: /healthz (the process is alive),
// /readyz (every local tenant's database answers; 503 otherwise) and
// /metrics. None needs the bearer token, so bind the port to loopback or a
// private network only.
func (m *Metrics) Admin(ready func(ctx context.Context) []Check) http.Handler {
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
		_ = json.NewEncoder(w).Encode(map[string]any{"ready": status == http.StatusOK, "tenants": checks})
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
	return mux
}
