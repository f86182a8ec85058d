// Command profserver is sqlscim's main with profiling, for
// `sqlscim-bench -pprof DIR`: it runs exactly what cmd/sqlscim runs
// (app.Run), and when BENCH_PPROF=<prefix> is set it records a CPU profile
// for the life of the process into <prefix>.cpu.pprof and, on exit, the
// allocation profile into <prefix>.allocs.pprof.
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
	var cpu *os.File
	if prefix != "" {
		var err error
		if cpu, err = os.Create(prefix + ".cpu.pprof"); err != nil {
			fmt.Fprintln(os.Stderr, "profserver:", err)
			os.Exit(1)
		}
		if err := pprof.StartCPUProfile(cpu); err != nil {
			fmt.Fprintln(os.Stderr, "profserver:", err)
			os.Exit(1)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := app.Run(ctx, os.Args[1:], app.Options{Stdout: os.Stdout, Stderr: os.Stderr})
	stop()
	if cpu != nil {
		pprof.StopCPUProfile()
		cpu.Close()
		if f, ferr := os.Create(prefix + ".allocs.pprof"); ferr == nil {
			runtime.GC()
			_ = pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sqlscim: "+err.Error())
		os.Exit(1)
	}
}
