package audit

import (
	"strconv"
	"strings"
	"sync"
	"time"
)

// Ring keeps the last N events in memory for the admin API. It is safe for
// concurrent use; events in it are never modified.
type Ring struct {
	mu   sync.RWMutex
	buf  []*Event
	next int
	full bool
	seq  uint64
}

// NewRing keeps the last size events (at least 1).
func NewRing(size int) *Ring { return &Ring{buf: make([]*Event, max(size, 1))} }

// Size is the number of events the ring keeps.
func (r *Ring) Size() int { return len(r.buf) }

// Add numbers ev (Event.Seq) and stores it, evicting the oldest event when
// the ring is full. Numbering under the ring's lock keeps the ring in
// sequence order, which lets a query for the events after a number stop
// at the first older one.
func (r *Ring) Add(ev *Event) {
	r.mu.Lock()
	r.seq++
	ev.Seq = r.seq
	r.buf[r.next] = ev
	r.next++
	if r.next == len(r.buf) {
		r.next, r.full = 0, true
	}
	r.mu.Unlock()
}

// Query selects events of the ring. Zero fields select everything.
type Query struct {
	// Tenant is the exact tenant name.
	Tenant string
	// User matches the user id or userName, ignoring case, as a substring.
	User string
	// Since selects events at or after this time.
	Since time.Time
	// After selects events with a larger sequence number.
	After uint64
	// Outcome is success, failure, an HTTP status (404) or a status class
	// (4xx, 5xx).
	Outcome string
	// Limit bounds the events returned; 0 means DefaultLimit.
	Limit int
}

// DefaultLimit is how many events a query returns when it sets no limit.
const DefaultLimit = 100

// ValidOutcome reports whether s is a value Query.Outcome accepts.
func ValidOutcome(s string) bool {
	switch {
	case s == "" || s == string(Success) || s == string(Failure):
		return true
	case len(s) == 3 && s[0] >= '1' && s[0] <= '5' && strings.EqualFold(s[1:], "xx"):
		return true
	}
	n, err := strconv.Atoi(s)
	return err == nil && n >= 100 && n <= 599
}

func (q Query) matches(ev *Event) bool {
	if q.Tenant != "" && ev.Tenant != q.Tenant {
		return false
	}
	if ev.Seq <= q.After {
		return false
	}
	if !q.Since.IsZero() && ev.Time.Before(q.Since) {
		return false
	}
	if q.User != "" && !containsFold(ev.UserID, q.User) && !containsFold(ev.UserName, q.User) {
		return false
	}
	switch o := q.Outcome; {
	case o == "":
	case o == string(Success) || o == string(Failure):
		return string(ev.Outcome) == o
	case len(o) == 3 && strings.EqualFold(o[1:], "xx"):
		return ev.Status/100 == int(o[0]-'0')
	default:
		return strconv.Itoa(ev.Status) == o
	}
	return true
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// Query returns the matching events, newest first.
func (r *Ring) Query(q Query) []*Event {
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	n := r.next
	if r.full {
		n = len(r.buf)
	}
	out := []*Event{}
	for i := 0; i < n && len(out) < limit; i++ {
		ev := r.buf[(r.next-1-i+len(r.buf))%len(r.buf)]
		if q.After > 0 && ev.Seq <= q.After {
			break // older events only from here on
		}
		if q.matches(ev) {
			out = append(out, ev)
		}
	}
	return out
}
