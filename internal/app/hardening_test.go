package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqlscim/sqlscim/internal/dbtest"
	"github.com/sqlscim/sqlscim/internal/labtest"
)

// hardened starts sqlscim with the YAML configuration yaml and returns an
// agent for it, whose header is the lab tenant of file pointed at d.
func hardened(t *testing.T, yaml, file string, d *dbtest.Database) (*agent, *instance, string) {
	t.Helper()
	cfgFile := filepath.Join(t.TempDir(), "sqlscim.yaml")
	if err := os.WriteFile(cfgFile, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	dataDir := t.TempDir()
	in := start(t, testConfig(t), "--data-dir", dataDir, "--demo", "false", "--config", cfgFile)
	a := &agent{t: t, c: client(readCert(t, filepath.Join(dataDir, "certs", "OktaOnPremScimServer-local.crt")), 0, 0),
		base: in.url(""), token: tokenOf(t, filepath.Join(dataDir, "conf", "config-local.properties"))}
	if d != nil {
		a.header = agentHeader(t, file, d)
	}
	return a, in, dataDir
}

// The allow-list bypass of the review: a PostgreSQL host that is a list
// (pgx splits it at commas and tries each part) or a Unix socket directory
// reached the local server as postgres although no rule allowed it. Now a
// host list is no host, a socket is refused to header configurations, and
// nothing reaches the database.
func TestHeaderPostgreSQLHostListsAndSocketsAreRefused(t *testing.T) {
	d := labtest.Database(t, "postgresql")
	a, _, _ := hardened(t, "header:\n  allowed_databases: [\"127.0.0.1:5432\", \"*.lab.internal\"]\n", "postgresql-sql.yaml", nil)
	for _, tc := range []struct {
		host   string
		port   int
		status int
		detail string
	}{
		{"/nonexistent,127.0.0.1,db.lab.internal", d.Conn.Port, 400, `PostgreSQL host "/nonexistent,127.0.0.1,db.lab.internal" is a list of hosts; sqlscim connects to one host`},
		{"/nonexistent,localhost,db.lab.internal", d.Conn.Port, 400, `PostgreSQL host "/nonexistent,localhost,db.lab.internal" is a list of hosts; sqlscim connects to one host`},
		{"db.lab.internal,127.0.0.1", d.Conn.Port, 400, `PostgreSQL host "db.lab.internal,127.0.0.1" is a list of hosts; sqlscim connects to one host`},
		{"/var/run/postgresql", d.Conn.Port, 403, fmt.Sprintf("X-OKTA-ONPREM-DATA: the database is the Unix socket /var/run/postgresql/.s.PGSQL.%d of the sqlscim host; configurations from the agent's header reach databases over TCP only: give a host name or address", d.Conn.Port)},
	} {
		viaHost := *d
		viaHost.Conn.Host, viaHost.Conn.Port = tc.host, tc.port
		a.header = agentHeader(t, "postgresql-sql.yaml", &viaHost)
		status, doc := a.do("GET", "/Users/luke.skywalker@galaxy.local", nil)
		detail, _ := doc["detail"].(string)
		if status != tc.status || !strings.Contains(detail, tc.detail) {
			t.Errorf("host %q: %d %q, want %d %q", tc.host, status, detail, tc.status, tc.detail)
		}
	}
}
