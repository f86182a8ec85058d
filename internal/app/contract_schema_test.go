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
	l.use(func(doc map[string]any) { doc["secret_columns"] = "pass(word" })
	status, body := l.a.do("GET", luke, nil)
	if status != 400 || !strings.Contains(body["detail"].(string), `secret_columns: "pass(word" is not a regular expression: missing closing ); write column names or parts of them separated by |, e.g. password|passwd|pwd|hash|secret`) {
		t.Errorf("a bad pattern: %d %v", status, body)
	}
}
