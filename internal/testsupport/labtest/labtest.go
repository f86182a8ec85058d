// Package labtest sets up the lab of Okta's generic database connector
// guide for tests: a throw-away MariaDB or PostgreSQL database loaded from
// sql/, and a tenant configuration from testdata/tenants pointed at it.
package labtest

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	sqlfiles "github.com/sqlscim/sqlscim/sql"

	"github.com/sqlscim/sqlscim/internal/provision"
	"github.com/sqlscim/sqlscim/internal/tenant"
	"github.com/sqlscim/sqlscim/internal/testsupport/dbtest"
)

// Root is the repository's top directory.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// Database creates a throw-away database of dialect ("mysql" or
// "postgresql") holding the lab schema, procedures and demo data.
func Database(t testing.TB, dialect string) *dbtest.Database {
	t.Helper()
	var d *dbtest.Database
	switch dialect {
	case "mysql":
		d = dbtest.MySQL(t)
	case "postgresql":
		d = dbtest.Postgres(t)
	default:
		t.Fatalf("labtest: no lab for %q", dialect)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := sqlfiles.Load(ctx, d.DB, dialect); err != nil {
		t.Fatalf("load the lab into %s: %v", dialect, err)
	}
	return d
}

// TenantDoc is the one tenant of testdata/tenants/<file> as a document of
// the tenants file format, for tests that edit it before they send or
// write it.
func TenantDoc(t testing.TB, file string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(Root(), "testdata", "tenants", file))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tenants []map[string]any `yaml:"tenants"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if len(doc.Tenants) != 1 {
		t.Fatalf("%s: want one tenant, have %d", file, len(doc.Tenants))
	}
	return doc.Tenants[0]
}

// Tenant reads testdata/tenants/<file> and points its database at d.
func Tenant(t testing.TB, file string, d *dbtest.Database) *provision.Config {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(Root(), "testdata", "tenants", file))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(data), "password_env: LAB_DB_PASSWORD", `password: ""`)
	cfgs, err := tenant.Parse(file, []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	cfg := cfgs[0]
	props := cfg.Database.Properties
	cfg.Database = d.Conn
	for k, v := range props {
		if cfg.Database.Properties == nil {
			cfg.Database.Properties = map[string]string{}
		}
		cfg.Database.Properties[k] = v
	}
	return cfg
}
