package sqlfiles

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/sqlscim/sqlscim/internal/testsupport/dbtest"
)

// result is a read result: upper-cased column names and rows of text (NULL
// is Valid=false). Dates and booleans are normalised by date and truth.
type result struct {
	cols []string
	rows [][]sql.NullString
}

func (r result) col(name string) int {
	for i, c := range r.cols {
		if c == name {
			return i
		}
	}
	return -1
}

// get returns column name of row i ("<NULL>" for NULL).
func (r result) get(t *testing.T, i int, name string) string {
	t.Helper()
	c := r.col(name)
	if c < 0 {
		t.Fatalf("no column %s in %v", name, r.cols)
	}
	if i >= len(r.rows) {
		t.Fatalf("no row %d (%d rows)", i, len(r.rows))
	}
	if !r.rows[i][c].Valid {
		return "<NULL>"
	}
	return r.rows[i][c].String
}

// column returns one column of every row.
func (r result) column(t *testing.T, name string) []string {
	t.Helper()
	var out []string
	for i := range r.rows {
		out = append(out, r.get(t, i, name))
	}
	return out
}

func scan(rows *sql.Rows) (result, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return result{}, err
	}
	var r result
	for _, c := range cols {
		r.cols = append(r.cols, strings.ToUpper(c))
	}
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return result{}, err
		}
		r.rows = append(r.rows, vals)
	}
	return r, rows.Err()
}

// truth reads a boolean as MySQL (1/0), PostgreSQL (true/false) or SQLite returns it.
func truth(t *testing.T, s string) bool {
	t.Helper()
	switch s {
	case "1", "true", "t":
		return true
	case "0", "false", "f":
		return false
	}
	t.Fatalf("not a boolean: %q", s)
	return false
}

// day reads a DATE as returned by the drivers ("2024-05-01" or "2024-05-01T00:00:00Z").
func day(s string) string {
	if len(s) >= 10 {
		return s[:10]
	}
	return s
}

