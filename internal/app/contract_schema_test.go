package app

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// Defect 3 of issue 12: the demo returned bcrypt hashes (PASSWORD_HASH) in
// every user, advertised readWrite and returned by default. A secret column
// is writeOnly, returned never, and in no answer.
func TestDemoReturnsNoHashes(t *testing.T) {
	in, _, token, cert := standalone(t)
	c := client(cert, 0, 0)
	auth := "Bearer " + token
	for _, path := range []string{"/Users", "/Users?attributes=urn:sqlscim:schemas:extension:database:2.0:User:PASSWORD_HASH", "/Users?filter=userName%20pr"} {
		resp, body := get(t, c, in.url(path), auth)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
		}
		if strings.Contains(string(body), "PASSWORD_HASH") || strings.Contains(string(body), "$2a$") || strings.Contains(string(body), "$2b$") {
			t.Errorf("GET %s returns a hash: %.300s", path, body)
		}
		var list struct{ Resources []map[string]any }
		if err := json.Unmarshal(body, &list); err != nil || len(list.Resources) == 0 {
			t.Fatalf("GET %s: %v, %d users", path, err, len(list.Resources))
		}
		if path == "/Users" {
			id := list.Resources[0]["id"].(string)
			resp, one := get(t, c, in.url("/Users/"+id), auth)
			if resp.StatusCode != 200 || strings.Contains(string(one), "PASSWORD_HASH") {
				t.Errorf("GET /Users/%s: %d %.300s", id, resp.StatusCode, one)
			}
		}
	}
	resp, body := get(t, c, in.url("/Schemas/urn:sqlscim:schemas:extension:database:2.0:User"), auth)
	if resp.StatusCode != 200 {
		t.Fatalf("/Schemas: %d %s", resp.StatusCode, body)
	}
	var schema struct{ Attributes []map[string]any }
	if err := json.Unmarshal(body, &schema); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range schema.Attributes {
		if a["name"] == "PASSWORD_HASH" {
			found = true
			if a["returned"] != "never" || a["mutability"] != "writeOnly" {
				t.Errorf("PASSWORD_HASH is advertised %v, %v; want returned never, writeOnly", a["returned"], a["mutability"])
			}
		}
	}
	if !found {
		t.Error("PASSWORD_HASH is not in the tenant extension")
	}
}

// Secret columns are found by name without password_sync: the lab's
// PASSWORD_HASH by the default pattern, others by the tenant's own.
func TestSecretColumnsAreNeverReturned(t *testing.T) {
	l := newContractLab(t, "mysql", "mysql-sql.yaml")
	const luke = "/Users/luke.skywalker@galaxy.local"
	for _, tc := range []struct {
		pattern        string
		hidden, listed []string
	}{
		{"", []string{"PASSWORD_HASH"}, []string{"HIREDATE", "EMAIL"}},
		{"hire|^email$", []string{"HIREDATE"}, []string{"PASSWORD_HASH", "EMAIL"}}, // EMAIL feeds emails: returned there
	} {
		l.use(func(doc map[string]any) {
			if tc.pattern != "" {
				doc["secret_columns"] = tc.pattern
			}
		})
		for _, path := range []string{luke, "/Users?count=3"} {
			status, body := l.a.do("GET", path, nil)
			raw, _ := json.Marshal(body)
			if status != 200 {
				t.Fatalf("%q GET %s: %d %s", tc.pattern, path, status, raw)
			}
			for _, col := range tc.hidden {
				if strings.Contains(string(raw), `"`+col+`"`) {
					t.Errorf("secret_columns %q: GET %s returns %s", tc.pattern, path, col)
				}
			}
			for _, col := range tc.listed {
				if path != luke {
					break // not every user has every column
				}
				if !strings.Contains(string(raw), `"`+col+`"`) {
					t.Errorf("secret_columns %q: GET %s lacks %s", tc.pattern, path, col)
				}
			}
		}
	}
	// Nor can a filter reveal one a character at a time.
	l.use(nil)
	status, body := l.a.do("GET", filterPath(`urn:sqlscim:schemas:extension:database:2.0:User:PASSWORD_HASH sw "$2"`), nil)
	if status != 400 || body["scimType"] != "invalidFilter" || !strings.Contains(body["detail"].(string), "is never returned, so it cannot be filtered on") {
		t.Errorf("a filter on PASSWORD_HASH: %d %v", status, body)
	}
	l.use(func(doc map[string]any) { doc["secret_columns"] = "pass(word" })
	status, body = l.a.do("GET", luke, nil)
	if status != 400 || !strings.Contains(body["detail"].(string), `secret_columns: "pass(word" is not a regular expression: missing closing ); write column names or parts of them separated by |, e.g. password|passwd|pwd|hash|secret`) {
		t.Errorf("a bad pattern: %d %v", status, body)
	}
}

