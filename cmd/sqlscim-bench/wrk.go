package main

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The throughput scenarios (a, d, e, f) are driven by wrk, a load client in
// C whose CPU per request is a fraction of Go's net/http client's: on a
// machine where client, server and database share two cores, the client's
// CPU otherwise decides the ratio. wrk runs wrk.lua, with a table of
// parameters written above it for each run. A scenario is two wrk runs on
// one server: the warm-up, then the measured one.

//go:embed wrk.lua
var wrkScript string

// wrkReadyLimit bounds the wait for wrk's connections (TLS handshakes
// with RSA-4096 signatures on the server); wrkSettle is the pause after
// them before a window opens.
const (
	wrkReadyLimit = 30 * time.Second
	wrkSettle     = 100 * time.Millisecond
	// wrkBucket is the resolution at which wrk.lua counts responses.
	wrkBucket = 10 * time.Millisecond
)

// wrkJob is one throughput scenario as wrk runs it (see wrk.lua for kinds).
type wrkJob struct {
	kind   string // fixed, get_user, post, put
	method string
	path   string // kind fixed: the path after the SCIM base
	want   int    // the expected status
	users  int    // get_user, put: users 1..users
	body   *bodyTemplate
	// tag makes POST's user ids unique to the scenario.
	tag string
	// put holds PUT's values: title, title_changed, dept, dept_changed.
	put map[string]string
	// k is the PUT sequence of each wrk thread, carried from run to run
	// so that every visit of a user alternates (see wrk.lua).
	k *[]int64
}

// wrkRunner runs wrk with the bench's concurrency.
type wrkRunner struct {
	bin, dir       string
	threads, conns int
	seq            int
}

func newWrkRunner(dir string, concurrency int) (*wrkRunner, error) {
	bin, err := exec.LookPath("wrk")
	if err != nil {
		return nil, errors.New("wrk is not installed (Debian/Ubuntu: apt-get install wrk); it drives the throughput scenarios a, d, e and f. " +
			"-client go uses the bench's own Go client instead, whose CPU per request is higher")
	}
	return &wrkRunner{bin: bin, dir: dir, threads: wrkThreads(concurrency, runtime.NumCPU()), conns: concurrency}, nil
}

// version is wrk's version line ("wrk debian/4.1.0-3+b2 [epoll]").
func (w *wrkRunner) version() string {
	out, _ := exec.Command(w.bin, "-v").CombinedOutput()
	line, _, _ := strings.Cut(string(out), "\n")
	line, _, _ = strings.Cut(line, " Copyright")
	if line = strings.TrimSpace(line); line == "" {
		return "wrk"
	}
	return line
}

// wrkThreads is wrk's -t: one thread per core at most, and a divisor of
// the connections (wrk gives each thread connections/threads).
func wrkThreads(conns, cores int) int {
	for t := min(conns, cores); t > 1; t-- {
		if conns%t == 0 {
			return t
		}
	}
	return 1
}

// wrkOut is what one wrk run reports.
type wrkOut struct {
	// counted are the successful responses in the window.
	counted, ok, bad, requests int
	// socketErrors are connect, read, write errors and timeouts.
	socketErrors int
	firstBad     string
	// passed counts PUT visits passed over because the user's last PUT was
	// still in flight (wrk.lua).
	passed int
	// buckets are successful responses per wrkBucket since the run's start.
	buckets map[int]int
	// quantiles are 1000 response-time quantiles of the whole run.
	quantiles []time.Duration
	k         []int64
	cpu       cpuSample
}

