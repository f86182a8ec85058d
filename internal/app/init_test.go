package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOnlyServeAndInitCreateCredentials: check, credentials and pins on a
// data directory without credentials stop with one line naming the
// directory and "sqlscim init", and leave the directory as it was; init
// creates them once and then changes nothing.
func TestOnlyServeAndInitCreateCredentials(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "mistyped")
	for _, args := range [][]string{
		{"check"}, {"credentials"}, {"pins"},
	} {
		var out bytes.Buffer
		err := Run(context.Background(), append(args, "--data-dir", dataDir), Options{Stdout: &out, Stderr: &out, Config: testConfig(t)})
		if err == nil {
			t.Fatalf("sqlscim %s on a directory without credentials succeeded:\n%s", args[0], out.String())
		}
		msg := err.Error()
		if strings.Contains(msg, "\n") || !strings.Contains(msg, dataDir) || !strings.Contains(msg, "sqlscim init --data-dir "+dataDir) {
			t.Errorf("sqlscim %s: want one line naming %s and sqlscim init, got %q", args[0], dataDir, msg)
		}
		if strings.Contains(out.String(), "Bearer") {
			t.Errorf("sqlscim %s printed a token:\n%s", args[0], out.String())
		}
		if entries, _ := os.ReadDir(dataDir); len(entries) > 0 {
			t.Fatalf("sqlscim %s created files in %s: %v", args[0], dataDir, entries)
		}
	}

	var out bytes.Buffer
	if err := Run(context.Background(), []string{"init", "--data-dir", dataDir}, Options{Stdout: &out, Stderr: &out, Config: testConfig(t)}); err != nil {
		t.Fatalf("init: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "created") || strings.Contains(out.String(), "Bearer") {
		t.Errorf("init should say what it created, without the token:\n%s", out.String())
	}
	props := filepath.Join(dataDir, "conf", "config-local.properties")
	token := tokenOf(t, props)
	out.Reset()
	if err := Run(context.Background(), []string{"init", "--data-dir", dataDir}, Options{Stdout: &out, Stderr: &out, Config: testConfig(t)}); err != nil {
		t.Fatalf("second init: %v", err)
	}
	if !strings.Contains(out.String(), "already") || tokenOf(t, props) != token {
		t.Errorf("a second init must change nothing and say so:\n%s", out.String())
	}
	out.Reset()
	if err := Run(context.Background(), []string{"credentials", "--data-dir", dataDir}, Options{Stdout: &out, Stderr: &out, Config: testConfig(t)}); err != nil {
		t.Fatalf("credentials after init: %v", err)
	}
	if !strings.Contains(out.String(), "Bearer "+token) {
		t.Errorf("credentials does not print the token init made:\n%s", out.String())
	}
}
