package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// wrkUnderTest is a wrkRunner against an HTTPS test server that answers
// with answer, or skips the test without wrk (under CI=true, .ci/run
// installs it, so a missing wrk fails).
func wrkUnderTest(t *testing.T, answer http.HandlerFunc) (*wrkRunner, *server) {
	t.Helper()
	if _, err := exec.LookPath("wrk"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("wrk is not installed, although .ci/run installs it")
		}
		t.Skip("wrk is not installed")
	}
	ts := httptest.NewTLSServer(answer)
	t.Cleanup(ts.Close)
	u, _ := url.Parse(ts.URL)
	port, _ := strconv.Atoi(u.Port())
	w, err := newWrkRunner(t.TempDir(), 4)
	if err != nil {
		t.Fatal(err)
	}
	return w, &server{port: port, token: "tok", pid: os.Getpid()}
}

// The requests wrk.lua builds are the ones the Go client sends: the
// headers, random generated users for GET, new users for POST, and for PUT
// each thread's own users with the very bodies putTemplate and putValues
// make, never two PUTs of one user at once (some answers are slowed down
// so that the thread's other connections go round its users meanwhile), and
// visits that alternate between changed and changed back.
func TestWrkScriptRequests(t *testing.T) {
	var mu sync.Mutex
	var problems []string
	gets, posts := map[string]bool{}, map[string]bool{}
	last, inFlight := map[int]bool{}, map[int]bool{}
	visits, repeats := 0, 0
	put, post := putTemplate(), postTemplate()
	userPath := regexp.MustCompile(`^/ws/rest/app/scim/v2/Users/bench(\d{7})@example\.com$`)
	postName := regexp.MustCompile(`"userName":"(post-x-\d+-\d+-\d+)"`)
	w, s := wrkUnderTest(t, func(rw http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		bad := func(format string, args ...any) {
			problems = append(problems, fmt.Sprintf(format, args...))
			mu.Unlock()
			rw.WriteHeader(http.StatusTeapot)
		}
		if r.Header.Get("Authorization") != "Bearer tok" || r.Header.Get("X-OKTA-ONPREM-DATA") != "eyJh" {
			bad("headers %v", r.Header)
			return
		}
		m := userPath.FindStringSubmatch(r.URL.Path)
		switch r.Method {
		case http.MethodGet:
			if m == nil {
				bad("GET %s", r.URL.Path)
				return
			}
			gets[m[1]] = true
			mu.Unlock()
			rw.WriteHeader(http.StatusOK)
		case http.MethodPost:
			n := postName.FindStringSubmatch(string(body))
			if r.URL.Path != "/ws/rest/app/scim/v2/Users" || n == nil || posts[n[1]] {
				bad("POST %s: %s", r.URL.Path, body)
				return
			}
			posts[n[1]] = true
			if want := post.fill(map[string]string{"ID": n[1] + "@example.com", "NAME": n[1]}); string(body) != string(want) {
				bad("POST body\n%s\nwant\n%s", body, want)
				return
			}
			mu.Unlock()
			rw.WriteHeader(http.StatusCreated)
		case http.MethodPut:
			if m == nil {
				bad("PUT %s", r.URL.Path)
				return
			}
			i, _ := strconv.Atoi(m[1])
			changed := strings.Contains(string(body), `"title":"`+putTitle+putSuffix+`"`)
			if want := put.fill(putValues(i, changed)); string(body) != string(want) {
				bad("PUT %d: body\n%s\nwant\n%s", i, body, want)
				return
			}
			if inFlight[i] {
				bad("two PUTs of user %d at once", i)
				return
			}
			if seen, ok := last[i]; ok && seen == changed {
				repeats++
			}
			inFlight[i], last[i] = true, changed
			visits++
			slow := visits%50 == 0
			mu.Unlock()
			if slow {
				time.Sleep(20 * time.Millisecond)
			}
			mu.Lock()
			delete(inFlight, i)
			mu.Unlock()
			fmt.Fprintf(rw, `{"id":"%s","title":"x"}`, userID(i))
		}
	})
	tgt := target{app: "app", header: "eyJh"}
	putJob := func(k *[]int64) wrkJob {
		return wrkJob{kind: "put", method: http.MethodPut, users: 24, body: put, want: 200, k: k,
			put: map[string]string{"title": putTitle, "title_changed": putTitle + putSuffix, "dept": putDept, "dept_changed": putDept + putSuffix}}
	}
	run := func(job wrkJob) *wrkOut {
		t.Helper()
		out, err := w.run(context.Background(), s, tgt, job, 300*time.Millisecond, true, dbFilter{dialect: "none"})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := out.failures(); n > 0 || out.counted == 0 || out.counted > out.ok {
			t.Errorf("%s: %d failures (%v), %d counted of %d", job.kind, n, err, out.counted, out.ok)
		}
		return out
	}

	run(wrkJob{kind: "get_user", method: http.MethodGet, users: 20, want: 200})
	run(wrkJob{kind: "post", method: http.MethodPost, body: post, tag: "x", want: 201})
	// 24 users for 2 threads of 2 connections; a second run carries on
	// where the first stopped.
	var k []int64
	run(putJob(&k))
	if len(k) != w.threads {
		t.Fatalf("k = %v after the first PUT run, want one per thread", k)
	}
	run(putJob(&k))

	mu.Lock()
	defer mu.Unlock()
	if len(problems) > 0 {
		t.Fatalf("%d wrong requests, the first: %s", len(problems), problems[0])
	}
	if len(gets) < 10 {
		t.Errorf("GET asked for %d distinct users of 20", len(gets))
	}
	if len(last) != 24 {
		t.Errorf("PUT visited %d users, want 24", len(last))
	}
	for i := range last {
		if i < 1 || i > 24 {
			t.Errorf("PUT user %d, outside 1..24", i)
		}
	}
	// A visit repeats the last one only after a user was passed over.
	if visits < 100 || repeats > visits/20 {
		t.Errorf("%d PUTs, %d of them repeating the user's last one", visits, repeats)
	}
}

// A status other than the expected one is counted as bad, never as a
// success, and its body is reported.
func TestWrkScriptCountsWrongStatuses(t *testing.T) {
	w, s := wrkUnderTest(t, func(rw http.ResponseWriter, r *http.Request) {
		rw.WriteHeader(http.StatusInternalServerError)
		io.WriteString(rw, `{"detail":"database down"}`)
	})
	out, err := w.run(context.Background(), s, target{app: "app"}, wrkJob{kind: "fixed", method: http.MethodGet, path: "/Entitlements", want: 200},
		200*time.Millisecond, true, dbFilter{dialect: "none"})
	if err != nil {
		t.Fatal(err)
	}
	n, ferr := out.failures()
	if out.ok != 0 || out.counted != 0 || out.bad == 0 || n != out.bad || ferr == nil || !strings.Contains(ferr.Error(), "500 {\"detail\":\"database down\"}") {
		t.Errorf("ok %d, counted %d, bad %d, failures %d: %v", out.ok, out.counted, out.bad, n, ferr)
	}
}
