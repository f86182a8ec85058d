package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sqlscim/sqlscim/internal/db"
)

func TestPlaceholderQuote(t *testing.T) {
	d := Dialect{}
	if d.Placeholder(1) != "$1" || d.Placeholder(12) != "$12" {
		t.Error("placeholder")
	}
	for in, want := range map[string]string{"id": `"id"`, `a"b`: `"a""b"`, "first name": `"first name"`, "<unnamed portal 1>": `"<unnamed portal 1>"`} {
		if got := d.QuoteIdent(in); got != want {
			t.Errorf("QuoteIdent(%q) = %q, want %q", in, got, want)
		}
	}
	if d.Info().Name != "postgresql" || d.Info().DriverName != "pgx" || d.Info().DefaultPort != 5432 || strings.Join(d.Info().Aliases, ",") != "postgres,pgsql" {
		t.Error("names")
	}
}

func TestCallSQL(t *testing.T) {
	v, c := db.ProcArg{Value: 1}, db.ProcArg{Cursor: true}
	tests := []struct {
		call db.ProcCall
		want string
	}{
		{db.ProcCall{Name: "add_user", Args: []db.ProcArg{v, v}}, "CALL add_user($1, $2)"},
		{db.ProcCall{Name: "refresh"}, "CALL refresh()"},
		{db.ProcCall{Name: "get_users", Args: []db.ProcArg{v, v}, WantRows: true}, "SELECT * FROM get_users($1, $2)"},
		{db.ProcCall{Name: "scim.get_users", WantRows: true}, "SELECT * FROM scim.get_users()"},
		{db.ProcCall{Name: "users_cursor", Args: []db.ProcArg{v, c}, WantRows: true}, "CALL users_cursor($1, NULL)"},
		{db.ProcCall{Name: `"My Schema"."users cursor"`, Args: []db.ProcArg{v, c, v}}, `CALL "My Schema"."users cursor"($1, NULL, $2)`},
		{db.ProcCall{Name: "c", Args: []db.ProcArg{c}}, "CALL c(NULL)"},
	}
	for _, tt := range tests {
		got, err := Dialect{}.CallSQL(tt.call)
		if err != nil || got != tt.want {
			t.Errorf("%+v: %q, %v; want %q", tt.call, got, err, tt.want)
		}
	}
	for _, tt := range []struct {
		call db.ProcCall
		want string
	}{
		{db.ProcCall{Name: "p; DROP TABLE x"}, `procedure name "p; DROP TABLE x" is not a valid identifier (unexpected ';'): use letters, digits, _, $ and #, a dot between schema and name, or a quoted name`},
		{db.ProcCall{Name: "`p`"}, "procedure name \"`p`\" is not a valid identifier (unexpected '`'): use letters, digits, _, $ and #, a dot between schema and name, or a quoted name"},
		{db.ProcCall{Name: `"a"b"`}, `procedure name "\"a\"b\"" is not a valid identifier (unexpected 'b'): use letters, digits, _, $ and #, a dot between schema and name, or a quoted name`},
		{db.ProcCall{Name: "p", Args: []db.ProcArg{c, c}}, "procedure p has 2 CURSOR parameters; sqlscim reads one"},
	} {
		_, err := Dialect{}.CallSQL(tt.call)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%+v: error %v\nwant %q", tt.call, err, tt.want)
		}
		if _, err := (Dialect{}).CallProcedure(context.Background(), nil, tt.call); err == nil {
			t.Errorf("%+v: CallProcedure ran", tt.call)
		}
	}
}

func TestClassifyConstructed(t *testing.T) {
	pg := func(code, msg string) *pgconn.PgError {
		return &pgconn.PgError{Severity: "ERROR", Code: code, Message: msg}
	}
	tests := []struct {
		err    error
		class  db.Class
		code   string
		object string
	}{
		{&pgconn.PgError{Code: "23505", ConstraintName: "uq_email"}, db.Conflict, "23505", "uq_email"},
		{&pgconn.PgError{Code: "23502", ColumnName: "firstname"}, db.Invalid, "23502", "firstname"},
		{&pgconn.PgError{Code: "22003", ColumnName: "age"}, db.Invalid, "22003", "age"},
		{pg("22007", "invalid input syntax for type date"), db.Invalid, "22007", ""},
		{pg("42883", "function scim.f(integer) does not exist"), db.MissingObject, "42883", "scim.f"},
		{pg("42883", "operator does not exist: integer = text"), db.MissingObject, "42883", ""},
		{pg("42809", "scim.get_users(integer) is not a procedure"), db.MissingObject, "42809", "scim.get_users"},
		{pg("42809", `"users" is not a sequence`), db.MissingObject, "42809", "users"},
		{pg("42703", `column "x" of relation "users" does not exist`), db.MissingObject, "42703", "x"},
		{pg("28P01", `password authentication failed for user "scim"`), db.Auth, "28P01", "scim"},
		{pg("53300", "sorry, too many clients already"), db.Unavailable, "53300", ""},
		{pg("57P01", "terminating connection due to administrator command"), db.Unavailable, "57P01", ""},
		{pg("57P02", "crash shutdown"), db.Unavailable, "57P02", ""},
		{pg("57P03", "the database system is starting up"), db.Unavailable, "57P03", ""},
		{pg("08006", "connection failure"), db.Unavailable, "08006", ""},
		{pg("40001", "could not serialize access"), db.Unavailable, "40001", ""},
		{pg("40P01", "deadlock detected"), db.Unavailable, "40P01", ""},
		{pg("42501", "permission denied for table users"), db.Denied, "42501", "users"},
		{pg("42501", "permission denied for function create_user"), db.Denied, "42501", "create_user"},
		{fmt.Errorf("call: %w", pg("23505", "dup")), db.Conflict, "23505", ""},
		{parseConfigError(t), db.Settings, "settings", ""},
		{context.DeadlineExceeded, db.Unavailable, "timeout", ""},
		{errors.New("boom"), db.Other, "", ""},
	}
	for _, tt := range tests {
		e := Dialect{}.Classify(tt.err)
		if e.Class != tt.class || e.Code != tt.code || e.Object != tt.object || !errors.Is(e, tt.err) {
			t.Errorf("%v: got %s/%s/%q, want %s/%s/%q", tt.err, e.Class, e.Code, e.Object, tt.class, tt.code, tt.object)
		}
	}
	if (Dialect{}).Classify(nil) != nil {
		t.Error("nil classified")
	}
}

// parseConfigError is what pgx returns, when it connects, for settings
// naming a CA file it cannot read.
func parseConfigError(t *testing.T) error {
	_, err := pgconn.ParseConfig("postgres://u@h/d?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem")
	if err == nil {
		t.Fatal("pgx read a CA file that does not exist")
	}
	return err
}
