package server

import (
	"sync"
	"time"
)

// logLimiter keeps lines a client can trigger at will – a failing
// operation, a wrong token – from flooding the log: each kind of line
// (its key) is written at most logBurst times per logWindow; the first
// line of a later window carries how many were left out meanwhile.
type logLimiter struct {
	mu    sync.Mutex
	now   func() time.Time
	kinds map[string]*logKind
}

type logKind struct {
	start      time.Time
	written    int
	suppressed int
}

const (
	logBurst  = 5
	logWindow = time.Minute
	// logKinds bounds the memory of the limiter: past it, the oldest
	// windows are forgotten (their lines are written again).
	logKinds = 1024
)

func newLogLimiter() *logLimiter {
	return &logLimiter{now: time.Now, kinds: map[string]*logKind{}}
}

// allow reports whether a line of kind key may be written now, and how
// many lines of that kind were left out since the last one written.
func (l *logLimiter) allow(key string) (ok bool, suppressed int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	k := l.kinds[key]
	if k == nil || now.Sub(k.start) >= logWindow {
		if k == nil {
			if len(l.kinds) >= logKinds {
				l.forgetOld(now)
			}
			k = &logKind{}
			l.kinds[key] = k
		}
		suppressed = k.suppressed
		*k = logKind{start: now}
	}
	if k.written >= logBurst {
		k.suppressed++
		return false, 0
	}
	k.written++
	return true, suppressed
}

// forgetOld drops the kinds whose window has ended, or all of them when
// every window is current (a client inventing a new kind per request).
func (l *logLimiter) forgetOld(now time.Time) {
	for key, k := range l.kinds {
		if now.Sub(k.start) >= logWindow {
			delete(l.kinds, key)
		}
	}
	if len(l.kinds) >= logKinds {
		clear(l.kinds)
	}
}
