package app

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the demo database's driver, to add users
)

// countingReader counts the bytes of a streamed list.
type countingReader struct {
	r     io.Reader
	bytes int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.bytes += int64(n)
	return n, err
}

// TestHundredThousandUsersStreamInFlatMemory lists 100 000 users, unpaged
// and paged, and shows that the server's heap stays far below the size of
// the response: users stream, they are never all in memory.
func TestHundredThousandUsersStreamInFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("lists 100 000 users")
	}
	const users = 100000
	dataDir := t.TempDir()
	// Streaming every match is a setting; by default a list without count
	// gets a page of server.max_results.
	in := start(t, testConfig(t), "--data-dir", dataDir, "--log-level", "warn", "--config", headerConfig(t, "server:\n  unpaged_lists: stream\n"))

	demoDB, err := sql.Open("sqlite", filepath.Join(dataDir, "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = demoDB.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
INSERT INTO USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, EMAIL, DISPLAYNAME, TITLE, DEPARTMENT, CITY)
SELECT printf('user%06d@example.com', i), printf('user%06d', i), 'First' || i, 'Last' || i,
       printf('user%06d@example.com', i), 'User number ' || i, 'Engineer', 'Research', 'Springfield' FROM n`, users)
	demoDB.Close()
	if err != nil {
		t.Fatal(err)
	}

	token := tokenOf(t, filepath.Join(dataDir, "conf", "config-local.properties"))
	c := client(readCert(t, filepath.Join(dataDir, "certs", "OktaOnPremScimServer-local.crt")), 0, 0)
	c.Timeout = 5 * time.Minute

	// Sample the heap of this process, which is the server's, while it streams.
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak {
					peak = m.HeapInuse
				}
			}
		}
	}()

	get := func(path string) (*countingReader, map[string]any) {
		req, _ := http.NewRequestWithContext(context.Background(), "GET", in.url(path), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d", path, resp.StatusCode)
		}
		cr := &countingReader{r: resp.Body}
		// Decode as a stream too, so the test does not hold the list either.
		dec := json.NewDecoder(bufio.NewReader(cr))
		summary := map[string]any{}
		if _, err := dec.Token(); err != nil {
			t.Fatal(err)
		}
		resources := 0
		for dec.More() {
			key, _ := dec.Token()
			if key == "Resources" {
				dec.Token()
				for dec.More() {
					var skip json.RawMessage
					if err := dec.Decode(&skip); err != nil {
						t.Fatal(err)
					}
					resources++
				}
				dec.Token()
				continue
			}
			var v any
			dec.Decode(&v)
			summary[key.(string)] = v
		}
		summary["resources"] = float64(resources)
		return cr, summary
	}

	full, summary := get("/Users")
	if summary["resources"] != float64(users+13) || summary["totalResults"] != float64(users+13) {
		t.Fatalf("unpaged list: %v", summary)
	}
	for start := 1; start <= 2000; start += 100 { // the first pages of an Okta-style import
		_, s := get("/Users?count=100&startIndex=" + strconv.Itoa(start))
		if s["resources"] != float64(100) || s["totalResults"] != float64(users+13) {
			t.Fatalf("page at %d: %v", start, s)
		}
	}
	close(stop)
	wg.Wait()

	growth := int64(peak) - int64(base.HeapInuse)
	t.Logf("unpaged response %d MB; heap in use %d MB before, peak %d MB (growth %d MB)",
		full.bytes>>20, base.HeapInuse>>20, peak>>20, growth>>20)
	if full.bytes < 50<<20 {
		t.Fatalf("the response (%d bytes) is smaller than expected", full.bytes)
	}
	// Flat: the heap grows by a small fraction of what was sent.
	if growth > full.bytes/5 {
		t.Errorf("heap grew by %d MB while streaming %d MB: the list is being held in memory", growth>>20, full.bytes>>20)
	}
}
