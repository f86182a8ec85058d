package scim

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// benchUser is a lab user as GET /Users/{id} answers it: core and
// enterprise attributes, the tenant extension with 21 columns, three
// entitlements and meta.
func benchUser() Resource {
	ext := map[string]any{
		"USER_ID": "bench0001234@example.com", "USERNAME": "bench0001234", "FIRSTNAME": "Grace", "LASTNAME": "Hopper",
		"EMAIL": "bench0001234@example.com", "DISPLAYNAME": "Grace Hopper", "MOBILEPHONE": "+1-555-0001234",
		"STREETADDRESS": "238 Main Street", "CITY": "Springfield", "STATE": "CA", "ZIPCODE": "91234", "COUNTRYCODE": "US",
		"TIMEZONE": "America/Los_Angeles", "ORGANIZATION": "Example Corp", "DEPARTMENT": "Research",
		"MANAGERID": "bench0001231@example.com", "MANAGER": "Manager 1231", "TITLE": "Engineer",
		"EMPLOYEENUMBER": "E0001234", "HIREDATE": "2013-05-19", "IS_ACTIVE": int64(1),
	}
	return Resource{
		"schemas":      []any{UserSchemaURN, EnterpriseUserURN, "urn:sqlscim:schemas:extension:database:2.0:User"},
		"id":           "bench0001234@example.com",
		"userName":     "bench0001234",
		"name":         map[string]any{"givenName": "Grace", "familyName": "Hopper"},
		"displayName":  "Grace Hopper",
		"emails":       []any{map[string]any{"type": "work", "value": "bench0001234@example.com", "primary": true}},
		"phoneNumbers": []any{map[string]any{"type": "mobile", "value": "+1-555-0001234", "primary": true}},
		"addresses": []any{map[string]any{"type": "work", "primary": true, "streetAddress": "238 Main Street",
			"locality": "Springfield", "region": "CA", "postalCode": "91234", "country": "US"}},
		"timezone": "America/Los_Angeles",
		"title":    "Engineer",
		"active":   true,
		EnterpriseUserURN: map[string]any{"organization": "Example Corp", "department": "Research", "employeeNumber": "E0001234",
			"manager": map[string]any{"value": "bench0001231@example.com", "displayName": "Manager 1231"}},
		"urn:sqlscim:schemas:extension:database:2.0:User": ext,
		"entitlements": []any{
			map[string]any{"value": "1", "display": "VPN Access", "type": "Entitlement"},
			map[string]any{"value": "4", "display": "Jira Admin", "type": "Entitlement"},
			map[string]any{"value": "7", "display": "Database Write", "type": "Entitlement"},
		},
		"meta": map[string]any{"resourceType": "User", "location": "https://127.0.0.1:1443/ws/rest/jdbc_on_prem/scim/v2/Users/bench0001234@example.com"},
	}
}

// BenchmarkResourceJSON prices writing a user: through encoding/json (which
// calls Resource.MarshalJSON and then re-validates its output), through
// MarshalJSON alone, and with AppendJSON into a reused buffer, the way the
// server writes responses.
func BenchmarkResourceJSON(b *testing.B) {
	r := benchUser()
	want, err := json.Marshal(r)
	if err != nil {
		b.Fatal(err)
	}
	if got, err := AppendJSON(nil, r); err != nil || !bytes.Equal(got, want) {
		b.Fatalf("AppendJSON differs from json.Marshal (%v):\n%s\n%s", err, got, want)
	}
	b.Run("json.Marshal(Resource)", func(b *testing.B) {
		b.SetBytes(int64(len(want)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Resource.MarshalJSON", func(b *testing.B) {
		b.SetBytes(int64(len(want)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := r.MarshalJSON(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("AppendJSON(reused buffer)", func(b *testing.B) {
		b.SetBytes(int64(len(want)))
		b.ReportAllocs()
		buf := make([]byte, 0, 4096)
		for b.Loop() {
			var err error
			if buf, err = AppendJSON(buf[:0], r); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAttributeSelectionApply is what every GET does with no
// attributes or excludedAttributes parameter: nothing to select, so Apply
// should neither copy nor allocate.
func BenchmarkAttributeSelectionApply(b *testing.B) {
	sel, err := ParseAttributeSelection("", "")
	if err != nil {
		b.Fatal(err)
	}
	rs := &ResourceSchema{Core: UserSchema, Extensions: []Schema{EnterpriseUserSchema}}
	r := benchUser()
	b.ReportAllocs()
	for b.Loop() {
		_ = sel.Apply(r, rs)
	}
}

// compareFold must order keys as comparing their lower-case forms does,
// for ASCII and for the rest.
func TestCompareFoldIsTheLowerCaseOrder(t *testing.T) {
	keys := []string{"", "a", "A", "ab", "aB", "Ab", "abc", "b", "B", "urn:X", "urn:x:y", "Ärger", "ärger", "Zebra", "émile", "Emile", "e", "E\u0301", "userName", "username", "USERNAMES"}
	for _, a := range keys {
		for _, b := range keys {
			want := strings.Compare(strings.ToLower(a), strings.ToLower(b))
			if got := compareFold(a, b); got != want {
				t.Errorf("compareFold(%q, %q) = %d, want %d", a, b, got, want)
			}
		}
	}
}

// BenchmarkDecodeResource prices reading a request body: a lab user as a
// PUT sends it.
func BenchmarkDecodeResource(b *testing.B) {
	body, err := json.Marshal(benchUser())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeResource(body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListJSON prices a page of Okta's import: 100 users.
func BenchmarkListJSON(b *testing.B) {
	list := make([]any, 100)
	for i := range list {
		list[i] = benchUser()
	}
	l := ListResponse{TotalResults: 10000, StartIndex: 1, ItemsPerPage: 100, Resources: list}
	buf := make([]byte, 0, 256<<10)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = l.appendJSON(buf[:0]); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(buf)))
}
