package yamlerr

import (
	"testing"

	"gopkg.in/yaml.v3"
)

func TestLocateFindsTheLineToLookAt(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		line      int
	}{
		{"item in a mapping (reported as line 1)", "log:\n  level: info\n  - x\n", 3},
		{"tab indentation (reported as line 2)", "tenants:\n  - name: a\n\tdatabase: x\n", 3},
		{"unclosed flow sequence", "a: 1\nb: 2\nc: [\n", 3},
		{"mapping value in a plain scalar", "log:\n  level: info\nformat: json: x\n", 3},
		{"error after a multi-line quoted string", "a: \"one\n  two\"\nb: 1\nc:\n  - x\n  y: 2\n", 6},
		{"deep in a tenants file", "tenants:\n  - name: hr\n    database:\n      type: mysql\n      host: db\n    operations:\n      get_users: {type: sql\n", 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n yaml.Node
			err := Locate([]byte(tc.doc), yaml.Unmarshal([]byte(tc.doc), &n))
			e, ok := As(err)
			if !ok || e.Line != tc.line {
				t.Errorf("Locate: %v, want line %d", err, tc.line)
			}
		})
	}
}

func TestLocateLeavesOtherErrorsAlone(t *testing.T) {
	var v struct{ A int }
	err := yaml.Unmarshal([]byte("a: [1]\n"), &v)
	if got := Locate([]byte("a: [1]\n"), err); got != err {
		t.Errorf("a type error became %v", got)
	}
	if Locate(nil, nil) != nil {
		t.Error("no error became one")
	}
}
