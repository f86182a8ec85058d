package audit

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"time"
)

// Recorder collects what one request did, for its event. The HTTP layer
// creates it and puts it in the request's context; the engine adds to it
// with From(ctx). Every method is safe on a nil *Recorder and does nothing
// there, so code that runs outside an audited request (sqlscim check,
// tests, reads that are not sampled) needs no condition.
type Recorder struct {
	values bool

	mu      sync.Mutex
	ev      Event
	secrets []string
}

// NewRecorder starts the record of a request. With values, Change records
// the values written (secrets excepted).
func NewRecorder(values bool) *Recorder { return &Recorder{values: values} }

type ctxKey struct{}

// With returns a context carrying r.
func With(ctx context.Context, r *Recorder) context.Context {
	return context.WithValue(ctx, ctxKey{}, r)
}

// From returns the recorder of ctx, or nil when the request is not audited.
func From(ctx context.Context) *Recorder {
	r, _ := ctx.Value(ctxKey{}).(*Recorder)
	return r
}

// Operation records a connector operation that ran; err is its failure.
func (r *Recorder) Operation(name string, err error) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ev.Operations = append(r.ev.Operations, name)
	if err != nil && r.ev.FailedOperation == "" {
		r.ev.FailedOperation = name
	}
}

// User records the user the request changes. Empty arguments keep what
// was recorded before.
func (r *Recorder) User(id, userName string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if id != "" {
		r.ev.UserID = id
	}
	if userName != "" {
		r.ev.UserName = userName
	}
}

// Change records an attribute the request sets: its SCIM attribute (""
// when the column maps to none), its column and the value written. The
// value is kept only when values are audited, and never when the attribute
// or column is a secret (IsSecretName) or secret is true; a secret's value
// is also scrubbed from the rest of the event (see Secret).
func (r *Recorder) Change(attribute, column string, value any, secret bool) {
	if r == nil {
		return
	}
	secret = secret || IsSecretName(attribute) || IsSecretName(column)
	c := Change{Attribute: attribute, Column: column, Secret: secret}
	if secret {
		r.Secret(value)
	} else if r.values {
		if b, err := json.Marshal(value); err == nil {
			c.Value = b
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ev.Changes = append(r.ev.Changes, c)
}

// Entitlement records an entitlement added to (added) or removed from the
// user.
func (r *Recorder) Entitlement(added bool, value string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if added {
		r.ev.EntitlementsAdded = append(r.ev.EntitlementsAdded, value)
	} else {
		r.ev.EntitlementsRemoved = append(r.ev.EntitlementsRemoved, value)
	}
}

// Committed records that the request's transaction was committed.
func (r *Recorder) Committed() {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ev.Committed = true
}

// Secret names a value that must not appear in the event: a password the
// request carries. Finish replaces it wherever it occurs (the path, the
// error detail, the user name, other values) by "***". Values shorter than
// four characters are not scrubbed: they would erase ordinary text and are
// no secret worth the name.
func (r *Recorder) Secret(value any) {
	if r == nil {
		return
	}
	s := textOf(value)
	if len(s) < minSecretLen {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secrets = append(r.secrets, s)
}

const minSecretLen = 4

// SecretsOf marks as secret every value in v that sits under a
// secret-named key (IsSecretName): key itself, a PATCH path such as
// "password", or a key anywhere inside the objects and lists of v. A
// request body goes in whole, with key "".
func (r *Recorder) SecretsOf(key string, v any) {
	if r == nil {
		return
	}
	if key != "" && IsSecretName(key) {
		r.secretLeaves(v)
		return
	}
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			r.SecretsOf(k, e)
		}
	case []any:
		for _, e := range x {
			r.SecretsOf("", e)
		}
	}
}

// secretLeaves marks every scalar in v as secret.
func (r *Recorder) secretLeaves(v any) {
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			r.secretLeaves(e)
		}
	case []any:
		for _, e := range x {
			r.secretLeaves(e)
		}
	default:
		r.Secret(x)
	}
}

