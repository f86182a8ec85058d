package server

import (
	"fmt"
	"testing"
	"time"
)

func TestLogLimiter(t *testing.T) {
	now := time.Unix(0, 0)
	l := newLogLimiter()
	l.now = func() time.Time { return now }
	written := 0
	for i := 0; i < 100; i++ {
		if ok, _ := l.allow("a"); ok {
			written++
		}
	}
	if written != logBurst {
		t.Fatalf("100 lines of one kind in a window: %d written, want %d", written, logBurst)
	}
	if ok, _ := l.allow("b"); !ok {
		t.Error("another kind is limited by the first")
	}
	now = now.Add(logWindow)
	ok, suppressed := l.allow("a")
	if !ok || suppressed != 100-logBurst {
		t.Errorf("next window: ok=%v suppressed=%d, want true %d", ok, suppressed, 100-logBurst)
	}
	for i := 0; i < 3*logKinds; i++ {
		l.allow(fmt.Sprint(i))
	}
	if len(l.kinds) > logKinds {
		t.Errorf("%d kinds remembered, at most %d", len(l.kinds), logKinds)
	}
}
