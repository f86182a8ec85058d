// Command profserver is sqlscim's main with profiling, for
// `sqlscim-bench -pprof DIR`: it runs exactly what cmd/sqlscim runs
// (app.Run). When BENCH_PPROF=<prefix> is set, sqlscim-bench marks its
// measured window with signals: SIGUSR1 starts a CPU profile into
// <prefix>.cpu.pprof and writes the allocations so far to
// <prefix>.allocs-start.pprof (as of the last GC); SIGUSR2 stops the CPU
// profile and writes the allocations to <prefix>.allocs.pprof. The
// window's own allocations are the difference:
//
//	go tool pprof -sample_index=alloc_space -base <prefix>.allocs-start.pprof <prefix>.allocs.pprof
//
// Warm-up, TLS handshakes and start-up stay out of the profiles.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"

	"github.com/sqlscim/sqlscim/internal/app"
)

func main() {
	prefix := os.Getenv("BENCH_PPROF")
	var stopProfile func()
	if prefix != "" {
		stopProfile = profileWindows(prefix)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := app.Run(ctx, os.Args[1:], app.Options{Stdout: os.Stdout, Stderr: os.Stderr})
	stop()
	if stopProfile != nil {
		stopProfile()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sqlscim: "+err.Error())
		os.Exit(1)
	}
}

// profileWindows profiles between SIGUSR1 and SIGUSR2; the returned
// function ends a window still open at exit.
func profileWindows(prefix string) func() {
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, syscall.SIGUSR1, syscall.SIGUSR2)
	done := make(chan struct{})
	var cpu *os.File
	end := func() {
		if cpu == nil {
			return
		}
		pprof.StopCPUProfile()
		cpu.Close()
		cpu = nil
		writeAllocs(prefix+".allocs.pprof", true)
	}
	go func() {
		defer close(done)
		for s := range sig {
			if s == syscall.SIGUSR2 {
				end()
				continue
			}
			if cpu != nil {
				continue
			}
			// No GC here: it would cost the server CPU inside the window.
			writeAllocs(prefix+".allocs-start.pprof", false)
			f, err := os.Create(prefix + ".cpu.pprof")
			if err == nil {
				err = pprof.StartCPUProfile(f)
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "profserver:", err)
				continue
			}
			cpu = f
		}
		end()
	}()
	return func() {
		signal.Stop(sig)
		close(sig)
		<-done
	}
}

// writeAllocs writes the allocation profile as of the last GC (gc: after
// one more, so that it is up to date).
func writeAllocs(path string, gc bool) {
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "profserver:", err)
		return
	}
	defer f.Close()
	if gc {
		runtime.GC()
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		fmt.Fprintln(os.Stderr, "profserver:", err)
	}
}
