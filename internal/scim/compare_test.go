package scim

import (
	"encoding/json"
	"testing"
)

func TestValuesEqual(t *testing.T) {
	exact := &Attribute{Name: "id", Type: TypeString, CaseExact: true}
	emails, _ := UserSchema.Attribute("emails")
	for _, tc := range []struct {
		a, b any
		attr *Attribute
		want bool
	}{
		{"abc", "ABC", nil, true},
		{"abc", "ABC", exact, false},
		{json.Number("1"), float64(1), nil, true},
		{json.Number("1"), int64(2), nil, false},
		{"1", json.Number("1.0"), nil, true},
		{true, "TRUE", nil, true},
		{nil, "", nil, true},
		{nil, []any{}, nil, true},
		{nil, "x", nil, false},
		{map[string]any{"a": "x", "b": nil}, map[string]any{"A": "X"}, nil, true},
		{map[string]any{"a": "x"}, map[string]any{"a": "x", "b": "y"}, nil, false},
		{map[string]any{"a": "x"}, "x", nil, false},
		{[]any{map[string]any{"value": "A", "primary": true}}, []any{map[string]any{"value": "a", "primary": "true"}}, &emails, true},
		{[]any{"a", "b"}, []any{"b", "a"}, nil, false},
		{[]any{"a"}, []any{"a", "b"}, nil, false},
	} {
		if got := valuesEqual(tc.a, tc.b, tc.attr); got != tc.want {
			t.Errorf("valuesEqual(%#v, %#v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
