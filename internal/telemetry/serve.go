package telemetry

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"
)

// AdminServer is the admin port: plain HTTP, its own listener and
// timeouts, apart from the SCIM port so that a scrape or a probe never
// waits behind provisioning traffic.
type AdminServer struct {
	srv  *http.Server
	addr net.Addr
}

// ServeAdmin listens on addr and serves h until Close. A listen error names
// the setting that chose the address.
func ServeAdmin(addr string, h http.Handler) (*AdminServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("admin.address %s: %w (choose another with --admin-address, or off)", addr, err)
	}
	a := &AdminServer{
		srv:  &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second},
		addr: ln.Addr(),
	}
	go func() { _ = a.srv.Serve(ln) }()
	return a, nil
}

// Addr is the address the admin port listens on (the port chosen when addr
// asked for port 0).
func (a *AdminServer) Addr() net.Addr { return a.addr }

// Close stops accepting, lets the requests being served finish for up to
// five seconds, then closes their connections.
func (a *AdminServer) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := a.srv.Shutdown(ctx); err != nil {
		_ = a.srv.Close()
	}
}
