package logging

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/zap/zapcore"
)

func TestReopenWritesToTheNewFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "application.log")
	h, err := Open(Config{File: path}, zapcore.AddSync(&strings.Builder{}))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	h.Logger.Info("before the rotation")
	// logrotate without copytruncate: rename, then signal.
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	h.Logger.Info("after the rename, before the reopen")
	if err := h.Reopen(); err != nil {
		t.Fatal(err)
	}
	h.Logger.Info("after the reopen")

	old := read(t, path+".1")
	cur := read(t, path)
	if !strings.Contains(old, "before the rotation") || !strings.Contains(old, "before the reopen") || strings.Contains(old, "after the reopen") {
		t.Errorf("the rotated file holds:\n%s", old)
	}
	if !strings.Contains(cur, "after the reopen") || strings.Contains(cur, "before") {
		t.Errorf("the new file holds:\n%s", cur)
	}
}

func TestReopenFailureKeepsTheOldFile(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "logs")
	path := filepath.Join(sub, "application.log")
	h, err := Open(Config{File: path}, zapcore.AddSync(&strings.Builder{}))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	// The directory is gone: the path cannot be opened again.
	if err := os.Rename(sub, filepath.Join(dir, "moved")); err != nil {
		t.Fatal(err)
	}
	if err := h.Reopen(); err == nil || !strings.Contains(err.Error(), "open log file") {
		t.Fatalf("Reopen: %v, want an error", err)
	}
	h.Logger.Info("still written")
	if got := read(t, filepath.Join(dir, "moved", "application.log")); !strings.Contains(got, "still written") {
		t.Errorf("after a failed reopen the old file holds:\n%s", got)
	}
}

func TestSetLevel(t *testing.T) {
	var out strings.Builder
	h, err := Open(Config{Level: "warn"}, zapcore.AddSync(&out))
	if err != nil {
		t.Fatal(err)
	}
	child := h.Logger.Named("child") // derived before the change
	child.Info("hidden")
	if err := h.SetLevel("DEBUG"); err != nil {
		t.Fatal(err)
	}
	child.Debug("shown")
	if err := h.SetLevel("loud"); err == nil {
		t.Error("SetLevel accepted an unknown level")
	}
	if s := out.String(); strings.Contains(s, "hidden") || !strings.Contains(s, "shown") || h.Level() != "debug" {
		t.Errorf("level %s, output:\n%s", h.Level(), s)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Every value Validate refuses, with the exact message.
func TestConfigValidateBadValues(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Level: "info", Format: "json"}, ""},
		{Config{Level: "WARN", Format: "Console"}, ""},
		{Config{Level: "loud", Format: "json"}, `level: "loud" is not a log level (debug, info, warn, error)`},
		{Config{Level: "info", Format: "xml"}, `format: "xml" is not a log format; use json or console`},
		{Config{Level: "loud", Format: "xml"}, `level: "loud" is not a log level (debug, info, warn, error)`},
	} {
		err := tc.cfg.Validate()
		if got := fmt.Sprint(err); tc.want == "" && err != nil || tc.want != "" && got != tc.want {
			t.Errorf("%+v: Validate() = %v, want %q", tc.cfg, err, tc.want)
		}
	}
}
