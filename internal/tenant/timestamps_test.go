package tenant

import (
	"reflect"
	"testing"
)

func TestDecodeTimestampColumns(t *testing.T) {
	cfg := decodeOK(t, `{"createdAtColumn": "CREATED_AT", "last-modified-column": "LAST_MODIFIED"}`)
	if cfg.CreatedColumn != "CREATED_AT" || cfg.LastModifiedColumn != "LAST_MODIFIED" {
		t.Errorf("%q %q", cfg.CreatedColumn, cfg.LastModifiedColumn)
	}
	for _, tc := range []struct{ json, want string }{
		{`{"last_modified_column": ["A", "B"]}`, HeaderName + ".last_modified_column: must be a text value, not a list"},
		{`{"created_column": {"name": "C"}}`, HeaderName + ".created_column: must be a text value, not an object"},
	} {
		_, err := Decode(jsonDoc(t, tc.json), Source{Path: HeaderName})
		if err == nil {
			t.Fatalf("%s decoded", tc.json)
		}
		if got := problemsOf(t, err); !reflect.DeepEqual(got, []string{tc.want}) {
			t.Errorf("%s: %v", tc.json, got)
		}
	}
}
