package telemetry

import (
	"net/http"
	"sync/atomic"
)

// Every label value comes from a closed set, whoever sent the request: a
// value taken from a request (its method, the app name in its URL) would
// let any client, with or without a token, add a series per request and
// grow /metrics and the process without bound.

// Tenant label values for requests and operations that are not a local
// tenant's.
const (
	// HeaderTenant labels every tenant the agent's header configured,
	// whatever its app name: app names are the client's choice.
	HeaderTenant = "header"
	// NoTenant labels requests that reached no tenant: refused before
	// (401, 429, 404, 405), or the tenant could not be set up.
	NoTenant = "none"
	// OtherMethod labels requests whose method is not one of knownMethods.
	OtherMethod = "other"
)

// knownMethods are the method label values besides OtherMethod.
var knownMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodOptions: true,
}

// methodLabel is method if it is a known one, else OtherMethod.
func methodLabel(method string) string {
	if knownMethods[method] {
		return method
	}
	return OtherMethod
}

// tenantSet is the set of local tenant names, replaced as a whole when the
// tenants change.
type tenantSet struct {
	names atomic.Pointer[map[string]bool]
}

func (s *tenantSet) set(names []string) {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	s.names.Store(&m)
}

// label is name for a local tenant, NoTenant for "", HeaderTenant for
// every other name.
func (s *tenantSet) label(name string) string {
	if name == "" {
		return NoTenant
	}
	if m := s.names.Load(); m != nil && (*m)[name] {
		return name
	}
	return HeaderTenant
}
