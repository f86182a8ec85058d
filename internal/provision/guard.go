package provision

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/scim"
)

// errStalled is the cause of a request's context when its database work
// made no progress for the query timeout.
var errStalled = errors.New("the database made no progress within the query timeout")

// watchdog bounds a request's database work: it must make progress at
// least once every timeout. A single operation must finish in that time; a
// list resets the clock with every row, so it may stream for as long as rows
// keep coming, but a database that stops answering is noticed.
type watchdog struct {
	mu      sync.Mutex // progress comes from the scan and the pipeline
	timer   *time.Timer
	timeout time.Duration
}

// guard starts the watchdog of one request.
func (t *Tenant) guard(ctx context.Context) (context.Context, *watchdog, context.CancelFunc) {
	timeout := t.pools.Config().QueryTimeout
	ctx, cancel := context.WithCancelCause(ctx)
	if timeout <= 0 {
		return ctx, &watchdog{}, func() { cancel(nil) }
	}
	w := &watchdog{timeout: timeout, timer: time.AfterFunc(timeout, func() { cancel(errStalled) })}
	return ctx, w, func() { w.timer.Stop(); cancel(nil) }
}

// progress restarts the clock.
func (w *watchdog) progress() {
	if w.timer != nil {
		w.mu.Lock()
		w.timer.Reset(w.timeout)
		w.mu.Unlock()
	}
}

// settle turns the failure of a request whose watchdog fired into a 503
// that says so, and reports failed operations to the observer.
func (t *Tenant) settle(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(context.Cause(ctx), errStalled) {
		err = &scim.Error{Status: http.StatusServiceUnavailable, RetryAfter: 5, Cause: err,
			Detail: fmt.Sprintf("The database of tenant %s did not answer within %s; retry later.", t.cfg.Name, t.pools.Config().QueryTimeout)}
	}
	return err
}

// Observer learns of operations, for metrics.
type Observer interface {
	// OperationFailed is told of a failed operation; op is "" when the
	// database could not be reached (or a transaction not begun or
	// committed) before or after any operation.
	OperationFailed(tenant string, op OpName, class db.Class)
	// OperationTimed is told how long the database took for an
	// operation's statement or procedure call: a write until it ended, a
	// read until its rows began to come.
	OperationTimed(tenant string, op OpName, d time.Duration)
}

// Observe sets the observer of the tenant's operation failures.
func (t *Tenant) Observe(o Observer) { t.observer = o }
