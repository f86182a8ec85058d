package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// oktaFiles are the exports under testdata/conformance.
var oktaFiles = []string{"okta-scim20-spec-test-2016.json", "okta-scim20-spec-test-2024.json"}

func oktaPath(name string) string {
	return filepath.Join("..", "..", "..", "testdata", "conformance", name)
}

// TestOktaExportsAreFullySupported checks that the replayer understands
// everything Okta's exports use: step types, sources, comparisons,
// property paths, scripts and variables.
func TestOktaExportsAreFullySupported(t *testing.T) {
	want := map[string][3]int{ // requests, pauses, assertions
		"okta-scim20-spec-test-2016.json": {16, 15, 91},
		"okta-scim20-spec-test-2024.json": {12, 0, 52},
	}
	sources := map[string]bool{"response_status": true, "response_json": true, "response_headers": true, "response_text": true, "response_size": true, "response_time": true}
	for _, name := range oktaFiles {
		t.Run(name, func(t *testing.T) {
			s, err := Load(oktaPath(name))
			if err != nil {
				t.Fatal(err)
			}
			if s.Name != "Okta SCIM 2.0 SPEC Test" {
				t.Errorf("name %q", s.Name)
			}
			var requests, pauses, assertions int
			for _, st := range s.Steps {
				switch st.Type {
				case "request":
					requests++
				case "pause":
					pauses++
					continue
				default:
					t.Errorf("step %d: unexpected type %q", st.Index, st.Type)
				}
				if st.Skipped {
					t.Errorf("step %d is marked skipped", st.Index)
				}
				if len(st.Auth) > 0 {
					t.Errorf("step %d uses Runscope auth %v", st.Index, st.Auth)
				}
				if auth := headerValues(st.Headers, "Authorization"); len(auth) != 1 {
					t.Errorf("step %d: Authorization %v", st.Index, auth)
				}
				for i, a := range st.Assertions {
					assertions++
					if !sources[a.Source] {
						t.Errorf("step %d assertion %d: source %q", st.Index, i, a.Source)
					}
					if _, ok := comparisons[a.Comparison]; !ok && a.Comparison != "empty" {
						t.Errorf("step %d assertion %d: comparison %q", st.Index, i, a.Comparison)
					}
					if _, err := parsePath(a.Property); err != nil {
						t.Errorf("step %d assertion %d: %v", st.Index, i, err)
					}
				}
				for _, v := range st.Variables {
					if v.Source != "response_json" {
						t.Errorf("step %d: variable source %q", st.Index, v.Source)
					}
				}
				for i, sc := range st.Scripts {
					if _, ok := emulatedScripts[squashSpace(sc)]; !ok {
						t.Errorf("step %d script %d is not emulated", st.Index, i)
					}
				}
				for i, sc := range st.BeforeScripts {
					if strings.TrimSpace(sc) != "" {
						t.Errorf("step %d pre-request script %d", st.Index, i)
					}
				}
			}
			if got := [3]int{requests, pauses, assertions}; got != want[name] {
				t.Errorf("requests, pauses, assertions = %v, want %v", got, want[name])
			}
			for _, u := range s.Uses(OktaInitialVariables("https://127.0.0.1:1/x", "Bearer t")) {
				if !u.Defined {
					t.Errorf("step %d uses {{%s}} in %s before anything defines it", u.Step, u.Name, u.Where)
				}
			}
		})
	}
}

func headerValues(hs []Header, name string) []string {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return h.Values
		}
	}
	return nil
}

func TestOktaInitialVariables(t *testing.T) {
	v := OktaInitialVariables("https://h/ws/rest/a/scim/v2/", "Bearer abc")
	if v["SCIMBaseURL"] != "https://h/ws/rest/a/scim/v2" || v["auth"] != "Bearer abc" {
		t.Errorf("base or auth: %v", v)
	}
	if !regexp.MustCompile(`^Runscope[1-9]\d\d$`).MatchString(v["randomGivenName"]) {
		t.Errorf("randomGivenName %q", v["randomGivenName"])
	}
	if !regexp.MustCompile(`^[A-Z][a-z]{8}\d{3}$`).MatchString(v["randomFamilyName"]) {
		t.Errorf("randomFamilyName %q", v["randomFamilyName"])
	}
	user := v["randomGivenName"] + v["randomFamilyName"] + "@example.com"
	if v["randomUsername"] != user || v["randomEmail"] != user {
		t.Errorf("randomUsername %q randomEmail %q", v["randomUsername"], v["randomEmail"])
	}
	if v["randomUsernameCaps"] != strings.ToUpper(v["randomGivenName"]+v["randomFamilyName"])+"@example.com" {
		t.Errorf("randomUsernameCaps %q", v["randomUsernameCaps"])
	}
	if v["InvalidUserEmail"] != "abcdefgh@example.com" || v["UserIdThatDoesNotExist"] != "010101001010101011001010101011" {
		t.Errorf("fixed values: %v", v)
	}
	differ := false
	for range 5 {
		if OktaInitialVariables("https://h", "")["randomUsername"] != user {
			differ = true
		}
	}
	if !differ {
		t.Error("the random user name does not change between runs")
	}
}