// Defect 2 of issue 12: externalId and name.formatted were accepted and
// dropped. An attribute no column holds is refused with the mapping that
// would store it, unless ignore_attributes lists it; /Schemas shows only
// what the tenant stores.
func TestUnstorableAttributesAreRefusedOrIgnoredByChoice(t *testing.T) {
	l := newContractLab(t, "mysql", "mysql-sql.yaml")
	l.use(nil)
	const luke = "/Users/luke.skywalker@galaxy.local"
	for _, tc := range []struct {
		method, path string
		body         []byte
		detail       string
	}{
		{"POST", "/Users", labUser("strict.one@example.com", map[string]any{"externalId": "x-1"}),
			"externalId cannot be stored: no column of tenant jdbc_on_prem is mapped to it. A column mapped to it would store it (mapping: {COLUMN: externalId}); ignore_attributes: [externalId] accepts and drops it."},
		{"POST", "/Users", labUser("strict.two@example.com", map[string]any{"name": map[string]any{"givenName": "S", "familyName": "T", "formatted": "S T"}}),
			"name.formatted cannot be stored"},
		{"PUT", luke, labUser("luke.skywalker@galaxy.local", map[string]any{"emails": []any{map[string]any{"type": "home", "value": "l@home"}}}),
			"emails[home].value cannot be stored: no column of tenant jdbc_on_prem is mapped to it. A column mapped to it would store it (mapping: {COLUMN: emails[home].value})"},
		{"PATCH", luke, patchOps(map[string]any{"op": "add", "path": "externalId", "value": "x-2"}), "externalId cannot be stored"},
		{"PATCH", luke, patchOps(map[string]any{"op": "replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter", "value": "42"}),
			"enterprise:costCenter cannot be stored: no column of tenant jdbc_on_prem is mapped to it. A column mapped to it would store it (mapping: {COLUMN: enterprise:costCenter})"},
	} {
		status, body := l.a.do(tc.method, tc.path, tc.body)
		detail, _ := body["detail"].(string)
		if status != 400 || body["scimType"] != "invalidValue" || !strings.Contains(detail, tc.detail) {
			t.Errorf("%s %s: %d %v, want 400 invalidValue %q", tc.method, tc.path, status, body, tc.detail)
		}
	}
	var n int
	if err := l.d.DB.QueryRow("SELECT COUNT(*) FROM USERS WHERE USER_ID LIKE 'strict.%'").Scan(&n); err != nil || n != 0 {
		t.Errorf("refused users were stored: %d, %v", n, err)
	}

	// /Schemas shows what the lab stores.
	_, core := l.a.do("GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User", nil)
	names := map[string]bool{}
	for _, a := range core["attributes"].([]any) {
		names[a.(map[string]any)["name"].(string)] = true
	}
	for _, want := range []string{"userName", "name", "emails", "active", "title"} {
		if !names[want] {
			t.Errorf("/Schemas lacks %s", want)
		}
	}
	for _, absent := range []string{"externalId", "groups", "x509Certificates", "ims", "password"} {
		if names[absent] {
			t.Errorf("/Schemas advertises %s, which the lab cannot store", absent)
		}
	}

	// Listed, the same writes are accepted and the values dropped.
	l.use(func(doc map[string]any) {
		doc["ignore_attributes"] = []any{"externalId", "name.formatted", "emails[home]", "enterprise:costCenter"}
	})
	for _, tc := range []struct {
		method, path string
		body         []byte
	}{
		{"POST", "/Users", labUser("strict.one@example.com", map[string]any{"externalId": "x-1", "name": map[string]any{"givenName": "S", "familyName": "T", "formatted": "S T"}})},
		{"PATCH", luke, patchOps(map[string]any{"op": "add", "path": "externalId", "value": "x-2"})},
	} {
		if status, body := l.a.do(tc.method, tc.path, tc.body); status/100 != 2 || body["externalId"] != nil {
			t.Errorf("%s %s with ignore_attributes: %d %v", tc.method, tc.path, status, body)
		}
	}
	_, core = l.a.do("GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User", nil)
	found := false
	for _, a := range core["attributes"].([]any) {
		found = found || a.(map[string]any)["name"] == "externalId"
	}
	if !found {
		t.Error("/Schemas lacks externalId, which ignore_attributes accepts")
	}

	// Bad values of ignore_attributes.
	for _, tc := range []struct {
		value any
		want  string
	}{
		{[]any{"externalld"}, `ignore_attributes[0]: "externalld" is not an attribute of the User or enterprise User schema`},
		{[]any{"title", "emails[type eq \"home\"]"}, `ignore_attributes[1]: "emails[type eq \"home\"]" is not an attribute path; write it like externalId, name.formatted, emails[home].value or enterprise:costCenter`},
		{[]any{"urn:acme:User:badge"}, `ignore_attributes[0]: "urn:acme:User:badge" is in schema urn:acme:User; list attributes of the core User or the enterprise extension (enterprise:costCenter)`},
		{[]any{"title[work]"}, `ignore_attributes[0]: "title[work]": title is single-valued; drop the [work]`},
		{map[string]any{"a": 1}, `ignore_attributes: must be a list of attribute names, e.g. [externalId, name.formatted], not an object`},
	} {
		l.use(func(doc map[string]any) { doc["ignore_attributes"] = tc.value })
		status, body := l.a.do("GET", luke, nil)
		if detail, _ := body["detail"].(string); status != 400 || !strings.Contains(detail, tc.want) {
			t.Errorf("ignore_attributes %v: %d %v, want %q", tc.value, status, body, tc.want)
		}
	}
}

