package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

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
		log.Error("request failed", zap.Int("status", se.Status), zap.String("detail", se.Detail), zap.Error(se.Cause))
	case se.Cause != nil:
		log.Debug("request refused", zap.Int("status", se.Status), zap.String("detail", se.Detail), zap.Error(se.Cause))
	}
	if se.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(se.RetryAfter))
	}
	audit.From(r.Context()).Refused(se.Status, string(se.Type), se.Detail)
	writeJSON(w, se.Status, se.Body(s.cfg.ErrorStyle))
}

// writeJSON writes v as a SCIM JSON document.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var body []byte
	var err error
	switch x := v.(type) {
	case scim.Resource, scim.ListResponse, map[string]any:
		// The SCIM encoder writes these directly, no reflection.
		body, err = scim.AppendJSON(make([]byte, 0, 2048), x)
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
