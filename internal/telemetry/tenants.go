package telemetry

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// preinitialisedClasses are the failure classes of reaching a database at
// all, whose operation_errors series start at zero for every tenant: alert
// rules on them then see the first failure, without "or vector(0)".
var preinitialisedClasses = []string{"unavailable", "auth", "settings"}

// SetTenants names the local tenants, which are labelled by name; every
// other tenant is labelled "header", and header says whether the agent's
// header may configure tenants at all. The tenants' provisioning counters
// and connection failure counters start at zero, so that rates and alert
// rules work from the first scrape. Call it again when the tenants change.
func (m *Metrics) SetTenants(local []string, header bool) {
	m.tenants.set(local)
	labels := append([]string(nil), local...)
	if header {
		labels = append(labels, HeaderTenant)
	}
	for _, t := range labels {
		for _, c := range changes {
			m.changes.WithLabelValues(t, c)
		}
		for _, c := range preinitialisedClasses {
			m.opErrors.WithLabelValues(t, connectionOp, c)
		}
	}
}

// TenantHealth makes sqlscim_tenant_up report health, asked at each
// scrape: 1 for a local tenant whose last check passed, 0 for one whose
// check failed. health should answer from a recent result rather than
// check anew every time; it gets at most healthTimeout.
func (m *Metrics) TenantHealth(health func(ctx context.Context) []Check) {
	m.registry.MustRegister(upCollector{health})
}

// healthTimeout bounds a scrape's wait for the tenants' health.
const healthTimeout = 5 * time.Second

var tenantUp = prometheus.NewDesc("sqlscim_tenant_up",
	"1 when the local tenant's last self-check passed and its database answered, 0 when not.", []string{"tenant"}, nil)

type upCollector struct {
	health func(ctx context.Context) []Check
}

func (upCollector) Describe(ch chan<- *prometheus.Desc) { ch <- tenantUp }

func (c upCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), healthTimeout)
	defer cancel()
	for _, check := range c.health(ctx) {
		up := 0.0
		if check.Up() {
			up = 1
		}
		ch <- prometheus.MustNewConstMetric(tenantUp, prometheus.GaugeValue, up, check.Tenant)
	}
}
