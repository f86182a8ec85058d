package provision

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/scim"
)

func testDialect(t *testing.T, name string) db.Dialect {
	t.Helper()
	d, err := db.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func testFilter(t *testing.T, f string) *scim.Filter {
	t.Helper()
	parsed, err := scim.ParseFilter(f)
	if err != nil {
		t.Fatalf("filter %s: %v", f, err)
	}
	return parsed
}

type pushCase struct {
	filter   string
	sql      string
	args     []any
	complete bool
}

func runPushdown(t *testing.T, m *mapping, dialect string, firstArg int, tests []pushCase) {
	t.Helper()
	d := testDialect(t, dialect)
	for _, tc := range tests {
		t.Run(tc.filter, func(t *testing.T) {
			got := pushdown(testFilter(t, tc.filter).Expr(), m, d, firstArg)
			if got.sql != tc.sql || got.complete != tc.complete || !sameArgs(got.args, tc.args) {
				t.Fatalf("pushdown(%s)\n got sql=%q args=%#v complete=%v\nwant sql=%q args=%#v complete=%v",
					tc.filter, got.sql, got.args, got.complete, tc.sql, tc.args, tc.complete)
			}
		})
	}
}

func sameArgs(got, want []any) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if gt, ok := got[i].(time.Time); ok {
			if wt, ok := want[i].(time.Time); !ok || !gt.Equal(wt) {
				return false
			}
			continue
		}
		if !reflect.DeepEqual(got[i], want[i]) {
			return false
		}
	}
	return true
}

