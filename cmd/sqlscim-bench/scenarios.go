package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
)

// target is a tenant as the load sees it: its URL app and, in header mode,
// the X-OKTA-ONPREM-DATA value.
type target struct {
	app, header string
	source      string // "header", "local", or "bulk" (local, with get_entitlements_of_users)
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
	peak     int64 // server VmHWM
	// cpu is the CPU per request (per user for b and c) of sqlscim, the
	// load client and the database during sqlscim's window.
	cpu    perOp
	client string // the load client: wrk or the Go client
	// base is the prepared baseline, plain the unprepared one (if run).
	base, plain baseResult
	errors      int
	firstErr    string
	notes       []string
	// elapsed is the wall time of a sequential scenario (b, c).
	elapsed      time.Duration
	extrapolated bool
	// bulk is (b)'s time through a tenant with get_entitlements_of_users;
	// 0 when the mode has none (procedures list through a snapshot).
	bulk  time.Duration
	value time.Duration // (g)
	rss   int64         // (h)
	// others is the largest share of the machine that processes other than
	// the bench, sqlscim and the databases took in the row's windows.
	others float64
	// floor is the HTTPS floor's CPU per request (floor.go); 0 when not
	// measured.
	floor time.Duration
}

// perOp is CPU time per request (or per user), by process.
type perOp struct {
	server, client, db time.Duration
}

func cpuPerOp(c cpuSample, n int) perOp {
	if n <= 0 {
		return perOp{}
	}
	d := time.Duration(n)
	return perOp{server: c.server / d, client: c.client / d, db: c.db / d}
}

// baseResult is what a baseline variant measured for a row.
type baseResult struct {
	ran      bool
	rate     float64
	p50, p99 time.Duration
	// sql is database/sql's (this process's) CPU per operation, db the
	// database's.
	sql, db  time.Duration
	elapsed  time.Duration // b, c
	errors   int
	firstErr string
}

func baseFromLoad(res loadResult) baseResult {
	c := cpuPerOp(res.cpu, res.ops)
	b := baseResult{ran: true, rate: res.rate(), p50: res.pct(50), p99: res.pct(99), sql: c.client, db: c.db, errors: res.errors}
	if res.firstErr != nil {
		b.firstErr = oneLine(res.firstErr.Error())
	}
	return b
}

// ratio is sqlscim's rate over the prepared baseline's.
func (r *row) ratio() float64 {
	if r.base.rate == 0 {
		return 0
	}
	return r.rate / r.base.rate
}

// overhead is the server's own cost per request: its CPU less the prepared
// baseline's database/sql CPU for the same statements.
func (r *row) overhead() (time.Duration, bool) {
	if !r.base.ran || r.cpu.server == 0 {
		return 0, false
	}
	return r.cpu.server - r.base.sql, true
}

// failed says whether sqlscim or a baseline answered anything but the
// expected status (or the connection failed).
func (r *row) failed() bool { return r.errors > 0 || r.base.errors > 0 || r.plain.errors > 0 }

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
	// putK carries wrk's PUT sequence per thread across runs (wrk.lua).
	putK []int64
	// putState is, per generated user, whether the Go client's or the
	// baseline's last PUT changed it.
	putState putState
}

