// Package dbtest gives integration tests throw-away databases on the local
// MariaDB/MySQL (127.0.0.1:3306, root, empty password) and PostgreSQL
// (127.0.0.1:5432, user postgres, trust auth) servers.
//
// Without a server a test is skipped with a clear message, except in CI
// (CI=true), where a missing server fails the test. Under -short every
// database test is skipped. The addresses can be changed with
// SQLSCIM_TEST_MYSQL_DSN and SQLSCIM_TEST_POSTGRES_DSN.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the pgx database/sql driver

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/secret"
)

// Database is a throw-away database, dropped when the test ends.
type Database struct {
	// Name is the database's name.
	Name string
	// Conn reaches it through sqlscim's connection fields.
	Conn db.Conn
	// DB is an open handle for setting up and checking data.
	DB *sql.DB
}

func unavailable(t testing.TB, what string, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required in CI but unreachable: %v (.ci/run starts it)", what, err)
	}
	t.Skipf("%s unreachable, skipping (start it, or run in CI): %v", what, err)
}

func randomName() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "sqlscim_test_" + hex.EncodeToString(b[:])
}

// MySQLAdminDSN is the administrative DSN of the local MariaDB/MySQL.
func MySQLAdminDSN() string {
	if dsn := os.Getenv("SQLSCIM_TEST_MYSQL_DSN"); dsn != "" {
		return dsn
	}
	return "root:@tcp(127.0.0.1:3306)/"
}

// PostgresAdminDSN is the administrative DSN of the local PostgreSQL.
func PostgresAdminDSN() string {
	if dsn := os.Getenv("SQLSCIM_TEST_POSTGRES_DSN"); dsn != "" {
		return dsn
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// MySQL creates a throw-away database on the local MariaDB/MySQL.
func MySQL(t testing.TB) *Database {
	t.Helper()
	if testing.Short() {
		t.Skip("database test skipped under -short")
	}
	cfg, err := mysql.ParseDSN(MySQLAdminDSN())
	if err != nil {
		t.Fatal(err)
	}
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		unavailable(t, "MariaDB/MySQL at "+cfg.Addr, err)
	}
	name := randomName()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	cfg.DBName = name
	cfg.ParseTime = false
	handle, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		handle.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
		admin.Close()
	})
	host, port := splitHostPort(cfg.Addr, 3306)
	return &Database{Name: name, DB: handle, Conn: db.Conn{
		Type: "mysql", Host: host, Port: port, Database: name, User: cfg.User, Password: secret.String(cfg.Passwd),
	}}
}

// Postgres creates a throw-away database on the local PostgreSQL.
func Postgres(t testing.TB) *Database {
	t.Helper()
	if testing.Short() {
		t.Skip("database test skipped under -short")
	}
	pcfg, err := pgx.ParseConfig(PostgresAdminDSN())
	if err != nil {
		t.Fatal(err)
	}
	admin, err := sql.Open("pgx", PostgresAdminDSN())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		unavailable(t, fmt.Sprintf("PostgreSQL at %s:%d", pcfg.Host, pcfg.Port), err)
	}
	name := randomName()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	dsn := strings.Replace(PostgresAdminDSN(), "/"+pcfg.Database+"?", "/"+name+"?", 1)
	handle, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		handle.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
		admin.Close()
	})
	return &Database{Name: name, DB: handle, Conn: db.Conn{
		Type: "postgresql", Host: pcfg.Host, Port: int(pcfg.Port), Database: name, User: pcfg.User,
		Password: secret.String(pcfg.Password), Properties: map[string]string{"sslmode": "disable"},
	}}
}

func splitHostPort(addr string, def int) (string, int) {
	host, port := addr, def
	if i := strings.LastIndex(addr, ":"); i >= 0 {
		host = addr[:i]
		fmt.Sscan(addr[i+1:], &port)
	}
	return host, port
}
