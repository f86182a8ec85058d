package server

import (
	"fmt"
	"testing"
	"time"
)

func TestThrottleSlowsRepeatedFailuresAndForgets(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	th := newThrottle()
	th.now = func() time.Time { return now }
	var delays []time.Duration
	for i := 0; i < 12; i++ {
		delays = append(delays, th.failed("192.0.2.1"))
	}
	want := []time.Duration{0, 0, 0, 0, 0, 250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second}
	for i := range want {
		if delays[i] != want[i] {
			t.Errorf("failure %d: delay %s, want %s", i+1, delays[i], want[i])
		}
	}
	if d := th.failed("198.51.100.7"); d != 0 {
		t.Errorf("another address is slowed down too: %s", d)
	}
	for i := 0; i < 10; i++ {
		th.failed("203.0.113.9")
	}
	now = now.Add(forgetAfter + time.Second)
	if d := th.failed("203.0.113.9"); d != 0 {
		t.Errorf("after a quiet quarter hour: %s", d)
	}
}

func TestThrottleTableStaysBounded(t *testing.T) {
	th := newThrottle()
	for i := 0; i < maxTrackedIPs+100; i++ {
		th.failed(string(rune('a'+i%26)) + time.Duration(i).String())
	}
	if n := len(th.entries); n > maxTrackedIPs {
		t.Errorf("%d addresses tracked, the bound is %d", n, maxTrackedIPs)
	}
}

// Guesses sent in parallel take turns: each admitted attempt pushes the
// next one a penalty later, and one that would wait longer than
// maxInlineWait is refused outright.
func TestThrottleAdmitsOneAttemptPerTurn(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	th := newThrottle()
	th.now = func() time.Time { return now }
	for i := 0; i < freeFailures; i++ {
		th.failed("192.0.2.1")
		if wait, ok := th.admit("192.0.2.1"); wait != 0 || !ok {
			t.Fatalf("after %d failures: wait %s, ok %v", i+1, wait, ok)
		}
	}
	th.failed("192.0.2.1") // the first that costs: 250ms between attempts
	var got []time.Duration
	for i := 0; i < 5; i++ { // five requests at the same instant
		wait, ok := th.admit("192.0.2.1")
		if !ok {
			wait = -wait
		}
		got = append(got, wait)
	}
	want := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, 750 * time.Millisecond, time.Second, -1250 * time.Millisecond}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("request %d: wait %s, want %s (negative: refused)", i+1, got[i], want[i])
		}
	}
	if wait, ok := th.admit("198.51.100.7"); wait != 0 || !ok {
		t.Errorf("another address waits too: %s %v", wait, ok)
	}
	now = now.Add(2 * time.Second)
	if wait, ok := th.admit("192.0.2.1"); wait != 0 || !ok {
		t.Errorf("after its turns passed: wait %s, ok %v", wait, ok)
	}
}

// A full table makes room by dropping the least recently seen addresses,
// not by forgetting everyone, so an address being slowed down stays slowed.
func TestThrottleFullTableEvictsLeastRecent(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	th := newThrottle()
	th.now = func() time.Time { return now }
	for i := 0; i < maxTrackedIPs-1; i++ {
		now = now.Add(time.Millisecond)
		th.failed(fmt.Sprintf("ip-%d", i))
	}
	for i := 0; i < 10; i++ {
		th.failed("attacker")
	}
	now = now.Add(time.Millisecond)
	th.failed("newcomer")
	if n := len(th.entries); n >= maxTrackedIPs || n < maxTrackedIPs-evictBatch {
		t.Errorf("%d addresses tracked after making room", n)
	}
	if f := th.entries["attacker"]; f == nil || f.count != 10 {
		t.Errorf("the attacker's failures were forgotten: %+v", f)
	}
	if th.entries["newcomer"] == nil || th.entries["ip-0"] != nil || th.entries[fmt.Sprintf("ip-%d", maxTrackedIPs-2)] == nil {
		t.Error("the oldest addresses were not the ones dropped")
	}
}
