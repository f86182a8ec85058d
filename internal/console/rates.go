package console

import (
	"sync"
	"time"
)

// Rates counts each tenant's requests over a sliding window, for the
// console's request and error rates.
type Rates struct {
	mu      sync.Mutex
	now     func() time.Time
	tenants map[string]*window
}

// Window is how far back the rates look.
const Window = 5 * time.Minute

const (
	bucketWidth = 10 * time.Second
	buckets     = int(Window / bucketWidth)
)

// window is a ring of per-10-second counts.
type window struct {
	start  [buckets]int64 // the bucket's start, unix seconds
	counts [buckets]Counts
}

// Counts are requests by outcome.
type Counts struct {
	Requests     int64 `json:"requests"`
	ClientErrors int64 `json:"client_errors"`
	ServerErrors int64 `json:"server_errors"`
}

// NewRates starts counting.
func NewRates() *Rates { return &Rates{now: time.Now, tenants: map[string]*window{}} }

// Count counts a finished request of tenant ("" when the request reached
// none; it is not counted).
func (r *Rates) Count(status int, tenant string) {
	if tenant == "" {
		return
	}
	now := r.now()
	slot := now.Truncate(bucketWidth).Unix()
	i := int(slot/int64(bucketWidth/time.Second)) % buckets
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.tenants[tenant]
	if w == nil {
		if len(r.tenants) >= maxRateTenants {
			return
		}
		w = &window{}
		r.tenants[tenant] = w
	}
	if w.start[i] != slot {
		w.start[i], w.counts[i] = slot, Counts{}
	}
	c := &w.counts[i]
	c.Requests++
	switch {
	case status >= 500:
		c.ServerErrors++
	case status >= 400:
		c.ClientErrors++
	}
}

// maxRateTenants bounds the tenants counted: tenant names come from
// requests.
const maxRateTenants = 1024

// Of returns the counts of tenant over the last Window.
func (r *Rates) Of(tenant string) Counts {
	oldest := r.now().Add(-Window).Truncate(bucketWidth).Unix()
	r.mu.Lock()
	defer r.mu.Unlock()
	var sum Counts
	w := r.tenants[tenant]
	if w == nil {
		return sum
	}
	for i := range w.start {
		if w.start[i] > oldest {
			sum.Requests += w.counts[i].Requests
			sum.ClientErrors += w.counts[i].ClientErrors
			sum.ServerErrors += w.counts[i].ServerErrors
		}
	}
	return sum
}
