package main

import (
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
	ops      int // completed without error inside the measured window
	errors   int
	firstErr error
	window   time.Duration
	lat      []time.Duration // sorted
	// cpu is the CPU used during the measured window.
	cpu cpuSample
}

func (r loadResult) rate() float64 {
	if r.window <= 0 {
		return 0
	}
	return float64(r.ops) / r.window.Seconds()
}

func (r loadResult) pct(p float64) time.Duration { return percentile(r.lat, p) }

// merge adds the windows of o to r, as if they had been one.
func (r loadResult) merge(o loadResult) loadResult {
	if r.firstErr == nil {
		r.firstErr = o.firstErr
	}
	r.ops += o.ops
	r.errors += o.errors
	r.window += o.window
	r.lat = append(slices.Clone(r.lat), o.lat...)
	slices.Sort(r.lat)
	r.cpu = r.cpu.add(o.cpu)
	return r
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
// operation as soon as the previous one ends.
func runLoad(ctx context.Context, p *progress, label string, concurrency int, warmup, duration time.Duration, sample func() cpuSample, op opFunc) loadResult {
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
			cpu0 = sample()
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Until(measureTo)):
			}
			cpu1 = sample()
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
					errs.Add(1)
					mu.Lock()
					if res.firstErr == nil {
						res.firstErr = err
					}
					mu.Unlock()
					if !measured {
						continue
					}
					mu.Lock()
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
		res.lat = append(res.lat, l...)
	}
	slices.Sort(res.lat)
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
