package server

import (
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/sqlscim/sqlscim/internal/audit"
	"github.com/sqlscim/sqlscim/internal/scim"
)

// Auditor receives one event per provisioning request. internal/audit's
// Trail implements it.
type Auditor interface {
	// Begin returns the recorder of a new request of the given kind, or
	// nil when the request is not to be audited (reads, unless sampled).
	Begin(kind audit.Kind) *audit.Recorder
	// Record takes the finished event. It must not block.
	Record(ev *audit.Event)
}

// WithAuditor makes the server record its provisioning requests in a. Call
// it before Serve.
func (s *Server) WithAuditor(a Auditor) *Server {
	s.auditor = a
	return s
}

// isWrite reports whether a request asks for a provisioning change: any
// POST, PUT, PATCH or DELETE but a search.
func isWrite(r *http.Request) bool {
	switch r.Method {
	case http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	case http.MethodPost:
		return !strings.HasSuffix(r.URL.Path, "/.search")
	}
	return false
}

// auditRequests records each authenticated write, and the sampled reads,
// with the auditor: the engine adds what it did through the recorder in the
// request's context, and when the request ends this adds what the HTTP
// layer knows (time, id, tenant, client, outcome, duration). Requests
// refused before authentication are not audited: they changed nothing,
// the access log and sqlscim_auth_failures_total count them, and a flood
// of guesses must not push the real changes out of the console's ring.
func (s *Server) auditRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.auditor == nil {
			next.ServeHTTP(w, r)
			return
		}
		kind := audit.Read
		if isWrite(r) {
			kind = audit.Write
		}
		rec := s.auditor.Begin(kind)
		if rec == nil {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		sw := &auditStatus{ResponseWriter: w}
		r = r.WithContext(audit.With(r.Context(), rec))
		// A plain defer, not a recover: it also runs while a panic unwinds
		// (a failure, or a list cut short), and observe still sees the panic.
		returned := false
		defer func() {
			status := sw.status
			if status == 0 {
				status = http.StatusInternalServerError
			}
			ev := rec.Finish(audit.Request{
				Start:      start,
				ID:         w.Header().Get(RequestIDHeader),
				Tenant:     chi.URLParamFromCtx(r.Context(), "app"),
				Client:     clientIP(r),
				Method:     r.Method,
				Path:       r.URL.Path,
				Kind:       kind,
				Status:     status,
				Duration:   time.Since(start),
				PathUserID: userParam(r),
				Aborted:    !returned,
			})
			s.auditor.Record(ev)
		}()
		next.ServeHTTP(sw, r)
		returned = true
	})
}

// userParam is the {id} of a /Users/{id} route, else "".
func userParam(r *http.Request) string {
	rctx := chi.RouteContext(r.Context())
	if rctx == nil || !strings.Contains(rctx.RoutePattern(), "/Users/{id}") {
		return ""
	}
	return pathParam(r, "id")
}

// auditStatus remembers the status a handler answered with.
type auditStatus struct {
	http.ResponseWriter
	status int
}

func (a *auditStatus) WriteHeader(code int) {
	if a.status == 0 {
		a.status = code
	}
	a.ResponseWriter.WriteHeader(code)
}

func (a *auditStatus) Write(b []byte) (int, error) {
	if a.status == 0 {
		a.status = http.StatusOK
	}
	return a.ResponseWriter.Write(b)
}

// Flush lets streaming handlers push partial responses.
func (a *auditStatus) Flush() {
	if f, ok := a.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (a *auditStatus) Unwrap() http.ResponseWriter { return a.ResponseWriter }

// noteBody tells the request's audit record of the user a POST or PUT body
// names, and of the secrets it carries (its password), which the record
// then scrubs from everything, the error detail included: a type error
// can quote a value ("password must be a string, not the number 1234").
func noteBody(r *http.Request, res scim.Resource) {
	rec := audit.From(r.Context())
	if rec == nil {
		return
	}
	rec.SecretsOf("", map[string]any(res))
	v, _ := res.Get("userName")
	name, _ := v.(string)
	rec.User("", name)
}

// notePatch tells the request's audit record of the secrets PATCH
// operations carry: values whose path, or a key within them, names a
// secret.
func notePatch(r *http.Request, ops []scim.PatchOp) {
	rec := audit.From(r.Context())
	if rec == nil {
		return
	}
	for _, op := range ops {
		rec.SecretsOf(op.Path, op.Value)
	}
}
