// Command sqlscim-bench measures sqlscim against the best a plain Go
// program does with the same driver (`make bench`; BENCHMARKS.md has the
// method).
//
// For each database it creates a throw-away lab database (sql/<dialect>)
// with -users generated active users holding 2 to 4 entitlements each,
// builds sqlscim, and starts it as a separate process (HTTPS, bearer token,
// --tenants for local-config mode, the agent's X-OKTA-ONPREM-DATA header for
// header mode) for each scenario, so that every scenario has its own peak
// resident set. wrk drives the throughput scenarios (wrk.go, wrk.lua), the
// bench's own keep-alive HTTPS client the sequential ones. The baseline
// runs the same SQL statements or procedure calls through database/sql,
// prepared once, with the same driver DSN, pool size and concurrency
// (baseline.go). The headline per scenario is the server's own overhead:
// its CPU per request, from /proc, less the baseline's database/sql CPU per
// operation.
//
// Scenarios:
//
//	a  GET /Users/{id} of random users, header mode and local mode
//	b  Okta's import: GET /Users?startIndex=1&count=100, 101, 201 ... to the end
//	c  one unpaged GET /Users of every user, streamed
//	d  POST /Users with two entitlements
//	e  PUT /Users/{id} changing two attributes and one entitlement
//	f  GET /Entitlements
//	g  cold start: exec to the first 200 on /Status, existing data directory
//	h  resident set of an idle server after start
//
// It prints one Markdown table per database on stdout, then whether each
// target is met; progress goes to stderr. It exits with status 1 when a
// scenario failed (a wrong status or a connection error). Databases,
// temporary files and processes are removed on exit, also after an error or
// Ctrl-C.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

type options struct {
	users, concurrency, pool, coldRuns int
	duration, warmup, importLimit      time.Duration
	quietWait                          time.Duration
	databases, scenarios, modes        []string
	logLevel, pprofDir, out            string
	// client drives the throughput scenarios: wrk or go.
	client     string
	unprepared bool
	keepTmp    bool
}

type bench struct {
	opts      options
	adminFlag bool
	// opsHost: /etc/OktaOnPremScimServer exists, so sqlscim serves that
	// installation's token and certificate instead of the data directory's.
	opsHost      bool
	root, tmp    string
	bin, profBin string
	dataDir      string
	p            *progress
	runs         []*dbRun
	// wrk runs the throughput scenarios; nil with -client go.
	wrk              *wrkRunner
	goVersion, flags string
	// runTime is how long the whole run took.
	runTime time.Duration
	// allocs is BenchmarkGetUser's result (allocations per request).
	allocs string
}

func main() {
	os.Exit(run())
}

func run() int {
	var o options
	var databases, scenarios, modes string
	flag.IntVar(&o.users, "users", 10000, "generated users (all active), each with 2-4 entitlements")
	flag.IntVar(&o.concurrency, "concurrency", 16, "concurrent clients for the throughput scenarios (a, d, e, f)")
	flag.IntVar(&o.pool, "pool", 10, "connections per tenant database, sqlscim (pool.max_open) and baseline alike")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "measured time of each throughput scenario")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured warm-up before each throughput scenario")
	flag.DurationVar(&o.importLimit, "import-limit", 15*time.Minute, "stop a paged import (b) after this long and extrapolate")
	flag.DurationVar(&o.quietWait, "quiet-wait", 3*time.Minute, "before each scenario, wait up to this long for other processes to use < 10% of the machine (0: do not wait)")
	flag.IntVar(&o.coldRuns, "cold-runs", 10, "cold starts measured for (g)")
	flag.StringVar(&databases, "databases", "mysql,postgresql", "databases: mysql, postgresql")
	flag.StringVar(&scenarios, "scenarios", "a,b,c,d,e,f,g,h", "scenarios to run (see the package comment)")
	flag.StringVar(&modes, "modes", "sql,procedures", "operation modes: sql (SQL statements), procedures (stored procedures)")
	flag.StringVar(&o.logLevel, "log-level", "info", "sqlscim's log level (info logs one line per request, as in production)")
	flag.StringVar(&o.pprofDir, "pprof", "", "write CPU and allocation profiles of the server's measured window of each scenario into this directory (see profserver)")
	flag.StringVar(&o.out, "o", "", "also write the report to this file")
	flag.StringVar(&o.client, "client", "wrk", "load client of the throughput scenarios (a, d, e, f): wrk, or go (the bench's own HTTPS client, whose CPU per request is several times wrk's)")
	flag.BoolVar(&o.unprepared, "unprepared", false, "also run the unprepared baseline (every statement sent as text), as a second baseline column")
	flag.BoolVar(&o.keepTmp, "keep-tmp", false, "keep the temporary directory (server logs)")
	flag.Parse()
	o.databases, o.scenarios, o.modes = splitList(databases), splitList(scenarios), splitList(modes)
	if err := o.check(); err != nil {
		fmt.Fprintln(os.Stderr, "sqlscim-bench:", err)
		return 2
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C ends the bench at once
	}()
	defer killAll()

	b := &bench{opts: o, p: newProgress(), goVersion: runtime.Version(), flags: strings.Join(os.Args[1:], " ")}
	start := time.Now()
	err := b.run(ctx)
	b.runTime = time.Since(start)
	if err == nil {
		var w io.Writer = os.Stdout
		var f *os.File
		if o.out != "" {
			if f, err = os.Create(o.out); err == nil {
				w = io.MultiWriter(os.Stdout, f)
			}
		}
		if err == nil {
			b.report(w)
		}
		if f != nil {
			f.Close()
		}
		if err == nil && b.failed() {
			fmt.Fprintln(os.Stderr, "sqlscim-bench: some scenarios failed (wrong statuses or connection errors): see the report")
			return 1
		}
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			fmt.Fprintln(os.Stderr, "sqlscim-bench: interrupted; cleaned up")
			return 130
		}
		fmt.Fprintln(os.Stderr, "sqlscim-bench:", err)
		return 1
	}
	return 0
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, strings.ToLower(f))
		}
	}
	return out
}

