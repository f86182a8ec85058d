package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/sqlscim/sqlscim/internal/scim"
)

// This file drives the server over real HTTP against an in-memory tenant,
// for what the server itself decides: routing, ids, bodies, responses,
// authentication and logging.

const (
	testToken = "0123456789abcdef0123456789abcdef"
	testBase  = "/ws/rest/app/scim/v2"
)

// testExtension is a tenant extension with columns named like core
// attributes.
var testExtension = scim.Schema{ID: "urn:x:db", Attributes: []scim.Attribute{
	{Name: "USERNAME", Type: scim.TypeString}, {Name: "TITLE", Type: scim.TypeString},
}}

// memTenant is a Tenant in memory. Like a database tenant, it returns what
// it stored, password included, and leaves hiding it to the server.
type memTenant struct {
	mu      sync.Mutex
	users   map[string]scim.Resource
	asked   []string        // the ids handlers asked for, in order
	written []scim.Resource // the bodies of creates and replaces
	// listErr, when set, makes ListUsers fail after its first user.
	listErr error
}

func newMemTenant() *memTenant { return &memTenant{users: map[string]scim.Resource{}} }

func (m *memTenant) UserSchema(context.Context) (*scim.ResourceSchema, error) {
	return &scim.ResourceSchema{Core: scim.UserSchema, Extensions: []scim.Schema{scim.EnterpriseUserSchema, testExtension}}, nil
}

func (m *memTenant) ListUsers(_ context.Context, _ scim.Query, emit func(scim.Resource) error) (int, error) {
	m.mu.Lock()
	ids := make([]string, 0, len(m.users))
	for id := range m.users {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	users := make([]scim.Resource, len(ids))
	for i, id := range ids {
		users[i] = m.users[id].Clone()
	}
	listErr := m.listErr
	m.mu.Unlock()
	for _, u := range users {
		if err := emit(u); err != nil {
			return 0, err
		}
		if listErr != nil {
			return 0, listErr
		}
	}
	return len(users), nil
}

func (m *memTenant) GetUser(_ context.Context, id string, _ bool) (scim.Resource, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.asked = append(m.asked, id)
	u, ok := m.users[id]
	if !ok {
		return nil, scim.NotFound("User %s not found.", id)
	}
	return u.Clone(), nil
}

func (m *memTenant) CreateUser(_ context.Context, res scim.Resource) (scim.Resource, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.written = append(m.written, res.Clone())
	u := res.Clone()
	u["id"], _ = u["userName"].(string)
	m.users[u["id"].(string)] = u
	return u.Clone(), nil
}

func (m *memTenant) ReplaceUser(_ context.Context, id string, res scim.Resource) (scim.Resource, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.asked = append(m.asked, id)
	m.written = append(m.written, res.Clone())
	if _, ok := m.users[id]; !ok {
		return nil, scim.NotFound("User %s not found.", id)
	}
	u := res.Clone()
	u["id"] = id
	m.users[id] = u
	return u.Clone(), nil
}

func (m *memTenant) PatchUser(ctx context.Context, id string, ops []scim.PatchOp) (scim.Resource, error) {
	schema, _ := m.UserSchema(ctx)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.asked = append(m.asked, id)
	u, ok := m.users[id]
	if !ok {
		return nil, scim.NotFound("User %s not found.", id)
	}
	if err := scim.ApplyPatch(u, ops, schema); err != nil {
		return nil, err
	}
	return u.Clone(), nil
}

func (m *memTenant) DeleteUser(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.asked = append(m.asked, id)
	return nil
}

func (m *memTenant) Entitlements(context.Context) ([]scim.Resource, error) {
	return []scim.Resource{{"id": "1", "displayName": "VPN"}, {"id": "2", "displayName": "Wiki"}}, nil
}

func (m *memTenant) GetEntitlement(_ context.Context, id string) (scim.Resource, error) {
	return nil, scim.NotFound("Entitlement %s not found.", id)
}

// put stores a user directly.
func (m *memTenant) put(u scim.Resource) {
	m.mu.Lock()
	m.users[u["id"].(string)] = u
	m.mu.Unlock()
}

// lastAsked is the id the tenant was last asked for.
func (m *memTenant) lastAsked() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.asked) == 0 {
		return ""
	}
	return m.asked[len(m.asked)-1]
}

