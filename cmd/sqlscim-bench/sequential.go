package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"
)

// scenarioImport is (b): the import Okta runs, GET /Users?startIndex=1&count=100,
// then 101, 201 ... sequentially to the end; and the same statements
// through the baseline (see importer). A run longer than -import-limit
// stops and is extrapolated from the pages done. The Go client does this:
// one request at a time costs a client little, and each page is parsed and
// counted.
func (r *dbRun) scenarioImport(ctx context.Context, mode string) (*row, error) {
	t := r.targets[mode]["header"]
	pages := (r.users + pageSize - 1) / pageSize
	rw := &row{id: "b", scenario: fmt.Sprintf("Import: GET /Users?startIndex=…&count=%d to the end", pageSize), mode: mode, source: t.source, unit: "users/s", client: "Go client"}
	run, err := r.importThrough(ctx, mode, t, pages)
	if err != nil {
		return nil, err
	}
	rw.elapsed, rw.extrapolated, rw.peak = run.elapsed, run.extrapolated, run.peak
	rw.cpu = cpuPerOp(run.cpu, run.seen)
	if run.extrapolated {
		rw.notes = append(rw.notes, fmt.Sprintf("stopped after %d of %d pages; time extrapolated", run.done, pages))
	}
	rw.rate = float64(r.users) / rw.elapsed.Seconds()
	rw.p50, rw.p99 = percentile(run.lat, 50), percentile(run.lat, 99)
	rw.others = run.cpu.others()

	// The same import through a tenant with get_entitlements_of_users.
	if bt, ok := r.targets[mode]["bulk"]; ok {
		bulk, err := r.importThrough(ctx, mode, bt, pages)
		if err != nil {
			return nil, err
		}
		rw.bulk = bulk.elapsed
		rw.notes = append(rw.notes, fmt.Sprintf("with get_entitlements_of_users (local tenant): %s, server CPU %s per user", secs(bulk.elapsed), us(cpuPerOp(bulk.cpu, bulk.seen).server)))
	}

	// Baselines: the same statements per page.
	for _, v := range r.b.variants(r.base[mode]) {
		br, err := r.importBaseline(ctx, mode, v, pages)
		if err != nil {
			return nil, err
		}
		if v.prepared {
			rw.base = br
		} else {
			rw.plain = br
		}
	}
	rw.notes = append(rw.notes, fmt.Sprintf("%d pages in %s (baseline %s)", pages, secs(rw.elapsed), secs(rw.base.elapsed)))
	r.rows = append(r.rows, rw)
	return rw, nil
}

// importRun is one import through a server.
type importRun struct {
	elapsed      time.Duration
	extrapolated bool
	lat          []time.Duration // sorted
	cpu          cpuSample
	done, seen   int
	peak         int64
}

// importThrough runs the import of (b) against t, page after page, on a
// server of its own. A run longer than -import-limit stops and its time is
// extrapolated from the pages done.
func (r *dbRun) importThrough(ctx context.Context, mode string, t target, pages int) (importRun, error) {
	var run importRun
	limit := r.b.opts.importLimit
	peak, err := r.withServer(ctx, "b-"+mode+"-"+t.source, func(s *server) error {
		if err := s.request(ctx, http.MethodGet, t, "/Users?count=1", nil, 200, nil); err != nil { // pool and columns
			return err
		}
		label := fmt.Sprintf("[%s %s %s] (b) import", r.lab.dialect, mode, t.source)
		stop := r.b.p.start(label, func() string {
			return fmt.Sprintf("page %d/%d, %d users", run.done, pages, run.seen)
		})
		defer stop()
		sample := sampler(s.pid, 0, r.lab.filter())
		s.window(true)
		cpu0 := sample()
		defer func() { run.cpu = sample().sub(cpu0); s.window(false) }()
		start := time.Now()
		for startIndex := 1; ; startIndex += pageSize {
			t0 := time.Now()
			var body []byte
			if err := s.request(ctx, http.MethodGet, t, fmt.Sprintf("/Users?startIndex=%d&count=%d", startIndex, pageSize), nil, 200, &body); err != nil {
				return err
			}
			var page struct {
				TotalResults int               `json:"totalResults"`
				Resources    []json.RawMessage `json:"Resources"`
			}
			if err := json.Unmarshal(body, &page); err != nil {
				return fmt.Errorf("page %d: %w", startIndex, err)
			}
			run.lat = append(run.lat, time.Since(t0))
			run.done++
			run.seen += len(page.Resources)
			if startIndex+pageSize > page.TotalResults {
				if run.seen != r.users || page.TotalResults != r.users {
					return fmt.Errorf("import saw %d users, totalResults %d, want %d", run.seen, page.TotalResults, r.users)
				}
				break
			}
			if limit > 0 && time.Since(start) > limit {
				run.extrapolated = true
				break
			}
		}
		run.elapsed = time.Since(start)
		return nil
	})
	if err != nil {
		return importRun{}, err
	}
	if run.extrapolated {
		run.elapsed = time.Duration(float64(run.elapsed) * float64(pages) / float64(run.done))
	}
	slices.Sort(run.lat)
	run.peak = peak
	return run, nil
}