func (o *options) check() error {
	if o.users < 1 || o.concurrency < 1 || o.pool < 1 || o.duration <= 0 || o.coldRuns < 1 {
		return errors.New("-users, -concurrency, -pool, -duration and -cold-runs must be positive")
	}
	for _, d := range o.databases {
		if d != "mysql" && d != "postgresql" {
			return fmt.Errorf("-databases: %q is not mysql or postgresql", d)
		}
	}
	for _, m := range o.modes {
		if m != "sql" && m != "procedures" {
			return fmt.Errorf("-modes: %q is not sql or procedures", m)
		}
	}
	for _, s := range o.scenarios {
		if len(s) != 1 || s[0] < 'a' || s[0] > 'h' {
			return fmt.Errorf("-scenarios: %q is not one of a-h", s)
		}
	}
	if o.client != "wrk" && o.client != "go" {
		return fmt.Errorf("-client: %q is not wrk or go", o.client)
	}
	return nil
}

func (o *options) has(scenario string) bool {
	for _, s := range o.scenarios {
		if s == scenario {
			return true
		}
	}
	return false
}

// findRoot returns the module's top directory (where go.mod names
// github.com/sqlscim/sqlscim), from the working directory up.
func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if data, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.Contains(string(data), "module github.com/sqlscim/sqlscim\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run sqlscim-bench inside the sqlscim repository (no go.mod of github.com/sqlscim/sqlscim found)")
		}
		dir = parent
	}
}

func (b *bench) startOpts(tenants string) startOptions {
	o := startOptions{bin: b.bin, dataDir: b.dataDir, tenants: tenants, logLevel: b.opts.logLevel,
		pool: b.opts.pool, concurrency: b.opts.concurrency, adminFlag: b.adminFlag}
	if b.opsHost {
		o.logFile = filepath.Join(b.tmp, "ops-mode.log")
	}
	return o
}

func (b *bench) run(ctx context.Context) (err error) {
	if b.root, err = findRoot(); err != nil {
		return err
	}
	if b.tmp, err = os.MkdirTemp("", "sqlscim-bench-"); err != nil {
		return err
	}
	defer func() {
		killAll()
		if b.opts.keepTmp {
			b.p.note("temporary files kept in %s", b.tmp)
			return
		}
		os.RemoveAll(b.tmp)
	}()
	if b.opts.client == "wrk" && (b.opts.has("a") || b.opts.has("d") || b.opts.has("e") || b.opts.has("f")) {
		if b.wrk, err = newWrkRunner(b.tmp, b.opts.concurrency); err != nil {
			return err
		}
	}
	b.bin = filepath.Join(b.tmp, "sqlscim")
	b.p.note("building %s", b.bin)
	if err := build(ctx, b.root, "./cmd/sqlscim", b.bin); err != nil {
		return err
	}
	b.adminFlag = hasFlag(b.bin, "--admin-address")
	if st, err := os.Stat("/etc/OktaOnPremScimServer"); err == nil && st.IsDir() {
		b.opsHost = true
		b.p.note("note: /etc/OktaOnPremScimServer exists, so sqlscim runs in OPS mode with that installation's token and certificate")
	}
	if b.opts.pprofDir != "" {
		if err := os.MkdirAll(b.opts.pprofDir, 0o755); err != nil {
			return err
		}
		if b.opts.pprofDir, err = filepath.Abs(b.opts.pprofDir); err != nil {
			return err
		}
		b.profBin = filepath.Join(b.tmp, "sqlscim-pprof")
		if err := build(ctx, b.root, "./cmd/sqlscim-bench/profserver", b.profBin); err != nil {
			return err
		}
	}
	b.p.note("allocations per request: go test -bench GetUser ./internal/app")
	b.allocs = allocsPerRequest(ctx, b.root)
	// The first start generates the token, certificate and keystore; every
	// later start reuses them, as after an install.
	b.dataDir = filepath.Join(b.tmp, "data")
	b.p.note("first start: generating the credentials in %s", b.dataDir)
	o := b.startOpts("")
	o.timeout = 5 * time.Minute
	s, err := startServer(ctx, o)
	if err != nil {
		return err
	}
	s.stop()

	for _, dialect := range b.opts.databases {
		if err := b.runDatabase(ctx, dialect); err != nil {
			return fmt.Errorf("%s: %w", dialect, err)
		}
	}
	return nil
}

