package mysql

import (
	"testing"

	"github.com/sqlscim/sqlscim/internal/db"
)

func TestPlaceholderQuote(t *testing.T) {
	d := Dialect{}
	if d.Placeholder(1) != "?" || d.Placeholder(7) != "?" {
		t.Error("placeholder")
	}
	for in, want := range map[string]string{"id": "`id`", "a`b": "`a``b`", "": "``", "first name": "`first name`"} {
		if got := d.QuoteIdent(in); got != want {
			t.Errorf("QuoteIdent(%q) = %q, want %q", in, got, want)
		}
	}
	if d.Info().Name != "mysql" || d.Info().DriverName != "sqlscim-mysql" || d.Info().DefaultPort != 3306 || d.Info().Aliases[0] != "mariadb" {
		t.Error("names")
	}
}

func TestCallSQL(t *testing.T) {
	arg := db.ProcArg{Value: 1}
	tests := []struct {
		call db.ProcCall
		want string
	}{
		{db.ProcCall{Name: "get_users"}, "CALL get_users()"},
		{db.ProcCall{Name: " scim.get_users ", Args: []db.ProcArg{arg, arg}}, "CALL scim.get_users(?, ?)"},
		{db.ProcCall{Name: "`my db`.`get users`", Args: []db.ProcArg{arg}}, "CALL `my db`.`get users`(?)"},
		{db.ProcCall{Name: "p$1#x", Args: []db.ProcArg{arg}, WantRows: true}, "CALL p$1#x(?)"},
		{db.ProcCall{Name: "ünïcode"}, "CALL ünïcode()"},
	}
	for _, tt := range tests {
		got, err := Dialect{}.CallSQL(tt.call)
		if err != nil || got != tt.want {
			t.Errorf("%+v: %q, %v; want %q", tt.call, got, err, tt.want)
		}
	}
	errs := []struct{ name, want string }{
		{"p; DROP TABLE x", `procedure name "p; DROP TABLE x" is not a valid identifier (unexpected ';'): use letters, digits, _, $ and #, a dot between schema and name, or a quoted name`},
		{"", "procedure name is empty"},
		{"p()", `procedure name "p()" is not a valid identifier (unexpected '('): use letters, digits, _, $ and #, a dot between schema and name, or a quoted name`},
		{"a..b", `procedure name "a..b" is not a valid identifier (empty part): use letters, digits, _, $ and #, a dot between schema and name, or a quoted name`},
		{"a.", `procedure name "a." is not a valid identifier (empty part): use letters, digits, _, $ and #, a dot between schema and name, or a quoted name`},
		{".a", `procedure name ".a" is not a valid identifier (empty part): use letters, digits, _, $ and #, a dot between schema and name, or a quoted name`},
		{"`a", "procedure name \"`a\" is not a valid identifier (unterminated quote): use letters, digits, _, $ and #, a dot between schema and name, or a quoted name"},
		{"``", "procedure name \"``\" is not a valid identifier (empty quoted part): use letters, digits, _, $ and #, a dot between schema and name, or a quoted name"},
		{"`a`b", "procedure name \"`a`b\" is not a valid identifier (unexpected 'b'): use letters, digits, _, $ and #, a dot between schema and name, or a quoted name"},
		{"`a\nb`", "procedure name \"`a\\nb`\" is not a valid identifier (control character): use letters, digits, _, $ and #, a dot between schema and name, or a quoted name"},
		{"a b", `procedure name "a b" is not a valid identifier (unexpected ' '): use letters, digits, _, $ and #, a dot between schema and name, or a quoted name`},
		{"a-b", `procedure name "a-b" is not a valid identifier (unexpected '-'): use letters, digits, _, $ and #, a dot between schema and name, or a quoted name`},
		{"a.b.c.d.e", `procedure name "a.b.c.d.e" is not a valid identifier (too many dots): use letters, digits, _, $ and #, a dot between schema and name, or a quoted name`},
		{`"a"`, `procedure name "\"a\"" is not a valid identifier (unexpected '"'): use letters, digits, _, $ and #, a dot between schema and name, or a quoted name`},
		{"p/*x*/", `procedure name "p/*x*/" is not a valid identifier (unexpected '/'): use letters, digits, _, $ and #, a dot between schema and name, or a quoted name`},
	}
	for _, tt := range errs {
		_, err := Dialect{}.CallSQL(db.ProcCall{Name: tt.name})
		if err == nil || err.Error() != tt.want {
			t.Errorf("%q: error %v\nwant %q", tt.name, err, tt.want)
		}
	}
	_, err := Dialect{}.CallSQL(db.ProcCall{Name: "p", Args: []db.ProcArg{arg, {Cursor: true}}})
	if err == nil || err.Error() != "MySQL procedures return result sets; remove the CURSOR parameter" {
		t.Errorf("cursor: %v", err)
	}
}
