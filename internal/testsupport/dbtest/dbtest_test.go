package dbtest

import (
	"strings"
	"testing"

	"github.com/sqlscim/sqlscim/internal/db"
	_ "github.com/sqlscim/sqlscim/internal/db/all" // the JDBC URLs need the dialects
)

func TestThrowAwayDatabases(t *testing.T) {
	for name, open := range map[string]func(testing.TB) *Database{"mysql": MySQL, "postgres": Postgres} {
		t.Run(name, func(t *testing.T) {
			d := open(t)
			if _, err := d.DB.Exec("CREATE TABLE t (x INT)"); err != nil {
				t.Fatal(err)
			}
			if d.Conn.Database != d.Name || d.Conn.Host == "" || d.Conn.Port == 0 {
				t.Errorf("conn %+v", d.Conn)
			}
		})
	}
}

// The JDBC URLs in SQLSCIM_TEST_SQLSERVER_DSN and SQLSCIM_TEST_ORACLE_DSN
// are read as sqlscim reads them, and must be of the right dialect.
func TestAdminConn(t *testing.T) {
	c, err := adminConn("jdbc:sqlserver://127.0.0.1:1433;user=sa;password=Pa55;encrypt=false", "sqlserver")
	if err != nil || c.Host != "127.0.0.1" || c.Port != 1433 || c.User != "sa" || c.Password.Reveal() != "Pa55" {
		t.Errorf("sqlserver: %+v, %v", c, err)
	}
	c, err = adminConn("jdbc:oracle:thin:system/Pa55@//127.0.0.1:1521/FREEPDB1", "oracle")
	if err != nil || c.Database != "FREEPDB1" || c.User != "system" {
		t.Errorf("oracle: %+v, %v", c, err)
	}
	if _, err := adminConn("jdbc:mysql://127.0.0.1/x", "oracle"); err == nil || err.Error() != "it is a mysql URL, not a oracle one" {
		t.Errorf("a MySQL URL for Oracle: %v", err)
	}
	if _, err := adminConn("sqlserver://sa@127.0.0.1", "sqlserver"); err == nil {
		t.Error("a driver URL was taken for a JDBC URL")
	}
}

// The throw-away places are made and removed by the statements below, and
// sqlscim can build a DSN for each.
func TestScratchPlaces(t *testing.T) {
	admin, err := adminConn("jdbc:sqlserver://db:1433;databaseName=master;user=sa;password=Pa55;encrypt=false", "sqlserver")
	if err != nil {
		t.Fatal(err)
	}
	sc := sqlServerScratch(admin, "sqlscim_test_1")
	if strings.Join(sc.create, ";") != "CREATE DATABASE sqlscim_test_1" ||
		strings.Join(sc.drop, ";") != "ALTER DATABASE sqlscim_test_1 SET SINGLE_USER WITH ROLLBACK IMMEDIATE;DROP DATABASE sqlscim_test_1" ||
		sc.conn.Database != "sqlscim_test_1" || sc.conn.User != "sa" {
		t.Errorf("sqlserver: %+v", sc)
	}
	if _, err := db.NewTarget(sc.conn); err != nil {
		t.Errorf("sqlserver DSN: %v", err)
	}

	admin, err = adminConn("jdbc:oracle:thin:system/Pa55@//db:1521/FREEPDB1", "oracle")
	if err != nil {
		t.Fatal(err)
	}
	sc = oracleScratch(admin, "SQLSCIM_TEST_1", "Sq1abc", "USERS")
	want := []string{`CREATE USER SQLSCIM_TEST_1 IDENTIFIED BY "Sq1abc" QUOTA UNLIMITED ON "USERS"`, "GRANT CREATE SESSION, CREATE TABLE, CREATE PROCEDURE TO SQLSCIM_TEST_1"}
	if strings.Join(sc.create, "\n") != strings.Join(want, "\n") || strings.Join(sc.drop, ";") != "DROP USER SQLSCIM_TEST_1 CASCADE" ||
		sc.conn.User != "SQLSCIM_TEST_1" || sc.conn.Password.Reveal() != "Sq1abc" || sc.conn.Database != "FREEPDB1" || sc.conn.Host != "db" {
		t.Errorf("oracle: %+v", sc)
	}
	if _, err := db.NewTarget(sc.conn); err != nil {
		t.Errorf("oracle DSN: %v", err)
	}
}

// Without the variable the tests are skipped, in CI too; a server the
// variable names but that does not answer (here: a closed port on
// loopback) skips them outside CI. In CI it fails them, as a missing
// MariaDB does.
func TestOptionalServers(t *testing.T) {
	for name, open := range map[string]func(testing.TB) *Database{SQLServerEnv: SQLServer, OracleEnv: Oracle} {
		for _, tc := range []struct {
			what, url, ci string
			skip          bool
		}{
			{"unset in CI", "", "true", true},
			{"unreachable outside CI", map[string]string{SQLServerEnv: "jdbc:sqlserver://127.0.0.1:1;user=sa;password=x;encrypt=false", OracleEnv: "jdbc:oracle:thin:system/x@//127.0.0.1:1/FREE"}[name], "", true},
		} {
			t.Setenv(name, tc.url)
			t.Setenv("CI", tc.ci)
			skipped := false
			t.Run(name+"/"+tc.what, func(t *testing.T) {
				defer func() { skipped = t.Skipped() }()
				open(t)
				t.Error("got a database")
			})
			if skipped != tc.skip {
				t.Errorf("%s, %s: skipped %v", name, tc.what, skipped)
			}
		}
	}
}
