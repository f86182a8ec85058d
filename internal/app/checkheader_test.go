package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sqlscim/sqlscim/internal/testsupport/labtest"
)

// check read only local tenants files, so an admin could not verify the
// agent's configuration before switching from OPS. check --header checks a
// decoded header, or each line of captured-headers.jsonl, as serve would
// receive it: allow rules first, then the checks of a local tenant.
func TestCheckHeaderChecksTheAgentsConfigurations(t *testing.T) {
	my := labtest.Database(t, "mysql")
	doc, err := base64.StdEncoding.DecodeString(agentHeader(t, "mysql-procedures.yaml", my))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	docFile := filepath.Join(dir, "header.json")
	writeFile(t, docFile, string(doc))
	capture := filepath.Join(dir, "captured-headers.jsonl")
	writeFile(t, capture, `{"time":"2026-12-01T00:00:00Z","app":"hr","config":`+string(doc)+"}\n"+
		`{"time":"2026-12-01T00:00:00Z","app":"payroll","config":`+strings.Replace(string(doc), `"127.0.0.1"`, `"10.9.9.9"`, 1)+"}\n")
	dataDir := filepath.Join(dir, "data")
	run := func(args ...string) (string, error) {
		var buf bytes.Buffer
		err := Run(context.Background(), append([]string{"check", "--data-dir", dataDir}, args...), Options{Stdout: &buf, Stderr: &buf, Config: testConfig(t)})
		return buf.String(), err
	}
	if _, err := run("--help"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Run(context.Background(), []string{"init", "--data-dir", dataDir}, Options{Stdout: &buf, Stderr: &buf, Config: testConfig(t)}); err != nil {
		t.Fatal(err)
	}

	// No allow rule: refused, as serve refuses it, with the line to add.
	out, err := run("--header", docFile)
	if err == nil || !strings.Contains(out, "refused as serve would refuse it: 403") || !strings.Contains(out, "header.allowed_databases") {
		t.Errorf("without an allow rule: %v\n%s", err, out)
	}

	cfg := headerConfig(t, "")
	out, err = run("--config", cfg, "--header", docFile, "--tenant", "lab")
	if err != nil || !regexp.MustCompile(`tenant lab \(mysql://`).MatchString(out) || !strings.Contains(out, "1 tenant(s) passed the check") {
		t.Errorf("a header document with its database allowed: %v\n%s", err, out)
	}
	if strings.Contains(out, my.Conn.Password.Reveal()) && my.Conn.Password.Reveal() != "" {
		t.Errorf("the output holds the password:\n%s", out)
	}

	out, err = run("--config", cfg, "--header", capture)
	if err == nil || !strings.Contains(out, "tenant hr (mysql://") || !strings.Contains(out, "tenant payroll ("+capture+":2)") ||
		!strings.Contains(out, "10.9.9.9") || !strings.Contains(err.Error(), "1 of 2 configuration(s)") {
		t.Errorf("a capture with an allowed and a refused database: %v\n%s", err, out)
	}

	bad := filepath.Join(dir, "bad.jsonl")
	writeFile(t, bad, "{\"app\":\"x\",\"config\":{}}\nnot json\n")
	if _, err := run("--config", cfg, "--header", bad); err == nil || !strings.Contains(err.Error(), "bad.jsonl:2") {
		t.Errorf("a file that is neither: %v", err)
	}
	_ = os.Remove(bad)
}
