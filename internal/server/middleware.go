package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"go.uber.org/zap"

	"github.com/sqlscim/sqlscim/internal/logging"
	"github.com/sqlscim/sqlscim/internal/scim"
)

// requestInfo collects what handlers learn about a request for the metrics.
type requestInfo struct {
	// tenant is the {app} of a request that reached a tenant.
	tenant string
	// authFailure says why a request was not authenticated ("" when it
	// was, or never got that far), for the access log.
	authFailure string
	// userID and userName name the user a write changed, for the access
	// log; list holds a listing's parameters.
	userID, userName string
	list             *listParams
}

type requestInfoKey struct{}

// setAuthFailure records why a request's credentials were refused.
func setAuthFailure(r *http.Request, reason string) {
	if info, ok := r.Context().Value(requestInfoKey{}).(*requestInfo); ok {
		info.authFailure = reason
	}
}

// setUser records the user a write is about.
func setUser(r *http.Request, id string, res scim.Resource) {
	if info, ok := r.Context().Value(requestInfoKey{}).(*requestInfo); ok {
		info.userID = id
		if name, ok := res["userName"].(string); ok {
			info.userName = name
		}
	}
}

// setList records a listing's parameters.
func setList(r *http.Request, p listParams) {
	if info, ok := r.Context().Value(requestInfoKey{}).(*requestInfo); ok {
		info.list = &p
	}
}

// setTenant records the tenant a request was served by.
func setTenant(r *http.Request, app string) {
	if info, ok := r.Context().Value(requestInfoKey{}).(*requestInfo); ok {
		info.tenant = app
	}
}

// Observer receives what the metrics count. telemetry implements it.
type Observer interface {
	// StartRequest is told of a request as it arrives; ObserveRequest
	// follows once for each.
	StartRequest()
	// ObserveRequest counts a finished request.
	ObserveRequest(o Observation)
	// AuthFailed counts a refused bearer token.
	AuthFailed()
}

// Observation is what an Observer learns of one finished request. Method
// and Tenant are the client's choice: an observer that keeps them (as
// label values, as map keys) must bound them.
type Observation struct {
	// Route is the route pattern under /{app}/scim/v2 that the path
	// matches ("/Users/{id}"), whether or not the request was served, or
	// UnmatchedRoute: one of a closed set, whatever the client sent.
	Route string
	// Method is the request's method as sent.
	Method string
	// Status is the status sent, 500 for a request cut short.
	Status int
	// Tenant is the {app} when the request reached a tenant, else "".
	Tenant string
	// Handled reports whether the route's handler answered: the request
	// was neither refused before routing (401, 429, 431) nor matched no
	// route or method (404, 405).
	Handled bool
	// Duration is how long the request took.
	Duration time.Duration
}

// RequestIDHeader carries the request id back to the client.
const RequestIDHeader = "X-Request-Id"

// statusRecorder remembers what a handler wrote, for the access log.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Flush lets streaming handlers push partial responses.
func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// requestID keeps the id a client or proxy sent in X-Request-Id, so that
// one id follows a request through the load balancer, sqlscim's log and the
// audit trail, when it is short and plain (1 to 64 letters, digits, '.',
// '_', ':' and '-'); otherwise it makes a new one.
func requestID(r *http.Request) string {
	if id := r.Header.Get(RequestIDHeader); validRequestID(id) {
		return id
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '_', c == ':', c == '-':
		default:
			return false
		}
	}
	return true
}

