package audit

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// Writer writes events as JSON lines on a goroutine of its own, so that a
// slow or stuck disk never holds up a request: Write only queues the event.
// The queue is bounded; when it is full the event is dropped, counted
// (Dropped) and reported through the warning function, at most once per
// WarnInterval. Each line goes out in one write call, so the file never
// holds half an event: a crash loses the events still queued (normally
// none: the queue is empty unless the disk falls behind) and never tears a
// line. A file is synced to disk once a second while events arrive.
type Writer struct {
	name   string
	queue  chan *Event
	ctl    chan func()
	stop   chan struct{}
	done   chan struct{}
	warn   func(string)
	closer sync.Once

	// Owned by the writing goroutine.
	out   io.Writer
	file  *os.File // nil for a stream such as stdout
	path  string
	dirty bool

	written, dropped, failed atomic.Uint64
	lastWarn                 atomic.Int64 // unix nanoseconds
}

// WriterOptions tune a Writer.
type WriterOptions struct {
	// QueueSize bounds the events waiting to be written (DefaultQueueSize).
	QueueSize int
	// Warn receives the writer's problems: dropped events, failed writes.
	// It is called on a goroutine of its own, never the request's.
	Warn func(msg string)
}

// DefaultQueueSize is the queue of a Writer when not configured: with
// events of a few hundred bytes, at most a few MB wait in memory.
const DefaultQueueSize = 4096

// WarnInterval is the least time between two warnings of a writer.
const WarnInterval = 10 * time.Second

// NewWriter writes to w, a stream such as stdout. name is used in warnings.
func NewWriter(name string, w io.Writer, opts WriterOptions) *Writer {
	wr := newWriter(name, opts)
	wr.out = w
	go wr.run()
	return wr
}

// OpenFile appends to the file at path, creating it (mode 0640) and its
// directory (0750) if needed. Reopen opens the path again, after a log
// rotation moved the file away.
func OpenFile(path string, opts WriterOptions) (*Writer, error) {
	f, err := openAppend(path)
	if err != nil {
		return nil, err
	}
	wr := newWriter(path, opts)
	wr.out, wr.file, wr.path = f, f, path
	go wr.run()
	return wr, nil
}

func newWriter(name string, opts WriterOptions) *Writer {
	size := opts.QueueSize
	if size <= 0 {
		size = DefaultQueueSize
	}
	return &Writer{name: name, queue: make(chan *Event, size), ctl: make(chan func()), stop: make(chan struct{}), done: make(chan struct{}), warn: opts.Warn}
}

// openAppend opens path for appending. A file whose last line was torn
// (the machine lost power in the middle of a write) gets a newline first,
// so that the next event starts a line of its own and only the torn one is
// unreadable.
func openAppend(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("audit file: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o640)
	if err != nil {
		return nil, fmt.Errorf("audit file: %w", err)
	}
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, st.Size()-1); err == nil && last[0] != '\n' {
			if _, err := f.Write([]byte{'\n'}); err != nil {
				f.Close()
				return nil, fmt.Errorf("audit file: %w", err)
			}
		}
	}
	return f, nil
}

// Write queues ev; it never blocks. ev must not change afterwards.
func (w *Writer) Write(ev *Event) {
	select {
	case w.queue <- ev:
	default:
		n := w.dropped.Add(1)
		w.warnf("audit %s: the queue of %d events is full (the disk is slow or stuck); dropped this event (%d dropped so far). Requests are not held up; events are lost until the writer catches up", w.name, cap(w.queue), n)
	}
}

// Written, Dropped and Failed count the events written, dropped because the
// queue was full, and lost to a failed write.
func (w *Writer) Written() uint64 { return w.written.Load() }

// Dropped counts the events dropped because the queue was full.
func (w *Writer) Dropped() uint64 { return w.dropped.Load() }

// Failed counts the events lost to a failed write or encoding.
func (w *Writer) Failed() uint64 { return w.failed.Load() }

// Name is the file path, or the stream's name.
func (w *Writer) Name() string { return w.name }

// warnf reports a problem, at most once per WarnInterval, on a goroutine of
// its own: the application log may sit on the same slow disk.
func (w *Writer) warnf(format string, args ...any) {
	if w.warn == nil {
		return
	}
	now := time.Now().UnixNano()
	last := w.lastWarn.Load()
	if now-last < int64(WarnInterval) || !w.lastWarn.CompareAndSwap(last, now) {
		return
	}
	go w.warn(fmt.Sprintf(format, args...))
}

func (w *Writer) run() {
	defer close(w.done)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case ev := <-w.queue:
			w.write(ev)
		case <-tick.C:
			w.sync()
		case f := <-w.ctl:
			f()
		case <-w.stop:
			for {
				select {
				case ev := <-w.queue:
					w.write(ev)
				default:
					w.sync()
					if w.file != nil {
						_ = w.file.Close()
					}
					return
				}
			}
		}
	}
}

func (w *Writer) write(ev *Event) {
	b, err := MarshalLine(ev)
	if err == nil {
		_, err = w.out.Write(b)
	}
	if err != nil {
		n := w.failed.Add(1)
		w.warnf("audit %s: an event could not be written: %v (%d lost so far)", w.name, err, n)
		return
	}
	w.written.Add(1)
	w.dirty = true
}

func (w *Writer) sync() {
	if !w.dirty || w.file == nil {
		return
	}
	w.dirty = false
	if err := w.file.Sync(); err != nil {
		w.warnf("audit %s: sync: %v", w.name, err)
	}
}

// errClosed is returned by a writer that was closed.
var errClosed = errors.New("the audit writer is closed")

// handOverTimeout bounds the wait for a busy writer to take a request.
const handOverTimeout = 5 * time.Second

// Reopen opens the file's path again and writes there from the next event
// on, after a log rotation renamed the file (as logrotate does before
// sending SIGHUP). The old file is synced and closed. A stream is not
// reopened. If the new file cannot be opened, the writer keeps the old one
// and Reopen says why.
func (w *Writer) Reopen() error {
	if w.path == "" {
		return nil
	}
	errc := make(chan error, 1)
	timer := time.NewTimer(handOverTimeout)
	defer timer.Stop()
	select {
	case w.ctl <- func() { errc <- w.reopen() }:
	case <-w.done:
		return errClosed
	case <-timer.C:
		return fmt.Errorf("audit %s: not reopened: the writer has been busy for %s (a slow or stuck disk)", w.name, handOverTimeout)
	}
	return <-errc
}

func (w *Writer) reopen() error {
	f, err := openAppend(w.path)
	if err != nil {
		return err
	}
	w.sync()
	old := w.file
	w.out, w.file = f, f
	return old.Close()
}

// Close writes what is queued and closes the file. It waits at most
// timeout for a busy writer, then gives up, saying how many events were
// left unwritten.
func (w *Writer) Close(timeout time.Duration) error {
	w.closer.Do(func() { close(w.stop) })
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-w.done:
		return nil
	case <-timer.C:
		return fmt.Errorf("audit %s: %d events were not written: the writer is still busy after %s", w.name, len(w.queue), timeout)
	}
}