func TestPushdownMySQL(t *testing.T) {
	m := mustMapping(t, testMappingConfig(nil), labColumns(false))
	const (
		userName = "sqlscim_u.`USERNAME`"
		title    = "sqlscim_u.`TITLE`"
		id       = "sqlscim_u.`USER_ID`"
		active   = "sqlscim_u.`IS_ACTIVE`"
		hired    = "sqlscim_u.`HIREDATE`"
	)
	runPushdown(t, m, "mysql", 1, []pushCase{
		// eq: strings compare case-insensitively, the id exactly.
		{`userName eq "Luke.Skywalker"`, "LOWER(" + userName + ") = ?", []any{"luke.skywalker"}, true},
		{`USERNAME EQ "x"`, "LOWER(" + userName + ") = ?", []any{"x"}, true},
		{`id eq "Luke@Galaxy"`, id + " = ?", []any{"Luke@Galaxy"}, true},
		{`urn:ietf:params:scim:schemas:core:2.0:User:userName eq "A"`, "LOWER(" + userName + ") = ?", []any{"a"}, true},
		{`name.givenName eq "Luke"`, "LOWER(sqlscim_u.`FIRSTNAME`) = ?", []any{"luke"}, true},
		{`emails.value eq "L@X"`, "LOWER(sqlscim_u.`EMAIL`) = ?", []any{"l@x"}, true},
		{`emails eq "L@X"`, "LOWER(sqlscim_u.`EMAIL`) = ?", []any{"l@x"}, true},
		{`phoneNumbers.value sw "+1"`, "LOWER(sqlscim_u.`MOBILEPHONE`) LIKE ? ESCAPE '!'", []any{"+1%"}, true},
		{`addresses.locality eq "Anchorhead"`, "LOWER(sqlscim_u.`CITY`) = ?", []any{"anchorhead"}, true},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "R&D"`, "LOWER(sqlscim_u.`DEPARTMENT`) = ?", []any{"r&d"}, true},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "Obi"`, "LOWER(sqlscim_u.`MANAGERID`) = ?", []any{"obi"}, true},
		{`urn:sqlscim:schemas:extension:database:2.0:User:TITLE eq "Jedi"`, "LOWER(" + title + ") = ?", []any{"jedi"}, true},
		{`urn:sqlscim:schemas:extension:database:2.0:User:password_hash eq "X"`, "LOWER(sqlscim_u.`PASSWORD_HASH`) = ?", []any{"x"}, true},
		{`urn:sqlscim:schemas:extension:database:2.0:User:USER_ID eq "Luke@Galaxy"`, id + " = ?", []any{"Luke@Galaxy"}, true},

		// ne keeps rows where the column is NULL (absent ne x is true).
		{`title ne "Jedi"`, "(" + title + " IS NULL OR LOWER(" + title + ") <> ?)", []any{"jedi"}, true},
		{`id ne "a"`, "(" + id + " IS NULL OR " + id + " <> ?)", []any{"a"}, true},

		// co, sw, ew escape LIKE's wildcards and the escape character.
		{`title co "50%_off!"`, "LOWER(" + title + ") LIKE ? ESCAPE '!'", []any{"%50!%!_off!!%"}, true},
		{`title sw "a_b"`, "LOWER(" + title + ") LIKE ? ESCAPE '!'", []any{"a!_b%"}, true},
		{`title ew "100%"`, "LOWER(" + title + ") LIKE ? ESCAPE '!'", []any{"%100!%"}, true},
		{`id co "A%"`, id + " LIKE ? ESCAPE '!'", []any{"%A!%%"}, true},

		// Ordering.
		{`title gt "M"`, "LOWER(" + title + ") > ?", []any{"m"}, true},
		{`title ge "M"`, "LOWER(" + title + ") >= ?", []any{"m"}, true},
		{`title lt "M"`, "LOWER(" + title + ") < ?", []any{"m"}, true},
		{`title le "M"`, "LOWER(" + title + ") <= ?", []any{"m"}, true},
		{`urn:sqlscim:schemas:extension:database:2.0:User:HIREDATE gt "2020-01-01"`, hired + " > ?", []any{time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}, true},
		{`urn:sqlscim:schemas:extension:database:2.0:User:HIREDATE le "2020-01-01T10:00:00Z"`, hired + " <= ?", []any{time.Date(2020, 1, 1, 10, 0, 0, 0, time.UTC)}, true},

		// pr: an empty text is absent too.
		{`title pr`, "(" + title + " IS NOT NULL AND " + title + " <> '')", nil, true},
		{`urn:sqlscim:schemas:extension:database:2.0:User:HIREDATE pr`, hired + " IS NOT NULL", nil, true},
		{`active pr`, active + " IS NOT NULL", nil, true},

		// active on a TINYINT column.
		{`active eq true`, active + " = ?", []any{int64(1)}, true},
		{`active eq false`, active + " = ?", []any{int64(0)}, true},
		{`active ne false`, "(" + active + " IS NULL OR " + active + " <> ?)", []any{int64(0)}, true},
		{`active gt false`, "", nil, false},

		// Logic.
		{`userName eq "a" and title eq "b"`, "(LOWER(" + userName + ") = ? AND LOWER(" + title + ") = ?)", []any{"a", "b"}, true},
		{`userName eq "a" or title eq "b"`, "(LOWER(" + userName + ") = ? OR LOWER(" + title + ") = ?)", []any{"a", "b"}, true},
		// NOT is evaluated in Go: SQL's NOT drops rows whose column is NULL.
		{`not (title eq "b")`, "", nil, false},
		{`not (userName eq "a" or title pr)`, "", nil, false},
		{`userName eq "a" and (title eq "b" or title eq "c")`, "(LOWER(" + userName + ") = ? AND (LOWER(" + title + ") = ? OR LOWER(" + title + ") = ?))", []any{"a", "b", "c"}, true},

		// What cannot be translated.
		{`entitlements.value eq "1"`, "", nil, false},
		{`entitlements eq "1"`, "", nil, false},
		{`meta.lastModified gt "2020-01-01T00:00:00Z"`, "", nil, false},
		{`emails.type eq "work"`, "", nil, false},
		{`emails[type eq "work" and value co "x"]`, "", nil, false},
		{`addresses pr`, "", nil, false},
		{`name pr`, "", nil, false},
		{`urn:acme:User:badge eq "1"`, "", nil, false},
		{`urn:sqlscim:schemas:extension:database:2.0:User:MISSING eq "1"`, "", nil, false},
		{`title eq null`, "", nil, false},
		{`urn:sqlscim:schemas:extension:database:2.0:User:HIREDATE gt "soon"`, "", nil, false},

		// An AND keeps its translatable side; the rest is checked per row.
		{`userName eq "a" and entitlements.value eq "1"`, "LOWER(" + userName + ") = ?", []any{"a"}, false},
		{`entitlements.value eq "1" and userName eq "a"`, "LOWER(" + userName + ") = ?", []any{"a"}, false},
		{`(userName eq "a" or userName eq "b") and meta.created pr`, "(LOWER(" + userName + ") = ? OR LOWER(" + userName + ") = ?)", []any{"a", "b"}, false},
		{`title eq "t" and (userName eq "a" and entitlements.value eq "1")`, "(LOWER(" + title + ") = ? AND LOWER(" + userName + ") = ?)", []any{"t", "a"}, false},
		// An OR needs both sides; sides that select supersets make one.
		{`userName eq "a" or entitlements.value eq "1"`, "", nil, false},
		{`entitlements.value eq "1" or userName eq "a"`, "", nil, false},
		{`(userName eq "a" and entitlements.value eq "1") or title eq "b"`, "(LOWER(" + userName + ") = ? OR LOWER(" + title + ") = ?)", []any{"a", "b"}, false},
		{`not (userName eq "a" and entitlements.value eq "1")`, "", nil, false},
		{`(userName eq "a" or entitlements.value eq "1") and title eq "t"`, "LOWER(" + title + ") = ?", []any{"t"}, false},
	})
}

