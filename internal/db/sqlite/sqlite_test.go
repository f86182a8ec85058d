package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/sqlscim/sqlscim/internal/db"
)

func TestParseJDBC(t *testing.T) {
	tests := []struct {
		url  string
		want db.Conn
	}{
		{"jdbc:sqlite:/var/lib/sqlscim/scim.db", db.Conn{Database: "/var/lib/sqlscim/scim.db"}},
		{"jdbc:sqlite:scim.db", db.Conn{Database: "scim.db"}},
		{"JDBC:SQLITE:data/scim.db", db.Conn{Database: "data/scim.db"}},
		{"jdbc:sqlite::memory:", db.Conn{Database: ":memory:"}},
		{"jdbc:sqlite:file:/tmp/x.db", db.Conn{Database: "/tmp/x.db"}},
		{"jdbc:sqlite:file:///tmp/x.db", db.Conn{Database: "/tmp/x.db"}},
		{`jdbc:sqlite:C:\data\scim.db`, db.Conn{Database: `C:\data\scim.db`}},
		{"jdbc:sqlite:scim.db?journal_mode=WAL&foreign_keys=true", db.Conn{Database: "scim.db", Properties: map[string]string{"journal_mode": "WAL", "foreign_keys": "true"}}},
	}
	for _, tt := range tests {
		got, err := Dialect{}.ParseJDBC(tt.url)
		if err != nil {
			t.Fatalf("%s: %v", tt.url, err)
		}
		tt.want.Type = "sqlite"
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\ngot  %#v\nwant %#v", tt.url, got, tt.want)
		}
	}
	for _, tt := range []struct{ url, want string }{
		{"jdbc:sqlite:", "jdbc:sqlite URL has no database file"},
		{"jdbc:sqlite:?foreign_keys=true", "jdbc:sqlite URL has no database file"},
		{"jdbc:sqlite::resource:db/scim.db", "jdbc:sqlite URL: :resource: databases are not supported; give a file path"},
		{"jdbc:sqlite:x.db?=1", "jdbc:sqlite URL has a property without a name"},
		{"jdbc:mysql://h/db", `"jdbc:mysql://h/db" is not a jdbc:sqlite: URL`},
	} {
		_, err := Dialect{}.ParseJDBC(tt.url)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: error %v, want %q", tt.url, err, tt.want)
		}
	}
}

func TestDSNText(t *testing.T) {
	tests := []struct {
		c    db.Conn
		want string
	}{
		{db.Conn{Database: "/var/lib/scim.db"}, "file:/var/lib/scim.db?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)"},
		{db.Conn{Database: "a b?#%.db"}, "file:a b%3F%23%25.db?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)"},
		{db.Conn{Database: ":memory:"}, "file::memory:?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&cache=shared"},
		{db.Conn{Database: "x.db", Properties: map[string]string{"foreign_keys": "false", "busy_timeout": "100", "journal_mode": "delete", "synchronous": "normal", "transaction_mode": "IMMEDIATE"}},
			"file:x.db?_busy_timeout=100&_foreign_keys=0&_journal_mode=DELETE&_synchronous=NORMAL&_txlock=immediate"},
		{db.Conn{Database: "x.db", Properties: map[string]string{"_fk": "1", "_timeout": "10", "_journal": "TRUNCATE", "mode": "ro", "date_class": "TEXT", "shared_cache": "true"}},
			"file:x.db?_fk=1&_journal=TRUNCATE&_timeout=10&cache=shared&mode=ro"},
		{db.Conn{Database: "x.db", Properties: map[string]string{"_busy_timeout": "1", "busy_timeout": "2"}}, "file:x.db?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_busy_timeout=1"},
	}
	for _, tt := range tests {
		got, err := Dialect{}.DSN(tt.c)
		if err != nil || got != tt.want {
			t.Errorf("%+v:\ngot  %q, %v\nwant %q", tt.c, got, err, tt.want)
		}
	}
	for _, tt := range []struct {
		c    db.Conn
		want string
	}{
		{db.Conn{}, "SQLite connection has no database file: set the database to a file path"},
		{db.Conn{Database: "a\x00b"}, "SQLite database path contains a NUL byte"},
		{db.Conn{Database: "x.db", Properties: map[string]string{"_pragma": "writable_schema(1)"}}, `SQLite connection property "_pragma" is not allowed: it runs arbitrary SQL; use the named settings (_busy_timeout, _foreign_keys, _journal_mode, ...)`},
		{db.Conn{Database: "x.db", Properties: map[string]string{"cipher": "aes"}}, `unknown SQLite connection property "cipher"; use foreign_keys, busy_timeout, journal_mode, synchronous, transaction_mode or a modernc.org/sqlite parameter (_busy_timeout, _foreign_keys, _journal_mode, _synchronous, _txlock, _time_format, mode, cache, ...)`},
		{db.Conn{Database: "x.db", Properties: map[string]string{"foreign_keys": "yes please"}}, `SQLite connection property foreign_keys="yes please": want true or false`},
		{db.Conn{Database: "x.db", Properties: map[string]string{"busy_timeout": "5s"}}, `SQLite connection property busy_timeout="5s": want a number of milliseconds`},
		{db.Conn{Database: "x.db", Properties: map[string]string{"journal_mode": "WAL; DROP TABLE x"}}, `SQLite connection parameter _journal_mode="WAL; DROP TABLE X": value must be a single word`},
	} {
		_, err := Dialect{}.DSN(tt.c)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%+v: error %v\nwant %q", tt.c, err, tt.want)
		}
	}
}

