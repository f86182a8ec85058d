package server

import (
	"net"
	"net/http"
	"strings"
)

// protocolEdges guards the edges of HTTP/1.1 that a handler never sees.
//
// A request with a Transfer-Encoding ends its connection (RFC 9112 §6.1):
// with a Content-Length too it may be an attempt at request smuggling,
// and the server must close the connection after responding. Go drops the
// Content-Length before a handler sees the request, so every such request
// closes its connection; clients (the agent included) send a
// Content-Length.
//
// A body declared larger than server.max_body_bytes is refused with 413
// before it is read: without this the server waited for it until the read
// timeout, and a client that asked for Expect: 100-continue got its 100.
// Go sends the 100 only when the body is first read, so refusing before
// reading sends none. The connection is closed, as its body was not read.
func (s *Server) protocolEdges(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.TransferEncoding) > 0 && r.ProtoMajor == 1 {
			w.Header().Set("Connection", "close")
		}
		if limit := s.maxBody(); r.ContentLength > limit {
			w.Header().Set("Connection", "close")
			s.writeError(w, r, tooLarge(limit))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// maxBody is the largest request body accepted.
func (s *Server) maxBody() int64 {
	if s.cfg.MaxBodyBytes > 0 {
		return s.cfg.MaxBodyBytes
	}
	return 1 << 20
}

// origin is the scheme, host and port clients reach sqlscim by, for
// meta.location and Location: server.public_url, or else the address of
// the listener the request arrived on. Never the Host header: a client
// chooses it, and it would be written into every location sqlscim gives.
func (s *Server) origin(r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return strings.TrimSuffix(s.cfg.PublicURL, "/")
	}
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		return "https://" + a.String()
	}
	return "https://localhost"
}
