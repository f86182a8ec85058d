package app

import (
	"fmt"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sqlscim/sqlscim/internal/testsupport/dbtest"
	"github.com/sqlscim/sqlscim/internal/testsupport/faultproxy"
	"github.com/sqlscim/sqlscim/internal/testsupport/labtest"
)

// queryTimeout is the database timeout of the fault tests.
const queryTimeout = 2 * time.Second

// faultLab is a lab database reached through a fault proxy, served by a
// real sqlscim with the configuration in the agent's header.
type faultLab struct {
	t      *testing.T
	d      *dbtest.Database
	proxy  *faultproxy.Proxy
	a      *agent
	in     *instance
	marker string // text of the add_entitlement_to_user statement
}

func newFaultLab(t *testing.T, dialect, file, marker string) *faultLab {
	t.Helper()
	d := labtest.Database(t, dialect)
	proxy, err := faultproxy.Start(fmt.Sprintf("%s:%d", d.Conn.Host, d.Conn.Port))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	viaProxy := *d
	viaProxy.Conn.Host, viaProxy.Conn.Port = proxy.Host(), proxy.Port()

	dataDir := t.TempDir()
	cfgFile := headerConfig(t, fmt.Sprintf("pool:\n  query_timeout: %s\n", queryTimeout))
	in := start(t, testConfig(t), "--data-dir", dataDir, "--demo", "false", "--config", cfgFile, "--log-level", "error")
	a := &agent{t: t, c: client(readCert(t, filepath.Join(dataDir, "certs", "OktaOnPremScimServer-local.crt")), 0, 0),
		base: in.url(""), token: tokenOf(t, filepath.Join(dataDir, "conf", "config-local.properties")),
		header: agentHeader(t, file, &viaProxy)}
	return &faultLab{t: t, d: d, proxy: proxy, a: a, in: in, marker: marker}
}

