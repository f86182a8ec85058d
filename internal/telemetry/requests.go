package telemetry

import (
	"strconv"

	"github.com/sqlscim/sqlscim/internal/server"
)

// StartRequest implements server.Observer: a request is in flight until
// its ObserveRequest.
func (m *Metrics) StartRequest() { m.inFlight.Inc() }

// ObserveRequest implements server.Observer. The route is one of the
// server's patterns; the method and the tenant, which the client chose,
// are labelled from closed sets. Latency is observed only for requests a
// route's handler answered: the others (refused, 404, 405) would add a
// histogram per route and made-up method, and their latency says nothing.
func (m *Metrics) ObserveRequest(o server.Observation) {
	m.inFlight.Dec()
	method := methodLabel(o.Method)
	m.requests.WithLabelValues(o.Route, method, strconv.Itoa(o.Status), m.tenants.label(o.Tenant)).Inc()
	if o.Handled {
		m.latency.WithLabelValues(o.Route, method).Observe(o.Duration.Seconds())
	}
}

// AuthFailed implements server.Observer.
func (m *Metrics) AuthFailed() { m.authFailures.Inc() }