func TestLookupFollowsJavaScriptNotation(t *testing.T) {
	doc, err := decodeJSON([]byte(`{"a":{"b":[{"c":1},{"c":"x"}],"0":"zero","k y":true},"emails":[{"value":"e@x"}],"n":null,"arr":[[5]]}`))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path  string
		found bool
		text  string
	}{
		{"a.b[0].c", true, "1"},
		{"a.b[1].c", true, "x"},
		{"a.b[2].c", false, ""},
		{"a.b.c", false, ""}, // through an array without an index: undefined
		{"emails.value", false, ""},
		{"emails[0].value", true, "e@x"},
		{"a[0]", true, "zero"}, // an object member named "0"
		{`a["k y"]`, true, "true"},
		{"a.b.0.c", true, "1"}, // JavaScript allows a.b["0"]
		{"n", true, "null"},
		{"n.x", false, ""},
		{"arr[0][0]", true, "5"},
		{"missing", false, ""},
	}
	for _, c := range cases {
		v, found, msg := lookupPath(doc, c.path)
		if found != c.found {
			t.Errorf("%s: found %v (%s)", c.path, found, msg)
			continue
		}
		if found && valueText(v) != c.text {
			t.Errorf("%s = %s, want %s", c.path, valueText(v), c.text)
		}
		if !found && !strings.HasPrefix(msg, "Unable to locate ") {
			t.Errorf("%s: message %q", c.path, msg)
		}
	}
	if _, found, _ := lookupPath(doc, ""); !found {
		t.Error("the empty path is the document")
	}
	_, _, msg := lookupPath(doc, "emails.value")
	if msg != "Unable to locate value property in path 'emails.value' in JSON." {
		t.Errorf("message %q", msg)
	}
	for _, bad := range []string{"a..b", ".a", "a.", "a[x]", "a[0"} {
		if _, err := parsePath(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestComparisons(t *testing.T) {
	doc, err := decodeJSON([]byte(`{"s":"urn:x:User","e":"","n":0,"ns":"12.5","f":false,"t":true,"z":null,
		"arr":["urn:a","urn:b"],"empty":[],"obj":{"k":"v"},"eobj":{},"nums":[1,2]}`))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		cmp, path, target string
		want              bool
	}{
		{"equal", "s", "urn:x:User", true},
		{"equal", "s", "urn:x:user", false},
		{"equal", "n", "0", true},
		{"equal", "t", "true", true},
		{"equal", "t", "True", false},
		{"equal", "missing", "", false},
		{"not_equal", "s", "other", true},
		{"not_equal", "s", "urn:x:User", false},
		{"equal_number", "n", "0", true},
		{"equal_number", "n", "0.0", true},
		{"equal_number", "ns", "12.5", true},
		{"equal_number", "s", "0", false},
		{"equal_number", "t", "1", false},
		{"is_a_number", "n", "", true},
		{"is_a_number", "ns", "", true},
		{"is_a_number", "s", "", false},
		{"is_a_number", "t", "", false},
		{"is_a_number", "z", "", false},
		{"is_a_number", "missing", "", false},
		{"not_empty", "s", "", true},
		{"not_empty", "f", "", true}, // false is a value
		{"not_empty", "n", "", true}, // so is 0
		{"not_empty", "e", "", false},
		{"not_empty", "z", "", false},
		{"not_empty", "empty", "", false},
		{"not_empty", "eobj", "", false},
		{"not_empty", "missing", "", false},
		{"empty", "missing", "", true},
		{"empty", "e", "", true},
		{"empty", "z", "", true},
		{"empty", "empty", "", true},
		{"empty", "s", "", false},
		{"contains", "s", "x:Us", true},
		{"contains", "s", "nope", false},
		{"contains", "arr", "urn:a", true},
		{"contains", "arr", "urn", false}, // membership, not substring, in an array
		{"contains", "obj", "k", true},
		{"contains", "missing", "x", false},
		{"does_not_contain", "s", "nope", true},
		{"does_not_contain", "arr", "urn:a", false},
		{"does_not_contain", "missing", "x", false},
		{"has_value", "arr", "urn:b", true},
		{"has_value", "arr", "urn:c", false},
		{"has_value", "nums", "2", true},
		{"has_value", "obj", "v", true},
		{"has_value", "s", "urn:x:User", false}, // not a list
		{"has_value", "arr.value", "", false},   // through an array: not found
		{"has_key", "obj", "k", true},
		{"has_key", "obj", "v", false},
		{"has_key", "arr", "0", false},
		{"is_null", "z", "", true},
		{"is_null", "e", "", false},
		{"is_null", "missing", "", false},
		{"is_less_than", "n", "1", true},
		{"is_less_than", "n", "0", false},
		{"is_less_than_or_equal", "n", "0", true},
		{"is_greater_than", "ns", "12", true},
		{"is_greater_than_or_equal", "ns", "13", false},
		{"is_less_than", "n", "abc", false},
		{"matches_regex", "s", "urn", false}, // unsupported: fails, never passes silently
	}
	for _, c := range cases {
		v, found, _ := lookupPath(doc, c.path)
		got, why := compare(c.cmp, v, found, c.target)
		if got != c.want {
			t.Errorf("%s %s %q: got %v (%s), want %v", c.path, c.cmp, c.target, got, why, c.want)
		}
	}
}

func TestBuildURLEncodesTheQuery(t *testing.T) {
	cases := map[string]string{
		`https://h:1/b/Users?filter=userName eq "a@b.c"`:     `https://h:1/b/Users?filter=userName%20eq%20%22a%40b.c%22`,
		`https://h:1/b/Users?count=1&startIndex=1`:           `https://h:1/b/Users?count=1&startIndex=1`,
		`https://h:1/b/Users?filter=userName%20eq%20%22x%22`: `https://h:1/b/Users?filter=userName%20eq%20%22x%22`,
		`https://h:1/b/Users/luke@galaxy.local`:              `https://h:1/b/Users/luke@galaxy.local`,
		`https://h:1/b/Users/a b`:                            `https://h:1/b/Users/a%20b`,
		`https://h:1/b/Users?filter=RUNSCOPE1X@example.com`:  `https://h:1/b/Users?filter=RUNSCOPE1X%40example.com`,
	}
	for in, want := range cases {
		got, err := buildURL(in)
		if err != nil || got != want {
			t.Errorf("%s: %s, %v; want %s", in, got, err, want)
		}
	}
	if _, err := buildURL("{{SCIMBaseURL}}/Users"); err == nil {
		t.Error("a URL without scheme and host was accepted")
	}
}

// cannedSuite exercises the replayer against cannedServer. Steps 0–2 must
// pass; step 4 holds one failing assertion of each kind.
const cannedSuite = `{
 "name": "canned", "version": "1.0", "exported_at": 1,
 "steps": [
  {"step_type": "request", "note": "list", "method": "GET",
   "url": "{{base}}/Users?filter=userName eq \"{{who}}\"&count=1",
   "headers": {"Authorization": "{{auth}}", "Accept": ["application/scim+json"], "X-Multi": ["a", "b"]},
   "variables": [{"source": "response_json", "property": "Resources[0].id", "name": "uid"},
                 {"source": "response_headers", "property": "X-Request-Id", "name": "rid"},
                 {"source": "response_json", "property": "Resources.id", "name": "broken"}],
   "assertions": [
    {"source": "response_status", "comparison": "equal_number", "value": "200"},
    {"source": "response_json", "property": "schemas", "comparison": "has_value", "value": "urn:ietf:params:scim:api:messages:2.0:ListResponse"},
    {"source": "response_json", "property": "totalResults", "comparison": "equal", "value": "1"},
    {"source": "response_json", "property": "totalResults", "comparison": "is_a_number", "value": null},
    {"source": "response_json", "property": "Resources[0].emails[0].value", "comparison": "not_empty", "value": null},
    {"source": "response_json", "property": "Resources[0].active", "comparison": "equal", "value": "true"},
    {"source": "response_json", "property": "Resources[0].id", "comparison": "equal", "value": "{{uid}}"},
    {"source": "response_headers", "property": "content-type", "comparison": "contains", "value": "scim+json"},
    {"source": "response_text", "comparison": "contains", "value": "Resources"},
    {"source": "response_size", "comparison": "is_greater_than", "value": "10"},
    {"source": "response_time", "comparison": "is_less_than", "value": "0"}
   ], "scripts": [], "before_scripts": []},
  {"step_type": "pause", "duration": 3600},
  {"step_type": "request", "note": "get {{id}}", "method": "POST", "url": "{{base}}/Users/{{uid}}",
   "headers": {"Authorization": ["{{auth}}"], "Content-Type": ["application/json"]},
   "body": "{\"userName\":\"{{who}}\",\"rid\":\"{{rid}}\"}",
   "assertions": [
    {"source": "response_status", "comparison": "equal_number", "value": 201},
    {"source": "response_json", "property": "echo.userName", "comparison": "equal", "value": "{{who}}"},
    {"source": "response_json", "property": "echo.rid", "comparison": "not_empty", "value": null},
    {"source": "response_json", "property": "header", "comparison": "equal", "value": "agent-data"}
   ],
   "scripts": ["var data = JSON.parse(response.body);\nvar max = data.totalResults;\nvar res = data.Resources;\nvar exists = false;\n\nif (max === 0)\n\tassert(\"nogroups\", \"No Groups found in the endpoint\");\nelse if (max >= 1 && Array.isArray(res)) {\n    exists = true;\n    assert.ok(exists, \"Resources is of type Array\");\n\tlog(exists);\n}"]},
  {"step_type": "condition", "note": "not supported"},
  {"step_type": "request", "note": "failures", "method": "GET", "url": "{{base}}/Groups",
   "headers": {"Authorization": "{{auth}}"},
   "assertions": [
    {"source": "response_status", "comparison": "equal_number", "value": "404"},
    {"source": "response_json", "property": "Resources.id", "comparison": "has_value", "value": null},
    {"source": "response_json", "property": "Resources", "comparison": "not_empty", "value": null},
    {"source": "response_json", "property": "schemas", "comparison": "contains", "value": "urn:ietf:params:scim:api:messages:2.0"},
    {"source": "response_json", "property": "missing", "comparison": "equal", "value": "{{nobody}}"},
    {"source": "response_headers", "property": "X-None", "comparison": "equal", "value": "x"},
    {"source": "response_json", "property": "x", "comparison": "matches_regex", "value": "x"},
    {"source": "response_xml", "property": "/a", "comparison": "equal", "value": "x"}
   ],
   "scripts": ["var data = JSON.parse(response.body);\nvar max = data.totalResults;\nvar res = data.Resources;\nvar exists = false;\nif (max >= 1 && Array.isArray(res)) {\n    exists = true;\n}\n    \nassert.ok(exists, \"Resources is of type Array\");\nlog(exists);\n", "assert(false, 'unknown');"]},
  {"step_type": "request", "note": "not json", "method": "GET", "url": "{{base}}/text",
   "headers": {"Authorization": "{{auth}}"},
   "assertions": [{"source": "response_json", "property": "a", "comparison": "not_empty", "value": null}],
   "scripts": ["var data = JSON.parse(response.body);\nvar max = data.totalResults;\nvar res = data.Resources;\nvar exists = false;\n\nif (max === 0)\n\tassert(\"nogroups\", \"No Groups found in the endpoint\");\nelse if (max >= 1 && Array.isArray(res)) {\n    exists = true;\n    assert.ok(exists, \"Resources is of type Array\");\n\tlog(exists);\n}"]}
 ]}`

// cannedRecorder keeps the requests a test server received.
type cannedRecorder struct {
	mu     sync.Mutex
	reqs   []*http.Request
	bodies []string
}

func (rc *cannedRecorder) add(r *http.Request, body []byte) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.reqs = append(rc.reqs, r)
	rc.bodies = append(rc.bodies, string(body))
}

