package all

import (
	"database/sql"
	"reflect"
	"strings"
	"testing"

	"github.com/sqlscim/sqlscim/internal/db"
)

func TestKnownAndLookup(t *testing.T) {
	if got := strings.Join(db.Known(), ","); got != "mysql,oracle,postgresql,sqlite,sqlserver" {
		t.Errorf("Known() = %s", got)
	}
	for name, want := range map[string]string{
		"mysql": "mysql", "MariaDB": "mysql",
		"postgresql": "postgresql", "PostgreSQL": "postgresql", "postgres": "postgresql", "pgsql": "postgresql",
		"sqlserver": "sqlserver", "SQL Server": "sqlserver", "mssql": "sqlserver",
		"oracle": "oracle", "Oracle": "oracle",
		"sqlite": "sqlite", "sqlite3": "sqlite",
	} {
		d, err := db.Lookup(name)
		if err != nil || d.Info().Name != want {
			t.Errorf("Lookup(%q) = %v, %v; want %s", name, d, err, want)
		}
	}
	if _, err := db.Lookup("db2"); err == nil || !strings.Contains(err.Error(), "no pure-Go driver") {
		t.Errorf("db2: %v", err)
	}
	if _, err := db.Lookup("informix"); err == nil || err.Error() != `unknown database type "informix"; known types: mysql, oracle, postgresql, sqlite, sqlserver` {
		t.Errorf("informix: %v", err)
	}
}

// TestDriversRegistered checks each dialect's DriverName is a registered
// database/sql driver.
func TestDriversRegistered(t *testing.T) {
	drivers := map[string]bool{}
	for _, d := range sql.Drivers() {
		drivers[d] = true
	}
	for _, n := range db.Known() {
		d, _ := db.Lookup(n)
		if !drivers[d.Info().DriverName] {
			t.Errorf("%s: driver %q not registered (have %v)", n, d.Info().DriverName, sql.Drivers())
		}
	}
}

func TestParseJDBCDispatch(t *testing.T) {
	tests := []struct {
		url  string
		want db.Conn
	}{
		{"jdbc:mysql://db:3306/scim?useSSL=false", db.Conn{Type: "mysql", Host: "db", Port: 3306, Database: "scim", Properties: map[string]string{"useSSL": "false"}}},
		{"jdbc:mariadb://u:p@db/scim", db.Conn{Type: "mysql", Host: "db", Database: "scim", User: "u", Password: "p"}},
		{"  JDBC:POSTGRESQL://pg/scim?user=u  ", db.Conn{Type: "postgresql", Host: "pg", Database: "scim", User: "u"}},
		{"jdbc:postgresql:scim", db.Conn{Type: "postgresql", Host: "localhost", Database: "scim"}},
		{`jdbc:sqlserver://sql\INST;databaseName=scim;user=u;password={a;b}`, db.Conn{Type: "sqlserver", Host: "sql", Instance: "INST", Database: "scim", User: "u", Password: "a;b"}},
		{"jdbc:oracle:thin:@ora:1521:XE", db.Conn{Type: "oracle", Host: "ora", Port: 1521, SID: "XE"}},
		{"jdbc:oracle:thin:scott/tiger@//ora/XEPDB1", db.Conn{Type: "oracle", Host: "ora", Database: "XEPDB1", User: "scott", Password: "tiger"}},
		{"jdbc:sqlite:/var/lib/scim.db", db.Conn{Type: "sqlite", Database: "/var/lib/scim.db"}},
	}
	for _, tt := range tests {
		got, err := db.ParseJDBC(tt.url)
		if err != nil {
			t.Errorf("%s: %v", tt.url, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\ngot  %#v\nwant %#v", tt.url, got, tt.want)
		}
		// Every parsed URL yields a DSN for its dialect.
		d, err := db.Lookup(got.Type)
		if err != nil {
			t.Fatal(err)
		}
		if got.User == "" {
			got.User = "scim" // the Okta form always has one
		}
		if _, err := d.DSN(got); err != nil {
			t.Errorf("%s: DSN: %v", tt.url, err)
		}
	}
	for _, tt := range []struct{ url, want string }{
		{"jdbc:mysql://h1,h2/db", "jdbc:mysql URL lists 2 hosts; sqlscim supports only one host"},
		{"jdbc:mysql://h:abc/db", `jdbc:mysql URL: port "abc" is not a number`},
		{"jdbc:oracle:oci:@XE", "only the thin driver URL jdbc:oracle:thin:@... is supported; the OCI driver needs Oracle client libraries"},
		{"jdbc:sqlite:", "jdbc:sqlite URL has no database file"},
		{"jdbc:db2://h:50000/db", "IBM Db2 is not supported: it has no pure-Go driver"},
		{"jdbc:h2:mem:test;password=secret", `a URL starting with "jdbc:h2" is not a JDBC URL sqlscim understands; it must start with one of jdbc:mysql:, jdbc:mariadb:, jdbc:oracle:, jdbc:postgresql:, jdbc:sqlite:, jdbc:sqlserver:`},
		// What follows the first colon is shown only after "jdbc", and
		// only as far as a scheme goes: here it is a password.
		{"okta:S3cr3tPw@db.example.com/scim", `a URL starting with "okta:" is not a JDBC URL sqlscim understands; it must start with one of jdbc:mysql:, jdbc:mariadb:, jdbc:oracle:, jdbc:postgresql:, jdbc:sqlite:, jdbc:sqlserver:`},
		{":&pAssword=000000", `a URL starting with ":" is not a JDBC URL sqlscim understands; it must start with one of jdbc:mysql:, jdbc:mariadb:, jdbc:oracle:, jdbc:postgresql:, jdbc:sqlite:, jdbc:sqlserver:`},
		// A password holding / and ? ends the authority early: the @ then
		// lands in the query, and the password in the database name.
		{"jdbc:mysql://okta:12/S3cr3t?@db.example/scim", "jdbc:mysql URL has an @ after its host: a password holding / ? # or @ must be percent-encoded (%2F %3F %23 %40)"},
		{"jdbc:postgresql://okta:12/S3cr3t?x@db.example/scim", "jdbc:postgresql URL has an @ after its host: a password holding / ? # or @ must be percent-encoded (%2F %3F %23 %40)"},
		{"jdBC//okta:S3cr3tPw@db", `a URL starting with "jdBC" is not a JDBC URL sqlscim understands; it must start with one of jdbc:mysql:, jdbc:mariadb:, jdbc:oracle:, jdbc:postgresql:, jdbc:sqlite:, jdbc:sqlserver:`},
		{"jdbc:x;password=S3cr3tPw:y", `a URL starting with "jdbc:x" is not a JDBC URL sqlscim understands; it must start with one of jdbc:mysql:, jdbc:mariadb:, jdbc:oracle:, jdbc:postgresql:, jdbc:sqlite:, jdbc:sqlserver:`},
	} {
		_, err := db.ParseJDBC(tt.url)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: error %v\nwant %q", tt.url, err, tt.want)
		}
	}
}

