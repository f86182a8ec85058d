package tenant

import (
	"context"
	"time"

	"github.com/sqlscim/sqlscim/internal/provision"
)

// Verifier checks a tenant compiled from the agent's header on its first
// use (serve runs the checks of sqlscim check). A non-nil refusal answers
// the request instead of the tenant; settled false means the check said
// nothing of the configuration (its database did not answer, or the check
// was cut short) and the next request checks again.
type Verifier func(ctx context.Context, app string, t *provision.Tenant) (settled bool, refusal error)

// verification is one configuration's check, shared by the requests that
// wait for it.
type verification struct {
	done    chan struct{}
	refusal error
	settled bool
	at      time.Time
}

// retryRefused is how long a refused configuration's result stands before a
// request checks it again, so that an admin's fix in the database is seen
// without a restart while Okta's retries do not each run the whole check.
const retryRefused = 30 * time.Second

// maxVerified bounds the configurations whose check is kept.
const maxVerified = 256

// verify runs, or waits for, the check of the configuration header; the
// first request of a configuration runs it, requests arriving meanwhile
// wait for its result.
func (r *Registry) verify(ctx context.Context, app, header string, t *provision.Tenant) error {
	if r.verifier == nil {
		return nil
	}
	r.mu.Lock()
	v := r.verified[header]
	if v != nil && v.stale() {
		v = nil
	}
	if v == nil {
		if len(r.verified) >= maxVerified {
			clear(r.verified)
		}
		v = &verification{done: make(chan struct{})}
		r.verified[header] = v
		r.mu.Unlock()
		// The check outlives a request that gives up: the next one would
		// only start it again.
		v.settled, v.refusal = r.verifier(context.WithoutCancel(ctx), app, t)
		v.at = time.Now()
		if !v.settled {
			r.mu.Lock()
			if r.verified[header] == v {
				delete(r.verified, header)
			}
			r.mu.Unlock()
		}
		close(v.done)
	} else {
		r.mu.Unlock()
	}
	select {
	case <-v.done:
		return v.refusal
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stale reports a finished check whose refusal is old enough to check again.
func (v *verification) stale() bool {
	select {
	case <-v.done:
		return v.refusal != nil && time.Since(v.at) > retryRefused
	default:
		return false
	}
}