// runDatabase runs every selected scenario on one database: the reads of
// each mode first, then startup, then the writes (POST's users are
// deleted after each run, so every scenario sees the same users).
func (b *bench) runDatabase(ctx context.Context, dialect string) (err error) {
	b.p.note("[%s] creating the lab database", dialect)
	lab, err := createLab(ctx, dialect)
	if err != nil {
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if derr := lab.close(cctx); derr != nil && err == nil {
			err = fmt.Errorf("drop %s: %w", lab.name, derr)
		}
	}()
	t0 := time.Now()
	stop := b.p.start(fmt.Sprintf("[%s] generating %d users", dialect, b.opts.users), func() string { return "" })
	var generated int
	err = lab.generate(ctx, b.opts.users, func(done int) { generated = done })
	stop()
	if err != nil {
		return err
	}
	r := &dbRun{b: b, lab: lab, targets: map[string]map[string]target{}, base: map[string]*baseline{}}
	if r.users, err = lab.activeUsers(ctx); err != nil {
		return err
	}
	b.p.note("[%s] %d users generated in %s; %d active users in the lab", dialect, generated, secs(time.Since(t0)), r.users)
	b.runs = append(b.runs, r)

	var local []map[string]any
	for _, mode := range b.opts.modes {
		lt, err := readLabTenant(b.root, dialect+"-"+mode+".yaml", mode)
		if err != nil {
			return err
		}
		header, err := lab.header(lt)
		if err != nil {
			return err
		}
		localApp := "bench_" + dialect + "_" + mode
		local = append(local, lab.localTenant(lt, localApp))
		r.targets[mode] = map[string]target{
			"header": {app: "agent_" + dialect + "_" + mode, header: header, source: "header"},
			"local":  {app: localApp, source: "local"},
		}
		if mode == "sql" {
			local = append(local, withBulkEntitlements(lab.localTenant(lt, localApp+"_bulk")))
			r.targets[mode]["bulk"] = target{app: localApp + "_bulk", source: "bulk"}
		}
		bl, err := newBaseline(ctx, lab, lt, b.opts.pool)
		if err != nil {
			return fmt.Errorf("baseline %s: %w", lt.file, err)
		}
		defer bl.close()
		r.base[mode] = bl
	}
	r.tenants = filepath.Join(b.tmp, "tenants-"+dialect+".yaml")
	if err := writeTenants(r.tenants, local); err != nil {
		return err
	}

	for _, mode := range b.opts.modes {
		if b.opts.has("a") {
			if err := r.scenarioGetUser(ctx, mode); err != nil {
				return err
			}
		}
		if b.opts.has("c") {
			if _, err := r.scenarioList(ctx, mode); err != nil {
				return err
			}
		}
		if b.opts.has("b") {
			if _, err := r.scenarioImport(ctx, mode); err != nil {
				return err
			}
		}
		if b.opts.has("f") {
			if err := r.scenarioEntitlements(ctx, mode); err != nil {
				return err
			}
		}
	}
	if b.opts.has("g") || b.opts.has("h") {
		if err := r.scenarioStartup(ctx, b.opts.has("g"), b.opts.has("h")); err != nil {
			return err
		}
	}
	for _, mode := range b.opts.modes {
		if b.opts.has("d") {
			if err := r.scenarioCreate(ctx, mode); err != nil {
				return err
			}
		}
		if b.opts.has("e") {
			if err := r.scenarioReplace(ctx, mode); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}
