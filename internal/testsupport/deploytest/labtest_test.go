package deploytest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sqlscim/sqlscim/internal/app"
	"github.com/sqlscim/sqlscim/internal/config"
)

// lockedBuffer collects the server's log from its goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestLabTestScriptAgainstTheDemo runs docker/lab-test.sh --demo, the
// connector guide's four tests with curl, against the demo that `make run`
// serves, started here on a free loopback port.
func TestLabTestScriptAgainstTheDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server; not in -short")
	}
	if _, err := exec.LookPath("curl"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("curl is needed to run docker/lab-test.sh: apt-get install -y curl")
		}
		t.Skip("curl is not installed: apt-get install -y curl")
	}
	tmp := t.TempDir()
	dataDir := filepath.Join(tmp, "data")
	args := []string{"serve", "--data-dir", dataDir, "--address", "127.0.0.1", "--port", "0", "--log-format", "console"}
	if hasFlag("serve", "--admin-address") {
		args = append(args, "--admin-address", "127.0.0.1:0")
	}
	ctx, cancel := context.WithCancel(context.Background())
	log := &lockedBuffer{}
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- app.Run(ctx, args, app.Options{
			Stdout: log, Stderr: log,
			Config: config.Options{
				DefaultOPSDir: filepath.Join(tmp, "no-ops-install"), // even where the package is installed
				PKIDir:        filepath.Join(tmp, "pki"),
				OPSLogFile:    filepath.Join(tmp, "application.log"),
				Host:          &config.Host{Name: "localhost"},
				KeyBits:       2048,
			},
			Ready: func(a net.Addr) { ready <- a },
		})
	}()
	defer func() {
		cancel()
		select {
		case <-done:
		case <-time.After(40 * time.Second):
			t.Error("the server did not stop")
		}
	}()
	var addr net.Addr
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("the demo did not start: %v\n%s", err, log.String())
	case <-time.After(2 * time.Minute):
		t.Fatalf("the demo did not start in 2 minutes\n%s", log.String())
	}

	sctx, scancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer scancel()
	cmd := exec.CommandContext(sctx, "bash", repoPath("docker/lab-test.sh"), "--demo",
		"--url", fmt.Sprintf("https://127.0.0.1:%d/ws/rest", addr.(*net.TCPAddr).Port), "--data-dir", dataDir)
	out, err := cmd.CombinedOutput()
	t.Logf("docker/lab-test.sh --demo:\n%s", out)
	if err != nil || !strings.Contains(string(out), " passed, 0 failed") {
		t.Errorf("docker/lab-test.sh --demo failed: %v\nserver log:\n%s", err, log.String())
	}
}
