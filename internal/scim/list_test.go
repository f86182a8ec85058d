package scim

import (
	"math"
	"testing"
)

func TestListResponseJSON(t *testing.T) {
	b, err := ListResponse{TotalResults: 3, StartIndex: 2, ItemsPerPage: 1, Resources: []any{
		Resource{"userName": "<b>", "id": "1", "schemas": []any{UserSchemaURN}},
	}}.MarshalJSON()
	want := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":3,"startIndex":2,"itemsPerPage":1,"Resources":[{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"1","userName":"<b>"}]}`
	if err != nil || string(b) != want {
		t.Errorf("got %s, %v\nwant %s", b, err, want)
	}
	b, _ = ListResponse{StartIndex: 1}.MarshalJSON()
	if want := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"startIndex":1,"itemsPerPage":0,"Resources":[]}`; string(b) != want {
		t.Errorf("empty list: %s", b)
	}
}

func TestParsePage(t *testing.T) {
	for _, tc := range []struct {
		start, count       string
		defCount, maxCount int
		want               Page
	}{
		{"", "", 100, 200, Page{1, 100}},
		{"", "", -1, 200, Page{1, -1}},
		{"", "", 500, 200, Page{1, 200}},
		{"1", "10", 100, 200, Page{1, 10}},
		{"5", "0", 100, 200, Page{5, 0}},
		{"0", "10", 100, 200, Page{1, 10}},
		{"-3", "10", 100, 200, Page{1, 10}},
		{" 7 ", " 3 ", 100, 200, Page{7, 3}},
		{"1", "-5", 100, 200, Page{1, 0}},
		{"1", "1000", 100, 200, Page{1, 200}},
		{"1", "1000", 100, 0, Page{1, 1000}},
		{"+2", "+4", 100, 200, Page{2, 4}},
		{"99999999999999999999999", "99999999999999999999999", 100, 200, Page{math.MaxInt, 200}},
		{"-99999999999999999999999", "-99999999999999999999999", 100, 200, Page{1, 0}},
	} {
		got, err := ParsePage(tc.start, tc.count, tc.defCount, tc.maxCount)
		if err != nil || got != tc.want {
			t.Errorf("ParsePage(%q, %q, %d, %d) = %+v, %v; want %+v", tc.start, tc.count, tc.defCount, tc.maxCount, got, err, tc.want)
		}
	}
	for _, tc := range []struct{ start, count, detail string }{
		{"abc", "", `startIndex must be a whole number, got "abc"`},
		{"1.5", "", `startIndex must be a whole number, got "1.5"`},
		{"1", "ten", `count must be a whole number, got "ten"`},
		{"1", "2e3", `count must be a whole number, got "2e3"`},
	} {
		_, err := ParsePage(tc.start, tc.count, 100, 200)
		checkError(t, err, InvalidValue, tc.detail)
	}
}

const selUser = `{
 "schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
 "id":"1","externalId":"e","userName":"u","password":"p","displayName":"d",
 "name":{"givenName":"g","familyName":"f"},
 "emails":[{"value":"a@x","type":"work"},{"value":"b@x","type":"home"}],
 "entitlements":[{"value":"3"}],
 "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"D","division":"V","manager":{"value":"m","displayName":"M"}},
 "meta":{"resourceType":"User","created":"2020-01-01T00:00:00Z"}
}`

func TestAttributeSelection(t *testing.T) {
	const ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	const base = `"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","` + ent + `"],"id":"1"`
	const meta = `"meta":{"created":"2020-01-01T00:00:00Z","resourceType":"User"}`
	// A projection lists in schemas only the extensions it still has, and
	// meta only when asked for (issue 12, defect 4).
	const baseCore = `"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"1"`
	for _, tc := range []struct {
		attrs, excluded string
		want            string
	}{
		{"", "", `{` + base + `,"externalId":"e","userName":"u","name":{"familyName":"f","givenName":"g"},"displayName":"d","emails":[{"type":"work","value":"a@x"},{"type":"home","value":"b@x"}],"entitlements":[{"value":"3"}],"` + ent + `":{"department":"D","division":"V","manager":{"displayName":"M","value":"m"}},` + meta + `}`},
		{"userName", "", `{` + baseCore + `,"userName":"u"}`},
		{"userName,meta", "", `{` + baseCore + `,"userName":"u",` + meta + `}`},
		{"userName,meta.created", "", `{` + baseCore + `,"userName":"u","meta":{"created":"2020-01-01T00:00:00Z"}}`},
		{"USERNAME,displayName", "", `{` + baseCore + `,"userName":"u","displayName":"d"}`},
		{"password", "", `{` + baseCore + `}`},
		{"name.givenName", "", `{` + baseCore + `,"name":{"givenName":"g"}}`},
		{"emails.value", "", `{` + baseCore + `,"emails":[{"value":"a@x"},{"value":"b@x"}]}`},
		{"urn:ietf:params:scim:schemas:core:2.0:User:userName", "", `{` + baseCore + `,"userName":"u"}`},
		{ent + ":department", "", `{` + base + `,"` + ent + `":{"department":"D"}}`},
		{ent + ":manager.value", "", `{` + base + `,"` + ent + `":{"manager":{"value":"m"}}}`},
		{"department", "", `{` + base + `,"` + ent + `":{"department":"D"}}`},
		{ent, "", `{` + base + `,"` + ent + `":{"department":"D","division":"V","manager":{"displayName":"M","value":"m"}}}`},
		{"nope, userName ,", "", `{` + baseCore + `,"userName":"u"}`},
		{"", "emails,entitlements,name,meta", `{` + base + `,"externalId":"e","userName":"u","displayName":"d","` + ent + `":{"department":"D","division":"V","manager":{"displayName":"M","value":"m"}}}`},
		{"", "id,schemas,userName", `{` + base + `,"externalId":"e","name":{"familyName":"f","givenName":"g"},"displayName":"d","emails":[{"type":"work","value":"a@x"},{"type":"home","value":"b@x"}],"entitlements":[{"value":"3"}],"` + ent + `":{"department":"D","division":"V","manager":{"displayName":"M","value":"m"}},` + meta + `}`},
		{"", "name.givenName,emails.type,meta.created," + ent + ":manager", `{` + base + `,"externalId":"e","userName":"u","name":{"familyName":"f"},"displayName":"d","emails":[{"value":"a@x"},{"value":"b@x"}],"entitlements":[{"value":"3"}],"` + ent + `":{"department":"D","division":"V"},"meta":{"resourceType":"User"}}`},
		{"", ent, `{` + baseCore + `,"externalId":"e","userName":"u","name":{"familyName":"f","givenName":"g"},"displayName":"d","emails":[{"type":"work","value":"a@x"},{"type":"home","value":"b@x"}],"entitlements":[{"value":"3"}],` + meta + `}`},
		{"", "department,division,manager", `{` + baseCore + `,"externalId":"e","userName":"u","name":{"familyName":"f","givenName":"g"},"displayName":"d","emails":[{"type":"work","value":"a@x"},{"type":"home","value":"b@x"}],"entitlements":[{"value":"3"}],` + meta + `}`},
	} {
		s, err := ParseAttributeSelection(tc.attrs, tc.excluded)
		if err != nil {
			t.Errorf("%q %q: %v", tc.attrs, tc.excluded, err)
			continue
		}
		r := mustDecode(t, selUser)
		before := mustJSON(t, r)
		got := mustJSON(t, s.Apply(r, userRS()))
		if got != tc.want {
			t.Errorf("attributes=%q excludedAttributes=%q\n got %s\nwant %s", tc.attrs, tc.excluded, got, tc.want)
		}
		if mustJSON(t, r) != before {
			t.Errorf("Apply modified its input")
		}
	}

	// Without schemas the same names work, but nothing is known to be
	// "always" or "never".
	s, _ := ParseAttributeSelection("userName,"+ent+":department", "")
	got := mustJSON(t, s.Apply(mustDecode(t, selUser), nil))
	if want := `{` + base + `,"userName":"u","` + ent + `":{"department":"D"}}`; got != want {
		t.Errorf("schemaless\n got %s\nwant %s", got, want)
	}

	for _, tc := range []struct {
		attrs, excluded string
		typ             ErrorType
		detail          string
	}{
		{"userName", "emails", InvalidSyntax, "use attributes or excludedAttributes, not both"},
		{`emails[type eq "work"`, "", InvalidValue, `attributes: "emails[type eq "work"" is not an attribute path such as userName, name.givenName or urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`},
		{"", "a b", InvalidValue, `excludedAttributes: "a b" is not an attribute path such as userName, name.givenName or urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`},
	} {
		_, err := ParseAttributeSelection(tc.attrs, tc.excluded)
		checkError(t, err, tc.typ, tc.detail)
	}
}

