package all

import (
	"reflect"
	"strings"
	"testing"

	"github.com/sqlscim/sqlscim/internal/db"
)

// The catalog query of sqlscim check's required-columns line, per dialect:
// the table's name folds as the database folds an unquoted name, a quoted
// one keeps its case, and a schema-qualified name asks that schema. SQL
// Server and Oracle cannot run here: their text is held to the catalog
// columns they must read.
func TestRequiredColumnsQuery(t *testing.T) {
	for _, tc := range []struct {
		dialect, table string
		args           []any
		reads          []string
	}{
		{"mysql", "USERS", []any{nil, "USERS"}, []string{"information_schema.COLUMNS", "IS_NULLABLE = 'NO'", "COLUMN_DEFAULT IS NULL", "auto_increment"}},
		{"mysql", "hr.`Users`", []any{"hr", "Users"}, nil},
		{"postgresql", "USERS", []any{nil, "users"}, []string{"information_schema.columns", "is_identity = 'NO'", "is_generated = 'NEVER'"}},
		{"postgresql", `hr."Users"`, []any{"hr", "Users"}, nil},
		{"sqlite", "USERS", []any{"USERS"}, []string{"pragma_table_info", `"notnull" = 1`, "dflt_value IS NULL"}},
		{"sqlserver", "dbo.USERS", []any{"dbo.USERS"}, []string{"sys.columns", "OBJECT_ID(@p1)", "is_identity = 0", "is_computed = 0", "default_object_id = 0"}},
		{"oracle", "users", []any{nil, "USERS"}, []string{"ALL_TAB_COLUMNS", "NULLABLE = 'N'", "DEFAULT_LENGTH IS NULL", "IDENTITY_COLUMN = 'NO'", "VIRTUAL_COLUMN = 'NO'", ":1", ":2"}},
		{"oracle", `HR."Users"`, []any{"HR", "Users"}, nil},
	} {
		d, err := db.Lookup(tc.dialect)
		if err != nil {
			t.Fatal(err)
		}
		query, args, err := d.RequiredColumnsQuery(tc.table)
		if err != nil {
			t.Errorf("%s %s: %v", tc.dialect, tc.table, err)
			continue
		}
		if !reflect.DeepEqual(args, tc.args) {
			t.Errorf("%s %s: args %#v, want %#v", tc.dialect, tc.table, args, tc.args)
		}
		for _, r := range tc.reads {
			if !strings.Contains(query, r) {
				t.Errorf("%s: the query does not hold %q:\n%s", tc.dialect, r, query)
			}
		}
	}
}