// observe gives every request an id and a logger, logs one access line when
// it ends, and turns a panic into a 500 SCIM error instead of a crash.
//
// A handler that cuts its response short panics with http.ErrAbortHandler
// (streamList does, when a list fails after its first member). That panic
// goes on to net/http, which closes the connection, but only after the
// request is logged and counted like any other, marked aborted, with the
// status already sent or else 500.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := requestID(r)
		w.Header().Set(RequestIDHeader, id)
		log := s.log.With(zap.String("request_id", id))
		info := &requestInfo{}
		r = r.WithContext(context.WithValue(logging.With(r.Context(), log), requestInfoKey{}, info))
		rec := &statusRecorder{ResponseWriter: w}
		if s.observer != nil {
			s.observer.StartRequest()
		}

		defer func() {
			v := recover()
			aborted := v == http.ErrAbortHandler
			if v != nil && !aborted {
				log.Error("panic while serving a request", zap.Any("panic", v), zap.ByteString("stack", debug.Stack()))
				if rec.status == 0 {
					s.writeError(rec, r, scim.Internal(errors.New("panic")))
				}
			}
			s.record(r, rec, info, time.Since(start), aborted)
			if aborted {
				panic(v)
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// record counts a finished request for the metrics and writes its access
// log line.
func (s *Server) record(r *http.Request, rec *statusRecorder, info *requestInfo, elapsed time.Duration, aborted bool) {
	status := rec.status
	switch {
	case status == 0 && aborted:
		status = http.StatusInternalServerError
	case status == 0:
		status = http.StatusOK
	}
	if s.observer != nil {
		o := Observation{Route: s.routeLabel(r), Method: r.Method, Status: status, Tenant: info.tenant, Duration: elapsed}
		if rctx := chi.RouteContext(r.Context()); rctx != nil && o.Route != UnmatchedRoute {
			o.Handled = rctx.RoutePattern() == s.contextPath()+"/{app}/scim/v2"+o.Route
		}
		s.observer.ObserveRequest(o)
	}
	fields := []zap.Field{
		zap.String("method", clip(r.Method, maxLoggedMethod)),
		zap.String("path", clip(r.URL.Path, maxLoggedPath)),
		zap.String("app", clip(chi.URLParamFromCtx(r.Context(), "app"), maxLoggedPath)),
		zap.Int("status", status),
		zap.Int64("bytes", rec.bytes),
		zap.Duration("duration", elapsed),
		zap.String("remote", r.RemoteAddr),
	}
	if info.userID != "" {
		fields = append(fields, zap.String("user_id", clip(info.userID, maxLoggedPath)))
	}
	if info.userName != "" {
		fields = append(fields, zap.String("user_name", clip(info.userName, maxLoggedPath)))
	}
	if p := info.list; p != nil {
		fields = append(fields, zap.String("start_index", clip(p.startIndex, 32)), zap.String("count", clip(p.count, 32)),
			zap.String("filter", clip(redactFilter(p.filter), maxLoggedPath)))
	}
	if info.authFailure != "" {
		// The route, not only the path, so that a 401 on /Users reads as
		// one on the Users route however the path was spelled.
		fields = append(fields, zap.String("auth_failure", info.authFailure), zap.String("route", s.routeLabel(r)))
	}
	if aborted {
		fields = append(fields, zap.Bool("aborted", true))
	}
	if refusedUnread(status) {
		// A client without a token decides how many of these there are:
		// a few per kind and minute, then a count of those left out.
		ok, suppressed := s.logLimit.allow("access\x00" + strconv.Itoa(status) + "\x00" + info.authFailure)
		if !ok {
			return
		}
		if suppressed > 0 {
			fields = append(fields, zap.Int("suppressed", suppressed))
		}
	}
	logging.From(r.Context()).Info("request", fields...)
}

// filterStrings matches the quoted values of a SCIM filter.
var filterStrings = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// redactFilter keeps a filter's attributes and operators for the log and
// hides its string values ("***"): a filter may compare a secret, and the
// userNames Okta asks for are the audit trail's business, not the log's.
func redactFilter(f string) string {
	return filterStrings.ReplaceAllLiteralString(f, `"***"`)
}

// refusedUnread reports the answers given before a request was
// authenticated: bad credentials, too many of them, a header block too large.
func refusedUnread(status int) bool {
	return status == http.StatusUnauthorized || status == http.StatusTooManyRequests || status == http.StatusRequestHeaderFieldsTooLarge
}

// The access log bounds what a client, authenticated or not, puts in it
// per request: the header limit allows kilobytes of method and path.
const (
	maxLoggedMethod = 16
	maxLoggedPath   = 512
)

// clip shortens s to at most n bytes (on a UTF-8 boundary), marking the cut
// with the original length.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…(" + strconv.Itoa(len(s)) + " bytes)"
}

// authenticate admits requests that carry "Authorization: Bearer <token>".
// The comparison runs in constant time over hashes, so neither the token's
// bytes nor its length leak through timing.
//
// The right token is served at once, whatever else came from its address:
// a client behind the same NAT or load balancer as a guesser must not wait
// behind the guesser. A wrong token from an address that keeps failing
// waits for the address's turn before its 401, or gets 429: see
// throttle.admit.
func (s *Server) authenticate(next http.Handler) http.Handler {
	want := sha256.Sum256([]byte(s.cfg.Token.Reveal()))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip := clientIP(r)
		header := strings.TrimSpace(r.Header.Get("Authorization"))
		scheme, token, hasScheme := strings.Cut(header, " ")
		var detail, reason string
		switch {
		case header == "":
			detail = "Missing Authorization header. Send \"Authorization: Bearer <token>\"; the token is printed by \"sqlscim credentials\"."
			reason = "no Authorization header"
		case !hasScheme:
			detail = "The Authorization header has no \"Bearer \" prefix. In Okta, enter the API token as \"Bearer <token>\", with a space between \"Bearer\" and the token."
			reason = `the Authorization header has no "Bearer " prefix`
		case !strings.EqualFold(scheme, "Bearer"):
			detail = "Only Bearer authentication is supported. Send \"Authorization: Bearer <token>\"."
			reason = "not Bearer authentication"
		default:
			got := sha256.Sum256([]byte(strings.TrimSpace(token)))
			if subtle.ConstantTimeCompare(got[:], want[:]) == 1 {
				next.ServeHTTP(w, r)
				return
			}
			detail = "The bearer token is not valid."
			reason = "wrong bearer token"
		}
		setAuthFailure(r, reason)
		if !s.waitForTurn(w, r, ip) {
			return
		}
		if s.observer != nil {
			s.observer.AuthFailed()
		}
		if delay := s.throttle.failed(ip); delay > 0 {
			logging.From(r.Context()).Warn("repeated authentication failures; slowing this address down", zap.String("remote", ip), zap.Duration("delay", delay))
		}
		challenge := `Bearer realm="sqlscim"`
		if header != "" {
			challenge += `, error="invalid_token"`
		}
		w.Header().Set("WWW-Authenticate", challenge)
		s.writeError(w, r, &scim.Error{Status: http.StatusUnauthorized, Detail: detail})
	})
}

