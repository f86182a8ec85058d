package mysql

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/testsupport/dbtest"
)

// With interpolateParams=true go-sql-driver splices values into the SQL
// text, escaping quotes with a backslash, whenever a statement runs
// unprepared. In a multibyte character set (GBK, Big5, SJIS) a lead byte
// swallows that backslash: "中'" is sent as E4 B8 AD 5C 27, GBK reads
// AD 5C as one character, and the quote ends the string. A title then
// rewrites another user's row. sqlscim refuses every property that turns
// binding into splicing; were the DSN built, this test shows the damage.
func TestSplicingPropertiesAreRefused(t *testing.T) {
	d := dbtest.MySQL(t)
	mustExec(t, d.DB,
		"CREATE TABLE USERS (USER_ID VARCHAR(40) PRIMARY KEY, TITLE VARCHAR(200)) CHARACTER SET gbk",
		"INSERT INTO USERS VALUES ('alice', 'Engineer'), ('mallory', 'Intern')")
	for _, props := range []map[string]string{
		{"characterEncoding": "GBK", "interpolateParams": "true"},
		{"charset": "gbk", "interpolateParams": "true"},
		{"characterEncoding": "Big5", "InterpolateParams": "TRUE"},
		{"interpolateParams": "1"},
	} {
		c := d.Conn
		c.Properties = props
		dsn, err := Dialect{}.DSN(c)
		if err == nil {
			h, err := sql.Open(info.DriverName, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			// The attack of the review: mallory's own PATCH of title.
			value := "中' WHERE USER_ID = 0x616c696365 -- " // 0x616c696365 is 'alice'
			if _, err := h.ExecContext(ctx(t), "UPDATE USERS SET TITLE = ? WHERE USER_ID = ?", value, "mallory"); err != nil {
				t.Logf("%v: %v", props, err)
			}
			var title string
			_ = d.DB.QueryRow("SELECT TITLE FROM USERS WHERE USER_ID = 'alice'").Scan(&title)
			t.Errorf("%v: the DSN was built (alice's title is now %q)", props, title)
			_, _ = d.DB.Exec("UPDATE USERS SET TITLE = 'Engineer' WHERE USER_ID = 'alice'")
			continue
		}
		if !strings.Contains(err.Error(), "splice") && !strings.Contains(err.Error(), "UTF-8") {
			t.Errorf("%v: %v", props, err)
		}
	}
	c := d.Conn
	c.Properties = map[string]string{"interpolateParams": "false", "characterEncoding": "UTF-8"}
	if _, err := (Dialect{}).DSN(c); err != nil {
		t.Errorf("interpolateParams=false: %v", err)
	}
}

// go-sql-driver does not convert text the way Connector/J does: it sends
// Go's UTF-8 bytes labelled with the connection's character set. With
// characterEncoding=ISO-8859-1, "中" was stored as "ä¸­" and "José" came
// back as "Jos\ufffd", with a 201 for the write. sqlscim speaks UTF-8
// (utf8mb4) only and says so; the server converts to each column's own
// character set, as it does for Connector/J.
func TestNonUTF8EncodingsAreRefused(t *testing.T) {
	d := dbtest.MySQL(t)
	mustExec(t, d.DB, "CREATE TABLE USERS (USER_ID VARCHAR(40) PRIMARY KEY, NAME VARCHAR(200)) CHARACTER SET utf8mb4")
	for _, props := range []map[string]string{
		{"characterEncoding": "ISO-8859-1"},
		{"characterEncoding": "Cp1252"},
		{"characterEncoding": "GBK"},
		{"characterEncoding": "US-ASCII"},
		{"charset": "latin1"},
		{"charset": "utf8mb4,latin1"},
		{"collation": "latin1_swedish_ci"},
	} {
		c := d.Conn
		c.Properties = props
		dsn, err := Dialect{}.DSN(c)
		if err == nil {
			h, err := sql.Open(info.DriverName, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			_, _ = h.ExecContext(ctx(t), "DELETE FROM USERS")
			_, werr := h.ExecContext(ctx(t), "INSERT INTO USERS VALUES (?, ?)", "u", "José 中")
			var stored string
			_ = d.DB.QueryRow("SELECT NAME FROM USERS").Scan(&stored)
			var read string
			_ = h.QueryRow("SELECT NAME FROM USERS").Scan(&read)
			t.Errorf("%v: the DSN was built; the write said %v, the table holds %q, sqlscim reads %q", props, werr, stored, read)
			continue
		}
		if !strings.Contains(err.Error(), "UTF-8") {
			t.Errorf("%v: %v", props, err)
		}
	}
	for _, ok := range []map[string]string{
		{"characterEncoding": "UTF-8"}, {"characterEncoding": "utf8"}, {"characterEncoding": "utf8mb4"},
		{"charset": "utf8mb4"}, {"charset": "utf8mb4,utf8"}, {"collation": "utf8mb4_unicode_ci"}, {"collation": "utf8mb4_general_ci"},
	} {
		if _, err := (Dialect{}).DSN(db.Conn{Host: "h", User: "u", Properties: ok}); err != nil {
			t.Errorf("%v: %v", ok, err)
		}
	}
}

// A statement whose context ends is stopped on the server, not only
// abandoned by the client: go-sql-driver closes the connection, which the
// server does not notice while a statement waits or computes (the review
// saw it in PROCESSLIST long after the 503). Here the statement waits for
// a row lock another transaction holds, which it would do for
// innodb_lock_wait_timeout (50 s); the test waits at most 10 s for it to
// leave PROCESSLIST.
func TestCancelledStatementsAreKilledOnTheServer(t *testing.T) {
	d := dbtest.MySQL(t)
	mustExec(t, d.DB, "CREATE TABLE LOCKED (ID INT PRIMARY KEY, N INT) ENGINE=InnoDB", "INSERT INTO LOCKED VALUES (1, 0)")
	holder, err := d.DB.BeginTx(ctx(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback()
	if _, err := holder.Exec("SELECT * FROM LOCKED WHERE ID = 1 FOR UPDATE"); err != nil {
		t.Fatal(err)
	}
	h := open(t, d.Conn)
	for i, how := range []string{"query", "prepared"} {
		c, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		query := fmt.Sprintf("UPDATE LOCKED SET N = %d WHERE ID = 1", 100+i)
		var err error
		if how == "prepared" {
			st, perr := h.PrepareContext(ctx(t), query)
			if perr != nil {
				t.Fatal(perr)
			}
			_, err = st.ExecContext(c)
			st.Close()
		} else {
			_, err = h.ExecContext(c, query)
		}
		cancel()
		if err == nil {
			t.Fatalf("%s: the update did not wait for the lock", how)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			var n int
			if err := d.DB.QueryRow("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO = ?", query).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: the cancelled statement still runs on the server 10 s later", how)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}
