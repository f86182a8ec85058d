package scim

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// attrDocs indexes a schema document's attributes by name.
func attrDocs(t *testing.T, list any) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, a := range list.([]any) {
		m := a.(map[string]any)
		out[m["name"].(string)] = m
	}
	return out
}

func TestUserSchemaDocument(t *testing.T) {
	doc := UserSchema.Document("https://scim.example.com/app/scim/v2/")
	if !reflect.DeepEqual(doc["schemas"], []any{SchemaURN}) || doc["id"] != UserSchemaURN || doc["name"] != "User" {
		t.Errorf("header: %v %v %v", doc["schemas"], doc["id"], doc["name"])
	}
	meta := doc["meta"].(map[string]any)
	if meta["resourceType"] != "Schema" || meta["location"] != "https://scim.example.com/app/scim/v2/Schemas/"+UserSchemaURN {
		t.Errorf("meta = %v", meta)
	}
	attrs := attrDocs(t, doc["attributes"])

	// Every attribute of RFC 7643 §8.7.1, plus id and externalId.
	want := map[string][]string{
		"id": nil, "externalId": nil, "userName": nil,
		"name":        {"formatted", "familyName", "givenName", "middleName", "honorificPrefix", "honorificSuffix"},
		"displayName": nil, "nickName": nil, "profileUrl": nil, "title": nil, "userType": nil,
		"preferredLanguage": nil, "locale": nil, "timezone": nil, "active": nil, "password": nil,
		"emails":           {"value", "display", "type", "primary"},
		"phoneNumbers":     {"value", "display", "type", "primary"},
		"ims":              {"value", "display", "type", "primary"},
		"photos":           {"value", "display", "type", "primary"},
		"addresses":        {"formatted", "streetAddress", "locality", "region", "postalCode", "country", "type", "primary"},
		"groups":           {"value", "$ref", "display", "type"},
		"entitlements":     {"value", "display", "type", "primary"},
		"roles":            {"value", "display", "type", "primary"},
		"x509Certificates": {"value", "display", "type", "primary"},
	}
	if len(attrs) != len(want) {
		var names []string
		for n := range attrs {
			names = append(names, n)
		}
		sort.Strings(names)
		t.Errorf("attributes = %v", names)
	}
	fields := []string{"name", "type", "multiValued", "description", "required", "caseExact", "mutability", "returned", "uniqueness"}
	var checkFields func(path string, a map[string]any)
	checkFields = func(path string, a map[string]any) {
		for _, f := range fields {
			if _, ok := a[f]; !ok {
				t.Errorf("%s has no %s", path, f)
			}
		}
		if a["description"] == "" {
			t.Errorf("%s has no description", path)
		}
		if a["type"] == "reference" {
			if _, ok := a["referenceTypes"]; !ok {
				t.Errorf("%s has no referenceTypes", path)
			}
		}
		if a["type"] == "complex" {
			for _, s := range a["subAttributes"].([]any) {
				sm := s.(map[string]any)
				checkFields(path+"."+sm["name"].(string), sm)
			}
		} else if _, ok := a["subAttributes"]; ok {
			t.Errorf("%s is %s but has subAttributes", path, a["type"])
		}
	}
	for name, subs := range want {
		a, ok := attrs[name]
		if !ok {
			t.Errorf("attribute %s missing", name)
			continue
		}
		checkFields(name, a)
		if subs == nil {
			continue
		}
		if a["type"] != "complex" {
			t.Errorf("%s type = %v", name, a["type"])
			continue
		}
		got := attrDocs(t, a["subAttributes"])
		if len(got) != len(subs) {
			t.Errorf("%s has %d sub-attributes, want %v", name, len(got), subs)
		}
		for _, s := range subs {
			if _, ok := got[s]; !ok {
				t.Errorf("%s.%s missing", name, s)
			}
		}
	}

	check := func(name, field string, want any) {
		t.Helper()
		if got := attrs[name][field]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s.%s = %v, want %v", name, field, got, want)
		}
	}
	check("userName", "required", true)
	check("userName", "uniqueness", "server")
	check("userName", "caseExact", false)
	check("password", "returned", "never")
	check("password", "mutability", "writeOnly")
	check("id", "mutability", "readOnly")
	check("id", "returned", "always")
	check("id", "caseExact", true)
	check("id", "uniqueness", "server")
	check("groups", "mutability", "readOnly")
	check("emails", "multiValued", true)
	check("active", "type", "boolean")
	check("displayName", "mutability", "readWrite")
	check("displayName", "returned", "default")
	check("displayName", "uniqueness", "none")
	check("displayName", "required", false)
	check("profileUrl", "referenceTypes", []any{"external"})
	emailType := attrDocs(t, attrs["emails"]["subAttributes"])["type"]
	if !reflect.DeepEqual(emailType["canonicalValues"], []any{"work", "home", "other"}) {
		t.Errorf("emails.type canonicalValues = %v", emailType["canonicalValues"])
	}
	if primary := attrDocs(t, attrs["emails"]["subAttributes"])["primary"]; primary["type"] != "boolean" {
		t.Errorf("emails.primary = %v", primary)
	}
	if _, ok := attrs["meta"]; ok {
		t.Error("meta must not be a schema attribute")
	}

	// The document is plain JSON.
	b, err := json.Marshal(doc)
	if err != nil || !strings.Contains(string(b), `"location":"https://scim.example.com/app/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User"`) {
		t.Errorf("marshal: %v %.200s", err, b)
	}
}