// Defect 4 of issue 12, its last part: name.givenName, name.familyName and
// emails were not marked required although the lab's NOT NULL columns
// need them. /Schemas reads create_user's table in the catalog: what it
// requires is required, what it does not is not.
func TestSchemasMarkWhatTheDatabaseRequires(t *testing.T) {
	for _, lab := range []struct{ dialect, file string }{
		{"postgresql", "postgresql-sql.yaml"},
		{"mysql", "mysql-sql.yaml"},
	} {
		t.Run(lab.dialect, func(t *testing.T) {
			l := newContractLab(t, lab.dialect, lab.file)
			l.use(nil)
			status, core := l.a.do("GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User", nil)
			if status != 200 {
				t.Fatalf("/Schemas: %d %v", status, core)
			}
			required := map[string]bool{}
			for _, a := range core["attributes"].([]any) {
				attr := a.(map[string]any)
				name := attr["name"].(string)
				required[name] = attr["required"] == true
				for _, s := range asList(attr["subAttributes"]) {
					sub := s.(map[string]any)
					required[name+"."+sub["name"].(string)] = sub["required"] == true
				}
			}
			for path, want := range map[string]bool{
				"userName": true, "name": true, "name.givenName": true, "name.familyName": true, "name.middleName": false,
				"emails": true, "emails.value": true, "displayName": false, "title": false,
			} {
				if got, ok := required[path]; !ok || got != want {
					t.Errorf("%s: required %v (listed %v), want %v", path, got, ok, want)
				}
			}
		})
	}
}
