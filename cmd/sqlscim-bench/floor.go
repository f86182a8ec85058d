package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"
)

// The HTTPS floor: what a bare Go HTTPS server pays per request on this
// machine, under the same load, for the same answer. The bench serves it
// from its own process with net/http and crypto/tls, as sqlscim does: each
// request's bearer token is compared, then the handler waits as long as the
// prepared baseline's median operation (as if it queried the database, so
// that connections park and wake as they do in front of sqlscim) and
// writes the body sqlscim answered. Its CPU per request is the part of
// sqlscim's overhead that no change to sqlscim's own code removes; the
// rest – routing, the tenant, mapping, JSON, the access log, metrics and
// the garbage they leave – is sqlscim's own.
//
// The certificate is a fresh ECDSA one: handshakes are outside the
// measured window, and a connection's records cost the same whatever key
// signed the handshake.

// startFloor starts the floor server; stop ends it.
func startFloor(body []byte, wait time.Duration, concurrency int) (s *server, stop func(), err error) {
	cert, certPEM, err := floorCertificate()
	if err != nil {
		return nil, nil, err
	}
	token := rand.Text()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	auth := "Bearer " + token
	length := strconv.Itoa(len(body))
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != auth {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			time.Sleep(wait)
			w.Header().Set("Content-Type", "application/scim+json; charset=utf-8")
			w.Header().Set("Content-Length", length)
			_, _ = w.Write(body)
		}),
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0), // wrk's stop leaves handshakes unfinished
	}
	go func() { _ = srv.ServeTLS(ln, "", "") }()
	client, err := newClient(certPEM, concurrency)
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	s = &server{pid: os.Getpid(), port: ln.Addr().(*net.TCPAddr).Port, token: token, client: client, started: time.Now()}
	return s, func() { _ = srv.Close() }, nil
}

func floorCertificate() (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Minute),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key},
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}

// floor measures the HTTPS floor of a scenario whose sqlscim answer was
// body, for the requests of job with t's headers: the server's CPU per
// request over a window of half the duration. Only wrk measures it: the Go
// client's own CPU would crowd the bench process, which is the server here.
func (r *dbRun) floor(ctx context.Context, label string, t target, job wrkJob, body []byte, wait time.Duration) (time.Duration, error) {
	if r.b.wrk == nil {
		return 0, nil
	}
	waitQuiet(ctx, r.b.p, r.b.opts.quietWait)
	s, stop, err := startFloor(body, wait, r.b.opts.concurrency)
	if err != nil {
		return 0, err
	}
	defer stop()
	if err := s.request(ctx, job.method, t, "/Users", nil, job.want, nil); err != nil {
		return 0, fmt.Errorf("the HTTPS floor server: %w", err)
	}
	res, err := r.drive(ctx, s, label+" HTTPS floor", t, r.b.opts.duration/2, job, nil)
	if err != nil {
		return 0, err
	}
	if res.errors > 0 || res.ops == 0 {
		return 0, fmt.Errorf("the HTTPS floor server: %d wrong answers of %d: %v", res.errors, res.ops, res.firstErr)
	}
	return cpuPerOp(res.cpu, res.ops).server, nil
}