// TestPushdownCaselessColumns: on a column whose collation ignores case, an
// equality is a plain = that the column's index serves. The collation may
// also ignore accents, so the filter still runs on what it selects.
func TestPushdownCaselessColumns(t *testing.T) {
	cols := labColumns(false)
	for i := range cols {
		cols[i].caseless = cols[i].key == "USERNAME" || cols[i].key == "USER_ID"
	}
	m := mustMapping(t, testMappingConfig(nil), cols)
	const (
		userName = "sqlscim_u.`USERNAME`"
		title    = "sqlscim_u.`TITLE`"
		id       = "sqlscim_u.`USER_ID`"
	)
	runPushdown(t, m, "mysql", 1, []pushCase{
		{`userName eq "Luke.Skywalker"`, userName + " = ?", []any{"Luke.Skywalker"}, false},
		{`userName eq "a" or userName eq "b"`, "(" + userName + " = ? OR " + userName + " = ?)", []any{"a", "b"}, false},
		{`userName eq "a" and title eq "b"`, "(" + userName + " = ? AND LOWER(" + title + ") = ?)", []any{"a", "b"}, false},
		{`userName sw "Luke"`, userName + " LIKE ? ESCAPE '!'", []any{"Luke%"}, false},
		{`userName co "a_b"`, userName + " LIKE ? ESCAPE '!'", []any{"%a!_b%"}, false},
		// What the collation need not match as LOWER does keeps LOWER.
		{`userName eq "Łukasz"`, "LOWER(" + userName + ") = ?", []any{"łukasz"}, false},
		// The collation's <> and order are not the filter's: "José" <> "jose" is false there.
		{`userName ne "a"`, "", nil, false},
		{`userName gt "a"`, "", nil, false},
		// The id compares exactly, which the collation does not: the filter narrows.
		{`id eq "Luke@Galaxy"`, id + " = ?", []any{"Luke@Galaxy"}, false},
		{`id eq "Łukasz"`, id + " = ?", []any{"Łukasz"}, false},
		{`id ne "a"`, "", nil, false},
	})
}

