package scim

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	filter "github.com/scim2/filter-parser/v2"
)

// booleanCases is the one table of boolean values: every entry point (type
// checking, PATCH, filters here; the engine's reads and writes in package
// provision) must read each the same way.
var booleanCases = []struct {
	json string // the value as a client sends it
	want bool
	ok   bool
}{
	{`true`, true, true}, {`false`, false, true},
	{`"true"`, true, true}, {`"False"`, false, true}, {`" TRUE "`, true, true},
	{`"t"`, true, true}, {`"F"`, false, true},
	{`"1"`, true, true}, {`"0"`, false, true},
	{`1`, true, true}, {`0`, false, true}, {`1.0`, true, true},
	{`"Y"`, true, true}, {`"n"`, false, true},
	{`"yes"`, true, true}, {`"NO"`, false, true},
	{`"Active"`, true, true}, {`"inactive"`, false, true},
	{`"maybe"`, false, false}, {`""`, false, false}, {`2`, false, false}, {`-1`, false, false},
	{`"2"`, false, false}, {`"on"`, false, false}, {`null`, false, false},
}

func decodeValue(t *testing.T, s string) any {
	t.Helper()
	r := mustDecode(t, `{"v":`+s+`}`)
	return r["v"]
}

func TestParseBooleanFromEveryEntryPoint(t *testing.T) {
	rs := userRS()
	for _, tc := range booleanCases {
		v := decodeValue(t, tc.json)
		if v == nil && tc.json != "null" {
			t.Fatalf("%s decoded to nil", tc.json)
		}
		b, ok := ParseBoolean(v)
		if b != tc.want || ok != tc.ok {
			t.Errorf("ParseBoolean(%s) = %v, %v; want %v, %v", tc.json, b, ok, tc.want, tc.ok)
		}
		if tc.json == "null" {
			continue // null removes active; it is not a boolean value
		}

		// POST and PUT: type checking.
		err := rs.CheckTypes(mustDecode(t, `{"userName":"a","active":`+tc.json+`}`))
		if (err == nil) != tc.ok {
			t.Errorf("CheckTypes active=%s: %v, want ok=%v", tc.json, err, tc.ok)
		}
		if err != nil && err.(*Error).Detail != `active must be a boolean (true or false), not `+describeValue(v) {
			t.Errorf("CheckTypes active=%s: detail %q", tc.json, err.(*Error).Detail)
		}

		// PATCH, with and without a path.
		for _, body := range []string{
			`{"Operations":[{"op":"replace","path":"active","value":` + tc.json + `}]}`,
			`{"Operations":[{"op":"replace","value":{"active":` + tc.json + `}}]}`,
		} {
			start := patchUser
			if tc.want {
				start = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","userName":"b","active":false}`
			}
			r, err := patch(t, start, body, rs)
			switch {
			case tc.ok && err != nil:
				t.Errorf("PATCH %s: %v", body, err)
			case tc.ok && r["active"] != tc.want:
				t.Errorf("PATCH %s: active = %#v, want %v", body, r["active"], tc.want)
			case !tc.ok:
				checkError(t, err, InvalidValue, `Operations[0]: attribute active must be a boolean (true or false), not `+describeValue(v))
			}
		}

		// Filters: a stored value compared with the boolean.
		if tc.ok {
			a, _ := UserSchema.Attribute("active")
			if !compareValues(v, filter.EQ, tc.want, &a) || compareValues(v, filter.EQ, !tc.want, &a) {
				t.Errorf("filter: %s eq %v does not hold", tc.json, tc.want)
			}
		}
	}
}

func TestBooleanSpelling(t *testing.T) {
	for _, tc := range []struct {
		read        string
		true, false string
	}{
		{"Y", "Y", "N"}, {"n", "y", "n"}, {"1", "1", "0"}, {"0", "1", "0"},
		{"Yes", "Yes", "No"}, {"FALSE", "TRUE", "FALSE"}, {"t", "t", "f"},
		{"INACTIVE", "ACTIVE", "INACTIVE"}, {"Active", "Active", "Inactive"},
	} {
		sp, ok := SpellingOf(tc.read)
		if !ok || sp.True != tc.true || sp.False != tc.false {
			t.Errorf("SpellingOf(%q) = %v, %v; want %s/%s", tc.read, sp, ok, tc.true, tc.false)
		}
		// What is written reads back as the value written.
		for _, b := range []bool{true, false} {
			if got, ok := ParseBoolean(sp.Format(b)); !ok || got != b {
				t.Errorf("%v written as %q reads back as %v, %v", b, sp.Format(b), got, ok)
			}
		}
	}
	if _, ok := SpellingOf("maybe"); ok {
		t.Error("SpellingOf(maybe) ok")
	}
	for s, ok := range map[string]bool{"Y/N": true, " 1 / 0 ": true, "ACTIVE/INACTIVE": true, "N/Y": false, "Y/Y": false, "Y": false, "Y/": false, "/N": false, "J/N": false, "": false} {
		if _, got := ParseSpelling(s); got != ok {
			t.Errorf("ParseSpelling(%q) ok = %v, want %v", s, got, ok)
		}
	}
}

func TestDescribeValue(t *testing.T) {
	long := `"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"`
	for in, want := range map[string]string{
		`"x"`:  `the string "x"`,
		long:   `the string "abcdefghijklmnopqrstuvwxyzabcdefghijklmn..."`,
		`true`: `the boolean true`,
		`3.5`:  `the number 3.5`,
		`null`: `null`,
		`{}`:   `an object`,
		`[]`:   `an array`,
	} {
		var v any
		if err := json.Unmarshal([]byte(in), &v); err != nil {
			t.Fatal(err)
		}
		if n, ok := v.(float64); ok {
			v = json.Number(strconv.FormatFloat(n, 'f', -1, 64))
		}
		if got := describeValue(v); got != want {
			t.Errorf("describeValue(%s) = %q, want %q", in, got, want)
		}
	}
}

// A write-only or never-returned attribute cannot be filtered on: the
// answer would reveal what GET hides.
func TestFilterRefusesNeverReturnedAttributes(t *testing.T) {
	ext := Schema{ID: "urn:x:db", Attributes: []Attribute{{Name: "PASSWORD_HASH", Type: TypeString, Mutability: MutabilityWriteOnly, Returned: ReturnedNever}, {Name: "TITLE", Type: TypeString}}}
	rs := &ResourceSchema{Core: UserSchema, Extensions: []Schema{ext}}
	for f, want := range map[string]string{
		`password eq "x"`:                             `the filter "password eq "x"" is invalid: password is never returned, so it cannot be filtered on`,
		`urn:x:db:PASSWORD_HASH sw "$2"`:              `the filter "urn:x:db:PASSWORD_HASH sw "$2"" is invalid: urn:x:db:PASSWORD_HASH is never returned, so it cannot be filtered on`,
		`title pr or urn:x:db:PASSWORD_HASH pr`:       `is never returned`,
		`urn:x:db:TITLE pr and not (userName eq "a")`: "",
	} {
		flt, err := ParseFilter(f)
		if err != nil {
			t.Fatal(err)
		}
		err = flt.Validate(rs)
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: %v", f, err)
		case want != "" && (err == nil || err.(*Error).Type != InvalidFilter || !strings.Contains(err.(*Error).Detail, want)):
			t.Errorf("%s: %v, want invalidFilter %q", f, err, want)
		}
	}
}