// TestPasswordsNeverInErrors feeds every dialect URLs whose other parts are
// wrong and checks the password is not echoed back.
func TestPasswordsNeverInErrors(t *testing.T) {
	const pw = "S3cr3tPw"
	for _, u := range []string{
		"jdbc:mysql://u:" + pw + "@h:bad/db",
		"jdbc:mysql://u:" + pw + "%zz@h/db",
		"jdbc:mariadb://u:" + pw + "@h1,h2/db",
		"jdbc:postgresql://u:" + pw + "@h:bad/db",
		"jdbc:postgresql://h/db?password=" + pw + "%zz",
		"jdbc:sqlserver://h:bad;password=" + pw,
		"jdbc:sqlserver://h;password={" + pw,
		"jdbc:oracle:thin:u/" + pw + "@h:bad:XE",
		"jdbc:oracle:thin:u/" + pw,
		"jdbc:oracle:thin:u/\"" + pw + "@h:1521:XE",
		"jdbc:unknown://u:" + pw + "@h/db?password=" + pw,
	} {
		_, err := db.ParseJDBC(u)
		if err == nil {
			t.Errorf("%s: no error", u)
			continue
		}
		if strings.Contains(err.Error(), pw) {
			t.Errorf("%s: error reveals the password: %v", u, err)
		}
	}
}

// What differs between products is stated by each dialect, not decided by
// its name elsewhere: the engine reads these facts (paging, procedures,
// case folding, files) and the messages name the product.
func TestDialectsStateTheirCapabilities(t *testing.T) {
	type caps struct {
		product                                               string
		file, noProcedures, asciiFolding, offsetFetch, rowFns bool
		page, collationOf                                     string
	}
	want := map[string]caps{
		"mysql":      {product: "MySQL/MariaDB", page: " LIMIT 10 OFFSET 20", collationOf: "COLLATION"},
		"postgresql": {product: "PostgreSQL", rowFns: true, page: " LIMIT 10 OFFSET 20"},
		"sqlserver":  {product: "SQL Server", offsetFetch: true, page: " OFFSET 20 ROWS FETCH NEXT 10 ROWS ONLY"},
		"oracle":     {product: "Oracle", offsetFetch: true, page: " OFFSET 20 ROWS FETCH NEXT 10 ROWS ONLY"},
		"sqlite":     {product: "SQLite", file: true, noProcedures: true, asciiFolding: true, page: " LIMIT 10 OFFSET 20"},
	}
	for _, name := range db.Known() {
		d, _ := db.Lookup(name)
		i := d.Info()
		got := caps{i.Product, i.File, i.NoProcedures, i.ASCIIFolding, i.OffsetFetch, i.RowFunctions, i.Page(10, 20), i.CollationOf}
		if got != want[name] {
			t.Errorf("%s states %+v, want %+v", name, got, want[name])
		}
		if db.ForJDBC(i.JDBCPrefixes[0]+"//h/x") != d {
			t.Errorf("ForJDBC does not find %s by its prefix %s", name, i.JDBCPrefixes[0])
		}
	}
	mysql, _ := db.Lookup("mysql")
	for collation, want := range map[string]bool{"utf8mb4_general_ci": true, "utf8mb4_0900_AI_CI": true, "utf8mb4_bin": false, "utf8mb4_0900_as_cs": false, "binary": false, "": false} {
		if got := mysql.Info().CaseInsensitive(collation); got != want {
			t.Errorf("MySQL: %q is case-insensitive: %t, want %t", collation, got, want)
		}
	}
	if pg, _ := db.Lookup("postgresql"); pg.Info().CaseInsensitive("und-x-icu_ci") {
		t.Error("PostgreSQL names no collation: nothing is case-insensitive by name")
	}
	if db.ForJDBC("jdbc:db2://h/x") != nil {
		t.Error("ForJDBC found a dialect for Db2")
	}
}
