package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"
)

func ms(d time.Duration) string {
	switch {
	case d == 0:
		return "–"
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	case d < 10*time.Second:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return secs(d)
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func mb(n int64) string {
	if n == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

func rate(v float64, unit string) string {
	if v == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f %s", v, unit)
}

// machine describes the host: CPU, cores, memory, kernel.
func machine() string {
	cpu, memKB := "", int64(0)
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "model name"); ok && cpu == "" {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
			}
		}
		f.Close()
	}
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
				fmt.Sscan(v, &memKB)
			}
		}
		f.Close()
	}
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	return fmt.Sprintf("%s, %d cores, %.1f GiB memory, Linux %s", cpu, runtime.NumCPU(), float64(memKB)/(1<<20), strings.TrimSpace(string(kernel)))
}

func dbTitle(d string) string {
	if d == "mysql" {
		return "MariaDB/MySQL"
	}
	return "PostgreSQL"
}

// othersPeak is the largest share of the machine that other processes took
// in any measured window. The run as a whole is no measure of that: the
// sqlscim processes of finished scenarios and the database connections
// closed since are gone from /proc, and their CPU would count as others'.
func (b *bench) othersPeak() float64 {
	var peak float64
	for _, r := range b.runs {
		for _, rw := range r.rows {
			peak = max(peak, rw.others)
		}
	}
	return peak
}

