package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/sqlscim/sqlscim/internal/certs"
)

func TestServeFinishesRequestsInFlightOnShutdown(t *testing.T) {
	cred, err := certs.Generate(certs.Subject{Hostname: "localhost"}, certs.Options{KeyBits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{Certificate: cred.TLSCertificate(), ShutdownTimeout: 10 * time.Second, Token: "0123456789abcdef0123456789abcdef"}, zap.NewNop(), nil, nil)
	entered := make(chan struct{})
	release := make(chan struct{})
	s.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		_, _ = io.WriteString(w, "finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()

	pool := x509.NewCertPool()
	pool.AddCert(cred.Cert)
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "localhost"}}}
	got := make(chan string, 1)
	go func() {
		resp, err := c.Get("https://" + ln.Addr().String() + "/slow")
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- string(b)
	}()

	<-entered
	cancel() // what SIGTERM does in main
	select {
	case err := <-done:
		t.Fatalf("Serve returned while a request was in flight: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	if conn, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		conn.Close()
		t.Error("new connections are still accepted during shutdown")
	}
	close(release)
	if body := <-got; body != "finished" {
		t.Errorf("request in flight got %q", body)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after the last request")
	}
}