// waitForTurn applies the address's current penalty to a request whose
// credentials are wrong, before it is answered: a short wait is served
// here, a long one is refused with 429 and Retry-After. It reports whether
// the 401 may go out.
func (s *Server) waitForTurn(w http.ResponseWriter, r *http.Request, ip string) bool {
	wait, ok := s.throttle.admit(ip)
	if !ok {
		secs := int((wait + time.Second - 1) / time.Second)
		logging.From(r.Context()).Warn("too many authentication failures; refusing this address for now", zap.String("remote", ip), zap.Duration("retry_after", wait))
		s.writeError(w, r, &scim.Error{Status: http.StatusTooManyRequests, RetryAfter: secs,
			Detail: fmt.Sprintf("Too many failed authentication attempts from this address. Retry in %d seconds with the right bearer token.", secs)})
		return false
	}
	if wait <= 0 {
		return true
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// limitHeaders refuses requests whose header block is larger than
// server.max_header_bytes with a SCIM 431.
func (s *Server) limitHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.MaxHeaderBytes > 0 {
			size := len(r.Method) + len(r.RequestURI) + len(r.Proto) + 4
			for k, vs := range r.Header {
				for _, v := range vs {
					size += len(k) + len(v) + 4
				}
			}
			if size > s.cfg.MaxHeaderBytes {
				s.writeError(w, r, scim.Errorf(http.StatusRequestHeaderFieldsTooLarge, "",
					"The request headers are %d bytes; the limit is %d (server.max_header_bytes).", size, s.cfg.MaxHeaderBytes))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