// report writes the tables and the targets in Markdown.
func (b *bench) report(w io.Writer) {
	o := b.opts
	fmt.Fprintf(w, "## sqlscim-bench results\n\n")
	fmt.Fprintf(w, "- Machine: %s\n", machine())
	fmt.Fprintf(w, "- Go: %s; sqlscim built with `go build` (CGO_ENABLED=0), started as its own process per scenario\n", b.goVersion)
	for _, r := range b.runs {
		fmt.Fprintf(w, "- %s: %s\n", dbTitle(r.lab.dialect), r.lab.version)
	}
	fmt.Fprintf(w, "- Command: `sqlscim-bench %s`\n", b.flags)
	if b.opsHost {
		fmt.Fprintf(w, "- This host has an OPS installation (/etc/OktaOnPremScimServer): sqlscim ran in OPS mode with its token and certificate\n")
	}
	others := b.othersPeak()
	fmt.Fprintf(w, "- Run time %s; in the measured windows, processes other than the bench, sqlscim and the databases used at most %.0f%% of the machine%s\n",
		secs(b.runTime), 100*others, map[bool]string{true: " (**some numbers are disturbed**: the windows above 5% are flagged in the notes)", false: ""}[others > 0.05])
	fmt.Fprintf(w, "- Users: %d generated (all active, 2–4 entitlements each) + the lab's 13 active users; concurrency %d; pool %d connections (sqlscim and baseline); %s measured after %s warm-up per throughput scenario; sqlscim log level %s\n\n",
		o.users, o.concurrency, o.pool, o.duration, o.warmup, o.logLevel)
	fmt.Fprintf(w, "Ratio = sqlscim ÷ baseline (the same statements through database/sql, same DSN, pool and concurrency, no HTTP). For (b) and (c) the rates are users per second and p50 is the page latency (b) or the whole list (c).\n\n")

	for _, r := range b.runs {
		fmt.Fprintf(w, "### %s %s – %d active users\n\n", dbTitle(r.lab.dialect), r.lab.version, r.users)
		fmt.Fprintln(w, "| Scenario | Mode | Tenant from | sqlscim | p50 | p99 | Baseline | Ratio | Server peak RSS | Notes |")
		fmt.Fprintln(w, "|---|---|---|---:|---:|---:|---:|---:|---:|---|")
		for _, rw := range r.rows {
			ratio := "–"
			if rw.base > 0 {
				ratio = fmt.Sprintf("%.2f×", rw.ratio())
			}
			mode, source := rw.mode, rw.source
			if mode == "" {
				mode, source = "–", "–"
			}
			notes := rw.notes
			if rw.errors > 0 {
				notes = fmt.Sprintf("**%d errors**; %s", rw.errors, notes)
			}
			switch rw.id {
			case "g":
				fmt.Fprintf(w, "| (g) %s | %s | %s | – | %s | – | – | – | – | %s |\n", rw.scenario, mode, source, ms(rw.value), notes)
			case "h":
				fmt.Fprintf(w, "| (h) %s | %s | %s | – | – | – | – | – | %s (VmRSS %s) | %s |\n", rw.scenario, mode, source, mb(rw.peak), mb(rw.rss), notes)
			default:
				p99 := ms(rw.p99)
				if rw.id == "c" {
					p99 = "–"
				}
				fmt.Fprintf(w, "| (%s) %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", rw.id, rw.scenario, mode, source,
					rate(rw.rate, rw.unit), ms(rw.p50), p99, rate(rw.base, strings.Replace(rw.unit, "req/s", "ops/s", 1)), ratio, mb(rw.peak), notes)
			}
		}
		fmt.Fprintln(w)
	}

	fmt.Fprintf(w, "### Targets\n\n")
	fmt.Fprintln(w, "| Target | Database | Mode | Measured | Result |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, t := range b.targets() {
		res := "met"
		if !t.met {
			res = "**not met**"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", t.name, t.db, t.mode, t.measured, res)
	}
	fmt.Fprintln(w)
}

type targetResult struct {
	name, db, mode, measured string
	met                      bool
}

// targets checks every target the run has data for. Targets the brief
// defines at 100 000 users say when the run had fewer.
func (b *bench) targets() []targetResult {
	var out []targetResult
	at100k := func(users int) string {
		if users >= 100000 {
			return ""
		}
		return fmt.Sprintf(" (at %d users; the target is for 100 000)", users)
	}
	for _, r := range b.runs {
		d := dbTitle(r.lab.dialect)
		byKey := map[string]*row{}
		for _, rw := range r.rows {
			byKey[rw.id+"/"+rw.mode+"/"+rw.source] = rw
		}
		for _, rw := range r.rows {
			switch rw.id {
			case "a", "d", "e":
				if rw.base == 0 {
					continue
				}
				met := rw.ratio() >= 0.6 && rw.errors == 0
				out = append(out, targetResult{fmt.Sprintf("(%s) %s ≥ 0.6× baseline", rw.id, rw.scenario), d, rw.mode + " / " + rw.source,
					fmt.Sprintf("%.2f× (%.0f vs %.0f per s)", rw.ratio(), rw.rate, rw.base), met})
			case "b":
				c := byKey["c/"+rw.mode+"/"+rw.source]
				if c == nil {
					continue
				}
				x := rw.elapsed.Seconds() / c.elapsed.Seconds()
				ex := ""
				if rw.extrapolated {
					ex = ", extrapolated"
				}
				out = append(out, targetResult{"(b) paged import ≤ 3× unpaged list (c)", d, rw.mode,
					fmt.Sprintf("%.2f× (%s vs %s%s)%s", x, secs(rw.elapsed), secs(c.elapsed), ex, at100k(r.users)), x <= 3})
			case "c":
				out = append(out, targetResult{"(c) unpaged list: server peak RSS ≤ 80 MB", d, rw.mode,
					mb(rw.peak) + at100k(r.users), rw.peak <= 80<<20})
				out = append(out, targetResult{"(c) unpaged list ≥ 0.5× baseline", d, rw.mode,
					fmt.Sprintf("%.2f× (%s vs %s)%s", rw.ratio(), secs(rw.elapsed), secs(rw.baseElapsed), at100k(r.users)), rw.ratio() >= 0.5})
			case "g":
				out = append(out, targetResult{"(g) cold start ≤ 100 ms", d, "–", ms(rw.value) + " median", rw.value <= 100*time.Millisecond})
			case "h":
				out = append(out, targetResult{"(h) idle RSS ≤ 30 MB", d, "–", mb(rw.rss), rw.rss <= 30<<20})
			}
		}
		for _, mode := range b.opts.modes {
			h, l := byKey["a/"+mode+"/header"], byKey["a/"+mode+"/local"]
			if h == nil || l == nil || l.rate == 0 {
				continue
			}
			x := h.rate / l.rate
			out = append(out, targetResult{"(a) header mode ≥ 0.9× local mode", d, mode,
				fmt.Sprintf("%.2f× (%.0f vs %.0f req/s)", x, h.rate, l.rate), x >= 0.9})
		}
	}
	return out
}
