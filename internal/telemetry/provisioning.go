package telemetry

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/sqlscim/sqlscim/internal/audit"
)

// changeOf names the provisioning change an operation makes, for the label
// of sqlscim_provisioning_changes_total.
var changeOf = map[string]string{
	"create_user":                  "user_created",
	"update_user":                  "user_updated",
	"activate_user":                "user_activated",
	"deactivate_user":              "user_deactivated",
	"add_entitlement_to_user":      "entitlement_added",
	"remove_entitlement_from_user": "entitlement_removed",
	"delete_user":                  "user_deleted",
	"set_password":                 "password_set",
}

// changes lists the label values, in a stable order.
var changes = []string{"user_created", "user_updated", "user_activated", "user_deactivated", "entitlement_added", "entitlement_removed", "user_deleted", "password_set"}

// Provisioning counts the changes sqlscim committed, from the audit
// trail's events, and reports the trail's writers.
func (m *Metrics) Provisioning(trail *audit.Trail) {
	m.registry.MustRegister(auditCollector{trail})
	trail.Observe(func(ev *audit.Event) {
		if !ev.Committed {
			return // rolled back or never written: nothing changed
		}
		for _, op := range ev.Operations {
			if c, ok := changeOf[op]; ok {
				m.changes.WithLabelValues(m.tenants.label(ev.Tenant), c).Inc()
			}
		}
	})
}

// auditCollector reports the audit writers at scrape time.
type auditCollector struct{ trail *audit.Trail }

var (
	auditWritten = prometheus.NewDesc("sqlscim_audit_events_written_total", "Audit events written, by writer (the audit file's path, or stdout).", []string{"writer"}, nil)
	auditLost    = prometheus.NewDesc("sqlscim_audit_events_lost_total", "Audit events not written, by writer and reason: queue_full (the writer fell behind: a slow or stuck disk) or write_failed.", []string{"writer", "reason"}, nil)
)

func (auditCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- auditWritten
	ch <- auditLost
}

func (c auditCollector) Collect(ch chan<- prometheus.Metric) {
	for _, w := range c.trail.Writers() {
		ch <- prometheus.MustNewConstMetric(auditWritten, prometheus.CounterValue, float64(w.Written()), w.Name())
		ch <- prometheus.MustNewConstMetric(auditLost, prometheus.CounterValue, float64(w.Dropped()), w.Name(), "queue_full")
		ch <- prometheus.MustNewConstMetric(auditLost, prometheus.CounterValue, float64(w.Failed()), w.Name(), "write_failed")
	}
}
