package server

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/sqlscim/sqlscim/internal/audit"
	"github.com/sqlscim/sqlscim/internal/scim"
)

// stuckDisk is an audit destination that never finishes a write until
// released: a disk that stopped answering.
type stuckDisk struct{ release chan struct{} }

func (d stuckDisk) Write(p []byte) (int, error) {
	<-d.release
	return len(p), nil
}

// auditedServer is a server with an audit trail; with a stuck disk, that
// is the trail's only writer.
func auditedServer(t testing.TB, tenant Tenant, cfg audit.Config, disk *stuckDisk) (*Server, *audit.Trail) {
	t.Helper()
	var out io.Writer
	if disk != nil {
		cfg.Stdout, out = true, disk
	}
	trail, err := audit.Open(cfg, out, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if disk != nil {
			close(disk.release)
		}
		trail.Close(5 * time.Second)
	})
	s := New(Config{Token: testToken, ContextPath: "/ws/rest"}, zap.NewNop(), tenantBackend{tenant}, nil).WithAuditor(trail)
	return s, trail
}

// tenantBackend serves one tenant as "app".
type tenantBackend struct{ t Tenant }

func (b tenantBackend) Tenant(_ context.Context, app, _ string) (Tenant, error) {
	if app != "app" {
		return nil, scim.NotFound("No tenant %s.", app)
	}
	return b.t, nil
}

func serve(s *Server, method, path, token, body string) int {
	req := httptest.NewRequest(method, testBase+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec.Code
}

const renamePatch = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"x"}]}`

// Writes are audited, reads only as sampled, and requests refused before
// authentication not at all.
func TestWhatIsAudited(t *testing.T) {
	for _, c := range []struct {
		reads float64
		want  string
	}{{0, "PATCH 200,DELETE 204,POST 501"}, {1, "GET 200,PATCH 200,POST 200,DELETE 204,POST 501"}} {
		m := newMemTenant()
		m.put(scim.Resource{"id": "u1", "userName": "u1"})
		s, trail := auditedServer(t, m, audit.Config{Reads: c.reads}, nil)
		serve(s, "GET", "/Users/u1", testToken, "")
		serve(s, "PATCH", "/Users/u1", testToken, renamePatch)
		serve(s, "POST", "/Users/.search", testToken, `{}`)
		serve(s, "DELETE", "/Users/u1", testToken, "")
		serve(s, "POST", "/Groups", testToken, `{}`)
		serve(s, "DELETE", "/Users/u1", "wrong-token-wrong-token", "")
		var got []string
		evs := trail.Query(audit.Query{})
		for i := len(evs) - 1; i >= 0; i-- {
			got = append(got, evs[i].Method+" "+strconv.Itoa(evs[i].Status))
		}
		if strings.Join(got, ",") != c.want {
			t.Errorf("reads=%v: audited %q, want %q", c.reads, strings.Join(got, ","), c.want)
		}
	}
}

// A panic still leaves its event, as a failure.
func TestPanickingRequestIsAuditedAsFailure(t *testing.T) {
	s, trail := auditedServer(t, panicTenant{newMemTenant()}, audit.Config{}, nil)
	if code := serve(s, "DELETE", "/Users/u1", testToken, ""); code != 500 {
		t.Fatalf("status %d", code)
	}
	evs := trail.Query(audit.Query{})
	if len(evs) != 1 || evs[0].Status != 500 || evs[0].Outcome != audit.Failure || evs[0].UserID != "u1" {
		t.Fatalf("events: %+v", evs)
	}
}

type panicTenant struct{ *memTenant }

func (panicTenant) DeleteUser(context.Context, string) error { panic("boom") }

// A stuck audit disk never holds up a request: every request is answered,
// and the events that do not fit in the queue are dropped and counted.
func TestStuckAuditDiskNeverBlocksRequests(t *testing.T) {
	m := newMemTenant()
	m.put(scim.Resource{"id": "u1", "userName": "u1"})
	disk := &stuckDisk{release: make(chan struct{})}
	s, trail := auditedServer(t, m, audit.Config{QueueSize: 8}, disk)
	const n = 200
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	for range 4 {
		wg.Go(func() {
			for range n / 4 {
				c := serve(s, "PATCH", "/Users/u1", testToken, renamePatch)
				mu.Lock()
				codes[c]++
				mu.Unlock()
			}
		})
	}
	wg.Wait() // would hang here if a request waited for the disk
	w := trail.Writers()[0]
	if codes[200] != n || w.Dropped() < n-8-1 || len(trail.Query(audit.Query{Limit: 1000})) != n {
		t.Fatalf("codes %v, dropped %d, in the ring %d", codes, w.Dropped(), len(trail.Query(audit.Query{Limit: 1000})))
	}
}

// benchTenant answers a DELETE from memory, without keeping history.
type benchTenant struct{ *memTenant }

func (benchTenant) DeleteUser(context.Context, string) error { return nil }

// BenchmarkAuditedWrite measures a write (a DELETE, whose tenant answers
// from memory, so that the audit trail's share shows) through the whole
// handler – routing, authentication, response – with the audit trail
// off, writing to a file, and with its only writer stuck on a disk that
// never answers. A stuck writer must cost no more than a working one: the
// request only queues its event, or drops it when the queue is full.
func BenchmarkAuditedWrite(b *testing.B) {
	tenant := benchTenant{newMemTenant()}
	run := func(b *testing.B, s *Server) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if code := serve(s, "DELETE", "/Users/u1", testToken, ""); code != http.StatusNoContent {
					b.Errorf("status %d", code)
					return
				}
			}
		})
	}
	b.Run("audit=off", func(b *testing.B) {
		run(b, New(Config{Token: testToken, ContextPath: "/ws/rest"}, zap.NewNop(), tenantBackend{tenant}, nil))
	})
	b.Run("audit=file", func(b *testing.B) {
		s, _ := auditedServer(b, tenant, audit.Config{File: filepath.Join(b.TempDir(), "audit.log")}, nil)
		run(b, s)
	})
	b.Run("audit=stuck", func(b *testing.B) {
		s, trail := auditedServer(b, tenant, audit.Config{}, &stuckDisk{release: make(chan struct{})})
		run(b, s)
		b.ReportMetric(float64(trail.Writers()[0].Dropped())/float64(b.N), "dropped/op")
	})
}