func (m *memTenant) lastWritten() scim.Resource {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.written) == 0 {
		return nil
	}
	return m.written[len(m.written)-1]
}

// memBackend serves one tenant, "app".
type memBackend struct{ t *memTenant }

func (b memBackend) Tenant(_ context.Context, app, _ string) (Tenant, error) {
	if app != "app" {
		return nil, scim.NotFound("No tenant %s.", app)
	}
	return b.t, nil
}

// observed is one ObserveRequest call.
type observed struct {
	route, method string
	status        int
	tenant        string
	handled       bool
}

type fakeObserver struct {
	requests   chan observed
	mu         sync.Mutex
	authFailed int
}

func (o *fakeObserver) ObserveRequest(ob Observation) {
	o.requests <- observed{ob.Route, ob.Method, ob.Status, ob.Tenant, ob.Handled}
}

func (o *fakeObserver) StartRequest() {}

func (o *fakeObserver) AuthFailed() {
	o.mu.Lock()
	o.authFailed++
	o.mu.Unlock()
}

// testServer is a Server on httptest, with what it tells the outside world.
type testServer struct {
	*httptest.Server
	s      *Server
	tenant *memTenant
	obs    *fakeObserver
	logs   *observer.ObservedLogs
}

func newTestServer(t *testing.T, adjust ...func(*Config)) *testServer {
	t.Helper()
	core, logs := observer.New(zapcore.InfoLevel)
	ts := &testServer{tenant: newMemTenant(), obs: &fakeObserver{requests: make(chan observed, 1000)}, logs: logs}
	cfg := Config{Token: testToken, ContextPath: "/ws/rest"}
	for _, a := range adjust {
		a(&cfg)
	}
	ts.s = New(cfg, zap.New(core), memBackend{ts.tenant}, ts.obs)
	ts.Server = httptest.NewServer(ts.s.Handler())
	t.Cleanup(ts.Close)
	return ts
}

// do sends a request to path below the tenant's SCIM base, escaped as
// written, and returns the status, the headers and the decoded body.
func (ts *testServer) do(t *testing.T, method, path, body string) (int, http.Header, map[string]any) {
	t.Helper()
	return ts.doWith(t, method, path, body, func(*http.Request) {})
}

func (ts *testServer) doWith(t *testing.T, method, path, body string, edit func(*http.Request)) (int, http.Header, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, ts.URL+testBase+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	edit(req)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	var doc map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	return resp.StatusCode, resp.Header, doc
}

