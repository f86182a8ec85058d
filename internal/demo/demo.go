// Package demo sets up the embedded demo: the lab database of Okta's generic
// database connector guide in an SQLite file, and the tenant jdbc_on_prem
// that serves it with SQL-statement operations. It lets a newcomer run
// sqlscim with no database server installed.
package demo

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	sqlfiles "github.com/sqlscim/sqlscim/sql"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/provision"
	"github.com/sqlscim/sqlscim/internal/tenant"
)

//go:embed tenant.yaml
var tenantYAML string

// TenantName is the demo tenant's name, the {app} OPS uses.
const TenantName = "jdbc_on_prem"

// FileName is the demo database's file name in the data directory.
const FileName = "demo.db"

// Setup creates the demo database in dir on first use (later calls find
// it and change nothing) and returns the demo tenant's configuration.
func Setup(ctx context.Context, dir string) (*provision.Config, error) {
	path := filepath.Join(dir, FileName)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("demo database: %w", err)
	}
	d, err := db.Lookup("sqlite")
	if err != nil {
		return nil, err
	}
	dsn, err := d.DSN(db.Conn{Type: "sqlite", Database: path})
	if err != nil {
		return nil, err
	}
	handle, err := sql.Open(d.Info().DriverName, dsn)
	if err != nil {
		return nil, fmt.Errorf("demo database %s: %w", path, err)
	}
	defer handle.Close()
	var tables int
	if err := handle.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'USERS'").Scan(&tables); err != nil {
		return nil, fmt.Errorf("demo database %s: %w", path, err)
	}
	if tables == 0 {
		if err := loadInTx(ctx, handle); err != nil {
			return nil, fmt.Errorf("demo database %s: %w", path, err)
		}
	}
	cfgs, err := tenant.Parse("demo tenant", []byte(strings.Replace(tenantYAML, "DEMO_DATABASE_FILE", path, 1)))
	if err != nil {
		return nil, err
	}
	return cfgs[0], nil
}

// loadInTx creates the schema and data in one transaction, so an
// interrupted first start leaves an empty file, not half a database.
func loadInTx(ctx context.Context, handle *sql.DB) error {
	stmts, err := sqlfiles.Statements("sqlite")
	if err != nil {
		return err
	}
	tx, err := handle.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, s := range stmts {
		if strings.HasPrefix(strings.ToUpper(strings.TrimSpace(s)), "PRAGMA") {
			continue // connection settings come from the DSN
		}
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", strings.SplitN(s, "\n", 2)[0], err)
		}
	}
	return tx.Commit()
}
