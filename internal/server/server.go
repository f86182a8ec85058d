// Package server is the HTTPS face of sqlscim: the TLS listener, the chi
// routes under /ws/rest/{app}/scim/v2, bearer authentication, limits,
// request logging and the one place where errors become SCIM error JSON.
//
// It depends on the SCIM protocol core and on the small interfaces declared
// here, which the provisioning engine implements; it never imports a database
// package.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"go.uber.org/zap"

	"github.com/sqlscim/sqlscim/internal/scim"
	"github.com/sqlscim/sqlscim/internal/secret"
)

// Config is everything the HTTPS listener needs.
type Config struct {
	// Address is the host to listen on; empty means every interface.
	Address string
	// Port is the TCP port (OPS: 1443).
	Port int
	// ContextPath prefixes every route (OPS: /ws/rest).
	ContextPath string
	// MaxHeaderBytes bounds the request header block.
	MaxHeaderBytes int
	// MaxBodyBytes bounds request bodies; larger ones get 413.
	MaxBodyBytes int64
	// MaxResults is the largest page a client may ask for (count), and the
	// page a list request without count gets.
	MaxResults int
	// StreamUnpaged makes a list request without count stream every match
	// instead of getting a page of MaxResults.
	StreamUnpaged bool

	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	// ShutdownTimeout is how long in-flight requests may run after a stop signal.
	ShutdownTimeout time.Duration

	// Token is the bearer token clients must present.
	Token secret.String
	// Certificate is served to clients.
	Certificate tls.Certificate
	// MinTLS and MaxTLS bound the protocol versions (TLS 1.2 and 1.3 at most).
	MinTLS, MaxTLS uint16
	// ErrorStyle spells errors the RFC way or the OPS way.
	ErrorStyle scim.ErrorStyle
	// PublicURL is the scheme, host and port clients reach sqlscim by
	// (https://scim.example.com), for meta.location and Location; empty
	// means the address of the listener the request came in on. The
	// request's Host header is never used: a client chooses it.
	PublicURL string
}

// ListenAddr is the host:port the server listens on.
func (c Config) ListenAddr() string {
	return net.JoinHostPort(c.Address, fmt.Sprint(c.Port))
}

// StatusBody is OPS's exact answer to GET /Status; the agent and the lab's
// health checks look for "Scim Server is running".
const StatusBody = "✅ Scim Server is running."

// Server serves the SCIM API over HTTPS.
type Server struct {
	cfg      Config
	log      *zap.Logger
	backend  Backend
	observer Observer
	throttle *throttle
	handler  http.Handler
	router   *chi.Mux // for the route label of requests refused before routing
	auditor  Auditor
	logLimit *logLimiter
}

// New builds a server. backend serves the tenants; with a nil backend only
// /Status and the discovery documents answer. observer, if not nil, is told
// of every request for the metrics.
func New(cfg Config, log *zap.Logger, backend Backend, observer Observer) *Server {
	s := &Server{cfg: cfg, log: log, backend: backend, observer: observer, throttle: newThrottle(), logLimit: newLogLimiter()}
	s.handler = s.routes()
	return s
}

// Handler returns the complete HTTP handler, middleware included.
func (s *Server) Handler() http.Handler { return s.handler }

// TLSConfig is the server's TLS configuration: TLS 1.2 and 1.3 only, AEAD
// cipher suites with forward secrecy only, no client certificates.
func TLSConfig(cfg Config) *tls.Config {
	minV, maxV := cfg.MinTLS, cfg.MaxTLS
	if minV < tls.VersionTLS12 {
		minV = tls.VersionTLS12
	}
	if maxV == 0 || maxV > tls.VersionTLS13 {
		maxV = tls.VersionTLS13
	}
	return &tls.Config{
		Certificates: []tls.Certificate{cfg.Certificate},
		MinVersion:   minV,
		MaxVersion:   maxV,
		CipherSuites: []uint16{ // TLS 1.2; TLS 1.3 suites are all strong and not configurable
			tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
			tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
		},
		ClientAuth: tls.NoClientCert,
		NextProtos: []string{"h2", "http/1.1"},
	}
}

// Serve answers HTTPS on ln until ctx is cancelled, then stops accepting,
// lets in-flight requests finish for up to ShutdownTimeout, and returns.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		TLSConfig:         TLSConfig(s.cfg),
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		// net/http answers oversized headers itself, in plain text; it gets
		// room to spare, and limitHeaders enforces the limit as SCIM.
		MaxHeaderBytes: 2*s.cfg.MaxHeaderBytes + 64<<10,
		ErrorLog:       zap.NewStdLog(s.log.Named("http")),
		BaseContext:    func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ServeTLS(ln, "", "") }()

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down; waiting for requests in flight", zap.Duration("timeout", s.cfg.ShutdownTimeout))
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serveErr := <-errc; serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	if err != nil {
		_ = srv.Close()
		return fmt.Errorf("shutdown: requests still running after %s were cut: %w", s.cfg.ShutdownTimeout, err)
	}
	return nil
}