func keys(doc map[string]any) string {
	var ks []string
	for k := range doc {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

// An id is decoded exactly once, however the client escaped it and whatever
// spelling of the endpoint it used.
func TestUserIDsAreUnescapedOnce(t *testing.T) {
	ts := newTestServer(t)
	ids := []string{"a/b", "a%41", "a b", `a"b`, "%", "a%2Fb", "o'brien", "a+b"}
	for _, id := range ids {
		ts.tenant.put(scim.Resource{"id": id, "userName": id})
	}
	for _, id := range ids {
		for _, endpoint := range []string{"/Users/", "/users/", "/USERS/"} {
			path := endpoint + url.PathEscape(id)
			status, _, doc := ts.do(t, "GET", path, "")
			if status != 200 || doc["id"] != id {
				t.Errorf("GET %s: %d %v, want user %q", path, status, doc, id)
				continue
			}
			if got := ts.tenant.lastAsked(); got != id {
				t.Errorf("GET %s asked the tenant for %q, want %q", path, got, id)
			}
			meta, _ := doc["meta"].(map[string]any)
			if loc, _ := meta["location"].(string); !strings.HasSuffix(loc, "/Users/"+url.PathEscape(id)) {
				t.Errorf("GET %s: location %q", path, loc)
			}
		}
	}
	// Escapes Go would not have chosen, and a trailing slash.
	for path, id := range map[string]string{
		"/Users/%61%2F%62": "a/b", "/users/a%2fb/": "a/b", "/Users/a%20b": "a b", "/users/%25": "%", "/Users/a+b": "a+b",
	} {
		if status, _, doc := ts.do(t, "GET", path, ""); status != 200 || doc["id"] != id {
			t.Errorf("GET %s: %d %v, want user %q", path, status, doc, id)
		}
	}
	if status, _, _ := ts.do(t, "DELETE", "/users/a%2Fb", ""); status != http.StatusNoContent || ts.tenant.lastAsked() != "a/b" {
		t.Errorf("DELETE /users/a%%2Fb: %d, tenant asked for %q", status, ts.tenant.lastAsked())
	}
	if status, hdr, _ := ts.do(t, "POST", "/users/a%2Fb", `{}`); status != http.StatusMethodNotAllowed || hdr.Get("Allow") == "" {
		t.Errorf("POST /users/a%%2Fb: %d, Allow %q", status, hdr.Get("Allow"))
	}
}

// Write responses go through the same attribute selection as GET: password
// never comes back, and attributes / excludedAttributes are honoured.
func TestWriteResponsesApplyAttributeSelection(t *testing.T) {
	ts := newTestServer(t)
	const body = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen","password":"t1meMach1ne","displayName":"Babs","name":{"givenName":"Barbara"}}`

	status, hdr, doc := ts.do(t, "POST", "/Users", body)
	if status != http.StatusCreated || hdr.Get("Location") == "" {
		t.Fatalf("POST: %d %v", status, doc)
	}
	if _, ok := doc["password"]; ok {
		t.Errorf("POST echoed the password: %v", doc)
	}
	if ts.tenant.lastWritten()["password"] != "t1meMach1ne" {
		t.Errorf("the tenant did not get the password: %v", ts.tenant.lastWritten())
	}

	_, _, got := ts.do(t, "GET", "/Users/bjensen?attributes=userName", "")
	status, _, doc = ts.do(t, "POST", "/Users?attributes=userName", strings.Replace(body, "bjensen", "bj2", 1))
	if status != http.StatusCreated || keys(doc) != keys(got) || keys(doc) != "id,schemas,userName" {
		t.Errorf("POST ?attributes=userName: %d, members %s; GET gives %s", status, keys(doc), keys(got))
	}

	for _, tc := range []struct{ method, path, body, want string }{
		{"PUT", "/Users/bjensen", body, "displayName,id,meta,name,schemas,userName"},
		{"PUT", "/Users/bjensen?excludedAttributes=name,meta", body, "displayName,id,schemas,userName"},
		{"PATCH", "/Users/bjensen", `{"Operations":[{"op":"replace","path":"password","value":"n3w"}]}`, "displayName,id,meta,name,schemas,userName"},
		{"PATCH", "/Users/bjensen?attributes=displayName", `{"Operations":[{"op":"replace","path":"displayName","value":"B"}]}`, "displayName,id,schemas"},
	} {
		status, _, doc := ts.do(t, tc.method, tc.path, tc.body)
		if status != 200 || keys(doc) != tc.want {
			t.Errorf("%s %s: %d, members %s, want %s", tc.method, tc.path, status, keys(doc), tc.want)
		}
	}

	// A malformed selection is refused before anything is written.
	n := len(ts.tenant.written)
	if status, _, doc := ts.do(t, "POST", "/Users?attributes=a%20b", strings.Replace(body, "bjensen", "bj3", 1)); status != 400 || doc["scimType"] != "invalidValue" {
		t.Errorf("POST ?attributes=a b: %d %v", status, doc)
	}
	if len(ts.tenant.written) != n {
		t.Error("the user was written although the request was refused")
	}
}

// RFC 7643 §2.2: readOnly attributes in a POST or PUT are ignored, neither
// checked nor passed on to be written.
func TestReadOnlyAttributesInBodiesAreIgnored(t *testing.T) {
	ts := newTestServer(t)
	const extra = `"id":5,"meta":{"created":"yesterday"},"groups":[{"value":"g"}],"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"m","displayName":7}}`
	status, _, doc := ts.do(t, "POST", "/Users", `{"userName":"luke",`+extra+`}`)
	if status != http.StatusCreated || doc["id"] != "luke" {
		t.Fatalf("POST: %d %v", status, doc)
	}
	want := `{"userName":"luke","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"m"}}}`
	if got, _ := ts.tenant.lastWritten().MarshalJSON(); string(got) != want {
		t.Errorf("POST passed on\n %s\nwant %s", got, want)
	}
	status, _, doc = ts.do(t, "PUT", "/Users/luke", `{"userName":"luke","title":"Jedi",`+extra+`}`)
	if status != 200 || doc["id"] != "luke" || doc["title"] != "Jedi" {
		t.Fatalf("PUT: %d %v", status, doc)
	}
	if w := ts.tenant.lastWritten(); w["id"] != nil || w["meta"] != nil || w["groups"] != nil {
		t.Errorf("PUT passed on read-only attributes: %v", w)
	}
}

func TestUnsupportedMediaTypeHasNoScimType(t *testing.T) {
	ts := newTestServer(t)
	status, _, doc := ts.doWith(t, "POST", "/Users", `{"userName":"x"}`, func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") })
	if status != http.StatusUnsupportedMediaType || !strings.Contains(doc["detail"].(string), "application/scim+json") {
		t.Fatalf("%d %v", status, doc)
	}
	if _, ok := doc["scimType"]; ok {
		t.Errorf("a 415 with a scimType: %v", doc)
	}
}

func TestSearchRequestSchemas(t *testing.T) {
	ts := newTestServer(t)
	ts.tenant.put(scim.Resource{"id": "u", "userName": "u"})
	for _, tc := range []struct {
		body   string
		status int
	}{
		{`{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"userName eq \"u\""}`, 200},
		{`{"filter":"userName eq \"u\""}`, 200},
		{`{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"filter":"userName eq \"u\""}`, 400},
		{`{"schemas":[],"count":1}`, 400},
	} {
		status, _, doc := ts.do(t, "POST", "/Users/.search", tc.body)
		if status != tc.status {
			t.Errorf("%s: %d %v, want %d", tc.body, status, doc, tc.status)
			continue
		}
		if status == 400 && (doc["scimType"] != "invalidSyntax" || !strings.Contains(doc["detail"].(string), scim.SearchRequestSchema)) {
			t.Errorf("%s: %v", tc.body, doc)
		}
	}
}

// gt, ge, lt and le on a boolean or binary attribute are refused with
// invalidFilter on every list endpoint (RFC 7644 §3.4.2.2).
func TestOrderingFiltersOnBooleansAreRefused(t *testing.T) {
	ts := newTestServer(t)
	for _, tc := range []struct{ method, path, body, detail string }{
		{"GET", "/Users?filter=" + url.QueryEscape(`active gt true`), "", "gt cannot compare with true"},
		{"GET", "/Users?filter=" + url.QueryEscape(`active ge "true"`), "", "ge cannot compare active, a boolean attribute"},
		{"GET", "/Users?filter=" + url.QueryEscape(`emails[primary lt "x"]`), "", "lt cannot compare primary, a boolean attribute"},
		{"GET", "/Users?filter=" + url.QueryEscape(`x509Certificates le "AA"`), "", "le cannot compare x509Certificates, a binary attribute"},
		{"POST", "/Users/.search", `{"filter":"active lt false"}`, "lt cannot compare with false"},
		{"GET", "/Entitlements?filter=" + url.QueryEscape(`displayName gt false`), "", "gt cannot compare with false"},
	} {
		status, _, doc := ts.do(t, tc.method, tc.path, tc.body)
		detail, _ := doc["detail"].(string)
		if status != 400 || doc["scimType"] != "invalidFilter" || !strings.Contains(detail, tc.detail) {
			t.Errorf("%s %s: %d %v, want invalidFilter %q", tc.method, tc.path, status, doc, tc.detail)
		}
	}
	if status, _, doc := ts.do(t, "GET", "/Users?filter="+url.QueryEscape(`active eq true and userName gt "a"`), ""); status != 200 {
		t.Errorf("eq on a boolean: %d %v", status, doc)
	}
}

// A streamed list cut short still gets its access log line and its count,
// marked aborted.
func TestAbortedListIsLoggedAndCounted(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.StreamUnpaged = true })
	ts.tenant.put(scim.Resource{"id": "a", "userName": "a"})
	ts.tenant.put(scim.Resource{"id": "b", "userName": "b"})
	ts.tenant.listErr = errors.New("connection reset")

	req, _ := http.NewRequest("GET", ts.URL+testBase+"/Users", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := ts.Client().Do(req)
	if err == nil {
		raw, readErr := io.ReadAll(resp.Body)
		resp.Body.Close()
		if readErr == nil && json.Valid(raw) {
			t.Fatalf("the cut list reads as complete: %s", raw)
		}
	}
	select {
	case got := <-ts.obs.requests:
		if want := (observed{"/Users", "GET", 200, "app", true}); got != want {
			t.Errorf("observed %+v, want %+v", got, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the aborted request was not observed")
	}
	lines := ts.logs.FilterMessage("request").All()
	if len(lines) != 1 {
		t.Fatalf("%d access log lines, want 1", len(lines))
	}
	fields := lines[0].ContextMap()
	if fields["aborted"] != true || fields["status"] != int64(200) || fields["path"] != testBase+"/Users" {
		t.Errorf("access log line %v", fields)
	}
}

// A client sharing its address with a guesser (NAT, a load balancer,
// Kubernetes SNAT) is never held back by the guesser: the right token is
// recognised before the throttle and served at once, however many wrong
// ones came from the address (the review saw 1x200 and 69x429 over 15 s
// after 20 wrong tokens). Wrong tokens from that address still take
// turns, and those beyond maxInlineWait get 429; the right token's
// success does not clear the guesser's penalty.
func TestRightTokenNeverWaitsBehindWrongOnes(t *testing.T) {
	ts := newTestServer(t)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ts.s.throttle.now = func() time.Time { return now } // the clock stands still: no turn comes by itself
	for i := 0; i < 20; i++ {
		ts.s.throttle.failed("127.0.0.1") // 20 wrong tokens from the client's address
	}
	for i := 0; i < 30; i++ {
		if status, _, doc := ts.do(t, "GET", "/ServiceProviderConfig", ""); status != 200 {
			t.Fatalf("right token %d after 20 wrong ones: %d %v", i+1, status, doc)
		}
	}
	wrong := func(r *http.Request) { r.Header.Set("Authorization", "Bearer not-the-token-at-all") }
	status, hdr, _ := ts.doWith(t, "GET", "/ServiceProviderConfig", "", wrong)
	if status != http.StatusTooManyRequests || hdr.Get("Retry-After") == "" {
		t.Errorf("a wrong token during the penalty, after the right one succeeded: %d, Retry-After %q", status, hdr.Get("Retry-After"))
	}
}

// TestRouteLabelDependsOnThePathAlone: the metrics label a request with the
// route its path matches, however it ended – a 401 on /Users is /Users –
// and only requests a route's handler answered are marked handled (timed).
func TestRouteLabelDependsOnThePathAlone(t *testing.T) {
	ts := newTestServer(t)
	ts.tenant.put(scim.Resource{"id": "a", "userName": "a"})
	noToken := func(r *http.Request) { r.Header.Del("Authorization") }
	keep := func(*http.Request) {}
	for _, tc := range []struct {
		method, path string
		edit         func(*http.Request)
		want         observed
	}{
		{"GET", "/Users", noToken, observed{"/Users", "GET", 401, "", false}},
		{"DELETE", "/Users/a", noToken, observed{"/Users/{id}", "DELETE", 401, "", false}},
		{"GET", "/users/", keep, observed{"/Users", "GET", 200, "app", true}},
		{"HEAD", "/Users/a", keep, observed{"/Users/{id}", "HEAD", 200, "app", true}},
		{"GET", "/Users/nobody", keep, observed{"/Users/{id}", "GET", 404, "app", true}},
		{"MADEUP", "/Users/a", keep, observed{"/Users/{id}", "MADEUP", 405, "", false}},
		{"PUT", "/Users", keep, observed{"/Users", "PUT", 405, "", false}},
		{"GET", "/Nothing/here", keep, observed{UnmatchedRoute, "GET", 404, "", false}},
		{"GET", "/Users/a/b", keep, observed{UnmatchedRoute, "GET", 404, "", false}},
	} {
		status, _, _ := ts.doWith(t, tc.method, tc.path, "", tc.edit)
		select {
		case got := <-ts.obs.requests:
			if got != tc.want {
				t.Errorf("%s %s (%d): observed %+v, want %+v", tc.method, tc.path, status, got, tc.want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s %s was not observed", tc.method, tc.path)
		}
	}
}

// Requests without a valid token once wrote one access line each with the
// raw method and path (up to the header limit): a client without a token
// could fill the disk. The lines are clipped, and a few per kind and minute
// are written, the next one counting those left out.
func TestUnauthenticatedRequestsCannotFloodTheLog(t *testing.T) {
	ts := newTestServer(t)
	var mu sync.Mutex
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ts.s.throttle.now = func() time.Time { // every failure is long forgotten: no waits, all 401
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(time.Hour)
		return clock
	}
	long := "/Users/" + strings.Repeat("x", 4096)
	noToken := func(r *http.Request) { r.Header.Del("Authorization") }
	const n = 2000
	for i := 0; i < n; i++ {
		if status, _, _ := ts.doWith(t, "GET", long, "", noToken); status != http.StatusUnauthorized {
			t.Fatalf("request %d: %d", i, status)
		}
		<-ts.obs.requests // the observer's queue is bounded
	}
	lines := ts.logs.FilterMessage("request").All()
	if len(lines) > logBurst {
		t.Errorf("%d unauthenticated requests wrote %d access lines, want at most %d per minute", n, len(lines), logBurst)
	}
	for _, l := range lines {
		if p := l.ContextMap()["path"].(string); len(p) > maxLoggedPath+32 {
			t.Errorf("an access line holds a path of %d bytes", len(p))
		}
	}

	// The next window's first line says how many were left out.
	ts.s.logLimit.now = func() time.Time { return time.Now().Add(2 * logWindow) }
	ts.doWith(t, "GET", "/Users", "", noToken)
	all := ts.logs.FilterMessage("request").All()
	if last := all[len(all)-1].ContextMap(); last["suppressed"] != int64(n-len(lines)) {
		t.Errorf("the next window's line: %v, want suppressed=%d", last, n-len(lines))
	}
}

func TestClip(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"GET", 16, "GET"},
		{strings.Repeat("a", 20), 16, strings.Repeat("a", 16) + "…(20 bytes)"},
		{"ab€cd", 3, "ab…(7 bytes)"}, // never half a rune
	} {
		if got := clip(tc.in, tc.n); got != tc.want {
			t.Errorf("clip(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

// An X-Request-Id from the client or a proxy is kept when it is plain and
// short, so one id follows the request through every log; anything else is
// replaced, so a client cannot put arbitrary text in sqlscim's log.
func TestRequestIDIsKeptWhenPlain(t *testing.T) {
	ts := newTestServer(t)
	for _, tc := range []struct {
		sent string
		kept bool
	}{
		{"lb-7f3a9c:0001", true},
		{"4bf92f3577b34da6a3ce929d0e0e4736", true},
		{strings.Repeat("a", 64), true},
		{strings.Repeat("a", 65), false},
		{"has space", false},
		{`"quoted"`, false},
		{"", false},
	} {
		_, hdr, _ := ts.doWith(t, "GET", "/ServiceProviderConfig", "", func(r *http.Request) {
			if tc.sent != "" {
				r.Header.Set(RequestIDHeader, tc.sent)
			}
		})
		<-ts.obs.requests
		got := hdr.Get(RequestIDHeader)
		if (got == tc.sent) != tc.kept || got == "" || !validRequestID(got) {
			t.Errorf("sent %q, answered %q (kept: want %v)", tc.sent, got, tc.kept)
		}
		lines := ts.logs.FilterMessage("request").All()
		if last := lines[len(lines)-1].ContextMap(); last["request_id"] != got {
			t.Errorf("the log line's request_id %v, the response's %q", last["request_id"], got)
		}
	}
}

// The access log said only method, path and status: an operator could not
// tell which user a PATCH changed, or what a listing asked for. Writes name
// the user's id and userName; listings their paging and filter, with the
// filter's values hidden.
func TestAccessLogNamesTheUserAndTheListing(t *testing.T) {
	ts := newTestServer(t)
	last := func() map[string]any {
		<-ts.obs.requests
		lines := ts.logs.FilterMessage("request").All()
		return lines[len(lines)-1].ContextMap()
	}
	status, _, doc := ts.do(t, "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen"}`)
	id, _ := doc["id"].(string)
	if status != 201 || id == "" {
		t.Fatalf("POST: %d %v", status, doc)
	}
	if l := last(); l["user_name"] != "bjensen" || l["user_id"] != id {
		t.Errorf("POST's line: %v", l)
	}
	ts.do(t, "PATCH", "/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"title":"Boss"}}]}`)
	if l := last(); l["user_id"] != id || l["user_name"] != "bjensen" {
		t.Errorf("PATCH's line: %v", l)
	}
	ts.do(t, "GET", `/Users?startIndex=1&count=5&filter=`+url.QueryEscape(`userName eq "bjensen" and title sw "B\"oss"`), "")
	if l := last(); l["start_index"] != "1" || l["count"] != "5" || l["filter"] != `userName eq "***" and title sw "***"` {
		t.Errorf("GET /Users's line: %v", l)
	}
}