func TestOtherSchemaDocuments(t *testing.T) {
	ent := attrDocs(t, EnterpriseUserSchema.Document("")["attributes"])
	for _, n := range []string{"employeeNumber", "costCenter", "organization", "division", "department", "manager"} {
		if _, ok := ent[n]; !ok {
			t.Errorf("enterprise %s missing", n)
		}
	}
	mgr := attrDocs(t, ent["manager"]["subAttributes"])
	for _, n := range []string{"value", "$ref", "displayName"} {
		if _, ok := mgr[n]; !ok {
			t.Errorf("manager.%s missing", n)
		}
	}
	if mgr["displayName"]["mutability"] != "readOnly" {
		t.Errorf("manager.displayName = %v", mgr["displayName"])
	}

	grp := attrDocs(t, GroupSchema.Document("")["attributes"])
	if grp["displayName"]["required"] != true {
		t.Error("Group displayName must be required")
	}
	members := attrDocs(t, grp["members"]["subAttributes"])
	for _, n := range []string{"value", "$ref", "display", "type"} {
		if _, ok := members[n]; !ok {
			t.Errorf("members.%s missing", n)
		}
	}

	e := EntitlementSchema.Document("https://h/scim/v2")
	if e["id"] != EntitlementSchemaURN || e["meta"].(map[string]any)["location"] != "https://h/scim/v2/Schemas/"+EntitlementSchemaURN {
		t.Errorf("entitlement document: %v", e)
	}
	ea := attrDocs(t, e["attributes"])
	if ea["id"]["mutability"] != "readOnly" || ea["id"]["returned"] != "always" || ea["displayName"]["required"] != true {
		t.Errorf("entitlement attributes: %v", ea)
	}
	for _, n := range []string{"type", "description"} {
		if _, ok := ea[n]; !ok {
			t.Errorf("entitlement %s missing", n)
		}
	}
}

func TestResolve(t *testing.T) {
	rs := userRS()
	const ent = EnterpriseUserURN
	for _, tc := range []struct {
		uri, attr, sub string
		wantURN        string
		wantAttr       string
		wantSub        string
		ok             bool
	}{
		{"", "userName", "", "", "userName", "", true},
		{"", "USERNAME", "", "", "userName", "", true},
		{"", "name", "givenName", "", "name", "givenName", true},
		{"", "name", "GIVENNAME", "", "name", "givenName", true},
		{"", "emails", "", "", "emails", "", true},
		{"", "emails", "type", "", "emails", "type", true},
		{UserSchemaURN, "name", "givenName", "", "name", "givenName", true},
		{strings.ToLower(UserSchemaURN), "userName", "", "", "userName", "", true},
		{ent, "department", "", ent, "department", "", true},
		{ent, "manager", "value", ent, "manager", "value", true},
		{strings.ToUpper(ent), "MANAGER", "$REF", ent, "manager", "$ref", true},
		{"", "department", "", ent, "department", "", true}, // unqualified extension attribute
		{dbExtURN, "user_id", "", dbExtURN, "USER_ID", "", true},
		{"", "IS_ACTIVE", "", dbExtURN, "IS_ACTIVE", "", true},
		// Whole paths in attr.
		{"", "name.givenName", "", "", "name", "givenName", true},
		{"", UserSchemaURN + ":name.givenName", "", "", "name", "givenName", true},
		{"", ent + ":department", "", ent, "department", "", true},
		{"", ent + ":manager.value", "", ent, "manager", "value", true},
		{"", dbExtURN + ":IS_ACTIVE", "", dbExtURN, "IS_ACTIVE", "", true},
		// Failures.
		{"", "nope", "", "", "", "", false},
		{"", "name", "nope", "", "", "", false},
		{"", "userName", "x", "", "", "", false},
		{ent, "userName", "", "", "", "", false},
		{UserSchemaURN, "department", "", "", "", "", false},
		{"urn:unknown", "userName", "", "", "", "", false},
		{"", "meta", "", "", "", "", false},
	} {
		urn, a, s, ok := rs.Resolve(tc.uri, tc.attr, tc.sub)
		gotSub := ""
		if s != nil {
			gotSub = s.Name
		}
		if ok != tc.ok || urn != tc.wantURN || a.Name != tc.wantAttr || gotSub != tc.wantSub {
			t.Errorf("Resolve(%q, %q, %q) = %q, %q, %q, %v; want %q, %q, %q, %v",
				tc.uri, tc.attr, tc.sub, urn, a.Name, gotSub, ok, tc.wantURN, tc.wantAttr, tc.wantSub, tc.ok)
		}
	}
	_, a, s, _ := rs.Resolve("", "emails", "primary")
	if !a.MultiValued || s.Type != TypeBoolean {
		t.Errorf("emails.primary: %+v %+v", a, s)
	}
	if a, ok := UserSchema.Attribute("PASSWORD"); !ok || a.Returned != ReturnedNever {
		t.Errorf("Attribute(PASSWORD) = %+v, %v", a, ok)
	}
	if s, ok := mustAttr(t, "name").Sub("FAMILYNAME"); !ok || s.Name != "familyName" {
		t.Errorf("Sub(FAMILYNAME) = %+v, %v", s, ok)
	}
}

func mustAttr(t *testing.T, name string) Attribute {
	t.Helper()
	a, ok := UserSchema.Attribute(name)
	if !ok {
		t.Fatalf("no attribute %s", name)
	}
	return a
}