// run runs wrk against s for t: it waits until every wrk connection is up
// (wrk.lua tells), then for the settle time, then loads for d and stops
// wrk with SIGINT. With measure, it samples the CPU at both ends of that
// window and counts the successful responses inside it; so neither wrk's
// TLS handshakes nor the time it takes to stop are measured.
func (w *wrkRunner) run(ctx context.Context, s *server, t target, job wrkJob, d time.Duration, measure bool, db dbFilter) (*wrkOut, error) {
	w.seq++
	script := filepath.Join(w.dir, fmt.Sprintf("wrk-%d.lua", w.seq))
	ready := filepath.Join(w.dir, fmt.Sprintf("wrk-%d-ready-", w.seq))
	defer func() {
		os.Remove(script)
		for i := range w.threads {
			os.Remove(ready + strconv.Itoa(i))
		}
	}()
	var k []int64
	if job.k != nil {
		k = *job.k
	}
	base := time.Now()
	// The script holds the token and the tenant's header: readable by the owner only.
	if err := os.WriteFile(script, []byte(w.params(s, t, job, base, ready, k)+"\n"+wrkScript), 0o600); err != nil {
		return nil, err
	}
	// wrk's own duration is only a bound: sqlscim-bench stops it.
	secs := int(math.Ceil((wrkReadyLimit + d + 10*time.Second).Seconds()))
	cmd := exec.Command(w.bin, "-t", strconv.Itoa(w.threads), "-c", strconv.Itoa(w.conns),
		"-d", strconv.Itoa(secs)+"s", "--timeout", "10s", "-s", script,
		fmt.Sprintf("https://127.0.0.1:%d/", s.port))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	procs.Lock()
	err := cmd.Start()
	if err == nil {
		procs.m[cmd.Process.Pid] = cmd
	}
	procs.Unlock()
	if err != nil {
		return nil, err
	}
	exited := make(chan error, 1)
	go func() {
		exited <- cmd.Wait()
		procs.Lock()
		delete(procs.m, cmd.Process.Pid)
		procs.Unlock()
	}()
	failed := func(err error) (*wrkOut, error) {
		_ = cmd.Process.Kill()
		<-exited
		return nil, fmt.Errorf("wrk: %w\n%s%s", err, stdout.String(), stderr.String())
	}

	// Wait for every thread's ready file.
	deadline := time.Now().Add(wrkReadyLimit)
	for n := 0; n < w.threads; {
		if _, err := os.Stat(ready + strconv.Itoa(n)); err == nil {
			n++
			continue
		}
		select {
		case <-ctx.Done():
			return failed(ctx.Err())
		case err := <-exited:
			exited <- err
			return failed(fmt.Errorf("exited before its connections were up: %v", err))
		case <-time.After(wrkBucket):
		}
		if time.Now().After(deadline) {
			return failed(fmt.Errorf("its connections were not all up after %s", wrkReadyLimit))
		}
	}
	// The window starts and ends on bucket boundaries.
	off := time.Since(base) + wrkSettle
	from := base.Add((off + wrkBucket - 1) / wrkBucket * wrkBucket)
	to := from.Add(d)
	out := &wrkOut{}
	sample := sampler(s.pid, cmd.Process.Pid, db)
	var c0 cpuSample
	for _, step := range []struct {
		at time.Time
		fn func()
	}{{from, func() { s.window(true); c0 = sample() }}, {to, func() { out.cpu = sample().sub(c0); s.window(false) }}} {
		select {
		case <-ctx.Done():
			return failed(ctx.Err())
		case err := <-exited:
			exited <- err
			return failed(fmt.Errorf("exited during the run: %v", err))
		case <-time.After(time.Until(step.at)):
		}
		if measure {
			step.fn()
		}
	}
	_ = cmd.Process.Signal(syscall.SIGINT)
	select {
	case err = <-exited:
	case <-time.After(10 * time.Second):
		return failed(errors.New("did not stop within 10 s of SIGINT"))
	}
	if err != nil {
		return nil, fmt.Errorf("wrk: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	if err := out.parse(stdout.String()); err != nil {
		return nil, fmt.Errorf("wrk: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	if measure {
		first, last := int(from.Sub(base)/wrkBucket), int(to.Sub(base)/wrkBucket)
		for i, n := range out.buckets {
			if i >= first && i < last {
				out.counted += n
			}
		}
	}
	if job.k != nil {
		*job.k = out.k
	}
	return out, nil
}

// params is the Lua table P of wrk.lua for one run.
func (w *wrkRunner) params(s *server, t target, job wrkJob, base time.Time, ready string, k []int64) string {
	var head strings.Builder
	fmt.Fprintf(&head, "Host: 127.0.0.1:%d\r\nAuthorization: Bearer %s\r\nAccept: application/scim+json\r\n", s.port, s.token)
	if t.header != "" {
		fmt.Fprintf(&head, "X-OKTA-ONPREM-DATA: %s\r\n", t.header)
	}
	if job.body != nil {
		head.WriteString("Content-Type: application/scim+json; charset=utf-8\r\n")
	}
	if k == nil {
		k = make([]int64, w.threads)
	}
	var p strings.Builder
	p.WriteString("P = {\n")
	field := func(name, value string) { fmt.Fprintf(&p, "  %s = %s,\n", name, value) }
	field("kind", luaString(job.kind))
	field("method", luaString(job.method))
	field("head", luaString(head.String()))
	field("prefix", luaString("/ws/rest/"+t.app+"/scim/v2"))
	field("path", luaString(job.path))
	field("users", strconv.Itoa(job.users))
	field("id", luaString("bench%07d@example.com")) // userID
	field("name", luaString("bench%07d"))           // userName
	field("id_pattern", luaString(`bench(%d+)@example%.com`))
	field("tag", luaString(fmt.Sprintf("%s-%d", job.tag, w.seq)))
	field("threads", strconv.Itoa(w.threads))
	field("conns", strconv.Itoa(w.conns/w.threads))
	field("want", strconv.Itoa(job.want))
	field("base", strconv.FormatInt(base.UnixNano(), 10))
	field("ready", luaString(ready))
	field("seed", strconv.FormatInt(time.Now().UnixNano()%1e9, 10))
	ks := make([]string, len(k))
	for i, v := range k {
		ks[i] = strconv.FormatInt(v, 10)
	}
	field("k", "{"+strings.Join(ks, ", ")+"}")
	if job.body != nil {
		field("parts", luaList(job.body.parts))
		field("slots", luaList(job.body.slots))
	}
	for _, name := range slices.Sorted(maps.Keys(job.put)) {
		field(name, luaString(job.put[name]))
	}
	p.WriteString("}\n")
	return p.String()
}

// luaString spells s as a Lua string literal.
func luaString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, "\\%03d", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func luaList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = luaString(s)
	}
	return "{" + strings.Join(q, ", ") + "}"
}

