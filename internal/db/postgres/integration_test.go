package postgres

import (
	"context"
	"database/sql"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/secret"
	"github.com/sqlscim/sqlscim/internal/testsupport/dbtest"
)

// open opens c through Dialect.DSN, so every test also proves the DSN.
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

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

func mustExec(t *testing.T, h *sql.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := h.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// createRole creates a role dropped when the test ends.
func createRole(t *testing.T, h *sql.DB, name, options string) {
	t.Helper()
	mustExec(t, h, "CREATE ROLE "+name+" "+options)
	t.Cleanup(func() { _, _ = h.Exec("DROP ROLE IF EXISTS " + name) })
}

func TestHostilePasswordLogin(t *testing.T) {
	d := dbtest.Postgres(t)
	for i, pw := range []string{"p@ss:w/o;r?d#ü", "p@ss:w/o;r?d#ü {x}&=%", `a'b\c"d + e`} {
		// The local server trusts 127.0.0.1, so this proves the DSN
		// parses and reaches the server as this user, not the password check.
		role := d.Name + "_u" + string(rune('0'+i))
		createRole(t, d.DB, role, "LOGIN PASSWORD "+sqlString(pw))
		c := d.Conn
		c.User, c.Password = role, secret.String(pw)
		var who string
		if err := open(t, c).QueryRowContext(ctx(t), "SELECT current_user").Scan(&who); err != nil {
			t.Fatalf("login with password %q: %v", pw, err)
		}
		if who != role {
			t.Errorf("logged in as %q", who)
		}
	}
}

const schema = `
CREATE TABLE grp (id int PRIMARY KEY);
CREATE TABLE users (
	id int PRIMARY KEY,
	email text NOT NULL CONSTRAINT uq_email UNIQUE,
	firstname varchar(5) NOT NULL,
	age int CONSTRAINT ck_age CHECK (age >= 0),
	grp int CONSTRAINT fk_grp REFERENCES grp(id),
	created timestamptz
);
INSERT INTO grp VALUES (1);
INSERT INTO users VALUES (1, 'a@x', 'Ann', 30, 1, '2024-05-06 07:08:09Z'), (2, 'b@x', 'Bob', NULL, NULL, NULL);
CREATE FUNCTION get_users(p_email text) RETURNS TABLE(id int, email text) LANGUAGE sql AS
	$$ SELECT u.id, u.email FROM users u WHERE p_email IS NULL OR u.email = p_email ORDER BY u.id $$;
CREATE PROCEDURE add_user(p_id int, p_email text) LANGUAGE sql AS
	$$ INSERT INTO users (id, email, firstname) VALUES (p_id, p_email, 'x') $$;
CREATE PROCEDURE users_cursor(p_email text, INOUT c refcursor) LANGUAGE plpgsql AS
	$$ BEGIN OPEN c FOR SELECT u.id, u.email, u.created FROM users u WHERE p_email IS NULL OR u.email = p_email ORDER BY u.id; END $$;
CREATE PROCEDURE users_cursor_count(INOUT n int, INOUT c refcursor) LANGUAGE plpgsql AS
	$$ BEGIN SELECT count(*) INTO n FROM users; OPEN c FOR SELECT u.email FROM users u ORDER BY u.id; END $$;
CREATE PROCEDURE no_cursor(INOUT c refcursor) LANGUAGE plpgsql AS $$ BEGIN c := NULL; END $$;
CREATE PROCEDURE fail_user() LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'user is locked'; END $$;
`

func TestClassifyReal(t *testing.T) {
	d := dbtest.Postgres(t)
	h := open(t, d.Conn)
	mustExec(t, h, schema)
	tests := []struct {
		name, stmt, code, object string
		class                    db.Class
	}{
		{"duplicate key", "INSERT INTO users (id, email, firstname) VALUES (3, 'a@x', 'Cy')", "23505", "uq_email", db.Conflict},
		{"duplicate primary key", "INSERT INTO users (id, email, firstname) VALUES (1, 'c@x', 'Cy')", "23505", "users_pkey", db.Conflict},
		{"foreign key", "INSERT INTO users (id, email, firstname, grp) VALUES (3, 'c@x', 'Cy', 99)", "23503", "fk_grp", db.Invalid},
		{"not null", "INSERT INTO users (id, email, firstname) VALUES (3, 'c@x', NULL)", "23502", "firstname", db.Invalid},
		{"check", "INSERT INTO users (id, email, firstname, age) VALUES (3, 'c@x', 'Cy', -1)", "23514", "ck_age", db.Invalid},
		{"too long", "INSERT INTO users (id, email, firstname) VALUES (3, 'c@x', 'Bartholomew')", "22001", "", db.Invalid},
		{"bad integer", "INSERT INTO users (id, email, firstname) VALUES ('abc', 'c@x', 'Cy')", "22P02", "", db.Invalid},
		{"raise", "CALL fail_user()", "P0001", "", db.Invalid},
		{"missing function", "SELECT * FROM no_such_fn(1)", "42883", "no_such_fn", db.MissingObject},
		{"missing procedure", "CALL no_such_proc(1)", "42883", "no_such_proc", db.MissingObject},
		{"wrong argument count", "CALL add_user(1)", "42883", "add_user", db.MissingObject},
		{"CALL on a function", "CALL get_users(NULL)", "42883", "get_users", db.MissingObject},
		{"SELECT from a procedure", "SELECT * FROM add_user(1, 'x')", "42809", "add_user", db.MissingObject},
		{"missing table", "SELECT * FROM no_such_table", "42P01", "no_such_table", db.MissingObject},
		{"unknown column", "SELECT no_col FROM users", "42703", "no_col", db.MissingObject},
		{"syntax", "SELEC 1", "42601", "", db.BadStatement},
		{"statement timeout", "SET LOCAL statement_timeout = 1; SELECT pg_sleep(1)", "57014", "", db.Unavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.ExecContext(ctx(t), tt.stmt)
			if err == nil {
				t.Fatal("no error")
			}
			e := Dialect{}.Classify(err)
			if e.Class != tt.class || e.Code != tt.code || e.Object != tt.object {
				t.Errorf("%v\nclassified %s/%s/%q, want %s/%s/%q", err, e.Class, e.Code, e.Object, tt.class, tt.code, tt.object)
			}
		})
	}

	t.Run("unknown database", func(t *testing.T) {
		c := d.Conn
		c.Database = d.Name + "_missing"
		err := open(t, c).PingContext(ctx(t))
		e := Dialect{}.Classify(err)
		if e.Class != db.Auth || e.Code != "3D000" || e.Object != c.Database {
			t.Errorf("%v classified %v", err, e)
		}
	})
	t.Run("login refused", func(t *testing.T) {
		role := d.Name + "_nologin"
		createRole(t, h, role, "NOLOGIN")
		c := d.Conn
		c.User = role
		err := open(t, c).PingContext(ctx(t))
		e := Dialect{}.Classify(err)
		if e.Class != db.Auth || e.Code != "28000" || e.Object != role {
			t.Errorf("%v classified %v", err, e)
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		c := d.Conn
		c.Host, c.Port = "127.0.0.1", closedPort(t)
		err := open(t, c).PingContext(ctx(t))
		e := Dialect{}.Classify(err)
		if e.Class != db.Unavailable || e.Code != "connection" {
			t.Errorf("%v classified %v", err, e)
		}
	})
}

func closedPort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

func emails(t *testing.T, rows *sql.Rows) string {
	t.Helper()
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, c := range cols {
			if c == "email" {
				got = append(got, vals[i].(string))
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(got, ",")
}

func TestCallProcedureReal(t *testing.T) {
	d := dbtest.Postgres(t)
	h := open(t, d.Conn)
	mustExec(t, h, schema)
	dl := Dialect{}

	t.Run("set-returning function", func(t *testing.T) {
		rows, err := dl.CallProcedure(ctx(t), h, db.ProcCall{Name: "get_users", Args: []db.ProcArg{{Value: nil}}, WantRows: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := emails(t, rows); got != "a@x,b@x" {
			t.Errorf("rows %q", got)
		}
		rows, err = dl.CallProcedure(ctx(t), h, db.ProcCall{Name: "public.get_users", Args: []db.ProcArg{{Value: "b@x"}}, WantRows: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := emails(t, rows); got != "b@x" {
			t.Errorf("rows %q", got)
		}
	})

	t.Run("refcursor procedure", func(t *testing.T) {
		tx, err := h.BeginTx(ctx(t), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		rows, err := dl.CallProcedure(ctx(t), tx, db.ProcCall{Name: "users_cursor", Args: []db.ProcArg{{Value: nil}, {Cursor: true}}, WantRows: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := emails(t, rows); got != "a@x,b@x" {
			t.Errorf("rows %q", got)
		}
		// Again in the same transaction, with a filter: a second portal.
		rows, err = dl.CallProcedure(ctx(t), tx, db.ProcCall{Name: `"users_cursor"`, Args: []db.ProcArg{{Value: "a@x"}, {Cursor: true}}, WantRows: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := emails(t, rows); got != "a@x" {
			t.Errorf("rows %q", got)
		}
		// Several OUT parameters: the refcursor one is found by type.
		rows, err = dl.CallProcedure(ctx(t), tx, db.ProcCall{Name: "users_cursor_count", Args: []db.ProcArg{{Value: nil}, {Cursor: true}}, WantRows: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := emails(t, rows); got != "a@x,b@x" {
			t.Errorf("rows %q", got)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("refcursor outside a transaction", func(t *testing.T) {
		_, err := dl.CallProcedure(ctx(t), h, db.ProcCall{Name: "users_cursor", Args: []db.ProcArg{{Value: nil}, {Cursor: true}}})
		if err == nil || !strings.Contains(err.Error(), "must be called inside a transaction (*sql.Tx), not on *sql.DB") {
			t.Errorf("error %v", err)
		}
	})

	t.Run("cursor left unopened", func(t *testing.T) {
		tx, err := h.BeginTx(ctx(t), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		_, err = dl.CallProcedure(ctx(t), tx, db.ProcCall{Name: "no_cursor", Args: []db.ProcArg{{Cursor: true}}})
		if err == nil || err.Error() != "procedure no_cursor: the cursor parameter came back NULL: the procedure did not OPEN it" {
			t.Errorf("error %v", err)
		}
	})

	t.Run("write procedure", func(t *testing.T) {
		rows, err := dl.CallProcedure(ctx(t), h, db.ProcCall{Name: "add_user", Args: []db.ProcArg{{Value: 3}, {Value: "c@x"}}})
		if err != nil {
			t.Fatal(err)
		}
		if rows.Next() {
			t.Error("write procedure returned a row")
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := h.QueryRow("SELECT count(*) FROM users").Scan(&n); err != nil || n != 3 {
			t.Errorf("after add_user: %d, %v", n, err)
		}
		_, err = dl.CallProcedure(ctx(t), h, db.ProcCall{Name: "add_user", Args: []db.ProcArg{{Value: 3}, {Value: "c@x"}}})
		if e := dl.Classify(err); e.Class != db.Conflict || e.Object != "users_pkey" {
			t.Errorf("duplicate via procedure: %v", e)
		}
	})
}
