package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestPostgresBackend(t *testing.T) {
	for _, tc := range []struct {
		cmdline  string
		database string
		backend  bool
	}{
		{"postgres: 15/main: postgres sqlscim_bench_0a 127.0.0.1(41234) idle\x00\x00", "sqlscim_bench_0a", true},
		{"postgres: postgres sqlscim_bench_0a 127.0.0.1(41234) SELECT", "sqlscim_bench_0a", true},
		{"postgres: 15/main: app other_db [local] idle in transaction", "other_db", true},
		{"postgres: 15/main: checkpointer                ", "", false},
		{"postgres: 15/main: logical replication launcher", "", false},
		{"postgres: walwriter", "", false},
		{"/usr/lib/postgresql/15/bin/postgres\x00-D\x00/var/lib/postgresql/15/main", "", false},
	} {
		db, backend := postgresBackend(tc.cmdline)
		if db != tc.database || backend != tc.backend {
			t.Errorf("postgresBackend(%q) = %q, %v; want %q, %v", tc.cmdline, db, backend, tc.database, tc.backend)
		}
	}
}

func TestWrkThreads(t *testing.T) {
	for _, tc := range []struct{ conns, cores, want int }{
		{16, 2, 2}, {15, 2, 1}, {15, 4, 3}, {1, 8, 1}, {16, 1, 1}, {12, 8, 6},
	} {
		if got := wrkThreads(tc.conns, tc.cores); got != tc.want {
			t.Errorf("wrkThreads(%d, %d) = %d, want %d", tc.conns, tc.cores, got, tc.want)
		}
	}
}

func TestLuaString(t *testing.T) {
	got := luaString("Host: a\r\nX: \"q\" \\ é")
	want := `"Host: a\013\010X: \"q\" \\ \195\169"`
	if got != want {
		t.Errorf("luaString = %s, want %s", got, want)
	}
}

// The bodies wrk fills in (wrk.lua) are the ones the Go client sends:
// valid JSON, with each slot's value in place.
func TestBodyTemplates(t *testing.T) {
	post := postTemplate()
	var doc map[string]any
	body := post.fill(map[string]string{"ID": "post-x-1@example.com", "NAME": "post-x-1"})
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("POST body is not JSON: %v\n%s", err, body)
	}
	if doc["userName"] != "post-x-1" || len(doc["entitlements"].([]any)) != 2 {
		t.Errorf("POST body: %s", body)
	}
	if ext := doc[extensionSchema].(map[string]any); ext["USER_ID"] != "post-x-1@example.com" || ext["EMAIL"] != "post-x-1@example.com" {
		t.Errorf("POST extension: %v", ext)
	}

	put := putTemplate()
	for _, changed := range []bool{true, false} {
		body := put.fill(putValues(7, changed))
		doc = nil
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatalf("PUT body is not JSON: %v\n%s", err, body)
		}
		ents := doc["entitlements"].([]any)
		if len(ents) != len(userEnts(7)) {
			t.Errorf("PUT entitlements %v, want %d", ents, len(userEnts(7)))
		}
		first := ents[0].(map[string]any)["value"]
		_, swapped := swapEnt(7)
		if (first == strconv.Itoa(swapped)) != changed {
			t.Errorf("changed=%v: first entitlement %v (swap %d)", changed, first, swapped)
		}
		ext := doc[extensionSchema].(map[string]any)
		wantTitle := putTitle
		if changed {
			wantTitle += putSuffix
		}
		if doc["id"] != userID(7) || doc["title"] != wantTitle || ext["TITLE"] != wantTitle || ext["USERNAME"] != userName(7) {
			t.Errorf("changed=%v: PUT body %s", changed, body)
		}
	}
}

func TestWrkOutParse(t *testing.T) {
	stdout := strings.Join([]string{
		"Running 40s test @ https://127.0.0.1:1234/",
		"sqlscim-bench: ok=25 bad=1 requests=27 connect=0 read=1 write=0 timeout=2 passed=3 k=5,7",
		"sqlscim-bench-buckets: 3:4,5:6,-1:0,5:1",
		"sqlscim-bench-latency: " + strings.TrimSuffix(strings.Repeat("250,", 1000), ","),
		"sqlscim-bench-first-bad: 500 {\"detail\":\"x\"}",
	}, "\n")
	var o wrkOut
	if err := o.parse(stdout); err != nil {
		t.Fatal(err)
	}
	if o.ok != 25 || o.bad != 1 || o.requests != 27 || o.socketErrors != 3 || o.passed != 3 || len(o.k) != 2 || o.k[1] != 7 {
		t.Errorf("summary: %+v", o)
	}
	if o.buckets[3] != 4 || o.buckets[5] != 7 || len(o.quantiles) != 1000 || o.quantiles[0] != 250*time.Microsecond {
		t.Errorf("buckets %v, quantiles %d", o.buckets, len(o.quantiles))
	}
	if n, err := o.failures(); n != 4 || err == nil || !strings.Contains(err.Error(), "500") {
		t.Errorf("failures = %d, %v", n, err)
	}
	if err := (&wrkOut{}).parse("Running 40s test\n"); err == nil {
		t.Error("a run without wrk.lua's summary parsed")
	}
}

func TestWeightedPercentile(t *testing.T) {
	a := loadResult{ops: 3, lat: []latency{{d: 1, weight: 1}, {d: 2, weight: 1}, {d: 3, weight: 1}}}
	b := loadResult{ops: 1, lat: []latency{{d: 10, weight: 0.5}, {d: 20, weight: 0.5}}}
	m := a.merge(b)
	if m.ops != 4 || m.pct(50) != 2 || m.pct(100) != 20 || m.pct(80) != 10 {
		t.Errorf("merged: ops %d, p50 %v, p80 %v, p100 %v", m.ops, m.pct(50), m.pct(80), m.pct(100))
	}
}

func TestBenchLine(t *testing.T) {
	out := "goos: linux\nBenchmarkGetUser-2   \t    2000\t    779142 ns/op\t   29211 B/op\t     477 allocs/op\nPASS\n"
	m := benchLine.FindStringSubmatch(out)
	if m == nil || m[1] != "29211" || m[2] != "477" {
		t.Errorf("benchLine: %q", m)
	}
}

// The floor server answers the bench's requests as sqlscim would: the body
// it was given, after the wait, to the bearer token only.
func TestFloorServer(t *testing.T) {
	body := []byte(`{"id":"x"}`)
	s, stop, err := startFloor(body, time.Millisecond, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	ctx := context.Background()
	var got []byte
	if err := s.request(ctx, http.MethodGet, target{app: "lab"}, "/Users/x", nil, http.StatusOK, &got); err != nil || string(got) != string(body) {
		t.Fatalf("GET: %v, %s", err, got)
	}
	s.token = "wrong"
	if err := s.request(ctx, http.MethodGet, target{app: "lab"}, "/Users/x", nil, http.StatusUnauthorized, nil); err != nil {
		t.Fatalf("GET with another token: %v", err)
	}
	if s.pid != os.Getpid() {
		t.Errorf("the floor's CPU is the bench process's: pid %d", s.pid)
	}
}
