package server

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// throttle slows down addresses that keep failing authentication: after
// freeFailures failed attempts, each further failure from the same address
// is answered only after a delay that doubles up to maxDelay. A success, or
// quiet for forgetAfter, clears the address.
type throttle struct {
	mu      sync.Mutex
	entries map[string]*failures
	now     func() time.Time
}

type failures struct {
	count int
	last  time.Time
}

const (
	freeFailures  = 5
	firstDelay    = 250 * time.Millisecond
	maxDelay      = 8 * time.Second
	forgetAfter   = 15 * time.Minute
	maxTrackedIPs = 10000
)

func newThrottle() *throttle {
	return &throttle{entries: map[string]*failures{}, now: time.Now}
}

// clientIP is the address a request came from (the proxy's, behind one).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// failed records a failure and returns how long to wait before answering.
func (t *throttle) failed(ip string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	f := t.entries[ip]
	if f == nil || now.Sub(f.last) > forgetAfter {
		if len(t.entries) >= maxTrackedIPs {
			t.forgetOld(now)
		}
		f = &failures{}
		t.entries[ip] = f
	}
	f.count++
	f.last = now
	if f.count <= freeFailures {
		return 0
	}
	d := firstDelay << min(f.count-freeFailures-1, 10)
	return min(d, maxDelay)
}

// succeeded clears an address.
func (t *throttle) succeeded(ip string) {
	t.mu.Lock()
	delete(t.entries, ip)
	t.mu.Unlock()
}

// forgetOld drops quiet addresses; if that is not enough, it starts over,
// so the table never grows without bound.
func (t *throttle) forgetOld(now time.Time) {
	for ip, f := range t.entries {
		if now.Sub(f.last) > forgetAfter {
			delete(t.entries, ip)
		}
	}
	if len(t.entries) >= maxTrackedIPs {
		t.entries = map[string]*failures{}
	}
}
