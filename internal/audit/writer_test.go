package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func event(i int) *Event {
	return &Event{Seq: uint64(i), RequestID: "r" + strings.Repeat("x", i%7), Method: "POST", Path: "/Users", Kind: Write, Status: 201, Outcome: Success}
}

// readLines parses every line of the file as an event and fails on one
// that is not a whole event.
func readLines(t *testing.T, path string) []Event {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []Event
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var ev Event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("line %d is not an event: %q: %v", len(out)+1, sc.Text(), err)
		}
		out = append(out, ev)
	}
	return out
}

func TestFileGetsOneLinePerEvent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs", "audit.log")
	w, err := OpenFile(path, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				w.Write(event(g*50 + i + 1))
			}
		})
	}
	wg.Wait()
	if err := w.Close(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	lines := readLines(t, path)
	if len(lines) != 400 || w.Written() != 400 || w.Dropped() != 0 {
		t.Fatalf("%d lines, %d written, %d dropped; want 400, 400, 0", len(lines), w.Written(), w.Dropped())
	}
	raw, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(raw), `{"log":"audit","seq":`) {
		t.Errorf("a line does not start with the log key: %.60s", raw)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", st.Mode().Perm())
	}
}

// A file whose last line was torn (power lost mid-write) gets a newline
// before the next event, so only the torn line is lost.
func TestTornLastLineIsClosedOnOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	os.WriteFile(path, []byte(`{"log":"audit","seq":1}`+"\n"+`{"log":"audit","se`), 0o640)
	w, err := OpenFile(path, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(event(2))
	w.Close(5 * time.Second)
	raw, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	if len(lines) != 3 || lines[1] != `{"log":"audit","se` || !strings.HasPrefix(lines[2], `{"log":"audit","seq":2,`) {
		t.Fatalf("lines after the torn one: %q", lines)
	}
}

// Reopen follows a log rotation: the old file keeps what was written
// before, the new file at the path gets what comes after.
func TestReopenAfterRotation(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.log")
	w, err := OpenFile(path, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close(5 * time.Second)
	w.Write(event(1))
	waitWritten(t, w, 1)
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	w.Write(event(2)) // still to the renamed file, as logrotate expects until the signal
	waitWritten(t, w, 2)
	if err := w.Reopen(); err != nil {
		t.Fatal(err)
	}
	w.Write(event(3))
	waitWritten(t, w, 3)
	if old := readLines(t, path+".1"); len(old) != 2 || old[1].Seq != 2 {
		t.Errorf("rotated file: %+v", old)
	}
	if cur := readLines(t, path); len(cur) != 1 || cur[0].Seq != 3 {
		t.Errorf("new file: %+v", cur)
	}
}

func waitWritten(t *testing.T, w *Writer, n uint64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for w.Written() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d events written, want %d", w.Written(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// blockedSink is a disk that stops answering: every write waits until
// release is closed.
type blockedSink struct {
	release chan struct{}
	mu      sync.Mutex
	buf     bytes.Buffer
}

func (b *blockedSink) Write(p []byte) (int, error) {
	<-b.release
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// A stuck writer never blocks Write: once the queue is full, events are
// dropped, counted and reported once per interval, not once per event.
func TestStuckWriterDropsInsteadOfBlocking(t *testing.T) {
	sink := &blockedSink{release: make(chan struct{})}
	var mu sync.Mutex
	var warnings []string
	w := NewWriter("stdout", sink, WriterOptions{QueueSize: 4, Warn: func(m string) {
		mu.Lock()
		warnings = append(warnings, m)
		mu.Unlock()
	}})
	w.Write(event(1))
	for len(w.queue) > 0 { // the writer takes it and gets stuck in the write
		time.Sleep(time.Millisecond)
	}
	done := make(chan struct{})
	go func() {
		for i := 1; i < 100; i++ {
			w.Write(event(i + 1))
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Write blocked on a stuck writer")
	}
	// One event is in the stuck write, four wait in the queue.
	if got := w.Dropped(); got != 95 {
		t.Errorf("dropped %d, want 95", got)
	}
	close(sink.release)
	if err := w.Close(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if w.Written() != 5 {
		t.Errorf("written %d after the disk came back, want 5", w.Written())
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(warnings)
		mu.Unlock()
		if n > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(warnings) != 1 || !strings.Contains(warnings[0], "queue of 4 events is full") {
		t.Errorf("warnings: %q", warnings)
	}
}

// Close gives up on a writer that stays stuck, and says what was lost.
func TestCloseDoesNotHangOnAStuckWriter(t *testing.T) {
	sink := &blockedSink{release: make(chan struct{})}
	defer close(sink.release)
	w := NewWriter("stdout", sink, WriterOptions{QueueSize: 4})
	w.Write(event(1))
	w.Write(event(2))
	err := w.Close(50 * time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "were not written") {
		t.Fatalf("Close: %v", err)
	}
}

// A file that cannot be created is reported when the trail opens.
func TestUnwritableFileStopsTheStart(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	os.WriteFile(blocker, nil, 0o600)
	_, err := Open(Config{File: filepath.Join(blocker, "audit.log")}, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "audit file") {
		t.Fatalf("Open: %v", err)
	}
}