func (rc *cannedRecorder) get() ([]*http.Request, []string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.reqs, rc.bodies
}

// cannedServer answers cannedSuite's requests and records what it got.
func cannedServer(t *testing.T, rc *cannedRecorder) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.add(r.Clone(context.Background()), body)
		if r.Header.Get("Authorization") != "Bearer s3cret-token" {
			w.WriteHeader(401)
			return
		}
		w.Header().Set("X-Request-Id", "rq-1")
		switch {
		case r.URL.Path == "/scim/Users" && r.Method == "GET":
			w.Header().Set("Content-Type", "application/scim+json; charset=utf-8")
			fmt.Fprint(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"startIndex":1,"itemsPerPage":1,
				"Resources":[{"id":"u-1","userName":"x","active":true,"emails":[{"value":"x@y"}]}]}`)
		case r.URL.Path == "/scim/Users/u-1" && r.Method == "POST":
			var echo any
			_ = json.Unmarshal(body, &echo)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(201)
			b, _ := json.Marshal(map[string]any{"echo": echo, "header": r.Header.Get("X-OKTA-ONPREM-DATA"), "totalResults": 0, "Resources": []any{}})
			w.Write(b)
		case r.URL.Path == "/scim/Groups":
			w.Header().Set("Content-Type", "application/scim+json")
			fmt.Fprint(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[]}`)
		default:
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, "plain text")
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestReplayAgainstCannedServer(t *testing.T) {
	suite, err := Parse([]byte(cannedSuite))
	if err != nil {
		t.Fatal(err)
	}
	rc := &cannedRecorder{}
	srv := cannedServer(t, rc)
	vars := map[string]string{"base": srv.URL + "/scim", "auth": "Bearer s3cret-token", "who": "Runscope1@example.com"}
	start := time.Now()
	results := suite.Run(context.Background(), srv.Client(), vars,
		WithHeader("X-OKTA-ONPREM-DATA", "agent-data"), WithSecrets("s3cret-token"))
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("the run took %v: the pause was slept", d)
	}
	if _, ok := vars["uid"]; ok {
		t.Error("Run modified the caller's variables")
	}
	if len(results) != len(suite.Steps) {
		t.Fatalf("%d results for %d steps", len(results), len(suite.Steps))
	}
	for _, r := range results {
		t.Log(r.Report())
	}

	// The requests went out as the suite says.
	seen, bodies := rc.get()
	if len(seen) != 4 {
		t.Fatalf("%d requests", len(seen))
	}
	if got := seen[0].URL.RawQuery; got != "filter=userName%20eq%20%22Runscope1%40example.com%22&count=1" {
		t.Errorf("query %q", got)
	}
	if got := seen[0].URL.Query().Get("filter"); got != `userName eq "Runscope1@example.com"` {
		t.Errorf("filter %q", got)
	}
	if got := seen[0].Header.Values("X-Multi"); strings.Join(got, ",") != "a,b" {
		t.Errorf("X-Multi %v", got)
	}
	if seen[0].Header.Get("User-Agent") != DefaultUserAgent {
		t.Errorf("User-Agent %q", seen[0].Header.Get("User-Agent"))
	}
	for i, r := range seen {
		if r.Header.Get("X-OKTA-ONPREM-DATA") != "agent-data" {
			t.Errorf("request %d lacks the extra header", i)
		}
	}
	if seen[1].Method != "POST" || seen[1].URL.Path != "/scim/Users/u-1" {
		t.Errorf("second request %s %s: the extracted variable was not used", seen[1].Method, seen[1].URL.Path)
	}
	if bodies[1] != `{"userName":"Runscope1@example.com","rid":"rq-1"}` {
		t.Errorf("body %s", bodies[1])
	}
	if seen[1].Header.Get("Content-Type") != "application/json" {
		t.Errorf("Content-Type %q", seen[1].Header.Get("Content-Type"))
	}
	if seen[0].Header.Get("Content-Type") != "" {
		t.Errorf("a Content-Type the step does not set was sent: %q", seen[0].Header.Get("Content-Type"))
	}

	// Step 0: every assertion passes; variables are extracted, except the
	// one whose path runs through an array without an index.
	r0 := results[0]
	if !r0.Passed() {
		t.Errorf("step 0 failed:\n%s", r0.Report())
	}
	if r0.Variables[0].Value != "u-1" || r0.Variables[1].Value != "rq-1" {
		t.Errorf("variables %+v", r0.Variables)
	}
	if r0.Variables[2].Err == "" {
		t.Errorf("Resources.id was extracted: %+v", r0.Variables[2])
	}
	last := r0.Assertions[len(r0.Assertions)-1]
	if !last.Informational || !last.Passed || !strings.Contains(last.Message, "would fail") {
		t.Errorf("response_time: %+v", last)
	}

	// Step 1, the pause, is skipped; step 2 passes with its script.
	if !results[1].Skipped || !results[1].Passed() {
		t.Errorf("pause: %+v", results[1])
	}
	if r2 := results[2]; !r2.Passed() || len(r2.Scripts) != 1 || !r2.Scripts[0].Passed {
		t.Errorf("step 2:\n%s", r2.Report())
	}

	// Step 3 has an unsupported type.
	if r3 := results[3]; r3.Passed() || r3.Err == nil || !strings.Contains(r3.Err.Error(), "condition") {
		t.Errorf("step 3: %+v", r3)
	}

	// Step 4: every assertion and both scripts fail.
	r4 := results[4]
	if r4.Passed() {
		t.Fatal("step 4 passed")
	}
	for _, a := range r4.Assertions {
		if a.Passed {
			t.Errorf("step 4 assertion %d passed: %s", a.Index, a.line())
		}
	}
	if len(r4.Scripts) != 2 || r4.Scripts[0].Passed || r4.Scripts[1].Passed {
		t.Errorf("step 4 scripts: %+v", r4.Scripts)
	}
	if !strings.Contains(r4.Scripts[1].Message, "not emulated") {
		t.Errorf("unknown script: %q", r4.Scripts[1].Message)
	}
	if !hasString(r4.Unresolved, "nobody") {
		t.Errorf("unresolved %v", r4.Unresolved)
	}
	if len(r4.Failures()) != 10 {
		t.Errorf("failures:\n%s", strings.Join(r4.Failures(), "\n"))
	}
	if msg := r4.Assertions[1].Message; msg != "Unable to locate id property in path 'Resources.id' in JSON." {
		t.Errorf("has_value through an array: %q", msg)
	}

	// Step 5: a body that is not JSON fails JSON assertions and scripts.
	r5 := results[5]
	if r5.Passed() || r5.Assertions[0].Passed || r5.Scripts[0].Passed || !strings.Contains(r5.Scripts[0].Message, "SyntaxError") {
		t.Errorf("step 5:\n%s", r5.Report())
	}

	// Reports never show secrets.
	for _, r := range results {
		if strings.Contains(r.Report(), "s3cret-token") {
			t.Errorf("step %d report shows the token", r.Index)
		}
	}
	if p, f, s := Summary(results); p != 2 || f != 3 || s != 1 {
		t.Errorf("summary %d passed, %d failed, %d skipped", p, f, s)
	}
}