func TestPushdownPostgreSQL(t *testing.T) {
	m := mustMapping(t, testMappingConfig(nil), labColumns(true))
	const (
		userName = `sqlscim_u."username"`
		title    = `sqlscim_u."title"`
		active   = `sqlscim_u."is_active"`
	)
	runPushdown(t, m, "postgresql", 1, []pushCase{
		{`userName eq "Luke"`, "LOWER(" + userName + ") = $1", []any{"luke"}, true},
		{`id eq "X"`, `sqlscim_u."user_id" = $1`, []any{"X"}, true},
		{`title ne "Jedi"`, "(" + title + " IS NULL OR LOWER(" + title + ") <> $1)", []any{"jedi"}, true},
		{`title co "a%b"`, "LOWER(" + title + ") LIKE $1 ESCAPE '!'", []any{"%a!%b%"}, true},
		{`active eq true`, active + " = $1", []any{true}, true},
		{`active eq false and title pr`, "(" + active + " = $1 AND (" + title + " IS NOT NULL AND " + title + " <> ''))", []any{false}, true},
		{`userName eq "a" or title eq "b" or title eq "c"`, "((LOWER(" + userName + ") = $1 OR LOWER(" + title + ") = $2) OR LOWER(" + title + ") = $3)", []any{"a", "b", "c"}, true},
		// A dropped OR gives its placeholders back.
		{`(userName eq "a" or entitlements.value eq "1") and title eq "t"`, "LOWER(" + title + ") = $1", []any{"t"}, false},
		{`not (userName eq "a" and meta.created pr) and title eq "t"`, "LOWER(" + title + ") = $1", []any{"t"}, false},
	})
	// After the Get Users statement's own arguments.
	runPushdown(t, m, "postgresql", 3, []pushCase{
		{`userName eq "a" and title eq "b"`, "(LOWER(" + userName + ") = $3 AND LOWER(" + title + ") = $4)", []any{"a", "b"}, true},
		{`(title eq "x" or entitlements.value eq "1") and userName eq "a"`, "LOWER(" + userName + ") = $3", []any{"a"}, false},
	})
}

func TestPushdownSQLServer(t *testing.T) {
	m := mustMapping(t, testMappingConfig(nil), labColumns(false))
	runPushdown(t, m, "sqlserver", 1, []pushCase{
		{`userName eq "a" and title sw "b"`, "(LOWER(sqlscim_u.[USERNAME]) = @p1 AND LOWER(sqlscim_u.[TITLE]) LIKE @p2 ESCAPE '!')", []any{"a", "b%"}, true},
	})
}

