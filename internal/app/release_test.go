package app

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sqlscim/sqlscim/internal/labtest"
)

// runOut runs the sqlscim command line args through Run and returns its output.
func runOut(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := Run(context.Background(), args, Options{Stdout: &out, Stderr: &out, Config: testConfig(t)})
	return out.String(), err
}

// TestEachCommandShowsItsOwnFlags: check --help listed the server's flags
// (--port, --log-file …), which check ignores.
func TestEachCommandShowsItsOwnFlags(t *testing.T) {
	serveOnly := []string{"--address", "--port", "--log-level", "--log-format", "--log-file", "--admin-address"}
	for _, tc := range []struct {
		command     []string
		want, never []string
	}{
		{[]string{"serve"}, append([]string{"--data-dir", "--tenants", "--demo", "--cert-hostname"}, serveOnly...), nil},
		{[]string{"check"}, []string{"--data-dir", "--ops-dir", "--config", "--customer-id", "--tenants", "--demo", "--tenant"}, append([]string{"--cert-hostname"}, serveOnly...)},
		{[]string{"credentials"}, []string{"--data-dir", "--ops-dir", "--config", "--customer-id"}, append([]string{"--tenants", "--demo", "--cert-hostname"}, serveOnly...)},
		{[]string{"init"}, []string{"--data-dir", "--cert-hostname"}, append([]string{"--tenants", "--demo"}, serveOnly...)},
		{[]string{"pins"}, []string{"--data-dir"}, append([]string{"--tenants", "--demo", "--cert-hostname"}, serveOnly...)},
		{[]string{"pins", "approve"}, []string{"--data-dir"}, append([]string{"--tenants", "--cert-hostname"}, serveOnly...)},
		{[]string{"health"}, []string{"--url", "--timeout"}, append([]string{"--data-dir", "--tenants"}, serveOnly...)},
	} {
		out, err := runOut(t, append(tc.command, "--help")...)
		if err != nil {
			t.Fatalf("%v --help: %v", tc.command, err)
		}
		for _, f := range tc.want {
			if !strings.Contains(out, f+" ") {
				t.Errorf("%v --help lacks %s:\n%s", tc.command, f, out)
			}
		}
		for _, f := range tc.never {
			if strings.Contains(out, f+" ") {
				t.Errorf("%v --help lists %s, which it does not use", tc.command, f)
			}
		}
	}
	// A serve-only flag given to check is refused, not ignored.
	if _, err := runOut(t, "check", "--port", "1443"); err == nil || !strings.Contains(err.Error(), "unknown flag: --port") {
		t.Errorf("check --port: %v", err)
	}
}

// TestVersionSaysWhatWasBuilt builds sqlscim as make build does and asks
// it: "version" and "--version" printed only a commit (and --version was
// an unknown flag); now both print the version from the link, and the
// commit, its date, the dirty flag and the Go version the go command
// recorded.
func TestVersionSaysWhatWasBuilt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	root := labtest.Root()
	if _, err := os.Stat(filepath.Join(root, ".git")); err != nil {
		t.Skip("not a git checkout: the go command records no commit")
	}
	git := func(args ...string) string {
		out, err := exec.Command("git", append([]string{"-C", root}, args...)...).Output()
		if err != nil {
			t.Skipf("git %v: %v", args, err)
		}
		return strings.TrimSpace(string(out))
	}
	commit := git("rev-parse", "HEAD")
	bin := filepath.Join(t.TempDir(), "sqlscim")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, "go", "build", "-buildvcs=auto",
		"-ldflags", "-X github.com/sqlscim/sqlscim/internal/buildinfo.Version=v9.8.7", "-o", bin, "./cmd/sqlscim")
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("sqlscim %v: %v\n%s", args, err, out)
		}
		text := string(out)
		for _, want := range []string{"sqlscim 9.8.7\n", "commit:      " + commit, "go:          " + runtime.Version(), "platform:    " + runtime.GOOS + "/" + runtime.GOARCH} {
			if !strings.Contains(text, want) {
				t.Errorf("sqlscim %v lacks %q:\n%s", args, want, text)
			}
		}
		if strings.Contains(text, "commit date: unknown") {
			t.Errorf("sqlscim %v has no commit date:\n%s", args, text)
		}
		t.Logf("sqlscim %v:\n%s", args, text)
	}
}
