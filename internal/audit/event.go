// Package audit is sqlscim's audit trail: one structured event per
// provisioning change and per failed attempt, recorded while a request runs
// and written, when it ends, to a JSON-lines file, optionally to stdout, and
// to an in-memory ring that the admin console queries.
//
// It imports only the standard library: the HTTP layer fills in what it
// knows of a request (time, id, tenant, client, outcome), the engine what it
// did to the database (operations, user, attributes, entitlements), both
// through the Recorder carried in the request's context. Neither needs to
// know where events go, and a slow disk never blocks a request: see Writer.
package audit

import (
	"encoding/json"
	"time"
)

// Outcome says whether a request did what it was asked to.
type Outcome string

// The outcomes of an event.
const (
	Success Outcome = "success"
	Failure Outcome = "failure"
)

// Kind says whether an event records a write or a (sampled) read.
type Kind string

// The kinds of event.
const (
	Write Kind = "write"
	Read  Kind = "read"
)

// Event is one audited request. Its JSON form is the line of the audit
// file; field names are snake_case and stable.
type Event struct {
	// Seq numbers the events of this process from 1, in the order they
	// were recorded. The console asks for the events after the last it has.
	Seq uint64 `json:"seq"`
	// Time is when the request arrived, in UTC.
	Time      time.Time `json:"time"`
	RequestID string    `json:"request_id"`
	// Tenant is the {app} of the URL.
	Tenant string `json:"tenant,omitempty"`
	// Client is the address of the client (the agent), without the port.
	Client string `json:"client,omitempty"`
	Kind   Kind   `json:"kind"`
	Method string `json:"method"`
	Path   string `json:"path"`

	// Operations are the connector operations run, in order
	// (create_user, update_user, activate_user, deactivate_user,
	// add_entitlement_to_user, remove_entitlement_from_user). In a failed
	// request they include the one that failed, also named by
	// FailedOperation.
	Operations      []string `json:"operations,omitempty"`
	FailedOperation string   `json:"failed_operation,omitempty"`
	// UserID and UserName identify the user the request changed.
	UserID   string `json:"user_id,omitempty"`
	UserName string `json:"user_name,omitempty"`
	// Changes are the attributes a create or update set.
	Changes             []Change `json:"changes,omitempty"`
	EntitlementsAdded   []string `json:"entitlements_added,omitempty"`
	EntitlementsRemoved []string `json:"entitlements_removed,omitempty"`
	// Committed is true when the request's database transaction was
	// committed: its operations took effect. A failed request's operations
	// were rolled back.
	Committed bool `json:"committed"`

	Outcome Outcome `json:"outcome"`
	// Status is the HTTP status of the answer.
	Status int `json:"status"`
	// ErrorType is the SCIM scimType of a failure, when it has one.
	ErrorType string `json:"error_type,omitempty"`
	// Detail is the SCIM error detail the client was given.
	Detail     string  `json:"detail,omitempty"`
	DurationMS float64 `json:"duration_ms"`
}

// Change is one attribute a write set.
type Change struct {
	// Attribute is the SCIM attribute (name.givenName), when the column
	// maps to one.
	Attribute string `json:"attribute,omitempty"`
	// Column is the database column (FIRSTNAME).
	Column string `json:"column,omitempty"`
	// Value is the value written, as JSON; present only when values are
	// audited, and never for a secret.
	Value json.RawMessage `json:"value,omitempty"`
	// Secret is true for a password or other secret: its value is never
	// recorded.
	Secret bool `json:"secret,omitempty"`
}

// line is an event as written to the file and to stdout. The "log" key lets
// a log collector that reads sqlscim's stdout tell audit lines from the
// application's own.
type line struct {
	Log string `json:"log"`
	*Event
}

// MarshalLine encodes ev as one line of the audit file, newline included.
func MarshalLine(ev *Event) ([]byte, error) {
	b, err := json.Marshal(line{Log: "audit", Event: ev})
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// OutcomeOf is the outcome of an HTTP status: 1xx to 3xx succeed.
func OutcomeOf(status int) Outcome {
	if status >= 400 {
		return Failure
	}
	return Success
}
