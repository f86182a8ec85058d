package config

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqlscim/sqlscim/internal/audit"
)

func TestAuditSettings(t *testing.T) {
	in := newInstall(t)
	in.keystore(t, issue(t, 1, "h", false, nil))

	// OPS mode: beside the application log, names only, no reads.
	cfg := mustLoad(t, in)
	want := audit.Config{File: filepath.Join(filepath.Dir(in.opts.OPSLogFile), "audit.log"), RingSize: 1000}
	if cfg.Audit != want {
		t.Errorf("OPS defaults: %+v, want %+v", cfg.Audit, want)
	}

	for _, c := range []struct {
		env     map[string]string
		want    audit.Config
		wantErr string
	}{
		{env: map[string]string{"SQLSCIM_AUDIT_FILE": "off", "SQLSCIM_AUDIT_STDOUT": "true", "SQLSCIM_AUDIT_RING_SIZE": "50", "SQLSCIM_AUDIT_READS": "0.25", "SQLSCIM_AUDIT_VALUES": "true"},
			want: audit.Config{Stdout: true, RingSize: 50, Reads: 0.25, Values: true}},
		{env: map[string]string{"SQLSCIM_AUDIT_FILE": "/srv/audit/x.log"}, want: audit.Config{File: "/srv/audit/x.log", RingSize: 1000}},
		{env: map[string]string{"SQLSCIM_LOG_FILE": "/srv/logs/sqlscim.log"}, want: audit.Config{File: "/srv/logs/audit.log", RingSize: 1000}},
		{env: map[string]string{"SQLSCIM_AUDIT_READS": "2"},
			wantErr: `environment variable SQLSCIM_AUDIT_READS: "2" is not a fraction of reads; use a number from 0 (none) to 1 (every read), e.g. 0.01`},
		{env: map[string]string{"SQLSCIM_AUDIT_RING_SIZE": "0"},
			wantErr: `environment variable SQLSCIM_AUDIT_RING_SIZE: 0 is not a number of events; use a whole number from 1 to 1000000`},
		{env: map[string]string{"SQLSCIM_AUDIT_VALUES": "names"},
			wantErr: `environment variable SQLSCIM_AUDIT_VALUES: "names" is not true or false`},
	} {
		noSQLSCIMEnv(t)
		for k, v := range c.env {
			t.Setenv(k, v)
		}
		cfg, err := Load(in.opts)
		switch {
		case c.wantErr != "":
			if err == nil || err.Error() != c.wantErr {
				t.Errorf("%v: err = %v, want %s", c.env, err, c.wantErr)
			}
		case err != nil:
			t.Errorf("%v: %v", c.env, err)
		case cfg.Audit != c.want:
			t.Errorf("%v: %+v, want %+v", c.env, cfg.Audit, c.want)
		}
	}
}

// Standalone, the audit file is in the data directory.
func TestAuditFileStandalone(t *testing.T) {
	noSQLSCIMEnv(t)
	dataDir := t.TempDir()
	t.Setenv("SQLSCIM_DATA_DIR", dataDir)
	cfg, err := Load(Options{DefaultOPSDir: filepath.Join(t.TempDir(), "none"), PKIDir: t.TempDir(), Host: &Host{Name: "h"}, KeyBits: 2048, Create: true})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Audit.File != filepath.Join(dataDir, "audit.log") || !strings.HasPrefix(cfg.Audit.File, "/") {
		t.Errorf("audit file %q", cfg.Audit.File)
	}
}