var wrkSummary = regexp.MustCompile(`^sqlscim-bench: ok=(\d+) bad=(\d+) requests=(\d+) connect=(\d+) read=(\d+) write=(\d+) timeout=(\d+) passed=(\d+) k=([\d,]*)$`)

// parse reads the lines done() of wrk.lua prints.
func (o *wrkOut) parse(stdout string) error {
	found := 0
	sc := bufio.NewScanner(strings.NewReader(stdout))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := wrkSummary.FindStringSubmatch(line); m != nil {
			n := make([]int, 8)
			for i := range n {
				n[i], _ = strconv.Atoi(m[i+1])
			}
			o.ok, o.bad, o.requests = n[0], n[1], n[2]
			o.socketErrors = n[3] + n[4] + n[5] + n[6]
			o.passed = n[7]
			for _, f := range strings.Split(m[9], ",") {
				if v, err := strconv.ParseInt(f, 10, 64); err == nil {
					o.k = append(o.k, v)
				}
			}
			found++
		} else if rest, ok := strings.CutPrefix(line, "sqlscim-bench-buckets: "); ok {
			o.buckets = map[int]int{}
			for _, f := range strings.Split(rest, ",") {
				i, n, ok := strings.Cut(f, ":")
				bi, err1 := strconv.Atoi(i)
				bn, err2 := strconv.Atoi(n)
				if !ok || err1 != nil || err2 != nil {
					return fmt.Errorf("bucket %q", f)
				}
				o.buckets[bi] += bn
			}
			found++
		} else if rest, ok := strings.CutPrefix(line, "sqlscim-bench-latency: "); ok {
			for _, f := range strings.Split(rest, ",") {
				us, err := strconv.ParseInt(f, 10, 64)
				if err != nil {
					return fmt.Errorf("latency %q: %v", f, err)
				}
				o.quantiles = append(o.quantiles, time.Duration(us)*time.Microsecond)
			}
			found++
		} else if rest, ok := strings.CutPrefix(line, "sqlscim-bench-first-bad: "); ok {
			o.firstBad = rest
			found++
		}
	}
	if found != 4 {
		return errors.New("wrk.lua's summary is missing")
	}
	return nil
}

// failures is the run's wrong statuses and socket errors, as an error.
func (o *wrkOut) failures() (int, error) {
	n := o.bad + o.socketErrors
	switch {
	case o.bad > 0:
		return n, fmt.Errorf("%d responses with a wrong status, the first: %s", o.bad, o.firstBad)
	case o.socketErrors > 0:
		return n, fmt.Errorf("%d connection errors or timeouts (wrk)", o.socketErrors)
	}
	return 0, nil
}

// bodyTemplate is a request body with slots: parts[0], the value of
// slots[0], parts[1], ... Markers @@NAME@@ inside a JSON string are slots
// for text; a JSON string that is only "@@ENTS@@" is a slot for JSON.
type bodyTemplate struct {
	parts, slots []string
}

var slotPattern = regexp.MustCompile(`"@@(ENTS)@@"|@@([A-Z]+)@@`)

func newBodyTemplate(doc []byte) *bodyTemplate {
	s, t, last := string(doc), &bodyTemplate{}, 0
	for _, m := range slotPattern.FindAllStringSubmatchIndex(s, -1) {
		t.parts = append(t.parts, s[last:m[0]])
		if m[2] >= 0 {
			t.slots = append(t.slots, s[m[2]:m[3]])
		} else {
			t.slots = append(t.slots, s[m[4]:m[5]])
		}
		last = m[1]
	}
	t.parts = append(t.parts, s[last:])
	return t
}

// fill returns the body with vals in its slots.
func (t *bodyTemplate) fill(vals map[string]string) []byte {
	var b bytes.Buffer
	b.WriteString(t.parts[0])
	for i, s := range t.slots {
		b.WriteString(vals[s])
		b.WriteString(t.parts[i+1])
	}
	return b.Bytes()
}
