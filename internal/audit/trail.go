package audit

import (
	"errors"
	"io"
	"math/rand/v2"
	"sync"
	"time"
)

// Config says what is audited and where events go.
type Config struct {
	// File is the JSON-lines audit file; "" writes none.
	File string
	// Stdout copies every line to standard output (for containers).
	Stdout bool
	// RingSize is how many recent events the admin API keeps (DefaultRingSize).
	RingSize int
	// Reads is the fraction of reads (GET, searches) audited, from 0
	// (none, the default) to 1 (all).
	Reads float64
	// Values records the values of changed attributes, secrets excepted.
	Values bool
	// QueueSize bounds each writer's queue (DefaultQueueSize).
	QueueSize int
}

// DefaultRingSize is how many events the admin API keeps when not configured.
const DefaultRingSize = 1000

// Trail is where a request's event goes when it ends: the ring, the
// writers and the observers (the provisioning metrics). It is safe for
// concurrent use.
type Trail struct {
	cfg     Config
	ring    *Ring
	writers []*Writer

	mu        sync.RWMutex
	observers []func(*Event)
}

// Open starts the trail's writers; Close stops them. stdout is where
// cfg.Stdout copies go; warn receives the writers' problems (dropped events,
// failed writes).
func Open(cfg Config, stdout io.Writer, warn func(msg string)) (*Trail, error) {
	if cfg.RingSize <= 0 {
		cfg.RingSize = DefaultRingSize
	}
	t := &Trail{cfg: cfg, ring: NewRing(cfg.RingSize)}
	opts := WriterOptions{QueueSize: cfg.QueueSize, Warn: warn}
	if cfg.File != "" {
		w, err := OpenFile(cfg.File, opts)
		if err != nil {
			return nil, err
		}
		t.writers = append(t.writers, w)
	}
	if cfg.Stdout && stdout != nil {
		t.writers = append(t.writers, NewWriter("stdout", stdout, opts))
	}
	return t, nil
}

// Begin returns the recorder of a new request, or nil when the request is
// not audited: a read, unless it falls in the sampled fraction.
func (t *Trail) Begin(kind Kind) *Recorder {
	if kind == Read && (t.cfg.Reads <= 0 || (t.cfg.Reads < 1 && rand.Float64() >= t.cfg.Reads)) {
		return nil
	}
	return NewRecorder(t.cfg.Values)
}

// Record takes a finished request's event: it numbers it, keeps it in the
// ring, queues it for the writers and tells the observers. It never
// blocks on a writer.
func (t *Trail) Record(ev *Event) {
	t.ring.Add(ev)
	for _, w := range t.writers {
		w.Write(ev)
	}
	t.mu.RLock()
	obs := t.observers
	t.mu.RUnlock()
	for _, o := range obs {
		o(ev)
	}
}

// Observe calls f with every event recorded from now on. f runs on the
// request's goroutine and must be quick.
func (t *Trail) Observe(f func(*Event)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.observers = append(t.observers[:len(t.observers):len(t.observers)], f)
}

// Query returns the matching events of the ring, newest first.
func (t *Trail) Query(q Query) []*Event { return t.ring.Query(q) }

// RingSize is how many events the ring keeps.
func (t *Trail) RingSize() int { return t.ring.Size() }

// Config is the trail's configuration.
func (t *Trail) Config() Config { return t.cfg }

// Writers are the trail's writers: the file's first, then stdout's.
func (t *Trail) Writers() []*Writer { return t.writers }

// Reopen reopens the audit file after a log rotation.
func (t *Trail) Reopen() error {
	var errs []error
	for _, w := range t.writers {
		errs = append(errs, w.Reopen())
	}
	return errors.Join(errs...)
}

// Close writes what is queued, waiting at most timeout for each writer.
func (t *Trail) Close(timeout time.Duration) error {
	var errs []error
	for _, w := range t.writers {
		errs = append(errs, w.Close(timeout))
	}
	return errors.Join(errs...)
}
