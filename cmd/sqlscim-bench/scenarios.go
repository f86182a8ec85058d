package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// target is a tenant as the load sees it: its URL app and, in header mode,
// the X-OKTA-ONPREM-DATA value.
type target struct {
	app, header string
	source      string // "header" or "local"
}

// row is one line of a result table.
type row struct {
	id       string // a, b, ...
	scenario string
	mode     string // sql, procedures, "" (startup)
	source   string // header, local
	unit     string // req/s, users/s
	rate     float64
	p50, p99 time.Duration
	base     float64 // baseline rate, same unit; 0 = none
	peak     int64   // server VmHWM
	errors   int
	notes    string
	// elapsed and baseElapsed are the wall times of a sequential scenario.
	elapsed, baseElapsed time.Duration
	extrapolated         bool
	value                time.Duration // (g)
	rss                  int64         // (h)
	// others is the largest share of the machine that processes other than
	// the bench, sqlscim and the databases took in the row's windows.
	others float64
}

func (r *row) ratio() float64 {
	if r.base == 0 {
		return 0
	}
	return r.rate / r.base
}

// dbRun is the context of one database's scenarios.
type dbRun struct {
	b       *bench
	lab     *labDB
	tenants string // the --tenants file
	users   int    // active users (generated + the lab's 13)
	rows    []*row
	// targets by mode: the header and local tenants of a mode.
	targets map[string]map[string]target
	base    map[string]*baseline
}

// withServer starts a fresh server for one scenario, runs fn, records the
// server's peak RSS, and stops it. name names the pprof files.
func (r *dbRun) withServer(ctx context.Context, name string, fn func(s *server) error) (peak int64, err error) {
	waitQuiet(ctx, r.b.p, r.b.opts.quietWait)
	o := r.b.startOpts(r.tenants)
	if r.b.opts.pprofDir != "" {
		o.bin = r.b.profBin
		o.env = append(o.env, "BENCH_PPROF="+filepath.Join(r.b.opts.pprofDir, r.lab.dialect+"-"+name))
	}
	s, err := startServer(ctx, o)
	if err != nil {
		return 0, err
	}
	defer s.stop()
	if err := fn(s); err != nil {
		return 0, fmt.Errorf("%w\n%s", err, s.logTail())
	}
	peak, _, err = s.memory()
	return peak, err
}

