package mysql

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

// sqlString quotes s as a MariaDB string literal.
func sqlString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// createUser creates a user with password pw allowed into database name.
func createUser(t *testing.T, admin *sql.DB, name, pw, database string) {
	t.Helper()
	account := "'" + name + "'@'%'"
	mustExec(t, admin,
		"CREATE USER "+account+" IDENTIFIED BY "+sqlString(pw),
		"GRANT ALL ON `"+database+"`.* TO "+account)
	t.Cleanup(func() { _, _ = admin.Exec("DROP USER IF EXISTS " + account) })
}

func TestHostilePasswordLogin(t *testing.T) {
	d := dbtest.MySQL(t)
	for i, pw := range []string{"p@ss:w/o;r?d#ü", "p@ss:w/o;r?d#ü {x}&=%", `a'b\c"d ) tcp(x)/`} {
		user := d.Name[len(d.Name)-8:] + "_u" + string(rune('0'+i))
		createUser(t, d.DB, user, pw, d.Name)
		c := d.Conn
		c.User, c.Password = user, secret.String(pw)
		h := open(t, c)
		var who string
		if err := h.QueryRowContext(ctx(t), "SELECT CURRENT_USER()").Scan(&who); err != nil {
			t.Fatalf("login with password %q: %v", pw, err)
		}
		if !strings.HasPrefix(who, user+"@") {
			t.Errorf("logged in as %q", who)
		}
		// The wrong password is refused: the password really is checked.
		c.Password = secret.String(pw + "x")
		err := open(t, c).PingContext(ctx(t))
		if e := (Dialect{}).Classify(err); e == nil || e.Class != db.Auth || e.Code != "1045" {
			t.Errorf("wrong password: %v classified %v", err, e)
		}
	}
}

func TestClassifyReal(t *testing.T) {
	d := dbtest.MySQL(t)
	h := open(t, d.Conn)
	mustExec(t, h,
		"CREATE TABLE grp (id INT PRIMARY KEY)",
		"CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(50) NOT NULL, FIRSTNAME VARCHAR(5) NOT NULL, grp INT,"+
			" UNIQUE KEY uq_email (email), CONSTRAINT fk_grp FOREIGN KEY (grp) REFERENCES grp(id))",
		"INSERT INTO grp VALUES (1)",
		"INSERT INTO users VALUES (1, 'a@x', 'Ann', 1)",
		"CREATE PROCEDURE get_users(IN p_email VARCHAR(50)) BEGIN SELECT id, email FROM users WHERE p_email IS NULL OR email = p_email ORDER BY id; END",
		"CREATE PROCEDURE fail_user() BEGIN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'user is locked'; END",
	)
	tests := []struct {
		name, stmt, code, object string
		class                    db.Class
	}{
		{"duplicate key", "INSERT INTO users VALUES (2, 'a@x', 'Bob', 1)", "1062", "uq_email", db.Conflict},
		{"duplicate primary key", "INSERT INTO users VALUES (1, 'b@x', 'Bob', 1)", "1062", "PRIMARY", db.Conflict},
		{"foreign key", "INSERT INTO users VALUES (2, 'b@x', 'Bob', 99)", "1452", "fk_grp", db.Invalid},
		{"referenced row", "DELETE FROM grp WHERE id = 1", "1451", "fk_grp", db.Invalid},
		{"not null", "INSERT INTO users VALUES (2, 'b@x', NULL, 1)", "1048", "FIRSTNAME", db.Invalid},
		{"no default", "INSERT INTO users (id, email) VALUES (2, 'b@x')", "1364", "FIRSTNAME", db.Invalid},
		{"too long", "INSERT INTO users VALUES (2, 'b@x', 'Bartholomew', 1)", "1406", "FIRSTNAME", db.Invalid},
		{"bad integer", "INSERT INTO users VALUES ('abc', 'b@x', 'Bob', 1)", "1366", "id", db.Invalid},
		{"signal", "CALL fail_user()", "1644", "", db.Invalid},
		{"missing procedure", "CALL no_such_proc(1)", "1305", d.Name + ".no_such_proc", db.MissingObject},
		{"wrong argument count", "CALL get_users(1, 2)", "1318", d.Name + ".get_users", db.MissingObject},
		{"missing table", "SELECT * FROM no_such_table", "1146", d.Name + ".no_such_table", db.MissingObject},
		{"unknown column", "SELECT no_col FROM users", "1054", "no_col", db.MissingObject},
		{"syntax", "SELEC 1", "1064", "", db.BadStatement},
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
		if e.Class != db.Auth || e.Code != "1049" || e.Object != c.Database {
			t.Errorf("%v classified %v", err, e)
		}
	})
	t.Run("bad credentials", func(t *testing.T) {
		user := d.Name[len(d.Name)-8:] + "_cred"
		createUser(t, h, user, "right", d.Name)
		c := d.Conn
		c.User, c.Password = user, "wrong"
		err := open(t, c).PingContext(ctx(t))
		e := Dialect{}.Classify(err)
		if e.Class != db.Auth || e.Code != "1045" {
			t.Errorf("%v classified %v", err, e)
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		c := d.Conn
		c.Host, c.Port = "127.0.0.1", closedPort(t)
		c.Properties = map[string]string{"connectTimeout": "2000"}
		err := open(t, c).PingContext(ctx(t))
		e := Dialect{}.Classify(err)
		if e.Class != db.Unavailable || e.Code != "connection" {
			t.Errorf("%v classified %v", err, e)
		}
	})
}

