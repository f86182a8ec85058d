package server

import (
	"net"
	"net/http"
	"sort"
	"sync"
	"time"
)

// throttle slows down addresses that keep failing authentication. The first
// freeFailures failures cost nothing; after that, each wrong token from the
// address must wait its turn before its 401, one turn per penalty, and the
// penalty doubles with every further failure up to maxDelay. Quiet for
// forgetAfter clears the address.
//
// Only wrong tokens take turns. The right token is compared first and
// served at once: an address is shared by every client behind a NAT, a
// load balancer or Kubernetes SNAT, and a guesser there must not lock the
// real client out. For the same reason a success does not clear the
// address: the real client's requests would reset the guesser's penalty.
// A turn up to maxInlineWait away is waited for; a later one is refused
// with 429 and Retry-After, so that waiting requests do not pile up. What
// bounds guessing is therefore the pace of the answers to one address and
// the token itself: sqlscim's tokens are 128 random bits (see
// docs/security.md).
type throttle struct {
	mu      sync.Mutex
	entries map[string]*failures
	now     func() time.Time
}

type failures struct {
	count int       // failures since the last success or quiet period
	last  time.Time // the last failure or admitted attempt
	next  time.Time // the address's next turn
}

const (
	freeFailures  = 5
	firstDelay    = 250 * time.Millisecond
	maxDelay      = 8 * time.Second
	maxInlineWait = time.Second
	forgetAfter   = 15 * time.Minute
	maxTrackedIPs = 10000
	// evictBatch is how many of the least recently seen addresses make
	// room when the table is full, so that the sort is not paid per address.
	evictBatch = maxTrackedIPs / 10
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

// penalty is the spacing between attempts after count failures.
func penalty(count int) time.Duration {
	if count <= freeFailures {
		return 0
	}
	return min(firstDelay<<min(count-freeFailures-1, 10), maxDelay)
}

// admit is called before a request's token is compared. It returns how long
// the request must wait for its address's turn; ok is false when that is
// longer than maxInlineWait, and the request is to be refused. An admitted
// request takes the turn, so the next one from the address waits a penalty
// longer, however many arrive at once.
func (t *throttle) admit(ip string) (wait time.Duration, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	f := t.entries[ip]
	if f == nil || now.Sub(f.last) > forgetAfter {
		return 0, true
	}
	d := penalty(f.count)
	if d == 0 {
		return 0, true
	}
	turn := f.next
	if turn.Before(now) {
		turn = now
	}
	wait = turn.Sub(now)
	if wait > maxInlineWait {
		return wait, false
	}
	f.next = turn.Add(d)
	f.last = now
	return wait, true
}

// failed records a failure and returns the penalty the address now has.
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
	d := penalty(f.count)
	if next := now.Add(d); next.After(f.next) {
		f.next = next
	}
	return d
}

// forgetOld makes room in a full table: it drops quiet addresses and, if
// that is not enough, the least recently seen ones, so the table never
// grows without bound and the addresses being slowed down right now keep
// their penalty.
func (t *throttle) forgetOld(now time.Time) {
	for ip, f := range t.entries {
		if now.Sub(f.last) > forgetAfter {
			delete(t.entries, ip)
		}
	}
	if len(t.entries) < maxTrackedIPs {
		return
	}
	ips := make([]string, 0, len(t.entries))
	for ip := range t.entries {
		ips = append(ips, ip)
	}
	sort.Slice(ips, func(i, j int) bool { return t.entries[ips[i]].last.Before(t.entries[ips[j]].last) })
	for _, ip := range ips[:min(evictBatch, len(ips))] {
		delete(t.entries, ip)
	}
}
