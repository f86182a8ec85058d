// Package dbtest gives integration tests throw-away databases on the local
// MariaDB/MySQL (127.0.0.1:3306, root, empty password) and PostgreSQL
// (127.0.0.1:5432, user postgres, trust auth) servers.
//
// Without a server a test is skipped with a clear message, except in CI
// (CI=true), where a missing server fails the test. Under -short every
// database test is skipped. The addresses can be changed with
// SQLSCIM_TEST_MYSQL_DSN and SQLSCIM_TEST_POSTGRES_DSN.
//
// SQL Server and Oracle have no local server here. Whoever has one sets
// SQLSCIM_TEST_SQLSERVER_DSN or SQLSCIM_TEST_ORACLE_DSN to a JDBC URL, and
// the tests that ask for them get a throw-away database (SQL Server) or
// user (Oracle) on it; without the variable they are skipped, in CI too.
// Those tests register the dialects (import internal/db/all): the dialects'
// own tests use this package, which therefore imports none.
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

// Environment variables that name a SQL Server or Oracle for the tests, as
// JDBC URLs.
const (
	SQLServerEnv = "SQLSCIM_TEST_SQLSERVER_DSN"
	OracleEnv    = "SQLSCIM_TEST_ORACLE_DSN"
)

// adminConn reads the JDBC URL of a server the tests may use as an
// administrator; it must be of the dialect want.
func adminConn(url, want string) (db.Conn, error) {
	c, err := db.ParseJDBC(url)
	if err != nil {
		return db.Conn{}, err
	}
	if c.Type != want {
		return db.Conn{}, fmt.Errorf("it is a %s URL, not a %s one", c.Type, want)
	}
	return c, nil
}

// scratch is a throw-away place on a server: the statements that make it
// and remove it, run as the administrator, and how tests reach it.
type scratch struct {
	create, drop []string
	conn         db.Conn
}

// sqlServerScratch is a database named name on admin's server.
func sqlServerScratch(admin db.Conn, name string) scratch {
	c := admin
	c.Database = name
	return scratch{
		create: []string{"CREATE DATABASE " + name},
		// Connections the pool still holds would keep DROP waiting.
		drop: []string{"ALTER DATABASE " + name + " SET SINGLE_USER WITH ROLLBACK IMMEDIATE", "DROP DATABASE " + name},
		conn: c,
	}
}

// oracleScratch is a user (an Oracle schema) named user with password,
// allowed to log in and create tables and procedures in tablespace, on
// admin's database.
func oracleScratch(admin db.Conn, user, password, tablespace string) scratch {
	c := admin
	c.User, c.Password = user, secret.String(password)
	return scratch{
		create: []string{
			"CREATE USER " + user + ` IDENTIFIED BY "` + password + `" QUOTA UNLIMITED ON "` + tablespace + `"`,
			"GRANT CREATE SESSION, CREATE TABLE, CREATE PROCEDURE TO " + user,
		},
		drop: []string{"DROP USER " + user + " CASCADE"},
		conn: c,
	}
}

// SQLServer creates a throw-away database on the SQL Server that
// SQLSCIM_TEST_SQLSERVER_DSN names, a JDBC URL whose user may create
// databases (sa, or a member of dbcreator), such as
// jdbc:sqlserver://127.0.0.1:1433;user=sa;password=...;encrypt=false.
func SQLServer(t testing.TB) *Database {
	t.Helper()
	return optional(t, SQLServerEnv, "sqlserver", func(_ context.Context, _ *sql.DB, admin db.Conn, name string) (scratch, error) {
		return sqlServerScratch(admin, name), nil
	})
}

// Oracle creates a throw-away user (and so schema) on the Oracle Database
// that SQLSCIM_TEST_ORACLE_DSN names, a JDBC URL whose user may create
// users (SYSTEM), such as
// jdbc:oracle:thin:system/...@//127.0.0.1:1521/FREEPDB1.
func Oracle(t testing.TB) *Database {
	t.Helper()
	return optional(t, OracleEnv, "oracle", func(ctx context.Context, h *sql.DB, admin db.Conn, name string) (scratch, error) {
		var tablespace string
		err := h.QueryRowContext(ctx, "SELECT property_value FROM database_properties WHERE property_name = 'DEFAULT_PERMANENT_TABLESPACE'").Scan(&tablespace)
		if err != nil {
			return scratch{}, fmt.Errorf("the default tablespace: %w", err)
		}
		return oracleScratch(admin, strings.ToUpper(name), "Sq1"+randomName()[len("sqlscim_test_"):], tablespace), nil
	})
}

// optional gives a test a throw-away place on the server the environment
// variable env names, or skips the test when it names none.
func optional(t testing.TB, env, dialect string, place func(ctx context.Context, admin *sql.DB, conn db.Conn, name string) (scratch, error)) *Database {
	t.Helper()
	if testing.Short() {
		t.Skip("database test skipped under -short")
	}
	url := os.Getenv(env)
	if url == "" {
		t.Skipf("no %s server: set %s to a JDBC URL to run this test against one", dialect, env)
	}
	admin, err := adminConn(url, dialect)
	if err != nil {
		t.Fatalf("%s: %v", env, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	adminDB := open(t, admin)
	if err := adminDB.PingContext(ctx); err != nil {
		adminDB.Close()
		unavailable(t, fmt.Sprintf("%s at %s (%s)", dialect, admin.String(), env), err)
	}
	name := randomName()
	sc, err := place(ctx, adminDB, admin, name)
	if err != nil {
		adminDB.Close()
		t.Fatal(err)
	}
	for _, stmt := range sc.create {
		if _, err := adminDB.ExecContext(ctx, stmt); err != nil {
			adminDB.Close()
			t.Fatalf("%s: %v", strings.Fields(stmt)[0]+" "+strings.Fields(stmt)[1], err)
		}
	}
	handle := open(t, sc.conn)
	t.Cleanup(func() {
		handle.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		for _, stmt := range sc.drop {
			if _, err := adminDB.ExecContext(ctx, stmt); err != nil {
				t.Errorf("remove %s: %v", name, err)
				break
			}
		}
		adminDB.Close()
	})
	return &Database{Name: name, Conn: sc.conn, DB: handle}
}

// open opens a handle on c with its dialect's driver.
func open(t testing.TB, c db.Conn) *sql.DB {
	t.Helper()
	d, err := db.Lookup(c.Type)
	if err != nil {
		t.Fatal(err)
	}
	dsn, err := d.DSN(c)
	if err != nil {
		t.Fatal(err)
	}
	h, err := sql.Open(d.Info().DriverName, dsn)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
