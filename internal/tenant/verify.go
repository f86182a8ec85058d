package tenant

import (
	"context"
	"time"

	"github.com/sqlscim/sqlscim/internal/provision"
)

// Verifier checks a tenant compiled from the agent's header on its first
// use (serve runs the checks of sqlscim check).
type Verifier func(ctx context.Context, app string, t *provision.Tenant) Verdict

// Verdict is a Verifier's answer.
type Verdict struct {
	// Settled is false when the check said nothing of the configuration
	// (its database did not answer, or the check was cut short): the next
	// request checks again.
	Settled bool
	// Refusal, if set, answers the requests instead of the tenant.
	Refusal error
	// Failures are the checks that failed, each "subject: check: cause".
	Failures []string
}

// Checked is a cached header tenant and its configuration's first-use
// check, for the console and /readyz.
type Checked struct {
	App    string
	Tenant *provision.Tenant
	// Time is when the check ended; zero while none has settled.
	Time time.Time
	// Failures are the failed checks; none when it passed.
	Failures []string
}

// verification is one configuration's check, shared by the requests that
// wait for it. Its fields are written before done is closed.
type verification struct {
	done    chan struct{}
	verdict Verdict
	at      time.Time
}

// retryRefused is how long a refused configuration's result stands before a
// request checks it again, so that an admin's fix in the database is seen
// without a restart while Okta's retries do not each run the whole check.
const retryRefused = 30 * time.Second

// maxVerified bounds the configurations whose check is kept.
const maxVerified = 256

// verify runs, or waits for, the check of the configuration header; the
// first request of a configuration starts it, requests arriving meanwhile
// wait for its result. The check outlives a request that gives up – the
// next one would only start it again – and is bounded by the verifier.
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
		go r.run(context.WithoutCancel(ctx), v, app, header, t)
	}
	r.mu.Unlock()
	select {
	case <-v.done:
		return v.verdict.Refusal
	case <-ctx.Done():
		return ctx.Err()
	}
}

// run checks one configuration and publishes the verdict; an unsettled one
// is forgotten so that the next request checks again.
func (r *Registry) run(ctx context.Context, v *verification, app, header string, t *provision.Tenant) {
	v.verdict = r.verifier(ctx, app, t)
	v.at = time.Now()
	if !v.verdict.Settled {
		r.mu.Lock()
		if r.verified[header] == v {
			delete(r.verified, header)
		}
		r.mu.Unlock()
	}
	close(v.done)
}

// stale reports a finished check whose refusal is old enough to check again.
func (v *verification) stale() bool {
	select {
	case <-v.done:
		return v.verdict.Refusal != nil && time.Since(v.at) > retryRefused
	default:
		return false
	}
}

// settled returns the verdict of a finished, settled check; ok is false
// while none is known.
func (v *verification) settled() (Verdict, time.Time, bool) {
	if v == nil {
		return Verdict{}, time.Time{}, false
	}
	select {
	case <-v.done:
		return v.verdict, v.at, v.verdict.Settled
	default:
		return Verdict{}, time.Time{}, false
	}
}
