package scim

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestResourceMarshalOrder(t *testing.T) {
	r := Resource{
		"meta":               map[string]any{"resourceType": "User", "created": "2010-01-23T04:56:22Z"},
		"zeta":               "z",
		"urn:b:ext":          map[string]any{"y": 1, "x": 2},
		"emails":             []any{map[string]any{"value": "a@b.c", "type": "work"}},
		"active":             true,
		"userName":           "bjensen",
		"Alpha":              "a",
		"id":                 "42",
		"schemas":            []any{UserSchemaURN},
		"urn:a:ext":          map[string]any{},
		"externalId":         "ext",
		"name":               map[string]any{"givenName": "Barbara", "familyName": "Jensen"},
		"displayName":        "<Babs> & co",
		"x509Certificates":   []any{},
		"groups":             []any{},
		"password":           "secret",
		"preferredLanguage":  "en",
		"title":              "Tour Guide",
		"nickName":           "Babs",
		"members":            []any{},
		"timezone":           "Europe/Oslo",
		"locale":             "en-US",
		"userType":           "Employee",
		"profileUrl":         "https://example.com",
		"phoneNumbers":       []any{},
		"ims":                []any{},
		"photos":             []any{},
		"addresses":          []any{},
		"entitlements":       []any{},
		"roles":              []any{},
		"count":              json.Number("12345678901234567890"),
		"nested":             Resource{"b": 1, "a": "<x>"},
		"ratio":              0.5,
		"big":                int64(9007199254740993),
		"nothing":            nil,
		"urn:a:ext:attrName": "flat",
	}
	got := mustJSON(t, r)
	want := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"42","externalId":"ext","userName":"bjensen",` +
		`"name":{"familyName":"Jensen","givenName":"Barbara"},"displayName":"<Babs> & co","nickName":"Babs","profileUrl":"https://example.com",` +
		`"title":"Tour Guide","userType":"Employee","preferredLanguage":"en","locale":"en-US","timezone":"Europe/Oslo","active":true,"password":"secret",` +
		`"emails":[{"type":"work","value":"a@b.c"}],"phoneNumbers":[],"ims":[],"photos":[],"addresses":[],"groups":[],"entitlements":[],"roles":[],"x509Certificates":[],` +
		`"Alpha":"a","big":9007199254740993,"count":12345678901234567890,"members":[],"nested":{"a":"<x>","b":1},"nothing":null,"ratio":0.5,"zeta":"z",` +
		`"urn:a:ext":{},"urn:a:ext:attrName":"flat","urn:b:ext":{"x":2,"y":1},` +
		`"meta":{"created":"2010-01-23T04:56:22Z","resourceType":"User"}}`
	if got != want {
		t.Errorf("MarshalJSON\n got %s\nwant %s", got, want)
	}
	// Through an encoder without HTML escaping (as the server writes) the
	// output is the same.
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(map[string]any{"r": r}); err != nil || buf.String() != `{"r":`+want+"}\n" {
		t.Errorf("Encode = %s, %v", buf.String(), err)
	}
	if got := mustJSON(t, nil); got != "null" {
		t.Errorf("nil resource = %s", got)
	}
}

func TestResourceCaseInsensitive(t *testing.T) {
	r := Resource{"userName": "a", "Active": true}
	if v, ok := r.Get("USERNAME"); !ok || v != "a" {
		t.Errorf("Get(USERNAME) = %v, %v", v, ok)
	}
	if _, ok := r.Get("nope"); ok {
		t.Error("Get(nope) found something")
	}
	if k, ok := r.Key("active"); !ok || k != "Active" {
		t.Errorf("Key(active) = %q, %v", k, ok)
	}
	r.Set("ACTIVE", false)
	if len(r) != 2 || r["ACTIVE"] != false {
		t.Errorf("after Set: %v", r)
	}
	if _, ok := r["Active"]; ok {
		t.Error("Set left the old case variant")
	}
	r["USERNAME"] = "b" // two variants
	if k, _ := r.Key("Username"); k != "USERNAME" {
		t.Errorf("Key picks %q, want the lexically smallest variant USERNAME", k)
	}
	if v, _ := r.Get("userName"); v != "a" {
		t.Errorf("exact match must win, got %v", v)
	}
	r.Delete("username")
	if len(r) != 1 {
		t.Errorf("Delete left %v", r)
	}
}

func TestResourceClone(t *testing.T) {
	r := mustDecode(t, `{"name":{"givenName":"a"},"emails":[{"value":"x"}],"n":1}`)
	c := r.Clone()
	c["name"].(map[string]any)["givenName"] = "b"
	c["emails"].([]any)[0].(map[string]any)["value"] = "y"
	if got := mustJSON(t, r); got != `{"name":{"givenName":"a"},"emails":[{"value":"x"}],"n":1}` {
		t.Errorf("clone shares data: %s", got)
	}
	nested := Resource{"list": []string{"a"}, "r": Resource{"k": "v"}}
	c = nested.Clone()
	if _, ok := c["list"].([]any); !ok {
		t.Errorf("[]string cloned as %T", c["list"])
	}
	if _, ok := c["r"].(map[string]any); !ok {
		t.Errorf("Resource cloned as %T", c["r"])
	}
}

func TestDecodeResource(t *testing.T) {
	r := mustDecode(t, ` {"userName":"x","n":12345678901234567890,"f":1.5,"a":[1,{"b":null}]} `+"\n")
	if r["n"] != json.Number("12345678901234567890") || r["f"] != json.Number("1.5") {
		t.Errorf("numbers: %#v %#v", r["n"], r["f"])
	}

	deep := func(n int) string {
		return strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n)
	}
	mustDecode(t, deep(32))
	deepArray := `{"a":` + strings.Repeat("[", 31) + strings.Repeat("]", 31) + "}"
	mustDecode(t, deepArray)

	for _, tc := range []struct {
		in, detail string
	}{
		{`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":`, "the request body is not valid JSON: unexpected end of input at byte 69"},
		{`{"userName":"bjensen"`, "the request body is not valid JSON: unexpected end of input at byte 21"},
		// encoding/json words these and counts their offset differently
		// from one Go release to the next.
		{`{"userName" "bjensen"}`, `re:^the request body is not valid JSON: invalid character '"' after object key at byte 1[23]$`},
		{`{"a":1,}`, `re:^the request body is not valid JSON: invalid character '[,}]' looking for beginning of [a-z ]+ at byte 7$`},
		{`[{"userName":"x"}]`, "the request body must be a JSON object, not an array"},
		{`null`, "the request body must be a JSON object, not null"},
		{`"x"`, "the request body must be a JSON object, not a string"},
		{`42`, "the request body must be a JSON object, not a number"},
		{``, "the request body is empty; it must be a JSON object"},
		{"  \n", "the request body is empty; it must be a JSON object"},
		{`{"a":1} x`, "the request body has unexpected data after the JSON object at byte 8; send exactly one JSON object"},
		{`{"a":1}{"b":2}`, "the request body has unexpected data after the JSON object at byte 7; send exactly one JSON object"},
		{`{"a":1} ]`, "the request body has unexpected data after the JSON object at byte 8; send exactly one JSON object"},
		{deep(33), "the request body nests objects and arrays more than 32 levels deep"},
		{`{"a":` + strings.Repeat("[", 32) + strings.Repeat("]", 32) + "}", "the request body nests objects and arrays more than 32 levels deep"},
		{`{"userName":"a","USERNAME":"b"}`, `the request body has the member "USERNAME" twice in one object (as "userName" and "USERNAME"; attribute names are case-insensitive)`},
		{`{"name":{"a":1,"a":2}}`, `the request body has the member "a" twice in one object`},
		// Past the first members, names are kept in a map: still found.
		{manyMembers(40, `"M7":0`), `the request body has the member "M7" twice in one object (as "m7" and "M7"; attribute names are case-insensitive)`},
		{manyMembers(40, `"m39":0`), `the request body has the member "m39" twice in one object`},
		{manyMembers(5000, `"M4999":0`), `the request body has the member "M4999" twice in one object (as "m4999" and "M4999"; attribute names are case-insensitive)`},
	} {
		_, err := DecodeResource([]byte(tc.in))
		checkError(t, err, InvalidSyntax, tc.detail)
	}
}

// manyMembers is an object with members m0 … m(n-1) and then last.
func manyMembers(n int, last string) string {
	var b strings.Builder
	b.WriteByte('{')
	for i := range n {
		fmt.Fprintf(&b, `"m%d":%d,`, i, i)
	}
	return b.String() + last + "}"
}