// An unqualified name is the core attribute when the core schema has one:
// a tenant extension's USERNAME or TITLE column is not selected or excluded
// along with userName or title.
func TestAttributeSelectionUnqualifiedNamesMeanCore(t *testing.T) {
	ext := Schema{ID: "urn:x:db", Attributes: []Attribute{{Name: "USERNAME"}, {Name: "TITLE"}, {Name: "DEPARTMENT"}}}
	rs := &ResourceSchema{Core: UserSchema, Extensions: []Schema{ext}}
	const user = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:x:db"],"id":"1","userName":"u","title":"t",
		"urn:x:db":{"USERNAME":"U","TITLE":"T","DEPARTMENT":"D"}}`
	const base = `"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:x:db"],"id":"1"`
	for _, tc := range []struct{ attrs, excluded, want string }{
		{"userName", "", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"1","userName":"u"}`},
		{"", "title", `{` + base + `,"userName":"u","urn:x:db":{"DEPARTMENT":"D","TITLE":"T","USERNAME":"U"}}`},
		{"department", "", `{` + base + `,"urn:x:db":{"DEPARTMENT":"D"}}`},
		{"urn:x:db:TITLE", "", `{` + base + `,"urn:x:db":{"TITLE":"T"}}`},
		{"", "urn:x:db:USERNAME", `{` + base + `,"userName":"u","title":"t","urn:x:db":{"DEPARTMENT":"D","TITLE":"T"}}`},
	} {
		s, err := ParseAttributeSelection(tc.attrs, tc.excluded)
		if err != nil {
			t.Fatal(err)
		}
		if got := mustJSON(t, s.Apply(mustDecode(t, user), rs)); got != tc.want {
			t.Errorf("attributes=%q excludedAttributes=%q\n got %s\nwant %s", tc.attrs, tc.excluded, got, tc.want)
		}
	}
}

