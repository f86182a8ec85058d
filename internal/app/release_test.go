package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sqlscim/sqlscim/internal/testsupport/labtest"
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
	bin := buildBinary(t, "v9.8.7")
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

// buildBinary builds sqlscim as make build does, with version linked in,
// and returns its path: DIR/bin/sqlscim in a fresh DIR.
func buildBinary(t *testing.T, version string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bin", "sqlscim")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, "go", "build", "-buildvcs=auto",
		"-ldflags", "-X github.com/sqlscim/sqlscim/internal/buildinfo.Version="+version, "-o", bin, "./cmd/sqlscim")
	build.Dir = labtest.Root()
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestDemoCurlLineWorksWhenPasted runs the demo as make run does and
// pastes the curl line it prints into a shell: the line used to carry a
// placeholder instead of the token whenever the output was not a
// terminal. It also holds the README to its numbers: 13 of the demo's 15
// users are active and listed.
func TestDemoCurlLineWorksWhenPasted(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and generates an RSA-4096 key")
	}
	if _, err := exec.LookPath("curl"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("curl is missing; .ci/run installs it")
		}
		t.Skip("curl is not installed")
	}
	bin := buildBinary(t, "v0.0.0-demo")
	dir := filepath.Dir(filepath.Dir(bin))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// make run's command line, on a free port.
	serve := exec.CommandContext(ctx, bin, "serve", "--data-dir", "data", "--address", "127.0.0.1", "--port", "0", "--admin-address", "off", "--log-format", "console")
	serve.Dir = dir
	serve.Stdout = io.Discard
	stderr, err := serve.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = serve.Process.Signal(os.Interrupt)
		_ = serve.Wait()
	}()
	var banner strings.Builder
	curl := ""
	sc := bufio.NewScanner(stderr)
	for curl == "" && sc.Scan() {
		banner.WriteString(sc.Text() + "\n")
		if line, ok := strings.CutPrefix(sc.Text(), "  curl "); ok {
			curl = "curl --silent --show-error " + line
		}
	}
	if curl == "" {
		t.Fatalf("the demo printed no curl line:\n%s", banner.String())
	}
	if !strings.Contains(banner.String(), "Base URL:    https://127.0.0.1:") {
		t.Errorf("the demo does not serve on 127.0.0.1:\n%s", banner.String())
	}
	go func() { _, _ = io.Copy(io.Discard, stderr) }()
	t.Logf("pasting: %s", curl)
	sh := exec.CommandContext(ctx, "sh", "-c", curl)
	sh.Dir = dir
	out, err := sh.CombinedOutput()
	if err != nil {
		t.Fatalf("the pasted curl line failed: %v\n%s", err, out)
	}
	var list struct {
		TotalResults int
		Resources    []map[string]any
	}
	if err := json.Unmarshal(out, &list); err != nil {
		t.Fatalf("the curl line answered %s: %v", out, err)
	}
	if list.TotalResults != 13 || len(list.Resources) != 2 {
		t.Errorf("the demo lists %d users (page of %d); README says 13 of its 15 users are active and listed", list.TotalResults, len(list.Resources))
	}
}
