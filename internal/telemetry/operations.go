package telemetry

import (
	"time"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/provision"
)

// connectionOp is the operation label of failures to reach the database
// at all, before any operation ran.
const connectionOp = "connection"

// OperationFailed implements provision.Observer.
func (m *Metrics) OperationFailed(tenant string, op provision.OpName, class db.Class) {
	name := string(op)
	if name == "" {
		name = connectionOp
	}
	m.opErrors.WithLabelValues(m.tenants.label(tenant), name, class.String()).Inc()
}

// OperationTimed implements provision.Observer.
func (m *Metrics) OperationTimed(tenant string, op provision.OpName, d time.Duration) {
	m.opLatency.WithLabelValues(m.tenants.label(tenant), string(op)).Observe(d.Seconds())
}
