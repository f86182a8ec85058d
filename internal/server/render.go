package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"

	"github.com/go-chi/chi/v5"
	"go.uber.org/zap"

	"github.com/sqlscim/sqlscim/internal/audit"
	"github.com/sqlscim/sqlscim/internal/logging"
	"github.com/sqlscim/sqlscim/internal/scim"
)

// ContentType is the media type of every SCIM response (RFC 7644 §3.1).
const ContentType = "application/scim+json; charset=utf-8"

// writeError is the one place an error leaves the server. A *scim.Error goes
// out as it is; anything else is logged with its cause and answered with a
// bare "500 Internal error.".
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	se := scim.AsError(err)
	log := logging.From(r.Context())
	switch {
	case se.Status >= 500:
		// A client can repeat a failing request at will: each kind of
		// failure (tenant, status, detail) is logged a few times a minute.
		ok, suppressed := s.logLimit.allow(chi.URLParamFromCtx(r.Context(), "app") + "\x00" + strconv.Itoa(se.Status) + "\x00" + se.Detail)
		if !ok {
			break
		}
		fields := []zap.Field{zap.String("app", chi.URLParamFromCtx(r.Context(), "app")), zap.Int("status", se.Status), zap.String("detail", se.Detail)}
		var lf logFielder
		if errors.As(se.Cause, &lf) {
			fields = append(fields, lf.LogFields()...)
		}
		fields = append(fields, zap.Error(se.Cause))
		if suppressed > 0 {
			fields = append(fields, zap.Int("suppressed_since_last", suppressed))
		}
		if se.Status == http.StatusServiceUnavailable {
			log.Warn("request failed", fields...)
		} else {
			log.Error("request failed", fields...)
		}
	case se.Cause != nil:
		log.Debug("request refused", zap.Int("status", se.Status), zap.String("detail", se.Detail), zap.Error(se.Cause))
	}
	if se.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(se.RetryAfter))
	}
	audit.From(r.Context()).Refused(se.Status, string(se.Type), se.Detail)
	writeJSON(w, se.Status, se.Body(s.cfg.ErrorStyle))
}

// logFielder is an error that knows what the log should say of it (the
// engine's failed operations name their tenant, operation and statement).
type logFielder interface {
	LogFields() []zap.Field
}

// bodyBuffers are the response buffers of writeJSON: a page of a hundred
// users is about 200 KB, which the garbage collector need not see again
// for every page.
var bodyBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// maxPooledBody bounds the buffers kept: an unpaged list's is not.
const maxPooledBody = 1 << 20

// writeJSON writes v as a SCIM JSON document.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var body []byte
	var err error
	switch x := v.(type) {
	case scim.Resource, scim.ListResponse, map[string]any:
		// The SCIM encoder writes these directly, no reflection, into a
		// buffer the next response reuses (Write does not keep it).
		buf := bodyBuffers.Get().(*[]byte)
		defer func() {
			if cap(body) <= maxPooledBody {
				*buf = body[:0]
				bodyBuffers.Put(buf)
			}
		}()
		body, err = scim.AppendJSON((*buf)[:0], x)
	default:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		err = enc.Encode(v)
		body = buf.Bytes()
	}
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"schemas":["` + scim.ErrorSchema + `"],"status":"500","detail":"Internal error."}`)
	}
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