func TestGroupsScripts(t *testing.T) {
	run := func(f func(*responseData) ScriptResult, body string) bool {
		return f(newResponseData(&ResponseRecord{Status: 200, Header: http.Header{}, Body: []byte(body)})).Passed
	}
	cases := []struct {
		body       string
		v2016, v24 bool
	}{
		{`{"totalResults":0,"Resources":[]}`, false, true},
		{`{"totalResults":2,"Resources":[{},{}]}`, true, true},
		{`{"totalResults":"2","Resources":[{}]}`, true, true}, // JavaScript compares "2" >= 1 as numbers
		{`{"totalResults":1}`, false, true},
		{`{"Resources":[]}`, false, true},
		{`[]`, false, true},
		{`null`, false, false},
		{`not json`, false, false},
	}
	for _, c := range cases {
		if got := run(groupsScript2016, c.body); got != c.v2016 {
			t.Errorf("2016 script on %s: %v", c.body, got)
		}
		if got := run(groupsScript2024, c.body); got != c.v24 {
			t.Errorf("2024 script on %s: %v", c.body, got)
		}
	}
}

func TestParseRejectsWhatItCannotReplay(t *testing.T) {
	for _, bad := range []string{
		`{}`,
		`not json`,
		`{"steps":[{"step_type":"request","headers":{"A":{"x":1}}}]}`,
		`{"steps":[{"step_type":"request","assertions":[{"comparison":"equal"}]}]}`,
		`{"steps":[{"step_type":"request","variables":[{"source":"response_json"}]}]}`,
	} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}