// Refused records the SCIM error the request was answered with.
func (r *Recorder) Refused(status int, scimType, detail string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ev.Status, r.ev.ErrorType, r.ev.Detail = status, scimType, detail
}

// Request is what the HTTP layer knows of a finished request.
type Request struct {
	Start              time.Time
	ID, Tenant, Client string
	Method, Path       string
	Kind               Kind
	Status             int
	Duration           time.Duration
	// PathUserID is the {id} of /Users/{id}, if any: the user of a request
	// that failed before the engine named it.
	PathUserID string
	// Aborted is true when the handler panicked: the answer, whatever its
	// status, was cut short or replaced by a 500.
	Aborted bool
}

// Finish completes the event with req and returns it, secrets scrubbed.
// The recorder must not be used afterwards.
func (r *Recorder) Finish(req Request) *Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	ev := r.ev
	ev.Time = req.Start.UTC()
	ev.RequestID, ev.Tenant, ev.Client = req.ID, req.Tenant, req.Client
	ev.Method, ev.Path, ev.Kind = req.Method, req.Path, req.Kind
	if ev.UserID == "" {
		ev.UserID = req.PathUserID
	}
	if ev.Status != req.Status {
		// The error recorded was not the answer (a later one was, or none):
		// keep only what the client really got.
		ev.ErrorType, ev.Detail = "", ""
	}
	ev.Status = req.Status
	ev.Outcome = OutcomeOf(req.Status)
	if req.Aborted {
		ev.Outcome = Failure
		if ev.Detail == "" {
			ev.Detail = "The request failed while it was answered; the response was cut short."
		}
	}
	ev.DurationMS = float64(req.Duration.Microseconds()) / 1000
	if len(r.secrets) > 0 {
		scrub(&ev, r.secrets)
	}
	return &ev
}

// Redacted replaces a scrubbed secret.
const Redacted = "***"

// scrub replaces every secret in the event's free text.
func scrub(ev *Event, secrets []string) {
	rep := make([]string, 0, 2*len(secrets))
	for _, s := range secrets {
		rep = append(rep, s, Redacted)
	}
	re := strings.NewReplacer(rep...)
	for _, p := range []*string{&ev.Path, &ev.Detail, &ev.UserID, &ev.UserName, &ev.FailedOperation} {
		*p = re.Replace(*p)
	}
	for i := range ev.Operations {
		ev.Operations[i] = re.Replace(ev.Operations[i])
	}
	for _, list := range [][]string{ev.EntitlementsAdded, ev.EntitlementsRemoved} {
		for i := range list {
			list[i] = re.Replace(list[i])
		}
	}
	for i := range ev.Changes {
		if v := ev.Changes[i].Value; v != nil {
			// Scrubbing inside JSON text: the secret as the JSON string
			// would spell it, and as it is.
			scrubbed := re.Replace(string(v))
			for _, s := range secrets {
				if q, err := json.Marshal(s); err == nil {
					scrubbed = strings.ReplaceAll(scrubbed, string(q[1:len(q)-1]), Redacted)
				}
			}
			if !json.Valid([]byte(scrubbed)) { // a secret inside a number
				scrubbed = `"` + Redacted + `"`
			}
			ev.Changes[i].Value = json.RawMessage(scrubbed)
		}
	}
}

// textOf spells a value as text, the way a column receives it.
func textOf(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	case json.Number:
		return x.String()
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return strings.Trim(string(b), `"`)
}

// IsSecretName reports whether an attribute or column name holds a secret:
// it contains password, passwd, pwd, secret, token, credential or hash
// (PASSWORD_HASH, userPassword, api_token), in any case.
func IsSecretName(name string) bool {
	n := strings.ToLower(name)
	for _, s := range secretWords {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

var secretWords = []string{"password", "passwd", "pwd", "secret", "token", "credential", "hash"}