func open(t *testing.T, c db.Conn) *sql.DB {
	t.Helper()
	dsn, err := Dialect{}.DSN(c)
	if err != nil {
		t.Fatal(err)
	}
	h, err := sql.Open(info.DriverName, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

func pragma(t *testing.T, h *sql.DB, name string) string {
	t.Helper()
	var v string
	if err := h.QueryRow("PRAGMA " + name).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestOpenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "odd name ?#% ü.db")
	h := open(t, db.Conn{Database: path})
	if _, err := h.Exec("CREATE TABLE t (x INT)"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database file not created at %q: %v", path, err)
	}
	if fk, jm, bt := pragma(t, h, "foreign_keys"), pragma(t, h, "journal_mode"), pragma(t, h, "busy_timeout"); fk != "1" || jm != "wal" || bt != "5000" {
		t.Errorf("pragmas foreign_keys=%s journal_mode=%s busy_timeout=%s", fk, jm, bt)
	}
	h2 := open(t, db.Conn{Database: filepath.Join(t.TempDir(), "other.db"), Properties: map[string]string{"foreign_keys": "false", "busy_timeout": "250", "journal_mode": "delete"}})
	if fk, jm, bt := pragma(t, h2, "foreign_keys"), pragma(t, h2, "journal_mode"), pragma(t, h2, "busy_timeout"); fk != "0" || jm != "delete" || bt != "250" {
		t.Errorf("translated pragmas foreign_keys=%s journal_mode=%s busy_timeout=%s", fk, jm, bt)
	}
	mem := open(t, db.Conn{Database: ":memory:"})
	if _, err := mem.Exec("CREATE TABLE m (x INT)"); err != nil {
		t.Fatal(err)
	}
}

func TestClassifyReal(t *testing.T) {
	h := open(t, db.Conn{Database: filepath.Join(t.TempDir(), "scim.db")})
	for _, s := range []string{
		"CREATE TABLE grp (id INTEGER PRIMARY KEY)",
		"CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, firstname TEXT NOT NULL, age INT CONSTRAINT ck_age CHECK (age >= 0), grp INT REFERENCES grp(id))",
		"INSERT INTO users VALUES (1, 'a@x', 'Ann', 30, NULL)",
	} {
		if _, err := h.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		stmt, code, object string
		class              db.Class
	}{
		{"INSERT INTO users VALUES (2, 'a@x', 'Bob', 1, NULL)", "2067", "users.email", db.Conflict},
		{"INSERT INTO users VALUES (1, 'b@x', 'Bob', 1, NULL)", "1555", "users.id", db.Conflict},
		{"INSERT INTO users VALUES (2, 'b@x', NULL, 1, NULL)", "1299", "users.firstname", db.Invalid},
		{"INSERT INTO users VALUES (2, 'b@x', 'Bob', -1, NULL)", "275", "ck_age", db.Invalid},
		{"INSERT INTO users VALUES (2, 'b@x', 'Bob', 1, 99)", "787", "", db.Invalid},
		{"SELECT * FROM no_such_table", "1", "no_such_table", db.MissingObject},
		{"SELECT no_col FROM users", "1", "no_col", db.MissingObject},
		{"INSERT INTO users (no_col) VALUES (1)", "1", "no_col", db.MissingObject},
		{"SELECT no_fn(1)", "1", "no_fn", db.MissingObject},
		{"SELEC 1", "1", "", db.BadStatement},
		{"SELECT (", "1", "", db.BadStatement},
	}
	for _, tt := range tests {
		_, err := h.Exec(tt.stmt)
		e := Dialect{}.Classify(err)
		if e == nil || e.Class != tt.class || e.Code != tt.code || e.Object != tt.object {
			t.Errorf("%s: %v classified %v, want %s/%s/%q", tt.stmt, err, e, tt.class, tt.code, tt.object)
		}
	}

	// A write lock held by another connection: SQLITE_BUSY once the busy
	// timeout runs out.
	path := filepath.Join(t.TempDir(), "busy.db")
	a := open(t, db.Conn{Database: path, Properties: map[string]string{"journal_mode": "delete", "busy_timeout": "0"}})
	if _, err := a.Exec("CREATE TABLE t (x INT)"); err != nil {
		t.Fatal(err)
	}
	tx, err := a.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec("INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	b := open(t, db.Conn{Database: path, Properties: map[string]string{"journal_mode": "delete", "busy_timeout": "0"}})
	_, err = b.Exec("INSERT INTO t VALUES (2)")
	if e := (Dialect{}).Classify(err); e == nil || e.Class != db.Unavailable || e.Code != "5" {
		t.Errorf("busy: %v classified %v", err, e)
	}

	// A database file in a missing directory cannot be opened.
	err = open(t, db.Conn{Database: filepath.Join(t.TempDir(), "missing", "x.db")}).Ping()
	if e := (Dialect{}).Classify(err); e == nil || e.Class != db.Auth || e.Code != "14" {
		t.Errorf("cantopen: %v classified %v", err, e)
	}

	if e := (Dialect{}).Classify(errors.New("boom")); e.Class != db.Other {
		t.Errorf("other: %v", e)
	}
	if e := (Dialect{}).Classify(context.DeadlineExceeded); e.Class != db.Unavailable {
		t.Errorf("deadline: %v", e)
	}
	if (Dialect{}).Classify(nil) != nil {
		t.Error("nil classified")
	}
}

func TestProceduresAndQuoting(t *testing.T) {
	d := Dialect{}
	const want = "SQLite has no stored procedures; set the operation type to sql"
	if _, err := d.CallSQL(db.ProcCall{Name: "p"}); err == nil || err.Error() != want {
		t.Errorf("CallSQL: %v", err)
	}
	if _, err := d.CallProcedure(context.Background(), nil, db.ProcCall{Name: "p"}); err == nil || err.Error() != want {
		t.Errorf("CallProcedure: %v", err)
	}
	if d.Placeholder(3) != "?" || d.QuoteIdent(`a"b`) != `"a""b"` || d.QuoteIdent("id") != `"id"` {
		t.Error("placeholder/quote")
	}
	if d.Info().Name != "sqlite" || d.Info().DriverName != "sqlite" || d.Info().DefaultPort != 0 || d.Info().Aliases[0] != "sqlite3" {
		t.Error("names")
	}
}