// request sends one SCIM request and checks the status; the body is
// discarded unless into is set.
func (s *server) request(ctx context.Context, method string, t target, path string, body []byte, want int, into *[]byte) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.base(t.app)+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Accept", "application/scim+json")
	if t.header != "" {
		req.Header.Set("X-OKTA-ONPREM-DATA", t.header)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/scim+json; charset=utf-8")
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want || into != nil {
		data, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		if resp.StatusCode != want {
			if len(data) > 300 {
				data = data[:300]
			}
			return fmt.Errorf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, want, data)
		}
		*into = data
		return nil
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func userPath(i int) string { return "/Users/" + url.PathEscape(userID(i)) }

// randomUser picks one of the generated users.
func (r *dbRun) randomUser(rng *rand.Rand) int { return 1 + rng.IntN(r.b.opts.users) }

// load runs op against sqlscim, then the baseline op, each for the
// configured warm-up and duration.
func (r *dbRun) load(ctx context.Context, s *server, label string, op, base opFunc) (loadResult, loadResult) {
	o := r.b.opts
	res := runLoad(ctx, r.b.p, label+" sqlscim", o.concurrency, o.warmup, o.duration, sampler(s.pid), op)
	var bres loadResult
	if base != nil && ctx.Err() == nil {
		waitQuiet(ctx, r.b.p, r.b.opts.quietWait)
		bres = runLoad(ctx, r.b.p, label+" baseline", o.concurrency, o.warmup, o.duration, sampler(0), base)
	}
	return res, bres
}

func (r *dbRun) loadRow(id, scenario, mode string, t target, res, bres loadResult, peak int64) *row {
	rw := &row{id: id, scenario: scenario, mode: mode, source: t.source, unit: "req/s", rate: res.rate(),
		p50: res.pct(50), p99: res.pct(99), base: bres.rate(), peak: peak, errors: res.errors + bres.errors}
	var notes []string
	if res.firstErr != nil {
		notes = append(notes, "first error: "+oneLine(res.firstErr.Error()))
	}
	if bres.firstErr != nil {
		notes = append(notes, "baseline error: "+oneLine(bres.firstErr.Error()))
	}
	if bres.ops > 0 {
		notes = append(notes, fmt.Sprintf("baseline p50 %s p99 %s", ms(bres.pct(50)), ms(bres.pct(99))))
	}
	if c := res.cpu.perOp(res.ops, true); c != "" {
		notes = append(notes, "CPU/req: "+c)
	}
	if c := bres.cpu.perOp(bres.ops, false); c != "" {
		notes = append(notes, "baseline CPU/op: "+c)
	}
	rw.notes = strings.Join(notes, "; ")
	rw.others = max(res.cpu.others(), bres.cpu.others())
	r.rows = append(r.rows, rw)
	return rw
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 160 {
		s = s[:157] + "..."
	}
	return strings.ReplaceAll(s, "|", "/")
}

// scenarioGetUser is (a): GET /Users/{id} of random users at the
// configured concurrency, in header mode and in local mode. The two modes
// are compared with each other as well as with the baseline, so each runs
// twice for half the duration, in the order header, local, local, header:
// a drift of the machine during the scenario (the database settling after
// the load, another process) then weighs on both alike.
func (r *dbRun) scenarioGetUser(ctx context.Context, mode string) error {
	o := r.b.opts
	bl := r.base[mode]
	base := func(ctx context.Context, w int, rng *rand.Rand) error {
		_, _, err := bl.getUser(ctx, bl.pool, userID(r.randomUser(rng)))
		return err
	}
	res := map[string]loadResult{}
	peaks := map[string]int64{}
	for i, source := range []string{"header", "local", "local", "header"} {
		t := r.targets[mode][source]
		peak, err := r.withServer(ctx, fmt.Sprintf("a-%s-%s-%d", mode, source, i+1), func(s *server) error {
			var body []byte
			if err := s.request(ctx, http.MethodGet, t, userPath(1), nil, 200, &body); err != nil {
				return err
			}
			if !bytes.Contains(body, []byte(`"entitlements"`)) {
				return fmt.Errorf("GET %s has no entitlements: %s", userPath(1), body)
			}
			label := fmt.Sprintf("[%s %s] (a) GET /Users/{id} %s, round %d of 4 sqlscim", r.lab.dialect, mode, source, i+1)
			op := func(ctx context.Context, w int, rng *rand.Rand) error {
				return s.request(ctx, http.MethodGet, t, userPath(r.randomUser(rng)), nil, 200, nil)
			}
			res[source] = res[source].merge(runLoad(ctx, r.b.p, label, o.concurrency, o.warmup, o.duration/2, sampler(s.pid), op))
			return nil
		})
		if err != nil {
			return err
		}
		peaks[source] = max(peaks[source], peak)
	}
	waitQuiet(ctx, r.b.p, o.quietWait)
	bres := runLoad(ctx, r.b.p, fmt.Sprintf("[%s %s] (a) GET /Users/{id} baseline", r.lab.dialect, mode), o.concurrency, o.warmup, o.duration, sampler(0), base)
	for _, source := range []string{"header", "local"} {
		r.loadRow("a", "GET /Users/{id}", mode, r.targets[mode][source], res[source], bres, peaks[source])
	}
	return nil
}

// scenarioEntitlements is (f): GET /Entitlements.
func (r *dbRun) scenarioEntitlements(ctx context.Context, mode string) error {
	bl := r.base[mode]
	t := r.targets[mode]["header"]
	var res, bres loadResult
	peak, err := r.withServer(ctx, "f-"+mode, func(s *server) error {
		var body []byte
		if err := s.request(ctx, http.MethodGet, t, "/Entitlements", nil, 200, &body); err != nil {
			return err
		}
		if !bytes.Contains(body, []byte(`"totalResults":10`)) {
			return fmt.Errorf("GET /Entitlements: %s", body)
		}
		res, bres = r.load(ctx, s, fmt.Sprintf("[%s %s] (f) GET /Entitlements", r.lab.dialect, mode),
			func(ctx context.Context, w int, rng *rand.Rand) error {
				return s.request(ctx, http.MethodGet, t, "/Entitlements", nil, 200, nil)
			},
			func(ctx context.Context, w int, rng *rand.Rand) error {
				n, err := bl.entitlements(ctx)
				if err == nil && n != 10 {
					err = fmt.Errorf("%d entitlements", n)
				}
				return err
			})
		return nil
	})
	if err != nil {
		return err
	}
	r.loadRow("f", "GET /Entitlements", mode, t, res, bres, peak)
	return nil
}

// postBody is the SCIM user Okta sends to create a user with two
// entitlements (the lab guide's test 2, with more attributes).
func postBody(id, username string, i int, ents []int) []byte {
	u := genUser(i)
	list := make([]any, len(ents))
	for j, e := range ents {
		list[j] = map[string]any{"value": fmt.Sprint(e), "type": "Entitlement"}
	}
	doc := map[string]any{
		"schemas":      []any{"urn:ietf:params:scim:schemas:core:2.0:User", "urn:sqlscim:schemas:extension:database:2.0:User"},
		"userName":     username,
		"name":         map[string]any{"givenName": u["FIRSTNAME"], "familyName": u["LASTNAME"]},
		"displayName":  u["DISPLAYNAME"],
		"emails":       []any{map[string]any{"value": id, "type": "work", "primary": true}},
		"active":       true,
		"entitlements": list,
		"urn:sqlscim:schemas:extension:database:2.0:User": map[string]any{
			"USER_ID": id, "USERNAME": username, "FIRSTNAME": u["FIRSTNAME"], "LASTNAME": u["LASTNAME"],
			"EMAIL": id, "TITLE": u["TITLE"], "DEPARTMENT": u["DEPARTMENT"], "CITY": u["CITY"],
			"MOBILEPHONE": u["MOBILEPHONE"], "EMPLOYEENUMBER": u["EMPLOYEENUMBER"],
		},
	}
	b, _ := json.Marshal(doc)
	return b
}

// postCols are the columns sqlscim binds for postBody (the rest are NULL).
func postCols(id, username string, i int) map[string]any {
	u := genUser(i)
	cols := map[string]any{}
	for _, c := range userColumns {
		cols[c] = nil
	}
	cols["USER_ID"], cols["USERNAME"], cols["EMAIL"] = id, username, id
	for _, c := range []string{"FIRSTNAME", "LASTNAME", "DISPLAYNAME", "TITLE", "DEPARTMENT", "CITY", "MOBILEPHONE", "EMPLOYEENUMBER"} {
		cols[c] = u[c]
	}
	return cols
}

// scenarioCreate is (d): POST /Users with two entitlements, new users only.
func (r *dbRun) scenarioCreate(ctx context.Context, mode string) error {
	bl := r.base[mode]
	t := r.targets[mode]["header"]
	var seq atomic.Int64
	next := func(kind string) (string, string, int) {
		n := seq.Add(1)
		username := fmt.Sprintf("post-%s-%s-%d", mode, kind, n)
		return username + "@example.com", username, int(n)
	}
	ents := []int{1, 3}
	var res, bres loadResult
	peak, err := r.withServer(ctx, "d-"+mode, func(s *server) error {
		id, username, i := next("check")
		var body []byte
		if err := s.request(ctx, http.MethodPost, t, "/Users", postBody(id, username, i, ents), 201, &body); err != nil {
			return err
		}
		if !bytes.Contains(body, []byte(`"entitlements"`)) {
			return fmt.Errorf("POST /Users answered without entitlements: %s", body)
		}
		res, bres = r.load(ctx, s, fmt.Sprintf("[%s %s] (d) POST /Users", r.lab.dialect, mode),
			func(ctx context.Context, w int, rng *rand.Rand) error {
				id, username, i := next("scim")
				return s.request(ctx, http.MethodPost, t, "/Users", postBody(id, username, i, ents), 201, nil)
			},
			func(ctx context.Context, w int, rng *rand.Rand) error {
				id, username, i := next("base")
				return bl.createUser(ctx, postCols(id, username, i), ents)
			})
		return nil
	})
	if err != nil {
		return err
	}
	r.loadRow("d", "POST /Users (2 entitlements)", mode, t, res, bres, peak)
	cctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return r.lab.deletePosted(cctx)
}

// putState says, per generated user, whether the last PUT changed it (1)
// or put it back (0). Worker w only touches users i with i % concurrency
// == w, so no two requests race on one user.
type putState []uint8

// putChange returns the columns and entitlements of the next PUT of user
// i: title and department changed (or changed back), and one entitlement
// swapped (or swapped back).
func (ps putState) putChange(i int) (cols map[string]any, ents []int, remove, add int) {
	u := genUser(i)
	title, dept := u["TITLE"].(string), u["DEPARTMENT"].(string)
	ents = userEnts(i)
	x, y := swapEnt(i)
	if ps[i] == 0 {
		title, dept = title+" II", dept+" Platform"
		ents = append([]int{y}, ents[1:]...)
		remove, add = x, y
	} else {
		remove, add = y, x
	}
	ps[i] ^= 1
	u["TITLE"], u["DEPARTMENT"] = title, dept
	return u, ents, remove, add
}

// putBody is the SCIM user Okta sends to update a user: the whole user,
// two attributes changed, and its entitlements.
func putBody(i int, u map[string]any, ents []int) []byte {
	list := make([]any, len(ents))
	for j, e := range ents {
		list[j] = map[string]any{"value": fmt.Sprint(e), "type": "Entitlement"}
	}
	ext := map[string]any{}
	for _, c := range userColumns {
		if u[c] != nil {
			ext[c] = u[c]
		}
	}
	doc := map[string]any{
		"schemas":      []any{"urn:ietf:params:scim:schemas:core:2.0:User", "urn:sqlscim:schemas:extension:database:2.0:User"},
		"id":           userID(i),
		"userName":     u["USERNAME"],
		"name":         map[string]any{"givenName": u["FIRSTNAME"], "familyName": u["LASTNAME"]},
		"emails":       []any{map[string]any{"value": u["EMAIL"], "type": "work", "primary": true}},
		"title":        u["TITLE"],
		"active":       true,
		"entitlements": list,
		"urn:sqlscim:schemas:extension:database:2.0:User": ext,
	}
	b, _ := json.Marshal(doc)
	return b
}

// scenarioReplace is (e): PUT /Users/{id} changing two attributes and one
// entitlement.
func (r *dbRun) scenarioReplace(ctx context.Context, mode string) error {
	bl := r.base[mode]
	t := r.targets[mode]["header"]
	c := r.b.opts.concurrency
	state := make(putState, r.b.opts.users+1)
	pick := func(w int, rng *rand.Rand) int {
		// A random user of worker w's share (users i with i % c == w).
		n := r.b.opts.users / c
		if n == 0 {
			return 0
		}
		i := w + c*rng.IntN(n)
		if i == 0 {
			i = c
		}
		return i
	}
	if r.b.opts.users < c {
		return fmt.Errorf("(e) needs at least %d users (one per worker)", c)
	}
	var res, bres loadResult
	peak, err := r.withServer(ctx, "e-"+mode, func(s *server) error {
		// Check once, and put the user back.
		for range 2 {
			u, ents, _, _ := state.putChange(1)
			var body []byte
			if err := s.request(ctx, http.MethodPut, t, userPath(1), putBody(1, u, ents), 200, &body); err != nil {
				return err
			}
			if !bytes.Contains(body, []byte(fmt.Sprintf(`"title":%q`, u["TITLE"]))) {
				return fmt.Errorf("PUT did not change the title: %s", body)
			}
		}
		res, bres = r.load(ctx, s, fmt.Sprintf("[%s %s] (e) PUT /Users/{id}", r.lab.dialect, mode),
			func(ctx context.Context, w int, rng *rand.Rand) error {
				i := pick(w, rng)
				u, ents, _, _ := state.putChange(i)
				return s.request(ctx, http.MethodPut, t, userPath(i), putBody(i, u, ents), 200, nil)
			},
			func(ctx context.Context, w int, rng *rand.Rand) error {
				i := pick(w, rng)
				u, _, remove, add := state.putChange(i)
				return bl.replaceUser(ctx, u, remove, add)
			})
		return nil
	})
	if err != nil {
		return err
	}
	r.loadRow("e", "PUT /Users/{id} (2 attributes, 1 entitlement)", mode, t, res, bres, peak)
	return nil
}

// scenarioImport is (b): the import Okta runs, GET /Users?startIndex=1&count=100,
// then 101, 201 ... sequentially to the end; and the same statements
// through the baseline (see importer). A run longer than -import-limit
// stops and is extrapolated from the pages done.
func (r *dbRun) scenarioImport(ctx context.Context, mode string) (*row, error) {
	const count = 100
	bl := r.base[mode]
	t := r.targets[mode]["header"]
	pages := (r.users + count - 1) / count
	limit := r.b.opts.importLimit
	rw := &row{id: "b", scenario: "Import: GET /Users?startIndex=…&count=100 to the end", mode: mode, source: t.source, unit: "users/s"}
	var lat []time.Duration
	var elapsed time.Duration
	var cpu, bcpu cpuSample
	done, seen := 0, 0
	peak, err := r.withServer(ctx, "b-"+mode, func(s *server) error {
		if err := s.request(ctx, http.MethodGet, t, "/Users?count=1", nil, 200, nil); err != nil { // pool and columns
			return err
		}
		label := fmt.Sprintf("[%s %s] (b) import", r.lab.dialect, mode)
		stop := r.b.p.start(label, func() string {
			return fmt.Sprintf("page %d/%d, %d users", done, pages, seen)
		})
		defer stop()
		cpu0 := sampler(s.pid)()
		defer func() { cpu = sampler(s.pid)().sub(cpu0) }()
		start := time.Now()
		for startIndex := 1; ; startIndex += count {
			t0 := time.Now()
			var body []byte
			if err := s.request(ctx, http.MethodGet, t, fmt.Sprintf("/Users?startIndex=%d&count=%d", startIndex, count), nil, 200, &body); err != nil {
				return err
			}
			var page struct {
				TotalResults int               `json:"totalResults"`
				Resources    []json.RawMessage `json:"Resources"`
			}
			if err := json.Unmarshal(body, &page); err != nil {
				return fmt.Errorf("page %d: %w", startIndex, err)
			}
			lat = append(lat, time.Since(t0))
			done++
			seen += len(page.Resources)
			if startIndex+count > page.TotalResults {
				if seen != r.users || page.TotalResults != r.users {
					return fmt.Errorf("import saw %d users, totalResults %d, want %d", seen, page.TotalResults, r.users)
				}
				break
			}
			if limit > 0 && time.Since(start) > limit {
				rw.extrapolated = true
				break
			}
		}
		elapsed = time.Since(start)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if rw.extrapolated {
		rw.notes = fmt.Sprintf("stopped after %d of %d pages (%s); time extrapolated; ", done, pages, secs(elapsed))
		elapsed = time.Duration(float64(elapsed) * float64(pages) / float64(done))
	}
	slices.Sort(lat)
	rw.elapsed, rw.peak = elapsed, peak
	rw.rate = float64(r.users) / elapsed.Seconds()
	rw.p50, rw.p99 = percentile(lat, 50), percentile(lat, 99)

	// Baseline: the same statements per page.
	waitQuiet(ctx, r.b.p, r.b.opts.quietWait)
	done, seen = 0, 0
	blabel := fmt.Sprintf("[%s %s] (b) import baseline", r.lab.dialect, mode)
	stop := r.b.p.start(blabel, func() string { return fmt.Sprintf("page %d/%d", done, pages) })
	if _, _, err := (&importer{b: bl}).page(ctx, 1, 1); err != nil { // warm the pool
		stop()
		return nil, err
	}
	im := &importer{b: bl}
	bcpu0 := sampler(0)()
	start := time.Now()
	bextra := false
	for startIndex := 1; startIndex <= r.users; startIndex += count {
		if _, n, err := im.page(ctx, startIndex, count); err != nil {
			stop()
			return nil, err
		} else {
			seen += n
		}
		done++
		if limit > 0 && time.Since(start) > limit && startIndex+count <= r.users {
			bextra = true
			break
		}
	}
	stop()
	belapsed := time.Since(start)
	bcpu = sampler(0)().sub(bcpu0)
	if bextra {
		rw.notes += fmt.Sprintf("baseline stopped after %d pages, extrapolated; ", done)
		belapsed = time.Duration(float64(belapsed) * float64(pages) / float64(done))
	} else if seen != r.users {
		return nil, fmt.Errorf("baseline import saw %d users, want %d", seen, r.users)
	}
	rw.baseElapsed = belapsed
	rw.base = float64(r.users) / belapsed.Seconds()
	rw.notes += fmt.Sprintf("%d pages in %s (baseline %s); CPU: %s; baseline CPU: %s", pages, secs(elapsed), secs(belapsed), cpu.total(true), bcpu.total(false))
	rw.others = max(cpu.others(), bcpu.others())
	r.rows = append(r.rows, rw)
	return rw, nil
}

// resourceCounter counts the users of a streamed list by their
// "resourceType":"User" (once per user, in meta), across read boundaries.
type resourceCounter struct {
	n     int
	bytes int64
	tail  []byte
}

var userMarker = []byte(`"resourceType":"User"`)

func (c *resourceCounter) Write(p []byte) (int, error) {
	c.bytes += int64(len(p))
	buf := append(c.tail, p...)
	c.n += bytes.Count(buf, userMarker)
	keep := min(len(userMarker)-1, len(buf))
	// Keep the last bytes only if they cannot hold a whole marker already counted.
	c.tail = append(c.tail[:0], buf[len(buf)-keep:]...)
	return len(p), nil
}

// scenarioList is (c): one unpaged GET /Users of every user, streamed.
func (r *dbRun) scenarioList(ctx context.Context, mode string) (*row, error) {
	bl := r.base[mode]
	t := r.targets[mode]["header"]
	rw := &row{id: "c", scenario: "GET /Users, unpaged (all users, streamed)", mode: mode, source: t.source, unit: "users/s"}
	var counter resourceCounter
	var cpu, bcpu cpuSample
	peak, err := r.withServer(ctx, "c-"+mode, func(s *server) error {
		if err := s.request(ctx, http.MethodGet, t, "/Users?count=1", nil, 200, nil); err != nil { // pool and columns
			return err
		}
		stop := r.b.p.start(fmt.Sprintf("[%s %s] (c) unpaged list", r.lab.dialect, mode), func() string {
			return fmt.Sprintf("%d users, %d MB", counter.n, counter.bytes>>20)
		})
		defer stop()
		cpu0 := sampler(s.pid)()
		defer func() { cpu = sampler(s.pid)().sub(cpu0) }()
		start := time.Now()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base(t.app)+"/Users", nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+s.token)
		req.Header.Set("X-OKTA-ONPREM-DATA", t.header)
		resp, err := s.client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			msg, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
			return fmt.Errorf("GET /Users: %d %s", resp.StatusCode, msg)
		}
		if _, err := io.Copy(&counter, resp.Body); err != nil {
			return err
		}
		rw.elapsed = time.Since(start)
		if !bytes.Contains(counter.tail, []byte("}")) || counter.n != r.users {
			return fmt.Errorf("unpaged list: %d users, want %d", counter.n, r.users)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rw.peak = peak
	rw.rate = float64(r.users) / rw.elapsed.Seconds()
	rw.p50 = rw.elapsed

	// Baseline: the same rows and the same per-user entitlement queries.
	waitQuiet(ctx, r.b.p, r.b.opts.quietWait)
	var n int
	stop := r.b.p.start(fmt.Sprintf("[%s %s] (c) unpaged list baseline", r.lab.dialect, mode), func() string { return "running" })
	bcpu0 := sampler(0)()
	start := time.Now()
	n, err = bl.listAll(ctx)
	rw.baseElapsed = time.Since(start)
	bcpu = sampler(0)().sub(bcpu0)
	stop()
	if err != nil {
		return nil, err
	}
	if n != r.users {
		return nil, fmt.Errorf("baseline list: %d users, want %d", n, r.users)
	}
	rw.base = float64(r.users) / rw.baseElapsed.Seconds()
	rw.notes = fmt.Sprintf("%d users, %d MB in %s (baseline %s); CPU: %s; baseline CPU: %s", counter.n, counter.bytes>>20, secs(rw.elapsed), secs(rw.baseElapsed), cpu.total(true), bcpu.total(false))
	rw.others = max(cpu.others(), bcpu.others())
	r.rows = append(r.rows, rw)
	return rw, nil
}

// scenarioStartup is (g) and (h): the process started again on an existing
// data directory, exec to the first 200 on /Status, several times; and the
// resident set of an idle server after start.
func (r *dbRun) scenarioStartup(ctx context.Context, doCold, doIdle bool) error {
	waitQuiet(ctx, r.b.p, r.b.opts.quietWait)
	o := r.b.startOpts(r.tenants)
	if doCold {
		var times []time.Duration
		for i := range r.b.opts.coldRuns {
			s, err := startServer(ctx, o)
			if err != nil {
				return err
			}
			times = append(times, s.ready)
			s.stop()
			r.b.p.note("[%s] (g) cold start %d/%d: %s", r.lab.dialect, i+1, r.b.opts.coldRuns, ms(s.ready))
		}
		slices.Sort(times)
		r.rows = append(r.rows, &row{id: "g", scenario: "Cold start: exec → first 200 on /Status (median)", value: percentile(times, 50),
			notes: fmt.Sprintf("%d runs, min %s, max %s", len(times), ms(times[0]), ms(times[len(times)-1]))})
	}
	if doIdle {
		s, err := startServer(ctx, o)
		if err != nil {
			return err
		}
		select {
		case <-ctx.Done():
		case <-time.After(2 * time.Second):
		}
		peak, rss, err := s.memory()
		s.stop()
		if err != nil {
			return err
		}
		r.rows = append(r.rows, &row{id: "h", scenario: "Idle RSS after start", rss: rss, peak: peak,
			notes: "VmRSS 2 s after the first 200 on /Status"})
	}
	return ctx.Err()
}