// importBaseline runs the import's statements through v, page by page.
func (r *dbRun) importBaseline(ctx context.Context, mode string, v variant, pages int) (baseResult, error) {
	waitQuiet(ctx, r.b.p, r.b.opts.quietWait)
	limit := r.b.opts.importLimit
	done, seen := 0, 0
	stop := r.b.p.start(fmt.Sprintf("[%s %s] (b) import baseline (%s)", r.lab.dialect, mode, v), func() string { return fmt.Sprintf("page %d/%d", done, pages) })
	defer stop()
	if _, _, err := (&importer{v: v}).page(ctx, 1); err != nil { // warm the pool
		return baseResult{}, err
	}
	im := &importer{v: v}
	sample := sampler(0, 0, r.lab.filter())
	cpu0 := sample()
	start := time.Now()
	extrapolated := false
	for startIndex := 1; startIndex <= r.users; startIndex += pageSize {
		_, n, err := im.page(ctx, startIndex)
		if err != nil {
			return baseResult{}, err
		}
		seen += n
		done++
		if limit > 0 && time.Since(start) > limit && startIndex+pageSize <= r.users {
			extrapolated = true
			break
		}
	}
	elapsed := time.Since(start)
	c := cpuPerOp(sample().sub(cpu0), seen)
	if extrapolated {
		elapsed = time.Duration(float64(elapsed) * float64(pages) / float64(done))
	} else if seen != r.users {
		return baseResult{}, fmt.Errorf("baseline import saw %d users, want %d", seen, r.users)
	}
	return baseResult{ran: true, rate: float64(r.users) / elapsed.Seconds(), elapsed: elapsed, sql: c.client, db: c.db}, nil
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
	t := r.targets[mode]["header"]
	rw := &row{id: "c", scenario: "GET /Users, unpaged (all users, streamed)", mode: mode, source: t.source, unit: "users/s", client: "Go client"}
	var counter resourceCounter
	var cpu cpuSample
	peak, err := r.withServer(ctx, "c-"+mode, func(s *server) error {
		if err := s.request(ctx, http.MethodGet, t, "/Users?count=1", nil, 200, nil); err != nil { // pool and columns
			return err
		}
		stop := r.b.p.start(fmt.Sprintf("[%s %s] (c) unpaged list", r.lab.dialect, mode), func() string {
			return fmt.Sprintf("%d users, %d MB", counter.n, counter.bytes>>20)
		})
		defer stop()
		sample := sampler(s.pid, 0, r.lab.filter())
		s.window(true)
		cpu0 := sample()
		defer func() { cpu = sample().sub(cpu0); s.window(false) }()
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
	rw.cpu = cpuPerOp(cpu, r.users)
	rw.others = cpu.others()

	// Baselines: the same rows and the same per-user entitlement queries.
	for _, v := range r.b.variants(r.base[mode]) {
		waitQuiet(ctx, r.b.p, r.b.opts.quietWait)
		stop := r.b.p.start(fmt.Sprintf("[%s %s] (c) unpaged list baseline (%s)", r.lab.dialect, mode, v), func() string { return "running" })
		sample := sampler(0, 0, r.lab.filter())
		cpu0 := sample()
		start := time.Now()
		n, err := v.listAll(ctx)
		elapsed := time.Since(start)
		c := cpuPerOp(sample().sub(cpu0), r.users)
		stop()
		if err != nil {
			return nil, err
		}
		if n != r.users {
			return nil, fmt.Errorf("baseline list: %d users, want %d", n, r.users)
		}
		br := baseResult{ran: true, rate: float64(r.users) / elapsed.Seconds(), elapsed: elapsed, sql: c.client, db: c.db}
		if v.prepared {
			rw.base = br
		} else {
			rw.plain = br
		}
	}
	rw.notes = append(rw.notes, fmt.Sprintf("%d users, %d MB in %s (baseline %s)", counter.n, counter.bytes>>20, secs(rw.elapsed), secs(rw.base.elapsed)))
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
			notes: []string{fmt.Sprintf("%d runs, min %s, max %s", len(times), ms(times[0]), ms(times[len(times)-1]))}})
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
			notes: []string{"VmRSS 2 s after the first 200 on /Status"}})
	}
	return ctx.Err()
}
