package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// cpuSample is the CPU time used so far by the sqlscim process, the load
// client (wrk, or this process: the Go client or the baseline's
// database/sql) and the database server's processes. On a machine that runs
// all three, the sum per request bounds the throughput: cores ÷ (CPU per
// request).
type cpuSample struct {
	server, client, db time.Duration
	// bench is this process when it is not the client (it waits for wrk).
	bench time.Duration
	// busy is the CPU time of the whole machine; busy - server - client - db
	// is what other processes took, which disturbs the measurement.
	busy time.Duration
	// at is when a sample was taken; wall is the length of a difference.
	at   time.Time
	wall time.Duration
}

func (a cpuSample) sub(b cpuSample) cpuSample {
	return cpuSample{server: a.server - b.server, client: a.client - b.client, db: a.db - b.db, bench: a.bench - b.bench, busy: a.busy - b.busy, wall: a.at.Sub(b.at)}
}

// add sums two windows.
func (a cpuSample) add(b cpuSample) cpuSample {
	return cpuSample{server: a.server + b.server, client: a.client + b.client, db: a.db + b.db, bench: a.bench + b.bench, busy: a.busy + b.busy, wall: a.wall + b.wall}
}

// others is the share of the machine (all cores) that other processes
// used during a window.
func (a cpuSample) others() float64 {
	if a.wall <= 0 {
		return 0
	}
	o := a.busy - a.server - a.client - a.db - a.bench
	return max(0, float64(o)/float64(a.wall)/float64(runtime.NumCPU()))
}

// machineBusy reads the non-idle CPU time of all cores from /proc/stat.
func machineBusy() time.Duration {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
	var busy int64
	for i, v := range f {
		if i == 0 || i == 4 || i == 5 || i > 8 {
			continue
		}
		n, _ := strconv.ParseInt(v, 10, 64)
		busy += n
	}
	return time.Duration(busy) * clockTick
}

// clockTick is USER_HZ, 100 on every Linux architecture Go supports.
const clockTick = 10 * time.Millisecond

// procCPU reads utime+stime of a process from /proc/<pid>/stat.
func procCPU(pid string) time.Duration {
	data, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0
	}
	// The command name may hold spaces; the fields start after its ')'.
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+k) * clockTick
}

// dbFilter selects the database processes whose CPU counts: those of the
// database server under test and, on PostgreSQL, of its own processes and
// the backends of the lab database only, so that other clients of the same
// server (a test suite) do not count. MariaDB runs every connection as a
// thread of one process: there the whole server counts. The zero value
// counts every database process.
type dbFilter struct {
	dialect, database string
}

// dbCommands are the database servers' process names.
var dbCommands = map[string]string{"mariadbd": "mysql", "mysqld": "mysql", "postgres": "postgresql"}

// counts says whether process pid, named comm, is one of f's.
func (f dbFilter) counts(pid, comm string) bool {
	dialect, ok := dbCommands[comm]
	if !ok || (f.dialect != "" && dialect != f.dialect) {
		return false
	}
	if f.database == "" || dialect != "postgresql" {
		return true
	}
	cmdline, err := os.ReadFile("/proc/" + pid + "/cmdline")
	if err != nil {
		return false
	}
	db, backend := postgresBackend(string(cmdline))
	return !backend || db == f.database
}

// postgresBackend reads a PostgreSQL process title, "postgres: [cluster: ]
// user database host(port) activity" for a backend, and returns the
// backend's database; backend is false for the postmaster and the
// server's own processes (checkpointer, walwriter ...).
func postgresBackend(cmdline string) (database string, backend bool) {
	title, ok := strings.CutPrefix(strings.ReplaceAll(cmdline, "\x00", " "), "postgres: ")
	if !ok {
		return "", false
	}
	f := strings.Fields(title)
	if len(f) > 0 && strings.HasSuffix(f[0], ":") { // cluster_name, as Debian sets it
		f = f[1:]
	}
	if len(f) >= 3 && (strings.Contains(f[2], "(") || f[2] == "[local]") {
		return f[1], true
	}
	return "", false
}

// dbCPU sums the CPU time of the database processes f selects.
func dbCPU(f dbFilter) time.Duration {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	var total time.Duration
	for _, e := range entries {
		pid := e.Name()
		if pid[0] < '0' || pid[0] > '9' {
			continue
		}
		comm, err := os.ReadFile("/proc/" + pid + "/comm")
		if err != nil || !f.counts(pid, strings.TrimSpace(string(comm))) {
			continue
		}
		total += procCPU(pid)
	}
	return total
}

// sampler returns a function that samples the server (pid 0: none), the
// load client (pid 0: this process) and the databases f selects.
func sampler(serverPID, clientPID int, f dbFilter) func() cpuSample {
	return func() cpuSample {
		s := cpuSample{db: dbCPU(f), busy: machineBusy(), at: time.Now()}
		if clientPID > 0 {
			s.client, s.bench = procCPU(strconv.Itoa(clientPID)), procCPU("self")
		} else {
			s.client = procCPU("self")
		}
		if serverPID > 0 {
			s.server = procCPU(strconv.Itoa(serverPID))
		}
		return s
	}
}

// waitQuiet waits, at most limit, until processes other than this one and
// the databases use less than 10 % of the machine over a second, so that a
// scenario does not start while something else (a build, a test suite)
// competes for the CPU. It returns the share seen last.
func waitQuiet(ctx context.Context, p *progress, limit time.Duration) float64 {
	if limit <= 0 {
		return 0
	}
	deadline := time.Now().Add(limit)
	sample := sampler(0, 0, dbFilter{})
	var stop func()
	defer func() {
		if stop != nil {
			stop()
		}
	}()
	var share float64
	for {
		a := sample()
		select {
		case <-ctx.Done():
			return share
		case <-time.After(time.Second):
		}
		share = sample().sub(a).others()
		if share < 0.10 || time.Now().After(deadline) {
			return share
		}
		if stop == nil {
			stop = p.start("waiting for other processes to leave the CPU", func() string {
				return fmt.Sprintf("they use %.0f%% of the machine", 100*share)
			})
		}
	}
}
