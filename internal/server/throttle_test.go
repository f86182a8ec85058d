package server

import (
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
	th.succeeded("192.0.2.1")
	if d := th.failed("192.0.2.1"); d != 0 {
		t.Errorf("after a success: %s", d)
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