func TestPushdownTypedColumns(t *testing.T) {
	m := mustMapping(t, testMappingConfig(nil), testCols("USER_ID:int", "USERNAME", "EMPLOYEENUMBER:int", "SALARY:decimal", "IS_ACTIVE:bool"))
	const ext = "urn:sqlscim:schemas:extension:database:2.0:User:"
	runPushdown(t, m, "mysql", 1, []pushCase{
		{`id eq "42"`, "sqlscim_u.`USER_ID` = ?", []any{int64(42)}, true},
		{`id eq "x"`, "", nil, false},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber gt "1000"`, "sqlscim_u.`EMPLOYEENUMBER` > ?", []any{int64(1000)}, true},
		{ext + `SALARY ge 1500.5`, "sqlscim_u.`SALARY` >= ?", []any{"1500.5"}, true},
		{ext + `SALARY eq "lots"`, "", nil, false},
		{`active eq true`, "sqlscim_u.`IS_ACTIVE` = ?", []any{true}, true},
		{`active ne true`, "(sqlscim_u.`IS_ACTIVE` IS NULL OR sqlscim_u.`IS_ACTIVE` <> ?)", []any{true}, true},
		{ext + `SALARY co "1"`, "", nil, false},
		{`id sw "4"`, "", nil, false},
	})
}

func TestEscapeLike(t *testing.T) {
	tests := map[string]string{"": "", "abc": "abc", "a%b": "a!%b", "a_b": "a!_b", "a!b": "a!!b", "!%_": "!!!%!_", `a\b`: `a\b`}
	for in, want := range tests {
		if got := escapeLike(in); got != want {
			t.Errorf("escapeLike(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLimitOffset(t *testing.T) {
	tests := map[string]string{
		"mysql":      " LIMIT 10 OFFSET 20",
		"postgresql": " LIMIT 10 OFFSET 20",
		"sqlite":     " LIMIT 10 OFFSET 20",
		"sqlserver":  " OFFSET 20 ROWS FETCH NEXT 10 ROWS ONLY",
		"oracle":     " OFFSET 20 ROWS FETCH NEXT 10 ROWS ONLY",
	}
	for name, want := range tests {
		if got := testDialect(t, name).Info().Page(10, 20); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}

func TestMentionsEntitlements(t *testing.T) {
	tests := map[string]bool{
		`userName eq "a"`:                              false,
		`entitlements.value eq "1"`:                    true,
		`ENTITLEMENTS pr`:                              true,
		`entitlements[value eq "1"]`:                   true,
		`userName eq "a" and not (entitlements pr)`:    true,
		`userName eq "a" or emails[type eq "work"]`:    false,
		`title eq "entitlements"`:                      false,
		`userName eq "a" or entitlements.display pr`:   true,
		`not (userName eq "a" or title eq "b")`:        false,
		`(userName eq "a") and (entitlements.type pr)`: true,
	}
	for f, want := range tests {
		if got := mentionsEntitlements(testFilter(t, f).Expr()); got != want {
			t.Errorf("mentionsEntitlements(%s) = %v, want %v", f, got, want)
		}
	}
}

// sqliteTenant creates an SQLite database file holding a USERS table and
// compiles a SQL-statement tenant over it. Compiling does not connect; the
// database is only used by the SCIM calls.
func sqliteTenant(t *testing.T, activeType string, users [][4]any) *Tenant {
	t.Helper()
	path := filepath.Join(t.TempDir(), "users.db")
	d := testDialect(t, "sqlite")
	dsn, err := d.DSN(db.Conn{Type: "sqlite", Database: path})
	if err != nil {
		t.Fatal(err)
	}
	handle, err := sql.Open(d.Info().DriverName, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer handle.Close()
	if _, err := handle.Exec("CREATE TABLE USERS (USER_ID VARCHAR(100) PRIMARY KEY, USERNAME VARCHAR(100), TITLE VARCHAR(100), IS_ACTIVE " + activeType + ")"); err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if _, err := handle.Exec("INSERT INTO USERS VALUES (?, ?, ?, ?)", u[0], u[1], u[2], u[3]); err != nil {
			t.Fatal(err)
		}
	}
	pools := db.NewPools(db.DefaultPoolConfig)
	t.Cleanup(func() { pools.Close() })
	cfg := &Config{
		Name:     "pushdown",
		Database: db.Conn{Type: "sqlite", Database: path},
		Operations: map[OpName]*Operation{
			GetUsers:    {Enabled: true, Type: SQLStatement, Statement: "SELECT USER_ID, USERNAME, TITLE, IS_ACTIVE FROM USERS", UserIDColumn: "USER_ID"},
			GetUserByID: {Enabled: true, Type: SQLStatement, Statement: "SELECT USER_ID, USERNAME, TITLE, IS_ACTIVE FROM USERS WHERE USER_ID = ?", Parameters: testFields("USER_ID")},
		},
	}
	tn, err := Compile(cfg, pools, "tenants[0]")
	if err != nil {
		t.Fatal(err)
	}
	return tn
}

// listIDs lists the ids of the users a filter selects, and the total the
// listing reports. count -1 lists every match (the rows are filtered again
// in Go); a page size makes the database count and page (no second check).
func testListIDs(t *testing.T, tn *Tenant, f *scim.Filter, count int) ([]string, int) {
	t.Helper()
	ids := []string{}
	total, err := tn.ListUsers(context.Background(), scim.Query{Filter: f, StartIndex: 1, Count: count, SkipEntitlements: true}, func(r scim.Resource) error {
		ids = append(ids, r["id"].(string))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(ids)
	return ids, total
}

// checkAgainstFilter lists users with each filter (pushed down into SQL)
// and compares with the filter applied to every user in Go.
func checkAgainstFilter(t *testing.T, tn *Tenant, filters []string) []string {
	t.Helper()
	ctx := context.Background()
	schema, err := tn.UserSchema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var all []scim.Resource
	if _, err := tn.ListUsers(ctx, scim.Query{StartIndex: 1, Count: -1, SkipEntitlements: true}, func(r scim.Resource) error {
		all = append(all, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var wrong []string
	for _, f := range filters {
		parsed := testFilter(t, f)
		want := []string{}
		for _, r := range all {
			if parsed.Matches(r, schema) {
				want = append(want, r["id"].(string))
			}
		}
		sort.Strings(want)
		for _, count := range []int{-1, 100} {
			got, total := testListIDs(t, tn, parsed, count)
			if !reflect.DeepEqual(got, want) || total != len(want) {
				wrong = append(wrong, fmt.Sprintf("%s (count=%d): listed [%s] of %d, the filter matches [%s]",
					f, count, strings.Join(got, ","), total, strings.Join(want, ",")))
			}
		}
	}
	return wrong
}

// The SQL a filter becomes selects what the filter selects, NULL columns
// included.
func TestPushdownMatchesTheFilter(t *testing.T) {
	tn := sqliteTenant(t, "INTEGER", [][4]any{
		{"u1", "luke", "Jedi", 1},
		{"u2", "leia", "Senator", 1},
		{"u3", "han", nil, 0},
		{"u4", "chewie", "", 1},
	})
	wrong := checkAgainstFilter(t, tn, []string{
		`title eq "jedi"`,
		`title ne "Jedi"`,
		`title co "e"`,
		`title sw "s"`,
		`title gt "k"`,
		`title pr`,
		`not (title pr)`,
		`active eq true`,
		`active eq false`,
		`active ne true`,
		`userName eq "LUKE" or title eq "senator"`,
		`userName sw "l" and active eq true`,
		`userName ew "e" and entitlements pr`,
	})
	if len(wrong) > 0 {
		t.Fatalf("pushed-down filters disagree with the filter:\n%s", strings.Join(wrong, "\n"))
	}
}

// NOT over a comparison on a NULL column: SQL's NOT (NULL) is NULL, so
// the row is dropped, while the SCIM filter matches it (an absent title is
// not "Jedi").
func TestPushdownNotOverNullColumns(t *testing.T) {
	tn := sqliteTenant(t, "INTEGER", [][4]any{
		{"u1", "luke", "Jedi", 1},
		{"u2", "leia", "Senator", 1},
		{"u3", "han", nil, 0},
	})
	wrong := checkAgainstFilter(t, tn, []string{
		`not (title eq "Jedi")`,
		`not (title co "j")`,
		`not (title gt "k")`,
		`not (userName eq "luke" and title eq "Jedi")`,
	})
	if len(wrong) > 0 {
		t.Fatalf("NOT is pushed down as complete but SQL's three-valued logic drops rows with NULL columns:\n%s", strings.Join(wrong, "\n"))
	}
}

// active on a text column holding Y/N: the user shows active true, so
// `active eq true` must find it.
func TestPushdownActiveOnTextColumn(t *testing.T) {
	tn := sqliteTenant(t, "VARCHAR(1)", [][4]any{
		{"u1", "luke", "Jedi", "Y"},
		{"u2", "leia", "Senator", "N"},
		{"u3", "han", nil, "Y"},
	})
	if got, total := testListIDs(t, tn, nil, 100); !reflect.DeepEqual(got, []string{"u1", "u2", "u3"}) || total != 3 {
		t.Fatalf("listed %v of %d", got, total)
	}
	wrong := checkAgainstFilter(t, tn, []string{`active eq true`, `active eq false`, `active ne false`})
	if len(wrong) > 0 {
		t.Fatalf("active on a Y/N text column is pushed down as the text \"true\"/\"false\":\n%s", strings.Join(wrong, "\n"))
	}
}

// Case-insensitive comparisons hold for non-ASCII text too. SQLite's
// lower() folds only ASCII letters, so LOWER(col) = 'école' misses 'École'.
func TestPushdownNonASCIIOnSQLite(t *testing.T) {
	tn := sqliteTenant(t, "INTEGER", [][4]any{
		{"u1", "Åsa", "École", 1},
		{"u2", "bob", "Ecole", 1},
	})
	wrong := checkAgainstFilter(t, tn, []string{`title eq "école"`, `title eq "ÉCOLE"`, `userName sw "å"`, `title ne "école"`})
	if len(wrong) > 0 {
		t.Fatalf("case-insensitive filters on non-ASCII text are pushed into SQLite's ASCII-only LOWER():\n%s", strings.Join(wrong, "\n"))
	}
}
