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

// cpuSample is the CPU time used so far by the sqlscim process, this
// process (the HTTP client, or the baseline's database/sql) and the
// database server's processes. On a machine that runs all three, the sum
// per request bounds the throughput: cores ÷ (CPU per request).
type cpuSample struct {
	server, client, db time.Duration
	// busy is the CPU time of the whole machine; busy - server - client - db
	// is what other processes took, which disturbs the measurement.
	busy time.Duration
	// at is when a sample was taken; wall is the length of a difference.
	at   time.Time
	wall time.Duration
}

func (a cpuSample) sub(b cpuSample) cpuSample {
	return cpuSample{server: a.server - b.server, client: a.client - b.client, db: a.db - b.db, busy: a.busy - b.busy, wall: a.at.Sub(b.at)}
}

// add sums two windows.
func (a cpuSample) add(b cpuSample) cpuSample {
	return cpuSample{server: a.server + b.server, client: a.client + b.client, db: a.db + b.db, busy: a.busy + b.busy, wall: a.wall + b.wall}
}

// others is the share of the machine (all cores) that other processes
// used during a window.
func (a cpuSample) others() float64 {
	if a.wall <= 0 {
		return 0
	}
	o := a.busy - a.server - a.client - a.db
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

// dbCommands are the database servers' process names.
var dbCommands = map[string]bool{"mariadbd": true, "mysqld": true, "postgres": true}

// dbCPU sums the CPU time of every database server process.
func dbCPU() time.Duration {
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
		if err != nil || !dbCommands[strings.TrimSpace(string(comm))] {
			continue
		}
		total += procCPU(pid)
	}
	return total
}

// sampler returns a function that samples the server (pid 0: none), this
// process and the databases.
func sampler(serverPID int) func() cpuSample {
	return func() cpuSample {
		s := cpuSample{client: procCPU("self"), db: dbCPU(), busy: machineBusy(), at: time.Now()}
		if serverPID > 0 {
			s.server = procCPU(strconv.Itoa(serverPID))
		}
		return s
	}
}

// perOp divides a window's CPU by the operations done in it.
func (a cpuSample) perOp(ops int, withServer bool) string {
	if ops == 0 {
		return ""
	}
	us := func(d time.Duration) string { return fmt.Sprintf("%.0f µs", float64(d.Microseconds())/float64(ops)) }
	if withServer {
		return fmt.Sprintf("sqlscim %s + client %s + DB %s%s", us(a.server), us(a.client), us(a.db), a.othersNote())
	}
	return fmt.Sprintf("database/sql %s + DB %s%s", us(a.client), us(a.db), a.othersNote())
}

// othersNote flags a window in which other processes used more than 5 %
// of the machine.
func (a cpuSample) othersNote() string {
	if o := a.others(); o > 0.05 {
		return fmt.Sprintf(" (**other processes used %.0f%% of the machine**)", 100*o)
	}
	return ""
}

// total spells a sequential scenario's CPU.
func (a cpuSample) total(withServer bool) string {
	if withServer {
		return fmt.Sprintf("sqlscim %s + client %s + DB %s%s", secs(a.server), secs(a.client), secs(a.db), a.othersNote())
	}
	return fmt.Sprintf("database/sql %s + DB %s%s", secs(a.client), secs(a.db), a.othersNote())
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
	sample := sampler(0)
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