func query(ctx context.Context, t *testing.T, q queryer, text string, args ...any) result {
	t.Helper()
	rows, err := q.QueryContext(ctx, text, args...)
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	r, err := scan(rows)
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	return r
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// checkViews queries the six views of freshly loaded demo data.
func checkViews(ctx context.Context, t *testing.T, db *sql.DB) {
	t.Helper()
	active := query(ctx, t, db, "SELECT * FROM V_ACTIVE_USERS ORDER BY USER_ID")
	if len(active.rows) != 13 || !slices.Equal(active.cols, userColumns) {
		t.Errorf("V_ACTIVE_USERS: %d rows, columns %v", len(active.rows), active.cols)
	}
	inactive := query(ctx, t, db, "SELECT * FROM V_INACTIVE_USERS ORDER BY USER_ID")
	if got := inactive.column(t, "USERNAME"); !slices.Equal(got, []string{"darth.vader", "kylo.ren"}) || !slices.Equal(inactive.cols, userColumns) {
		t.Errorf("V_INACTIVE_USERS: %v, columns %v", got, inactive.cols)
	}

	ue := query(ctx, t, db, "SELECT * FROM V_USERENTITLEMENTS ORDER BY USER_ID, ENT_ID")
	wantCols := strings.Fields("USER_ID USERNAME EMAIL IS_ACTIVE ENT_ID ENT_NAME ENT_DESCRIPTION ASSIGNEDDATE")
	if len(ue.rows) != 33 || !slices.Equal(ue.cols, wantCols) {
		t.Errorf("V_USERENTITLEMENTS: %d rows, columns %v", len(ue.rows), ue.cols)
	}

	usage := query(ctx, t, db, "SELECT * FROM V_ENTITLEMENT_USAGE ORDER BY ENT_ID")
	if !slices.Equal(usage.cols, strings.Fields("ENT_ID ENT_NAME USER_COUNT ACTIVE_USER_COUNT")) || len(usage.rows) != 10 {
		t.Fatalf("V_ENTITLEMENT_USAGE: %d rows, columns %v", len(usage.rows), usage.cols)
	}
	var counts []string
	for i := range usage.rows {
		counts = append(counts, usage.get(t, i, "ENT_NAME")+"="+usage.get(t, i, "USER_COUNT")+"/"+usage.get(t, i, "ACTIVE_USER_COUNT"))
	}
	wantCounts := []string{"VPN Access=11/11", "GitHub Admin=4/4", "AWS Console=4/4", "Jira Admin=2/2", "Confluence Edit=1/1",
		"Database Read=2/2", "Database Write=2/0", "Slack Admin=2/1", "Office 365=3/3", "Salesforce=2/2"}
	if !slices.Equal(counts, wantCounts) {
		t.Errorf("V_ENTITLEMENT_USAGE\n got %v\nwant %v", counts, wantCounts)
	}

	h := query(ctx, t, db, "SELECT * FROM V_USER_HIERARCHY ORDER BY USER_ID")
	if !slices.Equal(h.cols, strings.Fields("USER_ID DISPLAYNAME TITLE MANAGERID MANAGER_DISPLAYNAME")) || len(h.rows) != 15 {
		t.Fatalf("V_USER_HIERARCHY: %d rows, columns %v", len(h.rows), h.cols)
	}
	managers := map[string]string{}
	for i := range h.rows {
		managers[h.get(t, i, "USER_ID")] = h.get(t, i, "MANAGER_DISPLAYNAME")
	}
	if managers["luke.skywalker@galaxy.local"] != "Obi-Wan Kenobi" || managers["yoda@galaxy.local"] != "<NULL>" {
		t.Errorf("V_USER_HIERARCHY managers: %v", managers)
	}

	iue := query(ctx, t, db, "SELECT * FROM V_INACTIVE_USERENTITLEMENTS ORDER BY USER_ID, ENT_ID")
	var held []string
	for i := range iue.rows {
		held = append(held, iue.get(t, i, "USERNAME")+":"+iue.get(t, i, "ENT_NAME"))
	}
	if want := []string{"darth.vader:Database Write", "darth.vader:Slack Admin", "kylo.ren:Database Write"}; !slices.Equal(held, want) {
		t.Errorf("V_INACTIVE_USERENTITLEMENTS %v, want %v", held, want)
	}
}

// lab runs the ten procedures of one dialect.
type lab struct {
	// read runs one of the four read procedures.
	read func(t *testing.T, proc string, args ...any) result
	// write runs one of the six write procedures.
	write func(proc string, args ...any) error
	// raised reports whether err is an error raised by a procedure.
	raised func(err error) bool
	// duplicate reports whether err is a unique-key violation.
	duplicate func(err error) bool
}

var entitlementColumns = strings.Fields("USERENTITLEMENT_ID USER_ID USERNAME EMAIL ENT_ID ENT_NAME ENT_DESCRIPTION ASSIGNEDDATE")

// userArgs returns the 24 CREATE_USER / UPDATE_USER arguments.
func userArgs(id, title, city string, hire any) []any {
	name := strings.TrimSuffix(id, "@galaxy.local")
	return []any{id, name, "Ahsoka", "Tano", id, nil, "Ahsoka Tano", "Snips", "+1-555-0199",
		"1 Temple Way", city, "Coruscant", "00002", "US", "UTC", "Jedi Order", "Jedi Knights",
		"yoda@galaxy.local", "Master Yoda", title, "E1099", hire, nil, nil}
}

// exercise runs every procedure against freshly loaded demo data.
func (l lab) exercise(t *testing.T) {
	// Reads.
	active := l.read(t, "GET_ACTIVEUSERS")
	if !slices.Equal(active.cols, userColumns) {
		t.Errorf("GET_ACTIVEUSERS columns %v", active.cols)
	}
	ids := active.column(t, "USER_ID")
	if len(ids) != 13 || !slices.IsSorted(ids) || slices.Contains(ids, "darth.vader@galaxy.local") || slices.Contains(ids, "kylo.ren@galaxy.local") {
		t.Errorf("GET_ACTIVEUSERS: %v", ids)
	}
	for _, a := range active.column(t, "IS_ACTIVE") {
		if !truth(t, a) {
			t.Errorf("GET_ACTIVEUSERS returned an inactive user")
		}
	}

	ents := l.read(t, "GET_ALL_ENTITLEMENTS")
	if !slices.Equal(ents.cols, []string{"ENT_ID", "ENT_NAME", "ENT_DESCRIPTION"}) || len(ents.rows) != 10 ||
		ents.get(t, 0, "ENT_NAME") != "VPN Access" || ents.get(t, 9, "ENT_NAME") != "Salesforce" {
		t.Errorf("GET_ALL_ENTITLEMENTS: %v %v", ents.cols, ents.column(t, "ENT_NAME"))
	}

	luke := l.read(t, "GET_USER_ENTITLEMENT", "luke.skywalker@galaxy.local")
	if !slices.Equal(luke.cols, entitlementColumns) {
		t.Errorf("GET_USER_ENTITLEMENT columns %v", luke.cols)
	}
	if got := luke.column(t, "ENT_NAME"); !slices.Equal(got, []string{"VPN Access", "GitHub Admin", "Confluence Edit"}) {
		t.Errorf("luke's entitlements: %v", got)
	}

	padme := l.read(t, "GET_USER_BY_ID", "padme.amidala@galaxy.local")
	if !slices.Equal(padme.cols, userColumns) || len(padme.rows) != 1 || padme.get(t, 0, "DISPLAYNAME") != "Padmé Amidala" ||
		day(padme.get(t, 0, "HIREDATE")) != "2014-02-02" {
		t.Errorf("GET_USER_BY_ID(padme): %v %v", padme.cols, padme.rows)
	}
	vader := l.read(t, "GET_USER_BY_ID", "darth.vader@galaxy.local")
	if len(vader.rows) != 1 || truth(t, vader.get(t, 0, "IS_ACTIVE")) {
		t.Errorf("GET_USER_BY_ID(vader): %v", vader.rows)
	}
	if r := l.read(t, "GET_USER_BY_ID", "nobody@galaxy.local"); len(r.rows) != 0 {
		t.Errorf("GET_USER_BY_ID(nobody) returned %d rows", len(r.rows))
	}

	// CREATE_USER, UPDATE_USER.
	const ahsoka = "ahsoka.tano@galaxy.local"
	if err := l.write("CREATE_USER", userArgs(ahsoka, "Padawan", "Galactic City", "2024-05-01")...); err != nil {
		t.Fatalf("CREATE_USER: %v", err)
	}
	u := l.read(t, "GET_USER_BY_ID", ahsoka)
	if len(u.rows) != 1 || !truth(t, u.get(t, 0, "IS_ACTIVE")) || u.get(t, 0, "TITLE") != "Padawan" ||
		day(u.get(t, 0, "HIREDATE")) != "2024-05-01" || u.get(t, 0, "TERMINATIONDATE") != "<NULL>" ||
		u.get(t, 0, "MIDDLENAME") != "<NULL>" || u.get(t, 0, "USERNAME") != "ahsoka.tano" {
		t.Errorf("after CREATE_USER: %v", u.rows)
	}
	if n := len(l.read(t, "GET_ACTIVEUSERS").rows); n != 14 {
		t.Errorf("%d active users after CREATE_USER, want 14", n)
	}
	hired := time.Date(2024, 6, 2, 0, 0, 0, 0, time.UTC)
	if err := l.write("UPDATE_USER", userArgs(ahsoka, "Commander", "Mandalore", hired)...); err != nil {
		t.Fatalf("UPDATE_USER: %v", err)
	}
	u = l.read(t, "GET_USER_BY_ID", ahsoka)
	if u.get(t, 0, "TITLE") != "Commander" || u.get(t, 0, "CITY") != "Mandalore" || day(u.get(t, 0, "HIREDATE")) != "2024-06-02" ||
		!truth(t, u.get(t, 0, "IS_ACTIVE")) {
		t.Errorf("after UPDATE_USER: %v", u.rows)
	}

	// DEACTIVATE_USER, ACTIVATE_USER.
	if err := l.write("DEACTIVATE_USER", ahsoka); err != nil {
		t.Fatalf("DEACTIVATE_USER: %v", err)
	}
	if u := l.read(t, "GET_USER_BY_ID", ahsoka); truth(t, u.get(t, 0, "IS_ACTIVE")) {
		t.Error("DEACTIVATE_USER left the user active")
	}
	if n := len(l.read(t, "GET_ACTIVEUSERS").rows); n != 13 {
		t.Errorf("%d active users after DEACTIVATE_USER, want 13", n)
	}
	if err := l.write("ACTIVATE_USER", ahsoka); err != nil {
		t.Fatalf("ACTIVATE_USER: %v", err)
	}
	if u := l.read(t, "GET_USER_BY_ID", ahsoka); !truth(t, u.get(t, 0, "IS_ACTIVE")) {
		t.Error("ACTIVATE_USER left the user inactive")
	}

	// ADD_ENTITLEMENT_TO_USER, REMOVE_ENTITLEMENT_FROM_USER.
	for range 2 {
		if err := l.write("ADD_ENTITLEMENT_TO_USER", ahsoka, 3); err != nil {
			t.Fatalf("ADD_ENTITLEMENT_TO_USER: %v", err)
		}
	}
	if err := l.write("ADD_ENTITLEMENT_TO_USER", ahsoka, 1); err != nil {
		t.Fatalf("ADD_ENTITLEMENT_TO_USER: %v", err)
	}
	held := l.read(t, "GET_USER_ENTITLEMENT", ahsoka)
	if got := held.column(t, "ENT_NAME"); !slices.Equal(got, []string{"VPN Access", "AWS Console"}) {
		t.Errorf("after adding AWS Console twice and VPN Access: %v", got)
	}
	if err := l.write("ADD_ENTITLEMENT_TO_USER", "nobody@galaxy.local", 1); !l.raised(err) || !strings.Contains(err.Error(), "user does not exist") {
		t.Errorf("ADD_ENTITLEMENT_TO_USER(unknown user): %v", err)
	}
	if err := l.write("ADD_ENTITLEMENT_TO_USER", ahsoka, 999); !l.raised(err) || !strings.Contains(err.Error(), "entitlement does not exist") {
		t.Errorf("ADD_ENTITLEMENT_TO_USER(unknown entitlement): %v", err)
	}
	for range 2 {
		if err := l.write("REMOVE_ENTITLEMENT_FROM_USER", ahsoka, 3); err != nil {
			t.Fatalf("REMOVE_ENTITLEMENT_FROM_USER: %v", err)
		}
	}
	if got := l.read(t, "GET_USER_ENTITLEMENT", ahsoka).column(t, "ENT_NAME"); !slices.Equal(got, []string{"VPN Access"}) {
		t.Errorf("after REMOVE_ENTITLEMENT_FROM_USER: %v", got)
	}

	// Mandatory parameters.
	for i, param := range writeParams[:5] {
		for _, proc := range []string{"CREATE_USER", "UPDATE_USER"} {
			for _, bad := range []any{nil, "", "  "} {
				args := userArgs("mace.windu@galaxy.local", "X", "Y", nil)
				if proc == "CREATE_USER" {
					args = userArgs("new.user@galaxy.local", "X", "Y", nil)
				}
				args[i] = bad
				err := l.write(proc, args...)
				if !l.raised(err) || !strings.Contains(err.Error(), proc+": "+param+" is required") {
					t.Errorf("%s with %s = %#v: %v", proc, param, bad, err)
				}
			}
		}
	}
	if r := l.read(t, "GET_USER_BY_ID", "new.user@galaxy.local"); len(r.rows) != 0 {
		t.Error("a CREATE_USER with a missing mandatory parameter created the user")
	}

	// Duplicates.
	err := l.write("CREATE_USER", userArgs(ahsoka, "Padawan", "Galactic City", "2024-05-01")...)
	if !l.duplicate(err) {
		t.Errorf("duplicate CREATE_USER: %v, want a unique-key violation", err)
	}
}

func mysqlLab(ctx context.Context, db *sql.DB) lab {
	call := func(proc string, n int) string {
		return "CALL " + proc + "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
	}
	return lab{
		read: func(t *testing.T, proc string, args ...any) result {
			t.Helper()
			return query(ctx, t, db, call(proc, len(args)), args...)
		},
		write: func(proc string, args ...any) error {
			_, err := db.ExecContext(ctx, call(proc, len(args)), args...)
			return err
		},
		raised: func(err error) bool {
			var me *mysql.MySQLError
			return errors.As(err, &me) && me.Number == 1644 && string(me.SQLState[:]) == "45000"
		},
		duplicate: func(err error) bool {
			var me *mysql.MySQLError
			return errors.As(err, &me) && me.Number == 1062
		},
	}
}

func placeholders(n int) string {
	var p []string
	for i := 1; i <= n; i++ {
		p = append(p, fmt.Sprintf("$%d", i))
	}
	return strings.Join(p, ", ")
}

// postgresLab reads through the set-returning functions and, each time, also
// through the _RC refcursor procedure, which must return the same result.
func postgresLab(ctx context.Context, db *sql.DB) lab {
	return lab{
		read: func(t *testing.T, proc string, args ...any) result {
			t.Helper()
			fn := query(ctx, t, db, "SELECT * FROM "+proc+"("+placeholders(len(args))+")", args...)

			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			rcArgs := placeholders(len(args))
			if rcArgs != "" {
				rcArgs += ", "
			}
			var cursor string
			if err := tx.QueryRowContext(ctx, "CALL "+proc+"_RC("+rcArgs+"NULL)", args...).Scan(&cursor); err != nil {
				t.Fatalf("CALL %s_RC: %v", proc, err)
			}
			rc := query(ctx, t, tx, `FETCH ALL FROM "`+strings.ReplaceAll(cursor, `"`, `""`)+`"`)
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(rc.cols, fn.cols) || fmt.Sprint(rc.rows) != fmt.Sprint(fn.rows) {
				t.Errorf("%s_RC differs from %s:\n rc %v %v\n fn %v %v", proc, proc, rc.cols, rc.rows, fn.cols, fn.rows)
			}
			return fn
		},
		write: func(proc string, args ...any) error {
			_, err := db.ExecContext(ctx, "CALL "+proc+"("+placeholders(len(args))+")", args...)
			return err
		},
		raised: func(err error) bool {
			var pe *pgconn.PgError
			return errors.As(err, &pe) && pe.Code == "P0001"
		},
		duplicate: func(err error) bool {
			var pe *pgconn.PgError
			return errors.As(err, &pe) && pe.Code == "23505"
		},
	}
}

func TestMySQL(t *testing.T) {
	d := dbtest.MySQL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := Load(ctx, d.DB, "mysql"); err != nil {
		t.Fatal(err)
	}
	checkViews(ctx, t, d.DB)
	mysqlLab(ctx, d.DB).exercise(t)
}

func TestPostgres(t *testing.T) {
	d := dbtest.Postgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := Load(ctx, d.DB, "postgresql"); err != nil {
		t.Fatal(err)
	}
	checkViews(ctx, t, d.DB)
	postgresLab(ctx, d.DB).exercise(t)
}

func TestSQLite(t *testing.T) {
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "lab.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := Load(ctx, db, "sqlite"); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]int{
		"SELECT COUNT(*) FROM USERS":                     15,
		"SELECT COUNT(*) FROM USERS WHERE IS_ACTIVE = 1": 13,
		"SELECT COUNT(*) FROM ENTITLEMENTS":              10,
		"SELECT COUNT(*) FROM USERENTITLEMENTS":          33,
	} {
		var n int
		if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil || n != want {
			t.Errorf("%s = %d, %v; want %d", q, n, err, want)
		}
	}
	var name string
	if err := db.QueryRowContext(ctx, "SELECT DISPLAYNAME FROM USERS WHERE USER_ID = 'padme.amidala@galaxy.local'").Scan(&name); err != nil || name != "Padmé Amidala" {
		t.Errorf("padme's DISPLAYNAME %q, %v", name, err)
	}
	checkViews(ctx, t, db)

	// Loading twice fails on the first CREATE TABLE (statements[0] is the PRAGMA).
	err = Load(ctx, db, "sqlite")
	if err == nil || !strings.Contains(err.Error(), "statements[1] (CREATE TABLE USERS (): ") {
		t.Errorf("second Load: %v", err)
	}
}
