package main

import (
	"compress/gzip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestManPagesAndCompletions generates the files the packages ship and
// checks that they describe sqlscim's commands, each with its own flags,
// and that the bash completion is valid bash.
func TestManPagesAndCompletions(t *testing.T) {
	dir := t.TempDir()
	if err := run(dir); err != nil {
		t.Fatal(err)
	}
	page := func(name string) string {
		t.Helper()
		f, err := os.Open(filepath.Join(dir, "man", name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return string(b)
	}
	for _, cmd := range []string{"serve", "init", "credentials", "check", "health", "pins", "version"} {
		if !strings.Contains(page("sqlscim.1.gz"), `\fBsqlscim-`+cmd+`(1)\fP`) {
			t.Errorf("sqlscim(1) does not refer to sqlscim-%s(1)", cmd)
		}
		if text := page("sqlscim-" + cmd + ".1.gz"); !strings.Contains(text, ".TH \"SQLSCIM\" \"1\"") {
			t.Errorf("sqlscim-%s.1 is not a man page:\n%s", cmd, text)
		}
	}
	check := page("sqlscim-check.1.gz")
	if !strings.Contains(check, `\fB--tenants\fP`) || strings.Contains(check, `\fB--port\fP`) {
		t.Errorf("sqlscim-check(1) does not list check's own flags only:\n%s", check)
	}
	if serve := page("sqlscim-serve.1.gz"); !strings.Contains(serve, `\fB--port\fP`) {
		t.Errorf("sqlscim-serve(1) lacks --port:\n%s", serve)
	}
	for _, name := range []string{"sqlscim.bash", "_sqlscim", "sqlscim.fish"} {
		b, err := os.ReadFile(filepath.Join(dir, "completions", name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "sqlscim") || len(b) < 1000 {
			t.Errorf("%s is not a completion script for sqlscim", name)
		}
	}
	if out, err := exec.Command("bash", "-n", filepath.Join(dir, "completions", "sqlscim.bash")).CombinedOutput(); err != nil {
		t.Errorf("bash -n sqlscim.bash: %v\n%s", err, out)
	}
}