// withServer starts a fresh server for one scenario, runs fn, records the
// server's peak RSS, and stops it. name names the pprof files.
func (r *dbRun) withServer(ctx context.Context, name string, fn func(s *server) error) (peak int64, err error) {
	waitQuiet(ctx, r.b.p, r.b.opts.quietWait)
	o := r.b.startOpts(r.tenants)
	if r.b.opts.pprofDir != "" {
		o.bin, o.profile = r.b.profBin, true
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

// request sends one SCIM request with the Go client and checks the status;
// the body is discarded unless into is set.
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

// drive loads s for the warm-up and then the measured duration, with wrk
// (job) or, with -client go, the Go client (op). Wrong statuses and
// connection errors are counted in errors, never as throughput; an error
// is returned only when the client itself cannot run.
func (r *dbRun) drive(ctx context.Context, s *server, label string, t target, duration time.Duration, job wrkJob, op opFunc) (loadResult, error) {
	o := r.b.opts
	if r.b.wrk == nil {
		return runLoad(ctx, r.b.p, label+" (Go client)", o.concurrency, o.warmup, duration, sampler(s.pid, 0, r.lab.filter()), s.window, op), nil
	}
	var res loadResult
	phase := "warm-up"
	stop := r.b.p.start(label+" (wrk)", func() string { return phase })
	defer stop()
	account := func(out *wrkOut) {
		res.passed += out.passed
		n, err := out.failures()
		res.errors += n
		if err != nil && res.firstErr == nil {
			res.firstErr = err
		}
	}
	if o.warmup > 0 {
		out, err := r.b.wrk.run(ctx, s, t, job, o.warmup, false, r.lab.filter())
		if err != nil {
			return res, err
		}
		account(out)
	}
	phase = fmt.Sprintf("measuring %s", duration)
	out, err := r.b.wrk.run(ctx, s, t, job, duration, true, r.lab.filter())
	if err != nil {
		return res, err
	}
	account(out)
	res.ops, res.window, res.cpu = out.counted, duration, out.cpu
	w := float64(out.counted) / float64(max(1, len(out.quantiles)))
	for _, q := range out.quantiles {
		res.lat = append(res.lat, latency{d: q, weight: w})
	}
	phase = fmt.Sprintf("%d of %d requests in the window, %.0f req/s", out.counted, out.requests, res.rate())
	return res, nil
}

// clientName names the load client of the throughput scenarios.
func (b *bench) clientName() string {
	if b.wrk == nil {
		return "Go client"
	}
	return "wrk"
}

// baselines runs the prepared baseline and, with -unprepared, the
// unprepared one, each for the warm-up and the duration.
func (r *dbRun) baselines(ctx context.Context, label, mode string, op func(v variant) opFunc) (prep, plain baseResult) {
	o := r.b.opts
	bl := r.base[mode]
	for _, v := range r.b.variants(bl) {
		waitQuiet(ctx, r.b.p, o.quietWait)
		res := runLoad(ctx, r.b.p, fmt.Sprintf("%s baseline (%s)", label, v), o.concurrency, o.warmup, o.duration, sampler(0, 0, r.lab.filter()), nil, op(v))
		if v.prepared {
			prep = baseFromLoad(res)
		} else {
			plain = baseFromLoad(res)
		}
	}
	return prep, plain
}

// variants are the baseline variants a run measures.
func (b *bench) variants(bl *baseline) []variant {
	if b.opts.unprepared {
		return []variant{bl.prepared(), bl.unprepared()}
	}
	return []variant{bl.prepared()}
}

func (r *dbRun) loadRow(id, scenario, mode string, t target, res loadResult, base, plain baseResult, peak int64) *row {
	rw := &row{id: id, scenario: scenario, mode: mode, source: t.source, unit: "req/s", rate: res.rate(),
		p50: res.pct(50), p99: res.pct(99), base: base, plain: plain, peak: peak, errors: res.errors,
		cpu: cpuPerOp(res.cpu, res.ops), client: r.b.clientName(), others: res.cpu.others()}
	if res.firstErr != nil {
		rw.firstErr = oneLine(res.firstErr.Error())
	}
	if res.passed > 0 {
		rw.notes = append(rw.notes, fmt.Sprintf("wrk passed over %d users whose last PUT was still in flight", res.passed))
	}
	r.rows = append(r.rows, rw)
	return rw
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:197] + "..."
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
	res := map[string]loadResult{}
	peaks := map[string]int64{}
	var body []byte
	job := wrkJob{kind: "get_user", method: http.MethodGet, users: o.users, want: 200}
	for i, source := range []string{"header", "local", "local", "header"} {
		t := r.targets[mode][source]
		peak, err := r.withServer(ctx, fmt.Sprintf("a-%s-%s-%d", mode, source, i+1), func(s *server) error {
			if err := s.request(ctx, http.MethodGet, t, userPath(1), nil, 200, &body); err != nil {
				return err
			}
			if !bytes.Contains(body, []byte(`"entitlements"`)) {
				return fmt.Errorf("GET %s has no entitlements: %s", userPath(1), body)
			}
			label := fmt.Sprintf("[%s %s] (a) GET /Users/{id} %s, round %d of 4", r.lab.dialect, mode, source, i+1)
			lr, err := r.drive(ctx, s, label, t, o.duration/2, job, func(ctx context.Context, w int, rng *rand.Rand) error {
				return s.request(ctx, http.MethodGet, t, userPath(r.randomUser(rng)), nil, 200, nil)
			})
			res[source] = res[source].merge(lr)
			return err
		})
		if err != nil {
			return err
		}
		peaks[source] = max(peaks[source], peak)
	}
	base, plain := r.baselines(ctx, fmt.Sprintf("[%s %s] (a) GET /Users/{id}", r.lab.dialect, mode), mode, func(v variant) opFunc {
		return func(ctx context.Context, w int, rng *rand.Rand) error {
			_, _, err := v.getUser(ctx, nil, userID(r.randomUser(rng)))
			return err
		}
	})
	for _, source := range []string{"header", "local"} {
		t := r.targets[mode][source]
		floor, err := r.floor(ctx, fmt.Sprintf("[%s %s] (a) GET /Users/{id} %s", r.lab.dialect, mode, source), t, job, body, base.p50)
		if err != nil {
			return err
		}
		r.loadRow("a", "GET /Users/{id}", mode, t, res[source], base, plain, peaks[source]).floor = floor
	}
	return nil
}

// scenarioEntitlements is (f): GET /Entitlements.
func (r *dbRun) scenarioEntitlements(ctx context.Context, mode string) error {
	t := r.targets[mode]["header"]
	var res loadResult
	var body []byte
	label := fmt.Sprintf("[%s %s] (f) GET /Entitlements", r.lab.dialect, mode)
	job := wrkJob{kind: "fixed", method: http.MethodGet, path: "/Entitlements", want: 200}
	peak, err := r.withServer(ctx, "f-"+mode, func(s *server) error {
		if err := s.request(ctx, http.MethodGet, t, "/Entitlements", nil, 200, &body); err != nil {
			return err
		}
		if !bytes.Contains(body, []byte(`"totalResults":10`)) {
			return fmt.Errorf("GET /Entitlements: %s", body)
		}
		var err error
		res, err = r.drive(ctx, s, label, t, r.b.opts.duration, job, func(ctx context.Context, w int, rng *rand.Rand) error {
			return s.request(ctx, http.MethodGet, t, "/Entitlements", nil, 200, nil)
		})
		return err
	})
	if err != nil {
		return err
	}
	base, plain := r.baselines(ctx, label, mode, func(v variant) opFunc {
		return func(ctx context.Context, w int, rng *rand.Rand) error {
			n, err := v.entitlements(ctx)
			if err == nil && n != 10 {
				err = fmt.Errorf("%d entitlements", n)
			}
			return err
		}
	})
	floor, err := r.floor(ctx, label, t, job, body, base.p50)
	if err != nil {
		return err
	}
	r.loadRow("f", "GET /Entitlements", mode, t, res, base, plain, peak).floor = floor
	return nil
}

// scenarioCreate is (d): POST /Users with two entitlements, new users only.
func (r *dbRun) scenarioCreate(ctx context.Context, mode string) error {
	t := r.targets[mode]["header"]
	var seq atomic.Int64
	next := func(kind string) (id, name string) {
		name = fmt.Sprintf("post-%s-%s-%d", mode, kind, seq.Add(1))
		return name + "@example.com", name
	}
	tmpl := postTemplate()
	label := fmt.Sprintf("[%s %s] (d) POST /Users", r.lab.dialect, mode)
	var res loadResult
	peak, err := r.withServer(ctx, "d-"+mode, func(s *server) error {
		id, name := next("check")
		var body []byte
		if err := s.request(ctx, http.MethodPost, t, "/Users", tmpl.fill(map[string]string{"ID": id, "NAME": name}), 201, &body); err != nil {
			return err
		}
		if !bytes.Contains(body, []byte(`"entitlements"`)) {
			return fmt.Errorf("POST /Users answered without entitlements: %s", body)
		}
		job := wrkJob{kind: "post", method: http.MethodPost, want: 201, body: tmpl, tag: mode}
		var err error
		res, err = r.drive(ctx, s, label, t, r.b.opts.duration, job, func(ctx context.Context, w int, rng *rand.Rand) error {
			id, name := next("go")
			return s.request(ctx, http.MethodPost, t, "/Users", tmpl.fill(map[string]string{"ID": id, "NAME": name}), 201, nil)
		})
		return err
	})
	if err != nil {
		return err
	}
	base, plain := r.baselines(ctx, label, mode, func(v variant) opFunc {
		return func(ctx context.Context, w int, rng *rand.Rand) error {
			id, name := next("base-" + v.String())
			return v.createUser(ctx, postCols(id, name), postEntitlements)
		}
	})
	r.loadRow("d", "POST /Users (2 entitlements)", mode, t, res, base, plain, peak)
	cctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return r.lab.deletePosted(cctx)
}

// scenarioReplace is (e): PUT /Users/{id} changing two attributes and one
// entitlement, or changing them back. The load client PUTs the first half
// of the generated users, the baseline the second half; each worker (wrk:
// each thread) has its own users, so that no two requests in flight touch
// one user.
func (r *dbRun) scenarioReplace(ctx context.Context, mode string) error {
	o := r.b.opts
	t := r.targets[mode]["header"]
	half := o.users / 2
	if half < 4*o.concurrency {
		return fmt.Errorf("(e) needs at least %d users (four per worker in each half)", 8*o.concurrency)
	}
	if r.putState == nil {
		r.putState = make(putState, o.users+1)
	}
	// pick is a random user of worker w's share of the users first+1 ... first+half.
	pick := func(first, w int, rng *rand.Rand) int {
		return first + 1 + w + o.concurrency*rng.IntN(half/o.concurrency)
	}
	tmpl := putTemplate()
	label := fmt.Sprintf("[%s %s] (e) PUT /Users/{id}", r.lab.dialect, mode)
	var res loadResult
	peak, err := r.withServer(ctx, "e-"+mode, func(s *server) error {
		// Check once, and put the user back.
		for range 2 {
			changed := r.putState.toggle(1)
			var body []byte
			if err := s.request(ctx, http.MethodPut, t, userPath(1), tmpl.fill(putValues(1, changed)), 200, &body); err != nil {
				return err
			}
			if want := putValues(1, changed)["TITLE"]; !bytes.Contains(body, []byte(fmt.Sprintf(`"title":%q`, want))) {
				return fmt.Errorf("PUT did not set the title to %q: %s", want, body)
			}
		}
		job := wrkJob{kind: "put", method: http.MethodPut, want: 200, users: half, body: tmpl, k: &r.putK,
			put: map[string]string{"title": putTitle, "title_changed": putTitle + putSuffix, "dept": putDept, "dept_changed": putDept + putSuffix}}
		var err error
		res, err = r.drive(ctx, s, label, t, o.duration, job, func(ctx context.Context, w int, rng *rand.Rand) error {
			i := pick(0, w, rng)
			return s.request(ctx, http.MethodPut, t, userPath(i), tmpl.fill(putValues(i, r.putState.toggle(i))), 200, nil)
		})
		return err
	})
	if err != nil {
		return err
	}
	base, plain := r.baselines(ctx, label, mode, func(v variant) opFunc {
		return func(ctx context.Context, w int, rng *rand.Rand) error {
			i := pick(half, w, rng)
			changed := r.putState.toggle(i)
			remove, add := swapEnt(i)
			if !changed {
				remove, add = add, remove
			}
			return v.replaceUser(ctx, userID(i), putCols(i, changed), remove, add)
		}
	})
	r.loadRow("e", "PUT /Users/{id} (2 attributes, 1 entitlement)", mode, t, res, base, plain, peak)
	return nil
}
