package server

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"go.uber.org/zap"

	"github.com/sqlscim/sqlscim/internal/logging"
	"github.com/sqlscim/sqlscim/internal/scim"
)

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

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// observe gives every request an id and a logger, logs one access line when
// it ends, and turns a panic into a 500 SCIM error instead of a crash.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := newRequestID()
		w.Header().Set(RequestIDHeader, id)
		log := s.log.With(zap.String("request_id", id))
		r = r.WithContext(logging.With(r.Context(), log))
		rec := &statusRecorder{ResponseWriter: w}

		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("panic while serving a request", zap.Any("panic", v), zap.ByteString("stack", debug.Stack()))
				if rec.status == 0 {
					s.writeError(rec, r, scim.Internal(errors.New("panic")))
				}
			}
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			log.Info("request",
				zap.String("method", r.Method),
				zap.String("path", r.URL.Path),
				zap.String("app", chi.URLParamFromCtx(r.Context(), "app")),
				zap.Int("status", status),
				zap.Int64("bytes", rec.bytes),
				zap.Duration("duration", time.Since(start)),
				zap.String("remote", r.RemoteAddr),
			)
		}()
		next.ServeHTTP(rec, r)
	})
}

// authenticate admits requests that carry "Authorization: Bearer <token>".
// The comparison runs in constant time over hashes, so neither the token's
// bytes nor its length leak through timing.
func (s *Server) authenticate(next http.Handler) http.Handler {
	want := sha256.Sum256([]byte(s.cfg.Token.Reveal()))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header := strings.TrimSpace(r.Header.Get("Authorization"))
		scheme, token, hasScheme := strings.Cut(header, " ")
		var detail string
		switch {
		case header == "":
			detail = "Missing Authorization header. Send \"Authorization: Bearer <token>\"; the token is printed by \"sqlscim credentials\"."
		case !hasScheme:
			detail = "The Authorization header has no \"Bearer \" prefix. In Okta, enter the API token as \"Bearer <token>\", with a space between \"Bearer\" and the token."
		case !strings.EqualFold(scheme, "Bearer"):
			detail = "Only Bearer authentication is supported. Send \"Authorization: Bearer <token>\"."
		default:
			got := sha256.Sum256([]byte(strings.TrimSpace(token)))
			if subtle.ConstantTimeCompare(got[:], want[:]) == 1 {
				next.ServeHTTP(w, r)
				return
			}
			detail = "The bearer token is not valid."
		}
		challenge := `Bearer realm="sqlscim"`
		if header != "" {
			challenge += `, error="invalid_token"`
		}
		w.Header().Set("WWW-Authenticate", challenge)
		s.writeError(w, r, &scim.Error{Status: http.StatusUnauthorized, Detail: detail})
	})
}
