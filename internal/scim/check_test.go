package scim

import (
	"testing"
)

func TestCheckTypes(t *testing.T) {
	ext := Schema{ID: "urn:x:db", Attributes: []Attribute{{Name: "ZIPCODE", Type: TypeString}, {Name: "IS_ACTIVE", Type: TypeInteger}}}
	rs := &ResourceSchema{Core: UserSchema, Extensions: []Schema{EnterpriseUserSchema, ext}}
	for _, tc := range []struct {
		body   string
		detail string
	}{
		{`{"userName":"a","active":"False","emails":[{"value":"a@b","primary":true}]}`, ""},
		{`{"userName":"a","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":"boss"}}`, ""},
		{`{"userName":"a","urn:x:db":{"ZIPCODE":10001,"IS_ACTIVE":true},"unknownThing":[1]}`, ""},
		{`{"userName":42}`, `userName must be a string, not the number 42`},
		{`{"userName":"a","phoneNumbers":"555"}`, `phoneNumbers must be a list of objects, not a string`},
		{`{"userName":"a","phoneNumbers":{"value":"777","type":"mobile"}}`, `phoneNumbers must be a list of objects, not an object`},
		{`{"userName":"a","addresses":["x"]}`, `addresses[0] must be an object, not a string`},
		{`{"userName":"a","name":"Luke"}`, `name must be an object, not a string`},
		{`{"userName":"a","name":{"givenName":["L"]}}`, `name.givenName must be a single string value, not an array`},
		{`{"userName":"a","active":"maybe"}`, `active must be a boolean (true or false), not the string "maybe"`},
		{`{"userName":"a","urn:x:db":"x"}`, `urn:x:db must be an object of that extension's attributes`},
		{`{"userName":"a","urn:x:db":{"ZIPCODE":{"a":1}}}`, `urn:x:db:ZIPCODE must be a single string value, not an object`},
	} {
		r, err := DecodeResource([]byte(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		err = rs.CheckTypes(r)
		switch {
		case tc.detail == "" && err != nil:
			t.Errorf("%s: %v", tc.body, err)
		case tc.detail != "" && (err == nil || err.(*Error).Detail != tc.detail || err.(*Error).Type != InvalidValue):
			t.Errorf("%s: got %v, want %q", tc.body, err, tc.detail)
		}
	}
}

// RFC 7643 §2.2: readOnly attributes in a request are ignored, not checked,
// and DropReadOnly removes them before anything can write them.
func TestReadOnlyAttributesInRequests(t *testing.T) {
	rs := userRS()
	const body = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":5,"userName":"a",
		"meta":{"created":7},"groups":"g","name":{"givenName":"G"},
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"D","manager":{"value":"m","displayName":["x"]}},
		"urn:sqlscim:schemas:extension:db:1.0:User":{"CREATED_BY":{"x":1},"BADGE":"b"}}`
	r := mustDecode(t, body)
	if err := rs.CheckTypes(r); err != nil {
		t.Errorf("CheckTypes: %v", err)
	}
	rs.DropReadOnly(r)
	want := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","name":{"givenName":"G"},` +
		`"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"D","manager":{"value":"m"}},` +
		`"urn:sqlscim:schemas:extension:db:1.0:User":{"BADGE":"b"}}`
	if got := mustJSON(t, r); got != want {
		t.Errorf("DropReadOnly\n got %s\nwant %s", got, want)
	}
	// Writable attributes are still checked.
	r = mustDecode(t, `{"id":5,"userName":"a","urn:sqlscim:schemas:extension:db:1.0:User":{"BADGE":{"x":1}}}`)
	if err := rs.CheckTypes(r); err == nil {
		t.Error("BADGE as an object passed")
	}
}