// timed runs a request and returns its status, Retry-After and duration.
func (f *faultLab) timed(method, path string, body []byte) (int, string, time.Duration) {
	f.t.Helper()
	req, _ := http.NewRequest(method, f.a.base+path, strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+f.a.token)
	req.Header.Set("X-OKTA-ONPREM-DATA", f.a.header)
	if body != nil {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	start := time.Now()
	resp, err := f.a.c.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Retry-After"), time.Since(start)
}

// recovers polls until a read succeeds and returns how long it took.
func (f *faultLab) recovers(limit time.Duration) time.Duration {
	f.t.Helper()
	start := time.Now()
	for time.Since(start) < limit {
		if status, _, _ := f.timed("GET", "/Users/luke.skywalker@galaxy.local", nil); status == 200 {
			return time.Since(start)
		}
		time.Sleep(50 * time.Millisecond)
	}
	f.t.Fatalf("no recovery within %s", limit)
	return 0
}

// rows counts rows in the real database, past the proxy.
func (f *faultLab) rows(query string, arg any) int {
	f.t.Helper()
	if f.d.Conn.Type == "postgresql" {
		query = strings.Replace(query, "?", "$1", 1)
	}
	var n int
	if err := f.d.DB.QueryRow(query, arg).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func createBody(id string, ents ...string) []byte {
	var list []string
	for _, e := range ents {
		list = append(list, `{"value":"`+e+`"}`)
	}
	return []byte(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"` + id + `",` +
		`"name":{"givenName":"Fault","familyName":"Test"},"emails":[{"value":"` + id + `","primary":true}],` +
		`"entitlements":[` + strings.Join(list, ",") + `],` +
		`"urn:sqlscim:schemas:extension:database:2.0:User":{"USERNAME":"` + strings.Split(id, "@")[0] + `"}}`)
}

// TestDatabaseFaults puts a refusing, cutting, slow and black-holed network
// between sqlscim and MariaDB or PostgreSQL, and checks that clients get
// 503 with Retry-After in bounded time, that nothing is half-written, that
// service comes back by itself, and that nothing leaks.
func TestDatabaseFaults(t *testing.T) {
	for _, lab := range []struct{ dialect, file, marker string }{
		{"mysql", "mysql-procedures.yaml", "ADD_ENTITLEMENT_TO_USER"},
		{"postgresql", "postgresql-sql.yaml", "INSERT INTO USERENTITLEMENTS"},
	} {
		t.Run(lab.dialect, func(t *testing.T) {
			f := newFaultLab(t, lab.dialect, lab.file, lab.marker)
			if status, _, _ := f.timed("GET", "/Users/luke.skywalker@galaxy.local", nil); status != 200 {
				t.Fatalf("before the faults: %d", status)
			}
			runtime.GC()
			goroutinesBefore, connsBefore := runtime.NumGoroutine(), f.proxy.Conns()

			// Connections refused, the pooled ones cut.
			f.proxy.Refuse()
			f.proxy.CutAll()
			status, retry, took := f.timed("GET", "/Users/luke.skywalker@galaxy.local", nil)
			if status != 503 || retry == "" || took > queryTimeout+time.Second {
				t.Errorf("database refusing: %d Retry-After %q after %s", status, retry, took)
			}
			if err := f.proxy.Accept(); err != nil {
				t.Fatal(err)
			}
			if d := f.recovers(2 * time.Second); d > 2*time.Second {
				t.Errorf("recovered after %s", d)
			}

			// A black hole: the request gives up after the query timeout.
			f.proxy.Blackhole(true)
			status, retry, took = f.timed("GET", "/Users/luke.skywalker@galaxy.local", nil)
			if status != 503 || retry == "" {
				t.Errorf("black hole: %d Retry-After %q", status, retry)
			}
			if took > queryTimeout+2*time.Second {
				t.Errorf("black hole: the request hung for %s, the timeout is %s", took, queryTimeout)
			}
			f.proxy.Blackhole(false)
			f.proxy.CutAll()
			f.recovers(2 * time.Second)

			// Cut in the middle of a create: after create_user, before the
			// first entitlement. Nothing may remain.
			f.proxy.CutOn([]byte(f.marker))
			status, _, _ = f.timed("POST", "/Users", createBody("cut@example.com", "1", "2"))
			if status != 503 {
				t.Errorf("create cut mid-transaction: %d", status)
			}
			if f.proxy.Cuts() == 0 {
				t.Error("the proxy never saw the entitlement statement")
			}
			f.proxy.CutOn(nil)
			if n := f.rows("SELECT COUNT(*) FROM USERS WHERE USER_ID = ?", "cut@example.com"); n != 0 {
				t.Errorf("half-written user: %d row(s)", n)
			}
			if n := f.rows("SELECT COUNT(*) FROM USERENTITLEMENTS WHERE USER_ID = ?", "cut@example.com"); n != 0 {
				t.Errorf("half-written entitlements: %d row(s)", n)
			}
			f.recovers(2 * time.Second)
			if status, _, _ := f.timed("POST", "/Users", createBody("cut@example.com", "1", "2")); status != 201 {
				t.Errorf("the retried create: %d", status)
			}
			if n := f.rows("SELECT COUNT(*) FROM USERENTITLEMENTS WHERE USER_ID = ?", "cut@example.com"); n != 2 {
				t.Errorf("after the retry: %d entitlement rows", n)
			}

			// Latency slows requests down but they succeed.
			f.proxy.Latency(50 * time.Millisecond)
			if status, _, _ := f.timed("GET", "/Users/luke.skywalker@galaxy.local", nil); status != 200 {
				t.Errorf("with latency: %d", status)
			}
			f.proxy.Latency(0)

			// Nothing leaked: goroutines settle back, no connection stays busy.
			// The pool may keep more idle connections than before (up to
			// pool.max_open, by design); each one held through the proxy
			// keeps four goroutines (the proxy's serve and two pumps, the
			// driver's watcher), which are not leaks.
			f.a.c.CloseIdleConnections()
			allowed := func() int { return goroutinesBefore + 5 + 4*max(0, f.proxy.Conns()-connsBefore) }
			deadline := time.Now().Add(5 * time.Second)
			for runtime.NumGoroutine() > allowed() && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			if n, limit := runtime.NumGoroutine(), allowed(); n > limit {
				buf := make([]byte, 1<<20)
				t.Errorf("goroutines: %d before the faults (%d database connections), %d after (%d; at most %d allowed)\n%s",
					goroutinesBefore, connsBefore, n, f.proxy.Conns(), limit, buf[:runtime.Stack(buf, true)])
			}
		})
	}
}

// TestLoadWithFaults drives creates and reads at a steady rate for a few
// seconds while the database refuses connections and loses statements, then
// checks that the database holds every acknowledged write, whole, nothing
// half-written, and that the heap is back near where it started.
//
// A create whose connection is cut after the database committed it but
// before the answer arrived is in the database although its client got a
// 503: no server can know the outcome of a COMMIT whose reply was lost. So
// a create answered 503 may be there, but only whole (its entitlements
// with it); a create answered anything else that is there is a lost
// acknowledgement.
func TestLoadWithFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	f := newFaultLab(t, "mysql", "mysql-sql.yaml", "INSERT INTO USERENTITLEMENTS")
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	const (
		duration = 8 * time.Second
		interval = 20 * time.Millisecond // 50 requests a second
	)
	var mu sync.Mutex
	acked := map[string]bool{}
	inDoubt := map[string]bool{} // answered 503: committed or not
	statuses := map[int]int{}
	var wg sync.WaitGroup
	start := time.Now()
	tick := time.NewTicker(interval)
	for i := 0; time.Since(start) < duration; i++ {
		<-tick.C
		switch elapsed := time.Since(start); {
		case elapsed > 2*time.Second && elapsed < 3*time.Second:
			f.proxy.Refuse()
			f.proxy.CutAll()
		case elapsed > 3*time.Second && elapsed < 4*time.Second:
			f.proxy.Accept()
			f.proxy.CutOn([]byte(f.marker))
		case elapsed > 4*time.Second && elapsed < 5*time.Second:
			f.proxy.CutOn(nil)
			f.proxy.Latency(20 * time.Millisecond)
		case elapsed > 5*time.Second:
			f.proxy.Latency(0)
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			var status int
			if i%2 == 0 {
				id := fmt.Sprintf("load%05d@example.com", i)
				status, _, _ = f.timed("POST", "/Users", createBody(id, "1", "3"))
				mu.Lock()
				switch status {
				case 201:
					acked[id] = true
				case 503:
					inDoubt[id] = true
				}
				mu.Unlock()
			} else {
				status, _, _ = f.timed("GET", "/Users/luke.skywalker@galaxy.local", nil)
			}
			mu.Lock()
			statuses[status]++
			mu.Unlock()
		}(i)
	}
	tick.Stop()
	wg.Wait()
	t.Logf("statuses: %v; %d creates acknowledged", statuses, len(acked))
	for status := range statuses {
		if status != 200 && status != 201 && status != 503 {
			t.Errorf("%d answers with status %d: only 2xx and 503 are expected", statuses[status], status)
		}
	}
	if statuses[503] == 0 || len(acked) == 0 {
		t.Errorf("the faults did not bite or nothing succeeded: %v", statuses)
	}

	rows, err := f.d.DB.Query("SELECT USER_ID FROM USERS WHERE USER_ID LIKE 'load%'")
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{}
	for rows.Next() {
		var id string
		rows.Scan(&id)
		stored[id] = true
	}
	rows.Close()
	for id := range acked {
		if !stored[id] {
			t.Errorf("acknowledged %s is not in the database", id)
		}
		if n := f.rows("SELECT COUNT(*) FROM USERENTITLEMENTS WHERE USER_ID = ?", id); n != 2 {
			t.Errorf("acknowledged %s has %d entitlements", id, n)
		}
	}
	committedUnanswered := 0
	for id := range stored {
		switch {
		case acked[id]:
		case inDoubt[id]:
			committedUnanswered++
			if n := f.rows("SELECT COUNT(*) FROM USERENTITLEMENTS WHERE USER_ID = ?", id); n != 2 {
				t.Errorf("%s, answered 503, is in the database half-written: %d of 2 entitlements", id, n)
			}
		default:
			t.Errorf("%s is in the database but its create was neither acknowledged nor answered 503", id)
		}
	}
	t.Logf("%d creates answered 503 were committed before their connection was cut", committedUnanswered)

	f.a.c.CloseIdleConnections()
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	t.Logf("heap in use: %d MB before, %d MB after", before.HeapInuse>>20, after.HeapInuse>>20)
	if after.HeapInuse > before.HeapInuse+32<<20 {
		t.Errorf("heap grew from %d MB to %d MB", before.HeapInuse>>20, after.HeapInuse>>20)
	}
}