// closedPort returns a local TCP port nobody listens on.
func closedPort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

func TestCallProcedureReal(t *testing.T) {
	d := dbtest.MySQL(t)
	h := open(t, d.Conn)
	mustExec(t, h,
		"CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(50) NOT NULL, created DATETIME)",
		"INSERT INTO users VALUES (1, 'a@x', '2024-05-06 07:08:09'), (2, 'b@x', NULL)",
		"CREATE PROCEDURE get_users(IN p_email VARCHAR(50)) BEGIN SELECT id, email, created FROM users WHERE p_email IS NULL OR email = p_email ORDER BY id; END",
		"CREATE PROCEDURE count_users() BEGIN SELECT COUNT(*) AS n FROM users; END",
		"CREATE PROCEDURE add_user(IN p_id INT, IN p_email VARCHAR(50)) BEGIN INSERT INTO users (id, email) VALUES (p_id, p_email); END",
	)
	dl := Dialect{}

	rows, err := dl.CallProcedure(ctx(t), h, db.ProcCall{Name: "get_users", Args: []db.ProcArg{{Value: nil}}, WantRows: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var id int
		var email string
		var created sql.NullTime
		if err := rows.Scan(&id, &email, &created); err != nil {
			t.Fatal(err)
		}
		got = append(got, email)
		if id == 1 && (!created.Valid || created.Time.Year() != 2024) {
			t.Errorf("DATETIME did not scan into time.Time: %v", created)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if strings.Join(got, ",") != "a@x,b@x" {
		t.Errorf("rows %v", got)
	}

	// No arguments, qualified name, and the connection is reusable afterwards.
	var n int
	rows, err = dl.CallProcedure(ctx(t), h, db.ProcCall{Name: "`" + d.Name + "`.count_users", WantRows: true})
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	rows.Close()
	if n != 2 {
		t.Errorf("count %d", n)
	}

	// A write procedure inside a transaction returns an empty result.
	tx, err := h.BeginTx(ctx(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	rows, err = dl.CallProcedure(ctx(t), tx, db.ProcCall{Name: "add_user", Args: []db.ProcArg{{Value: 3}, {Value: "c@x"}}})
	if err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Error("write procedure returned a row")
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := h.QueryRow("SELECT COUNT(*) FROM users").Scan(&n); err != nil || n != 3 {
		t.Errorf("after add_user: %d, %v", n, err)
	}

	// Failures come back classifiable.
	_, err = dl.CallProcedure(ctx(t), h, db.ProcCall{Name: "add_user", Args: []db.ProcArg{{Value: 3}, {Value: "c@x"}}})
	if e := dl.Classify(err); e.Class != db.Conflict {
		t.Errorf("duplicate via procedure: %v", e)
	}
	if _, err := dl.CallProcedure(ctx(t), h, db.ProcCall{Name: "x; DROP TABLE users"}); err == nil {
		t.Error("injected name accepted")
	}
}
