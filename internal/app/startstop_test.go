package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// A start that fails after the log is open – here a tenants file with a
// problem – wrote "sqlscim listening" to the log file and the reason only
// to stderr: an admin tailing the log saw a healthy start of a dead
// service. The log now says "sqlscim stopped" with the reason, and
// "listening" only once the server serves.
func TestFailedStartIsInTheLogFileAndNeverListening(t *testing.T) {
	dir := t.TempDir()
	tenants := filepath.Join(dir, "tenants.yaml")
	writeFile(t, tenants, "tenants:\n  - name: hr\n    database: {type: informix}\n")
	logFile := filepath.Join(dir, "application.log")
	out := &syncBuffer{}
	err := Run(context.Background(), []string{"serve", "--data-dir", filepath.Join(dir, "data"), "--address", "127.0.0.1", "--port", "0",
		"--admin-address", "off", "--demo", "false", "--tenants", tenants, "--log-file", logFile}, Options{Stdout: out, Stderr: out, Config: testConfig(t)})
	if err == nil || !strings.Contains(err.Error(), "informix") {
		t.Fatalf("serve with a bad tenant: %v", err)
	}
	log := string(mustRead(t, logFile))
	stopped := logLines(log, "sqlscim stopped")
	if len(stopped) != 1 || stopped[0]["level"] != "error" || !strings.Contains(stopped[0]["error"].(string), "informix") {
		t.Errorf("the log file does not say why sqlscim stopped:\n%s", log)
	}
	if strings.Contains(log, "sqlscim listening") {
		t.Errorf("the log file says listening for a start that failed:\n%s", log)
	}
}

func TestCleanStopIsLogged(t *testing.T) {
	in := start(t, testConfig(t), "--data-dir", t.TempDir())
	if len(logLines(in.out.String(), "sqlscim listening")) != 1 {
		t.Fatalf("no listening line:\n%s", in.out)
	}
	in.stop(t)
	if l := logLines(in.out.String(), "sqlscim stopped"); len(l) != 1 || l[0]["level"] != "info" {
		t.Errorf("no clean stopped line:\n%s", in.out)
	}
}
