package main

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// loadResult is what a closed-loop load run measured.
type loadResult struct {
	ops      int // completed with the expected status inside the measured window
	errors   int
	firstErr error
	window   time.Duration
	lat      []latency // sorted by duration
	// cpu is the CPU used during the measured window.
	cpu cpuSample
	// passed counts PUTs that wrk passed over (a user still in flight).
	passed int
}

// latency is a response time standing for weight responses: 1 for the Go
// client, which keeps every one; a thousandth of the run for wrk, which
// reports quantiles.
type latency struct {
	d      time.Duration
	weight float64
}

func (r loadResult) rate() float64 {
	if r.window <= 0 {
		return 0
	}
	return float64(r.ops) / r.window.Seconds()
}

// pct is the p-th percentile of the response times (nearest rank, weighted).
func (r loadResult) pct(p float64) time.Duration {
	var total float64
	for _, l := range r.lat {
		total += l.weight
	}
	if total == 0 {
		return 0
	}
	rank, sum := p/100*total, 0.0
	for _, l := range r.lat {
		if sum += l.weight; sum >= rank {
			return l.d
		}
	}
	return r.lat[len(r.lat)-1].d
}

// merge adds the windows of o to r, as if they had been one.
func (r loadResult) merge(o loadResult) loadResult {
	if r.firstErr == nil {
		r.firstErr = o.firstErr
	}
	r.ops += o.ops
	r.errors += o.errors
	r.passed += o.passed
	r.window += o.window
	r.lat = append(slices.Clone(r.lat), o.lat...)
	sortLatencies(r.lat)
	r.cpu = r.cpu.add(o.cpu)
	return r
}

func sortLatencies(l []latency) {
	slices.SortFunc(l, func(a, b latency) int { return cmp.Compare(a.d, b.d) })
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p/100*float64(len(sorted))+0.5) - 1
	i = max(0, min(i, len(sorted)-1))
	return sorted[i]
}

// opFunc runs one operation for worker w (0-based) with its own random source.
type opFunc func(ctx context.Context, w int, rng *rand.Rand) error

// runLoad runs op on concurrency workers in a closed loop: warmup first
// (not measured), then duration measured. Each worker issues its next
// operation as soon as the previous one ends. window, if not nil, is told
// when the measured window opens and closes (profiling).
func runLoad(ctx context.Context, p *progress, label string, concurrency int, warmup, duration time.Duration, sample func() cpuSample, window func(open bool), op opFunc) loadResult {
	if window == nil {
		window = func(bool) {}
	}
	start := time.Now()
	measureFrom := start.Add(warmup)
	measureTo := measureFrom.Add(duration)
	var done, errs atomic.Int64
	var mu sync.Mutex
	var res loadResult
	lats := make([][]time.Duration, concurrency)
	stopProgress := p.start(label, func() string {
		now := time.Now()
		if now.Before(measureFrom) {
			return fmt.Sprintf("warm-up %.0fs", time.Until(measureFrom).Seconds())
		}
		el := now.Sub(measureFrom)
		return fmt.Sprintf("%4.1fs/%.0fs  %d ops  %.0f ops/s  errors %d", el.Seconds(), duration.Seconds(), done.Load(), float64(done.Load())/el.Seconds(), errs.Load())
	})
	var wg sync.WaitGroup
	var cpu0, cpu1 cpuSample
	var sampled sync.WaitGroup
	if sample != nil {
		sampled.Add(1)
		go func() {
			defer sampled.Done()
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Until(measureFrom)):
			}
			window(true)
			cpu0 = sample()
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Until(measureTo)):
			}
			cpu1 = sample()
			window(false)
		}()
	}
	for w := range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w)+1, uint64(start.UnixNano())))
			for ctx.Err() == nil {
				t0 := time.Now()
				if t0.After(measureTo) {
					return
				}
				err := op(ctx, w, rng)
				t1 := time.Now()
				if ctx.Err() != nil {
					return
				}
				measured := !t0.Before(measureFrom) && !t1.After(measureTo)
				if err != nil {
					// An error fails the scenario, in the warm-up too.
					errs.Add(1)
					mu.Lock()
					if res.firstErr == nil {
						res.firstErr = err
					}
					res.errors++
					mu.Unlock()
					continue
				}
				if measured {
					done.Add(1)
					lats[w] = append(lats[w], t1.Sub(t0))
				}
			}
		}()
	}
	wg.Wait()
	sampled.Wait()
	res.cpu = cpu1.sub(cpu0)
	stopProgress()
	for _, l := range lats {
		for _, d := range l {
			res.lat = append(res.lat, latency{d: d, weight: 1})
		}
	}
	sortLatencies(res.lat)
	res.ops = len(res.lat)
	res.window = duration
	return res
}

// progress prints one status line to stderr while something runs: redrawn
// in place on a terminal, every few seconds otherwise.
type progress struct {
	tty bool
	mu  sync.Mutex
}

func newProgress() *progress {
	st, err := os.Stderr.Stat()
	return &progress{tty: err == nil && st.Mode()&os.ModeCharDevice != 0}
}

// start shows label and status() until the returned function is called.
func (p *progress) start(label string, status func() string) (stop func()) {
	every := 5 * time.Second
	if p.tty {
		every = 250 * time.Millisecond
	}
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				p.line(label + ": " + status())
			}
		}
	}()
	return func() {
		close(quit)
		wg.Wait()
		p.line(label + ": " + status())
		p.end()
	}
}

func (p *progress) line(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		fmt.Fprintf(os.Stderr, "\r\033[K%s", s)
		return
	}
	fmt.Fprintln(os.Stderr, s)
}

func (p *progress) end() {
	if p.tty {
		p.mu.Lock()
		fmt.Fprintln(os.Stderr)
		p.mu.Unlock()
	}
}

// note prints a one-off line.
func (p *progress) note(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		fmt.Fprint(os.Stderr, "\r\033[K")
	}
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}