// Microsoft's reference tests put a value filter in attributes, which RFC
// 7644 does not allow; the attribute is selected whole.
func TestAttributeSelectionIgnoresValueFilters(t *testing.T) {
	s, err := ParseAttributeSelection(`emails[type eq "work"]`, "")
	if err != nil {
		t.Fatal(err)
	}
	if s.Excludes("emails") || !s.Excludes("userName") {
		t.Errorf("emails[type eq \"work\"] should select emails and nothing else")
	}
}

func TestAttributeSelectionExcludes(t *testing.T) {
	const ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	for _, tc := range []struct {
		attrs, excluded, path string
		want                  bool
	}{
		{"", "", "entitlements", false},
		{"", "entitlements", "entitlements", true},
		{"", "ENTITLEMENTS", "entitlements", true},
		{"", "entitlements", "emails", false},
		{"", "entitlements", "entitlements.value", true},
		{"", "emails.value", "emails", false},
		{"", "id", "id", false},
		{"", ent, ent + ":department", true},
		{"", ent + ":department", "department", true},
		{"", "department", ent + ":department", true},
		{"", "urn:ietf:params:scim:schemas:core:2.0:User:groups", "groups", true},
		{"userName", "", "entitlements", true},
		{"userName", "", "userName", false},
		{"userName", "", "id", false},
		{"userName", "", "meta", false},
		{"emails.value", "", "emails", false},
		{"emails", "", "emails.value", false},
		{"name.givenName", "", "name.familyName", true},
		{ent + ":department", "", ent, false},
		{ent, "", ent + ":department", false},
		{ent, "", "entitlements", true},
	} {
		s, err := ParseAttributeSelection(tc.attrs, tc.excluded)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Excludes(tc.path); got != tc.want {
			t.Errorf("attributes=%q excludedAttributes=%q: Excludes(%q) = %v, want %v", tc.attrs, tc.excluded, tc.path, got, tc.want)
		}
	}
	if (*AttributeSelection)(nil).Excludes("x") {
		t.Error("nil selection excludes")
	}
}
