package app

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sqlscim/sqlscim/internal/testsupport/dbtest"
	"github.com/sqlscim/sqlscim/internal/testsupport/faultproxy"
	"github.com/sqlscim/sqlscim/internal/testsupport/labtest"
)

// This file replays hostile requests against a real sqlscim serving the
// MariaDB lab, once with the tenant from a local tenants file and once with
// the configuration in the agent's header. Every answer must be the exact
// 4xx SCIM error the row names (or, for a search, a successful empty
// result), never a 5xx, never a panic, and the database must hold exactly
// what it held before.

const (
	hostileFileApp    = "hostile_file"  // the tenant of the local tenants file
	hostileAgentApp   = "hostile_agent" // the {app} of the agent's requests
	hostileErrorURN   = "urn:ietf:params:scim:api:messages:2.0:Error"
	hostileDBExt      = "urn:sqlscim:schemas:extension:database:2.0:User"
	hostileEnterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	hostileLuke       = "luke.skywalker@galaxy.local"
)

// Injection texts used in values, filters, ids and paths.
const (
	hostileDrop      = "'; DROP TABLE USERS; --"
	hostileOrTrue    = `" OR 1=1 --`
	hostileQuoteOr   = "' OR '1'='1"
	hostileNUL       = "a\x00b"
	hostileBadUTF8   = "\xff\xfe\xfd"
	hostileNoSuchEnt = "999" // an entitlement the lab does not have
)

// hostileRow is one hostile request and the answer it must get.
type hostileRow struct {
	name string
	// only restricts the row to one tenant source, "file" or "header".
	only   string
	method string
	// path is below the tenant's SCIM base URL, query included, already
	// escaped ("/Users?filter=...").
	path string
	// abs, when set, replaces path: the whole path below https://host.
	abs  string
	body []byte
	// ctype is the Content-Type; "" sends application/scim+json with a body.
	ctype string
	// header replaces the agent header (header mode only).
	header string
	// status is the expected HTTP status.
	status int
	// scimType is the expected scimType of an error ("" = none expected).
	scimType string
	// detail must be contained in the error's detail.
	detail string
	// secret must not appear anywhere in the answer.
	secret string
	// results is the expected totalResults of a 200 list.
	results int
}

// hostileEnv is the server, the database and the two ways to reach it.
type hostileEnv struct {
	t      *testing.T
	in     *instance
	c      *http.Client
	token  string
	d      *dbtest.Database
	header string         // the agent's header for the lab tenant
	doc    map[string]any // its JSON
}

// newHostileEnv starts sqlscim on a fresh lab database with the lab tenant
// in a tenants file, and prepares the agent's header for the same database.
func newHostileEnv(t *testing.T) *hostileEnv {
	t.Helper()
	d := labtest.Database(t, "mysql")
	dataDir := t.TempDir()
	tenants := writeHostileTenants(t, d)
	in := start(t, testConfig(t), "--data-dir", dataDir, "--demo", "false", "--tenants", tenants, "--config", headerConfig(t, ""))
	e := &hostileEnv{
		t: t, in: in, d: d,
		c:      client(readCert(t, filepath.Join(dataDir, "certs", "OktaOnPremScimServer-local.crt")), 0, 0),
		token:  tokenOf(t, filepath.Join(dataDir, "conf", "config-local.properties")),
		header: agentHeader(t, "mysql-sql.yaml", d),
	}
	e.c.Timeout = 30 * time.Second
	raw, err := base64.StdEncoding.DecodeString(e.header)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &e.doc); err != nil {
		t.Fatal(err)
	}
	return e
}

// writeHostileTenants writes testdata/tenants/mysql-sql.yaml pointed at d
// as a local tenants file.
func writeHostileTenants(t *testing.T, d *dbtest.Database) string {
	t.Helper()
	tn := labtest.TenantDoc(t, "mysql-sql.yaml")
	tn["name"] = hostileFileApp
	dbm := tn["database"].(map[string]any)
	delete(dbm, "password_env")
	dbm["host"], dbm["port"], dbm["database"], dbm["user"], dbm["password"] = d.Conn.Host, d.Conn.Port, d.Conn.Database, d.Conn.User, ""
	out, err := yaml.Marshal(map[string]any{"tenants": []any{tn}})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "tenants.yaml")
	if err := os.WriteFile(p, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// headerWith returns the agent header with its JSON changed by edit.
func (e *hostileEnv) headerWith(edit func(doc map[string]any)) string {
	e.t.Helper()
	var doc map[string]any
	raw, _ := json.Marshal(e.doc)
	if err := json.Unmarshal(raw, &doc); err != nil {
		e.t.Fatal(err)
	}
	edit(doc)
	js, err := json.Marshal(doc)
	if err != nil {
		e.t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(js)
}

// withStatement sets the statement (and type) of one operation.
func (e *hostileEnv) withStatement(op, typ, statement string) string {
	return e.headerWith(func(doc map[string]any) {
		o := doc["operations"].(map[string]any)[op].(map[string]any)
		o["type"], o["statement"] = typ, statement
	})
}

// withDatabase changes one field of the header's database.
func (e *hostileEnv) withDatabase(field string, v any) string {
	return e.headerWith(func(doc map[string]any) {
		doc["database"].(map[string]any)[field] = v
	})
}

// hostileB64 is a header value: the standard base64 of s.
func hostileB64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// send runs a row in a mode and returns the status, the headers and the body.
func (e *hostileEnv) send(r hostileRow, mode string) (int, http.Header, []byte, error) {
	app := hostileFileApp
	if mode == "header" {
		app = hostileAgentApp
	}
	target := "https://" + e.in.addr + "/ws/rest/" + app + "/scim/v2" + r.path
	if r.abs != "" {
		target = "https://" + e.in.addr + r.abs
	}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequest(r.method, target, body)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+e.token)
	req.Header.Set("Accept", "application/scim+json")
	switch {
	case r.ctype != "":
		req.Header.Set("Content-Type", r.ctype)
	case r.body != nil:
		req.Header.Set("Content-Type", "application/scim+json; charset=utf-8")
	}
	if mode == "header" {
		h := e.header
		if r.header != "" {
			h = r.header
		}
		req.Header.Set("X-OKTA-ONPREM-DATA", h)
	}
	resp, err := e.c.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, raw, err
}

// hostileDriverText finds a MySQL driver message ("Error 1064 (42000): ...") in a
// detail: the driver's own text must stay in the log.
var hostileDriverText = regexp.MustCompile(`Error \d{4} \(`)

// check asserts the answer to a row.
func (e *hostileEnv) check(t *testing.T, r hostileRow, status int, h http.Header, raw []byte) {
	t.Helper()
	if status >= 500 && r.status < 500 {
		t.Fatalf("%s %s: %d (a 5xx for a hostile request): %s", r.method, r.path+r.abs, status, hostileClip(raw))
	}
	if status != r.status {
		t.Fatalf("%s %s: status %d, want %d: %s", r.method, r.path+r.abs, status, r.status, hostileClip(raw))
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/scim+json") {
		t.Errorf("Content-Type %q, want application/scim+json", ct)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("not JSON (%v): %s", err, hostileClip(raw))
	}
	if status == http.StatusOK {
		if got, _ := doc["totalResults"].(float64); int(got) != r.results {
			t.Errorf("totalResults %v, want %d", doc["totalResults"], r.results)
		}
		return
	}
	schemas, _ := doc["schemas"].([]any)
	if len(schemas) != 1 || schemas[0] != hostileErrorURN {
		t.Errorf("schemas %v, want [%s]", doc["schemas"], hostileErrorURN)
	}
	if doc["status"] != strconv.Itoa(r.status) {
		t.Errorf("status member %#v, want %q", doc["status"], strconv.Itoa(r.status))
	}
	detail, _ := doc["detail"].(string)
	if strings.TrimSpace(detail) == "" {
		t.Error("no detail")
	}
	if got, _ := doc["scimType"].(string); got != r.scimType {
		t.Errorf("scimType %q, want %q (detail %q)", got, r.scimType, detail)
	}
	if !strings.Contains(detail, r.detail) {
		t.Errorf("detail %q does not contain %q", detail, r.detail)
	}
	if r.secret != "" && strings.Contains(string(raw), r.secret) {
		t.Errorf("the answer repeats the secret %q: %s", r.secret, hostileClip(raw))
	}
	if hostileDriverText.MatchString(detail) {
		t.Errorf("detail repeats the driver's message: %q", detail)
	}
	if r.status == http.StatusServiceUnavailable && h.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
}

// hostileClip shortens a body for a message.
func hostileClip(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

// TestHostileRequests replays the table against both tenant sources and
// checks the database is unchanged.
func TestHostileRequests(t *testing.T) {
	e := newHostileEnv(t)
	rows := hostileRows(e)
	if len(rows) < 100 {
		t.Fatalf("only %d rows", len(rows))
	}
	names := map[string]bool{}
	for _, r := range rows {
		if names[r.name] {
			t.Fatalf("row %q twice", r.name)
		}
		names[r.name] = true
	}
	before := hostileChecksum(t, e.d)

	requests := 0
	for _, mode := range []string{"file", "header"} {
		t.Run(mode, func(t *testing.T) {
			for _, r := range rows {
				if r.only != "" && r.only != mode {
					continue
				}
				t.Run(r.name, func(t *testing.T) {
					requests++
					status, h, raw, err := e.send(r, mode)
					if err != nil {
						t.Fatalf("%s %s: %v", r.method, r.path+r.abs, err)
					}
					e.check(t, r, status, h, raw)
				})
			}
		})
	}
	t.Logf("%d rows, %d requests", len(rows), requests)

	if after := hostileChecksum(t, e.d); after != before {
		t.Errorf("the database changed: checksum %s before, %s after", before, after)
	}
	if log := e.in.out.String(); strings.Contains(strings.ToLower(log), "panic") {
		t.Errorf("the server log mentions a panic:\n%s", log)
	}
	// The server is still healthy and the lab intact.
	status, _, raw, err := e.send(hostileRow{method: "GET", path: "/Users/" + hostileLuke}, "header")
	if err != nil || status != 200 {
		t.Errorf("after the table: GET luke: %d %v %s", status, err, hostileClip(raw))
	}
}

// hostileChecksum hashes everything in the lab database: the list of tables
// and views, the routines with their definitions, and every row of every
// table in a stable order.
func hostileChecksum(t *testing.T, d *dbtest.Database) string {
	t.Helper()
	h := sha256.New()
	dump := func(query string, args ...any) {
		rows, err := d.DB.Query(query, args...)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		fmt.Fprintf(h, "%s\n%q\n", query, cols)
		vals := make([]sql.RawBytes, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		n := 0
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				if v == nil {
					h.Write([]byte("\x00NULL\x00"))
				} else {
					fmt.Fprintf(h, "%d:%s|", len(v), v)
				}
			}
			h.Write([]byte{'\n'})
			n++
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%d rows\n", n)
	}
	schema := d.Conn.Database
	dump("SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME", schema)
	dump("SELECT ROUTINE_NAME, ROUTINE_TYPE, ROUTINE_DEFINITION FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? ORDER BY ROUTINE_NAME", schema)
	rows, err := d.DB.Query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME", schema)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	for _, want := range []string{"ENTITLEMENTS", "USERENTITLEMENTS", "USERS"} {
		found := false
		for _, n := range tables {
			found = found || n == want
		}
		if !found {
			t.Fatalf("table %s is missing: %v", want, tables)
		}
	}
	for _, n := range tables {
		var ncols int
		if err := d.DB.QueryRow("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?", schema, n).Scan(&ncols); err != nil {
			t.Fatal(err)
		}
		order := make([]string, ncols)
		for i := range order {
			order[i] = strconv.Itoa(i + 1)
		}
		dump("SELECT * FROM `" + n + "` ORDER BY " + strings.Join(order, ", "))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// hostileUser is a complete create body for id; extra members are merged in (a
// nil value deletes a member).
func hostileUser(id string, extra map[string]any) []byte {
	u := map[string]any{
		"schemas":  []any{"urn:ietf:params:scim:schemas:core:2.0:User", hostileDBExt},
		"userName": id,
		"name":     map[string]any{"givenName": "Hostile", "familyName": "Test"},
		"emails":   []any{map[string]any{"value": id, "type": "work", "primary": true}},
		"active":   true,
		// An entitlement that does not exist: the create is refused after
		// the INSERT ran, inside the transaction, so nothing stays.
		"entitlements": []any{map[string]any{"value": hostileNoSuchEnt}},
		hostileDBExt:   map[string]any{"USER_ID": id, "USERNAME": strings.Split(id, "@")[0], "FIRSTNAME": "Hostile", "LASTNAME": "Test", "EMAIL": id},
	}
	for k, v := range extra {
		if v == nil {
			delete(u, k)
			continue
		}
		u[k] = v
	}
	b, err := json.Marshal(u)
	if err != nil {
		panic(err)
	}
	return b
}

// hostileCoreUser is a create body with core attributes only, so that a
// wrong type in one of them is not hidden by the tenant extension's column.
func hostileCoreUser(id string, extra map[string]any) []byte {
	return hostileUser(id, hostileMerge(map[string]any{"schemas": []any{"urn:ietf:params:scim:schemas:core:2.0:User"}, hostileDBExt: nil}, extra))
}

// hostileMerge returns the members of a and b, b's winning.
func hostileMerge(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// hostilePatch builds a PatchOp body from operations.
func hostilePatch(ops ...map[string]any) []byte {
	list := make([]any, len(ops))
	for i, o := range ops {
		list[i] = o
	}
	b, _ := json.Marshal(map[string]any{"schemas": []any{"urn:ietf:params:scim:api:messages:2.0:PatchOp"}, "Operations": list})
	return b
}

// hostileOp is one PATCH operation; an empty path or a nil value is left out.
func hostileOp(name, path string, value any) map[string]any {
	m := map[string]any{"op": name}
	if path != "" {
		m["path"] = path
	}
	if value != nil {
		m["value"] = value
	}
	return m
}

// hostileFilter is a list request with a filter.
func hostileFilter(f string) string { return "/Users?filter=" + url.QueryEscape(f) }

// hostileUserPath is a path below /Users for a raw user id.
func hostileUserPath(s string) string { return "/Users/" + url.PathEscape(s) }

// hostileNested returns depth levels of open, inner, and depth levels of close.
func hostileNested(open, inner, close string, depth int) string {
	return strings.Repeat(open, depth) + inner + strings.Repeat(close, depth)
}

// hostileRows is the table. Rows run in both modes unless only says
// otherwise; see the comments for the rows whose right answer is not an
// error.
func hostileRows(e *hostileEnv) []hostileRow {
	const (
		bad      = http.StatusBadRequest
		notFound = http.StatusNotFound
	)
	lukePath := "/Users/" + hostileLuke
	deep := func(depth int) []byte {
		return []byte(`{"userName":"deep@x","x":` + hostileNested(`{"a":`, "1", "}", depth) + "}")
	}
	rows := []hostileRow{
		// ---- Malformed and truncated JSON ----
		{name: "json/empty body", method: "POST", path: "/Users", body: []byte{}, status: bad, scimType: "invalidSyntax", detail: "empty"},
		{name: "json/not JSON", method: "POST", path: "/Users", body: []byte("hello"), status: bad, scimType: "invalidSyntax", detail: "not valid JSON"},
		{name: "json/truncated object", method: "POST", path: "/Users", body: []byte(`{"userName":"a@b"`), status: bad, scimType: "invalidSyntax", detail: "not valid JSON"},
		{name: "json/truncated string", method: "POST", path: "/Users", body: []byte(`{"userName":"a@`), status: bad, scimType: "invalidSyntax", detail: "not valid JSON"},
		{name: "json/truncated half of a user", method: "POST", path: "/Users", body: hostileUser("trunc@x", nil)[:60], status: bad, scimType: "invalidSyntax", detail: "not valid JSON"},
		{name: "json/trailing comma", method: "POST", path: "/Users", body: []byte(`{"userName":"a@b",}`), status: bad, scimType: "invalidSyntax", detail: "not valid JSON"},
		{name: "json/single quotes", method: "POST", path: "/Users", body: []byte(`{'userName':'a@b'}`), status: bad, scimType: "invalidSyntax", detail: "not valid JSON"},
		{name: "json/array instead of object", method: "POST", path: "/Users", body: []byte(`[{"userName":"a@b"}]`), status: bad, scimType: "invalidSyntax", detail: "must be a JSON object"},
		{name: "json/null", method: "POST", path: "/Users", body: []byte(`null`), status: bad, scimType: "invalidSyntax", detail: "must be a JSON object"},
		{name: "json/two objects", method: "POST", path: "/Users", body: []byte(`{"userName":"a@b"}{"userName":"c@d"}`), status: bad, scimType: "invalidSyntax", detail: "unexpected data after the JSON object"},
		{name: "json/duplicate member in another case", method: "POST", path: "/Users", body: []byte(`{"userName":"a@b","USERNAME":"c@d"}`), status: bad, scimType: "invalidSyntax", detail: "twice"},
		{name: "json/raw NUL byte in a string", method: "POST", path: "/Users", body: []byte("{\"userName\":\"a\x00b\"}"), status: bad, scimType: "invalidSyntax", detail: "not valid JSON"},
		{name: "json/raw newline in a string", method: "POST", path: "/Users", body: []byte("{\"userName\":\"a\nb\"}"), status: bad, scimType: "invalidSyntax", detail: "not valid JSON"},
		{name: "json/byte order mark", method: "POST", path: "/Users", body: append([]byte("\xef\xbb\xbf"), hostileUser("bom@x", nil)...), status: bad, scimType: "invalidSyntax", detail: "not valid JSON"},
		{name: "json/objects nested 1000 deep", method: "POST", path: "/Users", body: deep(1000), status: bad, scimType: "invalidSyntax", detail: "levels deep"},
		{name: "json/arrays nested 1000 deep", method: "POST", path: "/Users", body: []byte(`{"userName":"deep@x","emails":` + hostileNested("[", "1", "]", 1000) + "}"), status: bad, scimType: "invalidSyntax", detail: "levels deep"},
		{name: "json/nested 33 deep, one over the limit", method: "POST", path: "/Users", body: deep(32), status: bad, scimType: "invalidSyntax", detail: "levels deep"},
		{name: "json/PUT truncated", method: "PUT", path: lukePath, body: []byte(`{"userName":`), status: bad, scimType: "invalidSyntax", detail: "not valid JSON"},
		{name: "json/PATCH truncated", method: "PATCH", path: lukePath, body: []byte(`{"Operations":[{"op":"replace"`), status: bad, scimType: "invalidSyntax", detail: "not valid JSON"},
		{name: "json/PATCH nested 1000 deep", method: "PATCH", path: lukePath, body: hostilePatch(hostileOp("replace", "title", json.RawMessage(hostileNested("[", "1", "]", 1000)))), status: bad, scimType: "invalidSyntax", detail: "levels deep"},
		{name: "json/search truncated", method: "POST", path: "/Users/.search", body: []byte(`{"filter":"userName eq \"a\""`), status: bad, scimType: "invalidSyntax", detail: "not valid JSON"},

		// ---- Wrong types ----
		// Create bodies with core attributes only, so that the wrong type is
		// not hidden by the same column in the tenant extension. Where the
		// wrong type is ignored rather than refused, the comment says so.
		// userName 42 (and true) is taken as the string "42", as PATCH
		// coerces numbers to strings: the create reaches the INSERT and is
		// refused for the missing entitlement.
		{name: "type/userName a number", method: "POST", path: "/Users", body: hostileCoreUser("num@x", map[string]any{"userName": 42}), status: bad, scimType: "invalidValue", detail: `userName must be a string, not the number 42`},
		{name: "type/userName an array", method: "POST", path: "/Users", body: hostileCoreUser("arr@x", map[string]any{"userName": []any{"a@x", "b@x"}}), status: bad, scimType: "invalidValue", detail: `userName must be a single string value, not an array`},
		{name: "type/userName an object", method: "POST", path: "/Users", body: hostileCoreUser("obj@x", map[string]any{"userName": map[string]any{"value": "x"}}), status: bad, scimType: "invalidValue", detail: `userName must be a single string value, not an object`},
		{name: "type/userName an array, named", method: "POST", path: "/Users", body: hostileCoreUser("arr2@x", map[string]any{"userName": []any{"a@x"}}), status: bad, scimType: "invalidValue", detail: `userName must be a single string value`},
		{name: "type/userName null", method: "POST", path: "/Users", body: []byte(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":null}`), status: bad, scimType: "invalidValue", detail: "userName is required"},
		{name: "type/userName empty", method: "POST", path: "/Users", body: []byte(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":""}`), status: bad, scimType: "invalidValue", detail: "userName is required"},
		{name: "type/userName longer than its column", method: "POST", path: "/Users", body: hostileCoreUser(strings.Repeat("u", 200)+"@x", nil), status: bad, scimType: "invalidValue", detail: "the database refused a value (USER_ID)"},
		// emails and name of the wrong type are ignored (not refused); the
		// NOT NULL column they feed then refuses the INSERT.
		{name: "type/emails an object", method: "POST", path: "/Users", body: hostileCoreUser("emailobj@x", map[string]any{"emails": map[string]any{"value": "emailobj@x", "type": "work"}}), status: bad, scimType: "invalidValue", detail: `emails must be a list of objects, not an object`},
		{name: "type/emails a string", method: "POST", path: "/Users", body: hostileCoreUser("emailstr@x", map[string]any{"emails": "emailstr@x"}), status: bad, scimType: "invalidValue", detail: `emails must be a list of objects, not a string`},
		{name: "type/email value an object", method: "POST", path: "/Users", body: hostileCoreUser("emailval@x", map[string]any{"emails": []any{map[string]any{"value": map[string]any{}, "type": "work"}}}), status: bad, scimType: "invalidValue", detail: `emails[0].value must be a single string value, not an object`},
		{name: "type/name a string", method: "POST", path: "/Users", body: hostileCoreUser("namestr@x", map[string]any{"name": "Hostile Test"}), status: bad, scimType: "invalidValue", detail: `name must be an object, not a string`},
		{name: "type/givenName an object", method: "POST", path: "/Users", body: hostileCoreUser("given@x", map[string]any{"name": map[string]any{"givenName": map[string]any{}, "familyName": "T"}}), status: bad, scimType: "invalidValue", detail: `name.givenName must be a single string value, not an object`},
		{name: "type/title an object", method: "POST", path: "/Users", body: hostileCoreUser("titleobj@x", map[string]any{"title": map[string]any{"a": 1}}), status: bad, scimType: "invalidValue", detail: `title must be a single string value, not an object`},
		{name: "type/title longer than its column", method: "POST", path: "/Users", body: hostileCoreUser("titlelong@x", map[string]any{"title": strings.Repeat("t", 500)}), status: bad, scimType: "invalidValue", detail: "the database refused a value (TITLE)"},
		{name: "type/displayName an array", method: "POST", path: "/Users", body: hostileCoreUser("dnarr@x", map[string]any{"displayName": []any{"a"}}), status: bad, scimType: "invalidValue", detail: `displayName must be a single string value, not an array`},
		{name: "type/active maybe", method: "POST", path: "/Users", body: hostileCoreUser("maybe@x", map[string]any{"active": "maybe"}), status: bad, scimType: "invalidValue", detail: `active must be a boolean (true or false), not the string "maybe"`},
		{name: "type/active an object", method: "POST", path: "/Users", body: hostileCoreUser("activeobj@x", map[string]any{"active": map[string]any{}}), status: bad, scimType: "invalidValue", detail: `active must be a single boolean value, not an object`},
		{name: "type/active an array", method: "POST", path: "/Users", body: hostileCoreUser("activearr@x", map[string]any{"active": []any{true}}), status: bad, scimType: "invalidValue", detail: `active must be a single boolean value, not an array`},
		{name: "type/entitlements a string", method: "POST", path: "/Users", body: hostileUser("entstr@x", map[string]any{"entitlements": "1"}), status: bad, scimType: "invalidValue", detail: "entitlements must be a list"},
		{name: "type/entitlements an object", method: "POST", path: "/Users", body: hostileUser("entobj@x", map[string]any{"entitlements": map[string]any{"value": "1"}}), status: bad, scimType: "invalidValue", detail: "entitlements must be a list"},
		{name: "type/entitlement without value", method: "POST", path: "/Users", body: hostileUser("entnull@x", map[string]any{"entitlements": []any{map[string]any{"value": nil}}}), status: bad, scimType: "invalidValue", detail: "entitlements[0] has no value"},
		{name: "type/entitlement an array", method: "POST", path: "/Users", body: hostileUser("entarr@x", map[string]any{"entitlements": []any{[]any{"1"}}}), status: bad, scimType: "invalidValue", detail: `entitlements[0] must be an object, not an array`},
		// The column is fed by name.givenName too; the detail names that
		// attribute, not the extension member that carried the object.
		{name: "type/extension column an object", method: "POST", path: "/Users", body: hostileUser("colobj@x", map[string]any{hostileDBExt: map[string]any{"USER_ID": "colobj@x", "USERNAME": "colobj", "FIRSTNAME": map[string]any{"x": 1}, "LASTNAME": "T", "EMAIL": "colobj@x"}}), status: bad, scimType: "invalidValue", detail: `FIRSTNAME must be a single string value, not an object`},
		{name: "type/HIREDATE not a date", method: "POST", path: "/Users", body: hostileUser("date@x", map[string]any{hostileDBExt: map[string]any{"USER_ID": "date@x", "USERNAME": "date", "FIRSTNAME": "D", "LASTNAME": "T", "EMAIL": "date@x", "HIREDATE": "yesterday'; DROP TABLE USERS; --"}}), status: bad, scimType: "invalidValue", detail: "HIREDATE"},
		{name: "type/IS_ACTIVE not a boolean", method: "POST", path: "/Users", body: hostileUser("isact@x", map[string]any{hostileDBExt: map[string]any{"USER_ID": "isact@x", "USERNAME": "isact", "FIRSTNAME": "D", "LASTNAME": "T", "EMAIL": "isact@x", "IS_ACTIVE": "1 OR 1=1"}}), status: bad, scimType: "invalidValue", detail: `"1 OR 1=1" is not a whole number`},
		{name: "type/schemas a string", method: "POST", path: "/Users", body: hostileUser("schemastr@x", map[string]any{"schemas": "urn:ietf:params:scim:schemas:core:2.0:User"}), status: bad, scimType: "invalidSyntax", detail: "schemas must include"},
		{name: "type/schemas numbers", method: "POST", path: "/Users", body: hostileUser("schemanum@x", map[string]any{"schemas": []any{1, 2}}), status: bad, scimType: "invalidSyntax", detail: "schemas must include"},
		{name: "type/PUT active maybe", method: "PUT", path: lukePath, body: hostileCoreUser(hostileLuke, map[string]any{"active": "maybe", "entitlements": nil}), status: bad, scimType: "invalidValue", detail: `active must be a boolean (true or false), not the string "maybe"`},
		// A multi-valued attribute of the wrong type in a PUT must be
		// refused; today it clears the columns it feeds (or is ignored) and
		// the PUT answers 200, which would change the database here.
		{name: "type/PUT phoneNumbers a string", method: "PUT", path: lukePath, body: []byte(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"luke.skywalker","phoneNumbers":"555"}`), status: bad, scimType: "invalidValue", detail: "phoneNumbers"},
		{name: "type/PUT addresses a string", method: "PUT", path: lukePath, body: []byte(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"luke.skywalker","addresses":"Tatooine"}`), status: bad, scimType: "invalidValue", detail: "addresses"},
		{name: "type/PUT phoneNumbers an object", method: "PUT", path: lukePath, body: []byte(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"luke.skywalker","phoneNumbers":{"value":"777","type":"mobile"}}`), status: bad, scimType: "invalidValue", detail: "phoneNumbers"},
		{name: "type/PATCH active maybe", method: "PATCH", path: lukePath, body: hostilePatch(hostileOp("replace", "active", "maybe")), status: bad, scimType: "invalidValue", detail: "active"},
		{name: "type/PATCH userName an array", method: "PATCH", path: lukePath, body: hostilePatch(hostileOp("replace", "userName", []any{"a", "b"})), status: bad, scimType: "invalidValue", detail: "userName"},
		{name: "type/search filter an object", method: "POST", path: "/Users/.search", body: []byte(`{"filter":{"userName":"x"}}`), status: bad, scimType: "invalidValue", detail: "filter has the wrong type"},
		{name: "type/search filter a number", method: "POST", path: "/Users/.search", body: []byte(`{"filter":42}`), status: bad, scimType: "invalidFilter", detail: "invalid"},
		{name: "type/search count a word", method: "POST", path: "/Users/.search", body: []byte(`{"count":"many"}`), status: bad, scimType: "invalidValue", detail: "count must be a whole number"},

		// ---- Huge bodies (server.max_body_bytes is 1 MiB) ----
		{name: "size/POST 1 MiB + 1 byte", method: "POST", path: "/Users", body: bytes.Repeat([]byte(" "), 1<<20+1), status: http.StatusRequestEntityTooLarge, detail: "server.max_body_bytes"},
		{name: "size/POST 4 MiB user", method: "POST", path: "/Users", body: hostileUser("big@x", map[string]any{"title": strings.Repeat("A", 4<<20)}), status: http.StatusRequestEntityTooLarge, detail: "server.max_body_bytes"},
		{name: "size/PUT 2 MiB", method: "PUT", path: lukePath, body: bytes.Repeat([]byte("["), 2<<20), status: http.StatusRequestEntityTooLarge, detail: "server.max_body_bytes"},
		{name: "size/PATCH 2 MiB", method: "PATCH", path: lukePath, body: hostilePatch(hostileOp("replace", "title", strings.Repeat("B", 2<<20))), status: http.StatusRequestEntityTooLarge, detail: "server.max_body_bytes"},
		{name: "size/search 2 MiB", method: "POST", path: "/Users/.search", body: []byte(`{"filter":"` + strings.Repeat("C", 2<<20) + `"}`), status: http.StatusRequestEntityTooLarge, detail: "server.max_body_bytes"},

		// ---- Invalid and pathological filters ----
		{name: "filter/unbalanced open parenthesis", method: "GET", path: hostileFilter(`(userName eq "a"`), status: bad, scimType: "invalidFilter", detail: "never closed"},
		{name: "filter/unbalanced close parenthesis", method: "GET", path: hostileFilter(`userName eq "a")`), status: bad, scimType: "invalidFilter", detail: "no matching"},
		{name: "filter/only parentheses", method: "GET", path: hostileFilter(`((((((`), status: bad, scimType: "invalidFilter", detail: "invalid"},
		{name: "filter/empty parentheses", method: "GET", path: hostileFilter(`()`), status: bad, scimType: "invalidFilter", detail: "empty"},
		{name: "filter/5000 bytes", method: "GET", path: hostileFilter(`userName eq "` + strings.Repeat("x", 5000) + `"`), status: bad, scimType: "invalidFilter", detail: "limit is 4096 bytes"},
		{name: "filter/4097 bytes", method: "GET", path: hostileFilter(`title pr or ` + strings.Repeat(" ", 4097-len(`title pr or title pr`)) + `title pr`), status: bad, scimType: "invalidFilter", detail: "limit is 4096 bytes"},
		{name: "filter/1000 nested not", method: "GET", path: hostileFilter(hostileNested("not(", `userName pr`, ")", 1000)), status: bad, scimType: "invalidFilter", detail: "limit is 4096 bytes"},
		{name: "filter/1000 not( never closed", method: "GET", path: hostileFilter(strings.Repeat("not(", 1000)), status: bad, scimType: "invalidFilter", detail: `deep; the limit is 32`},
		{name: "filter/2000 ( never closed", method: "GET", path: hostileFilter(strings.Repeat("(", 2000) + `userName pr`), status: bad, scimType: "invalidFilter", detail: `deep; the limit is 32`},
		{name: "filter/1000 ) without (", method: "GET", path: hostileFilter(`userName pr` + strings.Repeat(")", 1000)), status: bad, scimType: "invalidFilter", detail: "no matching"},
		// A legal filter at the edge of the limit is a valid search.
		// Well formed but deeper than any real filter: refused before the
		// parser, whose cost grows with the depth.
		{name: "filter/800 nested not, too deep", method: "GET", path: hostileFilter(hostileNested("not(", `userName pr`, ")", 800)), status: bad, scimType: "invalidFilter", detail: "nests parentheses or brackets 800 deep; the limit is 32"},
		{name: "filter/2000 nested parentheses, too deep", method: "GET", path: hostileFilter(hostileNested("(", `userName pr`, ")", 2000)), status: bad, scimType: "invalidFilter", detail: "nests parentheses or brackets 2000 deep; the limit is 32"},
		{name: "filter/32 nested parentheses, legal", method: "GET", path: hostileFilter(hostileNested("(", `userName pr`, ")", 31)), status: 200, results: 13},
		{name: "filter/unknown operator", method: "GET", path: hostileFilter(`userName xx "a"`), status: bad, scimType: "invalidFilter", detail: "not a comparison operator"},
		{name: "filter/SQL operator", method: "GET", path: hostileFilter(`userName = "a"`), status: bad, scimType: "invalidFilter", detail: "not =, !=, < or >"},
		{name: "filter/LIKE operator", method: "GET", path: hostileFilter(`userName like "a%"`), status: bad, scimType: "invalidFilter", detail: "not a comparison operator"},
		{name: "filter/userName eq without value", method: "GET", path: hostileFilter(`userName eq`), status: bad, scimType: "invalidFilter", detail: "needs a value"},
		{name: "filter/no operator", method: "GET", path: hostileFilter(`userName`), status: bad, scimType: "invalidFilter", detail: "needs a comparison operator"},
		{name: "filter/dangling and", method: "GET", path: hostileFilter(`userName eq "a" and`), status: bad, scimType: "invalidFilter", detail: "must be followed by another expression"},
		{name: "filter/single-quoted value", method: "GET", path: hostileFilter(`userName eq 'a'`), status: bad, scimType: "invalidFilter", detail: "single quotes"},
		{name: "filter/unquoted value", method: "GET", path: hostileFilter(`userName eq hostileLuke`), status: bad, scimType: "invalidFilter", detail: "double quotes"},
		{name: "filter/unterminated string", method: "GET", path: hostileFilter(`userName eq "hostileLuke`), status: bad, scimType: "invalidFilter", detail: "no closing double quote"},
		{name: "filter/bad escape", method: "GET", path: hostileFilter(`userName eq "\q"`), status: bad, scimType: "invalidFilter", detail: "not a valid JSON string"},
		{name: "filter/not without parentheses", method: "GET", path: hostileFilter(`not userName eq "a"`), status: bad, scimType: "invalidFilter", detail: "in parentheses"},
		{name: "filter/pr with a value", method: "GET", path: hostileFilter(`userName pr "x"`), status: bad, scimType: "invalidFilter", detail: "takes no value"},
		{name: "filter/unclosed bracket", method: "GET", path: hostileFilter(`emails[type eq "work"`), status: bad, scimType: "invalidFilter", detail: "never closed"},
		{name: "filter/nested brackets", method: "GET", path: hostileFilter(`emails[type[value eq "x"]]`), status: bad, scimType: "invalidFilter", detail: "invalid"},
		{name: "filter/attribute name with SQL", method: "GET", path: hostileFilter(`userName;DROP eq "x"`), status: bad, scimType: "invalidFilter", detail: "not an attribute name"},
		{name: "filter/attribute name with a parenthesis", method: "GET", path: hostileFilter(`title) OR 1=1 -- eq "x"`), status: bad, scimType: "invalidFilter", detail: "invalid"},
		{name: "filter/NUL byte outside a string", method: "GET", path: hostileFilter("userName\x00 eq \"a\""), status: bad, scimType: "invalidFilter", detail: "invalid"},
		{name: "filter/invalid UTF-8 outside a string", method: "GET", path: hostileFilter("userName eq \"a\" " + hostileBadUTF8), status: bad, scimType: "invalidFilter", detail: "invalid"},
		// RFC 7644 §3.4.2.2: an attribute the schema does not define is
		// treated as having no value, so eq matches nothing: 200, empty.
		{name: "filter/unknown attribute", method: "GET", path: hostileFilter(`foo eq "x"`), status: 200},
		{name: "filter/unknown sub-attribute", method: "GET", path: hostileFilter(`name.nothing eq "x"`), status: 200},
		{name: "filter/unknown schema", method: "GET", path: hostileFilter(`urn:evil:schema:foo eq "x"`), status: 200},
		{name: "filter/unknown column of the tenant extension", method: "GET", path: hostileFilter(hostileDBExt + `:NO_SUCH_COLUMN eq "x"`), status: 200},
		// A filter value is data: an injection in it is a search for that
		// text, which matches no user. 200 with 0 results is right.
		{name: "filter/drop table in userName", method: "GET", path: hostileFilter(`userName eq "` + hostileDrop + `"`), status: 200},
		{name: "filter/or 1=1 in userName", method: "GET", path: hostileFilter(`userName eq "\" OR 1=1 --"`), status: 200},
		{name: "filter/quote or in id", method: "GET", path: hostileFilter(`id eq "` + hostileQuoteOr + `"`), status: 200},
		{name: "filter/drop table in title", method: "GET", path: hostileFilter(`title eq "` + hostileDrop + `"`), status: 200},
		{name: "filter/or 1=1 in title co", method: "GET", path: hostileFilter(`title co "\" OR 1=1 --"`), status: 200},
		{name: "filter/LIKE wildcard percent", method: "GET", path: hostileFilter(`title co "%"`), status: 200},
		{name: "filter/LIKE wildcard underscore", method: "GET", path: hostileFilter(`title sw "_"`), status: 200},
		{name: "filter/LIKE escape character", method: "GET", path: hostileFilter(`title ew "!"`), status: 200},
		{name: "filter/backslash", method: "GET", path: hostileFilter(`title eq "\\' OR 1=1 -- "`), status: 200},
		{name: "filter/drop table in emails.value", method: "GET", path: hostileFilter(`emails.value eq "` + hostileDrop + `"`), status: 200},
		{name: "filter/drop table in value filter", method: "GET", path: hostileFilter(`emails[type eq "work" and value eq "` + hostileDrop + `"]`), status: 200},
		{name: "filter/drop table in enterprise department", method: "GET", path: hostileFilter(hostileEnterprise + `:department eq "` + hostileDrop + `"`), status: 200},
		{name: "filter/quote or in extension column", method: "GET", path: hostileFilter(hostileDBExt + `:TITLE eq "` + hostileQuoteOr + `"`), status: 200},
		{name: "filter/drop table in gt", method: "GET", path: hostileFilter(`title gt "` + hostileDrop + `" and title lt "'"`), status: 200},
		{name: "filter/escaped NUL in userName", method: "GET", path: hostileFilter(`userName eq "a\u0000b"`), status: 200},
		{name: "filter/raw NUL in title", method: "GET", path: hostileFilter("title eq \"" + hostileNUL + "\""), status: 200},
		{name: "filter/invalid UTF-8 in userName", method: "GET", path: hostileFilter(`userName eq "` + hostileBadUTF8 + `"`), status: 200},
		{name: "filter/invalid UTF-8 in title", method: "GET", path: hostileFilter(`title eq "` + hostileBadUTF8 + `"`), status: 200},
		{name: "filter/lone surrogate in title", method: "GET", path: hostileFilter(`title eq "\ud800"`), status: 200},
		{name: "filter/injection through search", method: "POST", path: "/Users/.search", body: []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"title eq \"'; DROP TABLE USERS; --\""}`), status: 200},

		// ---- Paging and attribute parameters ----
		{name: "query/count a word", method: "GET", path: "/Users?count=many", status: bad, scimType: "invalidValue", detail: "count must be a whole number"},
		{name: "query/startIndex with SQL", method: "GET", path: "/Users?startIndex=" + url.QueryEscape("1; DROP TABLE USERS"), status: bad, scimType: "invalidValue", detail: "startIndex must be a whole number"},
		{name: "query/attributes with SQL", method: "GET", path: "/Users?attributes=" + url.QueryEscape("userName; DROP TABLE USERS"), status: bad, scimType: "invalidValue", detail: "not an attribute path"},
		{name: "query/excludedAttributes with SQL", method: "GET", path: lukePath + "?excludedAttributes=" + url.QueryEscape(hostileDrop), status: bad, scimType: "invalidValue", detail: "not an attribute path"},
		{name: "query/attributes and excludedAttributes", method: "GET", path: "/Users?attributes=userName&excludedAttributes=title", status: bad, scimType: "invalidSyntax", detail: "not both"},

		// ---- Unknown attributes and schemas in bodies ----
		{name: "unknown/schemas without the User schema", method: "POST", path: "/Users", body: hostileUser("noschema@x", map[string]any{"schemas": []any{"urn:evil:schema"}}), status: bad, scimType: "invalidSyntax", detail: "schemas must include"},
		{name: "unknown/empty schemas", method: "POST", path: "/Users", body: hostileUser("emptyschemas@x", map[string]any{"schemas": []any{}}), status: bad, scimType: "invalidSyntax", detail: "schemas must include"},
		{name: "unknown/PUT schemas without the User schema", method: "PUT", path: lukePath, body: hostileUser(hostileLuke, map[string]any{"schemas": []any{"urn:evil:schema"}}), status: bad, scimType: "invalidSyntax", detail: "schemas must include"},
		{name: "unknown/PATCH schemas not PatchOp", method: "PATCH", path: lukePath, body: []byte(`{"schemas":["urn:evil"],"Operations":[{"op":"replace","path":"title","value":"x"}]}`), status: bad, scimType: "invalidSyntax", detail: "PatchOp"},
		// The rows below reach the INSERT with the unknown data and are
		// refused for the entitlement that does not exist: the point is
		// that unknown members reach no SQL and cause no 5xx.
		{name: "unknown/attribute", method: "POST", path: "/Users", body: hostileUser("unknownattr@x", map[string]any{"foo": "bar"}), status: bad, scimType: "invalidValue", detail: `entitlement "999" does not exist`},
		{name: "unknown/extension schema object", method: "POST", path: "/Users", body: hostileUser("unknownext@x", map[string]any{"urn:evil:schema:2.0:User": map[string]any{"x": hostileDrop}}), status: bad, scimType: "invalidValue", detail: `entitlement "999" does not exist`},
		{name: "unknown/column in the tenant extension", method: "POST", path: "/Users", body: hostileUser("unknowncol@x", map[string]any{hostileDBExt: map[string]any{"USER_ID": "unknowncol@x", "USERNAME": "unknowncol", "FIRSTNAME": "U", "LASTNAME": "C", "EMAIL": "unknowncol@x", "NO_SUCH_COLUMN": hostileDrop}}), status: bad, scimType: "invalidValue", detail: `entitlement "999" does not exist`},

		// ---- PATCH: immutable and unknown paths, bad operations ----
		{name: "patch/replace id", method: "PATCH", path: lukePath, body: hostilePatch(hostileOp("replace", "id", "someone@else")), status: bad, scimType: "mutability", detail: "id is read-only"},
		{name: "patch/remove id", method: "PATCH", path: lukePath, body: hostilePatch(hostileOp("remove", "id", nil)), status: bad, scimType: "mutability", detail: "id is read-only"},
		{name: "patch/replace meta", method: "PATCH", path: lukePath, body: hostilePatch(hostileOp("replace", "meta", map[string]any{"created": "2000-01-01T00:00:00Z"})), status: bad, scimType: "mutability", detail: "meta is read-only"},
		{name: "patch/replace meta.created", method: "PATCH", path: lukePath, body: hostilePatch(hostileOp("replace", "meta.created", "2000-01-01T00:00:00Z")), status: bad, scimType: "mutability", detail: "meta is read-only"},
		{name: "patch/replace schemas", method: "PATCH", path: lukePath, body: hostilePatch(hostileOp("replace", "schemas", []any{"urn:evil"})), status: bad, scimType: "mutability", detail: "schemas cannot be patched"},
		{name: "patch/id inside a value", method: "PATCH", path: lukePath, body: hostilePatch(hostileOp("replace", "", map[string]any{"id": "someone@else"})), status: bad, scimType: "mutability", detail: "id is read-only"},
		{name: "patch/groups is read-only", method: "PATCH", path: lukePath, body: hostilePatch(hostileOp("add", "groups", []any{map[string]any{"value": "g1"}})), status: bad, scimType: "mutability", detail: "groups is read-only"},
		{name: "patch/unknown path", method: "PATCH", path: lukePath, body: hostilePatch(hostileOp("replace", "foo", "x")), status: bad, scimType: "invalidPath", detail: `"foo" is unknown`},
		{name: "patch/unknown sub-attribute", method: "PATCH", path: lukePath, body: hostilePatch(hostileOp("replace", "name.nothing", "x")), status: bad, scimType: "invalidPath", detail: "no sub-attribute"},
		{name: "patch/unknown schema", method: "PATCH", path: lukePath, body: hostilePatch(hostileOp("replace", "urn:evil:schema:foo", "x")), status: bad, scimType: "invalidPath", detail: "not a schema of this resource"},
		{name: "patch/path with SQL", method: "PATCH", path: lukePath, body: hostilePatch(hostileOp("replace", "title"+hostileDrop, "x")), status: bad, scimType: "invalidPath", detail: "is invalid"},
		{name: "patch/path with an unclosed filter", method: "PATCH", path: lukePath, body: hostilePatch(hostileOp("replace", `emails[type eq "work"`, "x")), status: bad, scimType: "invalidPath", detail: "never closed"},
		{name: "patch/path with a NUL byte", method: "PATCH", path: lukePath, body: hostilePatch(hostileOp("replace", "title\x00", "x")), status: bad, scimType: "invalidPath", detail: "is invalid"},
		{name: "patch/op move", method: "PATCH", path: lukePath, body: hostilePatch(hostileOp("move", "title", "x")), status: bad, scimType: "invalidSyntax", detail: `op "move" is not supported`},
		{name: "patch/op with SQL", method: "PATCH", path: lukePath, body: hostilePatch(hostileOp(hostileDrop, "title", "x")), status: bad, scimType: "invalidSyntax", detail: "is not supported"},
		{name: "patch/op a number", method: "PATCH", path: lukePath, body: []byte(`{"Operations":[{"op":42,"path":"title","value":"x"}]}`), status: bad, scimType: "invalidSyntax", detail: `"op" must be a string`},
		{name: "patch/op missing", method: "PATCH", path: lukePath, body: []byte(`{"Operations":[{"path":"title","value":"x"}]}`), status: bad, scimType: "invalidSyntax", detail: `"op" is missing`},
		{name: "patch/Operations missing", method: "PATCH", path: lukePath, body: []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}`), status: bad, scimType: "invalidSyntax", detail: `has no "Operations"`},
		{name: "patch/Operations an object", method: "PATCH", path: lukePath, body: []byte(`{"Operations":{"op":"replace","path":"title","value":"x"}}`), status: bad, scimType: "invalidSyntax", detail: "must be an array"},
		{name: "patch/Operations empty", method: "PATCH", path: lukePath, body: []byte(`{"Operations":[]}`), status: bad, scimType: "invalidSyntax", detail: "is empty"},
		{name: "patch/operation a string", method: "PATCH", path: lukePath, body: []byte(`{"Operations":["replace title"]}`), status: bad, scimType: "invalidSyntax", detail: "must be a JSON object"},
		{name: "patch/remove without path", method: "PATCH", path: lukePath, body: hostilePatch(hostileOp("remove", "", nil)), status: bad, scimType: "noTarget", detail: `remove needs a "path"`},
		{name: "patch/add without value", method: "PATCH", path: lukePath, body: hostilePatch(hostileOp("add", "title", nil)), status: bad, scimType: "invalidSyntax", detail: `add needs a "value"`},
		{name: "patch/path a number", method: "PATCH", path: lukePath, body: []byte(`{"Operations":[{"op":"replace","path":7,"value":"x"}]}`), status: bad, scimType: "invalidSyntax", detail: `"path" must be a string`},
		{name: "patch/value without path not an object", method: "PATCH", path: lukePath, body: hostilePatch(hostileOp("replace", "", "x")), status: bad, scimType: "invalidValue", detail: "must be a JSON object"},
		{name: "patch/injected value, then id", method: "PATCH", path: lukePath, body: hostilePatch(hostileOp("replace", "title", hostileDrop), hostileOp("replace", "id", "x")), status: bad, scimType: "mutability", detail: "Operations[1]"},
		{name: "patch/NUL value, then meta", method: "PATCH", path: lukePath, body: hostilePatch(hostileOp("replace", "displayName", hostileNUL), hostileOp("replace", "meta.version", "x")), status: bad, scimType: "mutability", detail: "Operations[1]"},
		{name: "patch/entitlement that does not exist", method: "PATCH", path: lukePath, body: hostilePatch(hostileOp("add", "entitlements", []any{map[string]any{"value": hostileDrop}})), status: bad, scimType: "invalidValue", detail: "does not exist"},

		// ---- SQL injection in values (refused afterwards for the missing
		// entitlement, inside the transaction) and in ids (404) ----
		{name: "inject/drop table in every string of a create", method: "POST", path: "/Users", body: hostileUser("inject1@x", map[string]any{
			"displayName": hostileDrop, "nickName": hostileOrTrue, "title": hostileQuoteOr,
			"name":       map[string]any{"givenName": hostileDrop, "familyName": hostileOrTrue},
			hostileDBExt: map[string]any{"USER_ID": "inject1@x", "USERNAME": hostileDrop, "FIRSTNAME": hostileDrop, "LASTNAME": hostileOrTrue, "EMAIL": hostileQuoteOr, "CITY": "\\'; DROP TABLE USERS; --"},
		}), status: bad, scimType: "invalidValue", detail: `entitlement "999" does not exist`},
		{name: "inject/drop table as the new user's id", method: "POST", path: "/Users", body: hostileUser(hostileDrop, nil), status: bad, scimType: "invalidValue", detail: `entitlement "999" does not exist`},
		{name: "inject/or 1=1 as the new user's id", method: "POST", path: "/Users", body: hostileUser(hostileOrTrue, nil), status: bad, scimType: "invalidValue", detail: `entitlement "999" does not exist`},
		{name: "inject/NUL bytes in values", method: "POST", path: "/Users", body: hostileUser("nul\x00@x", map[string]any{"displayName": hostileNUL, "title": "\x00"}), status: bad, scimType: "invalidValue", detail: `entitlement "999" does not exist`},
		{name: "inject/invalid UTF-8 in values", method: "POST", path: "/Users", body: []byte(strings.Replace(string(hostileUser("utf8@x", map[string]any{"displayName": "PLACEHOLDER"})), "PLACEHOLDER", hostileBadUTF8, 1)), status: bad, scimType: "invalidSyntax", detail: "not valid UTF-8"},
		{name: "inject/lone surrogates in values", method: "POST", path: "/Users", body: []byte(strings.Replace(string(hostileUser("surrogate@x", map[string]any{"displayName": "PLACEHOLDER"})), "PLACEHOLDER", `\ud800\udfff\udc00`, 1)), status: bad, scimType: "invalidValue", detail: `entitlement "999" does not exist`},
		{name: "inject/drop table in an entitlement value", method: "POST", path: "/Users", body: hostileUser("injectent@x", map[string]any{"entitlements": []any{map[string]any{"value": hostileDrop}}}), status: bad, scimType: "invalidValue", detail: "does not exist"},
		{name: "inject/existing id with injected values", method: "POST", path: "/Users", body: hostileUser(hostileLuke, map[string]any{"title": hostileDrop, hostileDBExt: map[string]any{"USER_ID": hostileLuke, "USERNAME": hostileDrop, "FIRSTNAME": "L", "LASTNAME": "S", "EMAIL": hostileLuke}}), status: http.StatusConflict, scimType: "uniqueness", detail: "already exists"},
		{name: "inject/GET id drop table", method: "GET", path: hostileUserPath(hostileDrop), status: notFound},
		{name: "inject/GET id or 1=1", method: "GET", path: hostileUserPath(hostileOrTrue), status: notFound},
		{name: "inject/GET id quote or", method: "GET", path: hostileUserPath(hostileQuoteOr), status: notFound},
		{name: "inject/GET id luke or 1=1", method: "GET", path: hostileUserPath(hostileLuke + "' OR '1'='1"), status: notFound},
		{name: "inject/GET id NUL", method: "GET", path: "/Users/%00", status: notFound},
		{name: "inject/GET id with NUL inside", method: "GET", path: "/Users/luke.skywalker%00@galaxy.local", status: notFound},
		{name: "inject/GET id invalid UTF-8", method: "GET", path: "/Users/%FF%FE%FD", status: notFound},
		{name: "inject/GET id 5000 characters", method: "GET", path: "/Users/" + strings.Repeat("x", 5000), status: notFound},
		{name: "inject/GET id percent and underscore", method: "GET", path: "/Users/%25_%25", status: notFound},
		{name: "inject/PUT id drop table", method: "PUT", path: hostileUserPath(hostileDrop), body: hostileUser(hostileDrop, map[string]any{"entitlements": nil}), status: notFound},
		{name: "inject/PATCH id drop table", method: "PATCH", path: hostileUserPath(hostileDrop), body: hostilePatch(hostileOp("replace", "active", false)), status: notFound},
		{name: "inject/DELETE id drop table", method: "DELETE", path: hostileUserPath(hostileDrop), status: notFound},
		{name: "inject/DELETE id or 1=1", method: "DELETE", path: hostileUserPath(hostileOrTrue), status: notFound},
		{name: "inject/GET entitlement or 1=1", method: "GET", path: "/Entitlements/" + url.PathEscape("1 OR 1=1"), status: notFound},
		{name: "inject/GET entitlement drop table", method: "GET", path: "/Entitlements/" + url.PathEscape("'; DROP TABLE ENTITLEMENTS; --"), status: notFound},
		{name: "inject/GET group drop table", method: "GET", path: "/Groups/" + url.PathEscape(hostileDrop), status: notFound},
		{name: "inject/GET schema drop table", method: "GET", path: "/Schemas/" + url.PathEscape(hostileDrop), status: notFound},
		{name: "inject/GET resource type traversal", method: "GET", path: "/ResourceTypes/..%2F..%2Fetc%2Fpasswd", status: notFound},
		{name: "inject/GET id traversal", method: "GET", path: "/Users/..%2F..%2Fetc%2Fpasswd", status: notFound},

		// ---- Odd {app} names ----
		{name: "app/dot dot", method: "GET", abs: "/ws/rest/../scim/v2/Users", status: notFound},
		{name: "app/encoded dot dot", method: "GET", abs: "/ws/rest/%2e%2e/scim/v2/Users", status: notFound},
		{name: "app/dot", method: "GET", abs: "/ws/rest/./scim/v2/Users", status: notFound},
		{name: "app/NUL", method: "GET", abs: "/ws/rest/%00/scim/v2/Users", status: notFound},
		{name: "app/NUL after a name", method: "GET", abs: "/ws/rest/" + hostileFileApp + "%00/scim/v2/Users", status: notFound},
		{name: "app/300 characters", method: "GET", abs: "/ws/rest/" + strings.Repeat("a", 300) + "/scim/v2/Users", status: notFound},
		{name: "app/65 characters", method: "GET", abs: "/ws/rest/" + strings.Repeat("b", 65) + "/scim/v2/Users", status: notFound},
		{name: "app/encoded slash", method: "GET", abs: "/ws/rest/a%2Fb/scim/v2/Users", status: notFound},
		{name: "app/drop table", method: "GET", abs: "/ws/rest/" + url.PathEscape(hostileDrop) + "/scim/v2/Users", status: notFound},
		{name: "app/invalid UTF-8", method: "GET", abs: "/ws/rest/%FF%FE/scim/v2/Users", status: notFound},
		{name: "app/unicode", method: "GET", abs: "/ws/rest/" + url.PathEscape("äpp") + "/scim/v2/Users", status: notFound},
		{name: "app/empty", method: "GET", abs: "/ws/rest//scim/v2/Users", status: notFound},
		// A valid name that is not a local tenant, without the header: with
		// local tenants, a 404 that names them (OPS, which has none, says 400
		// Missing X-OKTA-ONPREM-DATA header).
		{name: "app/unknown without header", only: "file", method: "GET", abs: "/ws/rest/no_such_app/scim/v2/Users", status: notFound, detail: `No tenant "no_such_app": the local tenants are "hostile_file"`},

		// ---- Wrong content types ----
		{name: "ctype/text/plain", method: "POST", path: "/Users", body: hostileUser("ct1@x", nil), ctype: "text/plain", status: http.StatusUnsupportedMediaType, detail: "is not accepted"},
		{name: "ctype/xml", method: "POST", path: "/Users", body: []byte(`<User><userName>x</userName></User>`), ctype: "application/xml", status: http.StatusUnsupportedMediaType, detail: "is not accepted"},
		{name: "ctype/form", method: "POST", path: "/Users", body: []byte(`userName=x`), ctype: "application/x-www-form-urlencoded", status: http.StatusUnsupportedMediaType, detail: "is not accepted"},
		{name: "ctype/multipart", method: "POST", path: "/Users", body: []byte("--x\r\n\r\n{}\r\n--x--"), ctype: "multipart/form-data; boundary=x", status: http.StatusUnsupportedMediaType, detail: "is not accepted"},
		{name: "ctype/unparsable", method: "POST", path: "/Users", body: hostileUser("ct2@x", nil), ctype: "application/scim+json;;;=", status: http.StatusUnsupportedMediaType, detail: "is not accepted"},
		{name: "ctype/PUT octet-stream", method: "PUT", path: lukePath, body: hostileUser(hostileLuke, nil), ctype: "application/octet-stream", status: http.StatusUnsupportedMediaType, detail: "is not accepted"},
		{name: "ctype/PATCH text/html", method: "PATCH", path: lukePath, body: hostilePatch(hostileOp("replace", "title", "x")), ctype: "text/html", status: http.StatusUnsupportedMediaType, detail: "is not accepted"},
		{name: "ctype/search json-patch", method: "POST", path: "/Users/.search", body: []byte(`{}`), ctype: "application/json-patch+json", status: http.StatusUnsupportedMediaType, detail: "is not accepted"},

		// ---- Methods not allowed ----
		{name: "method/DELETE Status", method: "DELETE", path: "/Status", status: http.StatusMethodNotAllowed, detail: "is not allowed"},
		{name: "method/PUT Users", method: "PUT", path: "/Users", body: hostileUser("m1@x", nil), status: http.StatusMethodNotAllowed, detail: "is not allowed"},
		{name: "method/DELETE Users", method: "DELETE", path: "/Users", status: http.StatusMethodNotAllowed, detail: "is not allowed"},
		{name: "method/PATCH Users", method: "PATCH", path: "/Users", body: hostilePatch(hostileOp("replace", "active", false)), status: http.StatusMethodNotAllowed, detail: "is not allowed"},
		{name: "method/POST a user", method: "POST", path: lukePath, body: hostileUser(hostileLuke, nil), status: http.StatusMethodNotAllowed, detail: "is not allowed"},
		{name: "method/PUT an entitlement", method: "PUT", path: "/Entitlements/1", body: []byte(`{}`), status: http.StatusMethodNotAllowed, detail: "is not allowed"},
		{name: "method/DELETE Entitlements", method: "DELETE", path: "/Entitlements", status: http.StatusMethodNotAllowed, detail: "is not allowed"},
		{name: "method/POST ServiceProviderConfig", method: "POST", path: "/ServiceProviderConfig", body: []byte(`{}`), status: http.StatusMethodNotAllowed, detail: "is not allowed"},
		{name: "method/TRACE Users", method: "TRACE", path: "/Users", status: http.StatusMethodNotAllowed, detail: "is not allowed"},
		{name: "method/made-up method", method: "DROP", path: "/Users", status: http.StatusMethodNotAllowed, detail: "is not allowed"},

		// ---- Unknown routes ----
		{name: "route/unknown resource", method: "GET", path: "/NoSuchThing", status: notFound, detail: "No resource at"},
		{name: "route/below a user", method: "GET", path: lukePath + "/entitlements", status: notFound, detail: "No resource at"},
		{name: "route/Bulk", method: "POST", path: "/Bulk", body: []byte(`{}`), status: notFound, detail: "No resource at"},
		{name: "route/Me", method: "GET", path: "/Me", status: notFound, detail: "No resource at"},
		{name: "route/scim v1", method: "GET", abs: "/ws/rest/" + hostileFileApp + "/scim/v1/Users", status: notFound, detail: "No resource at"},
		{name: "route/no scim", method: "GET", abs: "/ws/rest/" + hostileFileApp, status: notFound, detail: "No resource at"},
		{name: "route/root", method: "GET", abs: "/", status: notFound, detail: "No resource at"},
		{name: "route/other context path", method: "GET", abs: "/api/" + hostileFileApp + "/scim/v2/Users", status: notFound, detail: "No resource at"},
	}

	// ---- The agent's header (header mode only) ----
	hdr := func(name, header string, status int, scimType, detail string) hostileRow {
		return hostileRow{name: "header/" + name, only: "header", method: "GET", path: "/Users/" + hostileLuke, header: header, status: status, scimType: scimType, detail: detail}
	}
	full, _ := base64.StdEncoding.DecodeString(e.header)
	rows = append(rows,
		hdr("not base64", "!!! not base64 !!!", bad, "invalidSyntax", "not valid base64"),
		hdr("base64 of text", hostileB64("database=oktademo"), bad, "invalidSyntax", "does not hold valid JSON"),
		hdr("base64 of an array", hostileB64(`[{"database":{}}]`), bad, "invalidSyntax", "must hold a JSON object"),
		hdr("base64 of null", hostileB64(`null`), bad, "invalidSyntax", "must hold a JSON object"),
		hdr("base64 of two documents", hostileB64(`{}{}`), bad, "invalidSyntax", "more than one JSON document"),
		hdr("truncated base64", e.header[:len(e.header)/2+1], bad, "invalidSyntax", ""),
		hdr("truncated JSON", hostileB64(string(full[:len(full)/2])), bad, "invalidSyntax", "does not hold valid JSON"),
		hdr("empty object", hostileB64(`{}`), bad, "invalidValue", ""),
		hdr("JSON nested 1000 deep", hostileB64(hostileNested(`{"a":`, "1", "}", 1000)), bad, "invalidValue", "unknown field"),
		hdr("no operations", e.headerWith(func(doc map[string]any) { delete(doc, "operations") }), bad, "invalidValue", ""),
		hdr("no database", e.headerWith(func(doc map[string]any) { delete(doc, "database") }), bad, "invalidValue", ""),
		hdr("database a number", e.headerWith(func(doc map[string]any) { doc["database"] = 42 }), bad, "invalidValue", ""),
		hdr("unknown field", e.headerWith(func(doc map[string]any) { doc["evil"] = hostileDrop }), bad, "invalidValue", "unknown field"),
		hdr("password_env", e.headerWith(func(doc map[string]any) { doc["database"].(map[string]any)["password_env"] = "HOME" }), bad, "invalidValue", "only allowed in the local configuration file"),
		hdr("password_file", e.headerWith(func(doc map[string]any) { doc["database"].(map[string]any)["password_file"] = "/etc/shadow" }), bad, "invalidValue", "only allowed in the local configuration file"),
		hdr("SQLite type", e.headerWith(func(doc map[string]any) {
			doc["database"] = map[string]any{"type": "sqlite", "database": filepath.Join(os.TempDir(), "hostile.db")}
		}), bad, "invalidValue", "SQLite databases are files"),
		hdr("SQLite JDBC URL", e.headerWith(func(doc map[string]any) {
			doc["database"] = map[string]any{"jdbc_url": "jdbc:sqlite:/etc/passwd"}
		}), bad, "invalidValue", "SQLite databases are files"),
		hdr("unknown database type", e.withDatabase("type", hostileDrop), bad, "invalidValue", "unknown database type"),
		hdr("Db2", e.withDatabase("type", "db2"), bad, "invalidValue", "not supported"),
		hdr("port a word", e.withDatabase("port", "3306; DROP"), bad, "invalidValue", "not a whole number"),
		hdr("port out of range", e.withDatabase("port", 99999), bad, "invalidValue", "not a port number"),
		hdr("host with SQL", e.withDatabase("host", "127.0.0.1)/?allowAllFiles=true&x=("), bad, "invalidValue", "not a host name"),
		hdr("allowAllFiles property", e.withDatabase("properties", map[string]any{"allowAllFiles": "true"}), bad, "invalidValue", "allowAllFiles"),
		hdr("property smuggling &", e.withDatabase("properties", map[string]any{"rejectReadOnly": "true&allowAllFiles=true"}), bad, "invalidValue", "'&'"),
		hdr("property smuggling & in a charset", e.withDatabase("properties", map[string]any{"charset": "utf8mb4&allowAllFiles=true"}), bad, "invalidValue", "is not supported"),
		hdr("unknown property", e.withDatabase("properties", map[string]any{"sql_mode": "ANSI_QUOTES"}), bad, "invalidValue", "sql_mode"),
		hdr("DDL statement", e.withStatement("get_users", "sql", "DROP TABLE USERS"), bad, "invalidValue", "execute not allowed"),
		hdr("DDL in a write", e.withStatement("deactivate_user", "sql", "TRUNCATE TABLE USERS"), bad, "invalidValue", "execute not allowed"),
		hdr("two statements", e.withStatement("get_user_by_id", "sql", "SELECT * FROM USERS WHERE USER_ID = ?; DROP TABLE USERS"), bad, "invalidValue", "more than one statement"),
		hdr("SELECT 1; DROP TABLE USERS", e.withStatement("get_users", "sql", "SELECT 1; DROP TABLE USERS"), bad, "invalidValue", "more than one statement"),
		hdr("statement after a comment", e.withStatement("get_users", "sql", "SELECT * FROM USERS /* x */; DROP TABLE USERS"), bad, "invalidValue", "more than one statement"),
		hdr("CALL in sql mode", e.withStatement("activate_user", "sql", "CALL ACTIVATE_USER(?)"), bad, "invalidValue", "executeCall not allowed"),
		hdr("EXEC in sql mode", e.withStatement("get_users", "sql", "EXEC GET_ACTIVEUSERS"), bad, "invalidValue", "executeCall not allowed"),
		hdr("two calls in procedure mode", e.withStatement("get_users", "stored_procedure", "CALL GET_ACTIVEUSERS(); DROP TABLE USERS"), bad, "invalidValue", "more than one statement"),
		hdr("DROP in procedure mode", e.withStatement("get_users", "stored_procedure", "DROP TABLE USERS"), bad, "invalidValue", ""),
		hdr("unknown operation type", e.headerWith(func(doc map[string]any) {
			doc["operations"].(map[string]any)["get_users"].(map[string]any)["type"] = "shell"
		}), bad, "invalidValue", "not an operation type"),
		hdr("unknown operation", e.headerWith(func(doc map[string]any) {
			doc["operations"].(map[string]any)["drop_everything"] = map[string]any{"type": "sql", "statement": "DROP TABLE USERS"}
		}), bad, "invalidValue", "unknown operation"),
		// One statement that the database cannot parse: the comment hides
		// the ';' and MariaDB sees "SELECT ... DROP TABLE USERS".
		hostileRow{name: "header/statement hidden by a line comment", only: "header", method: "GET", path: "/Users",
			header: e.withStatement("get_users", "sql", "SELECT * FROM USERS -- ;\nDROP TABLE USERS"),
			status: http.StatusInternalServerError, detail: "cannot parse the configured statement"},
		hostileRow{name: "header/over the limit, SCIM error", only: "header", method: "GET", path: "/Users/" + hostileLuke,
			header: strings.Repeat("A", 80<<10), status: http.StatusRequestHeaderFieldsTooLarge},
		hostileRow{name: "header/password of a JDBC URL", only: "header", method: "GET", path: "/Users/" + hostileLuke,
			header: e.withDatabase("jdbc_url", "jdbc:mysql://okta:Pa55word-zz@db:bad/oktademo"),
			status: bad, scimType: "invalidValue", detail: "jdbc_url", secret: "Pa55word-zz"},
		hostileRow{name: "header/password with a slash in a JDBC URL", only: "header", method: "GET", path: "/Users/" + hostileLuke,
			header: e.withDatabase("jdbc_url", "jdbc:mysql://okta:Pa55word/Secr3t@db/oktademo"),
			status: bad, scimType: "invalidValue", detail: "jdbc_url", secret: "Pa55word"},
		hdr("60 KiB of base64 garbage", hostileB64(strings.Repeat("{", 45<<10)), bad, "invalidSyntax", "does not hold valid JSON"),
	)
	return rows
}

// TestHostilePoolLimit fills the only tenant pool (pool.max_tenants: 1)
// with a request that hangs on a black-holed database, and asks for a
// second database meanwhile: 503 with Retry-After, naming the setting.
func TestHostilePoolLimit(t *testing.T) {
	d1 := labtest.Database(t, "mysql")
	d2 := labtest.Database(t, "mysql")
	proxy, err := faultproxy.Start(fmt.Sprintf("%s:%d", d1.Conn.Host, d1.Conn.Port))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	viaProxy := *d1
	viaProxy.Conn.Host, viaProxy.Conn.Port = proxy.Host(), proxy.Port()

	dataDir := t.TempDir()
	cfgFile := headerConfig(t, "pool:\n  max_tenants: 1\n  query_timeout: 4s\n")
	in := start(t, testConfig(t), "--data-dir", dataDir, "--demo", "false", "--config", cfgFile)
	c := client(readCert(t, filepath.Join(dataDir, "certs", "OktaOnPremScimServer-local.crt")), 0, 0)
	token := tokenOf(t, filepath.Join(dataDir, "conf", "config-local.properties"))
	a := &agent{t: t, c: c, base: in.url(""), token: token, header: agentHeader(t, "mysql-sql.yaml", &viaProxy)}
	b := &agent{t: t, c: c, base: in.url(""), token: token, header: agentHeader(t, "mysql-sql.yaml", d2)}

	if status, doc := b.do("GET", "/Users/"+hostileLuke, nil); status != 200 {
		t.Fatalf("second database before: %d %v", status, doc)
	}
	proxy.Blackhole(true)
	hung := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("GET", a.base+"/Users/"+hostileLuke, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("X-OKTA-ONPREM-DATA", a.header)
		resp, err := c.Do(req)
		if err != nil {
			hung <- 0
			return
		}
		resp.Body.Close()
		hung <- resp.StatusCode
	}()
	time.Sleep(time.Second) // the first request now holds the only pool

	req, _ := http.NewRequest("GET", b.base+"/Users/"+hostileLuke, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("X-OKTA-ONPREM-DATA", b.header)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("a second database while the only pool is busy: %d Retry-After %q: %s", resp.StatusCode, resp.Header.Get("Retry-After"), raw)
	}
	var e struct {
		Schemas []string
		Status  string
		Detail  string
	}
	if err := json.Unmarshal(raw, &e); err != nil || len(e.Schemas) != 1 || e.Schemas[0] != hostileErrorURN || e.Status != "503" || !strings.Contains(e.Detail, "pool.max_tenants") {
		t.Errorf("not the pool.max_tenants SCIM error (%v): %s", err, raw)
	}

	if status := <-hung; status != http.StatusServiceUnavailable {
		t.Errorf("the request on the black-holed database: %d, want 503 after the query timeout", status)
	}
	proxy.Blackhole(false)
	proxy.CutAll()
	// The busy pool is idle again: the second database gets it.
	if status, doc := b.do("GET", "/Users/"+hostileLuke, nil); status != 200 {
		t.Errorf("second database after: %d %v", status, doc)
	}
	if strings.Contains(strings.ToLower(in.out.String()), "panic") {
		t.Errorf("the server log mentions a panic:\n%s", in.out)
	}
}

// TestHostileValuesAreStoredVerbatim creates a user whose values are SQL
// injections, NUL bytes and quotes, and checks the database holds exactly
// those strings, that the tables are intact, and that the user reads back.
func TestHostileValuesAreStoredVerbatim(t *testing.T) {
	e := newHostileEnv(t)
	const uid = "o'brien\"; DROP TABLE USERS; --@x"
	values := map[string]string{
		"USERNAME": hostileDrop, "FIRSTNAME": hostileOrTrue, "LASTNAME": hostileQuoteOr, "EMAIL": "a\\'b@x",
		"CITY": hostileNUL, "TITLE": "100% _done_ !", "DEPARTMENT": "Ünïcödé ✓",
	}
	ext := map[string]any{"USER_ID": uid}
	for k, v := range values {
		ext[k] = v
	}
	body := hostileUser(uid, map[string]any{"entitlements": []any{map[string]any{"value": "1"}}, hostileDBExt: ext, "name": nil, "emails": nil})
	for _, mode := range []string{"file", "header"} {
		t.Run(mode, func(t *testing.T) {
			if mode == "header" {
				// The same user again through the other source: the id is
				// taken, and the answer says so.
				status, _, raw, err := e.send(hostileRow{method: "POST", path: "/Users", body: body}, mode)
				if err != nil || status != http.StatusConflict {
					t.Fatalf("create again: %d %v %s", status, err, hostileClip(raw))
				}
				return
			}
			status, _, raw, err := e.send(hostileRow{method: "POST", path: "/Users", body: body}, mode)
			if err != nil || status != http.StatusCreated {
				t.Fatalf("create: %d %v %s", status, err, hostileClip(raw))
			}
		})
	}
	for col, want := range values {
		var got string
		if err := e.d.DB.QueryRow("SELECT "+col+" FROM USERS WHERE USER_ID = ?", uid).Scan(&got); err != nil {
			t.Fatalf("%s: %v", col, err)
		}
		if got != want {
			t.Errorf("%s = %q, want %q", col, got, want)
		}
	}
	var users, assigned int
	if err := e.d.DB.QueryRow("SELECT COUNT(*) FROM USERS").Scan(&users); err != nil || users != 16 {
		t.Errorf("USERS holds %d rows (%v), want the 15 of the lab and the new one", users, err)
	}
	if err := e.d.DB.QueryRow("SELECT COUNT(*) FROM USERENTITLEMENTS WHERE USER_ID = ?", uid).Scan(&assigned); err != nil || assigned != 1 {
		t.Errorf("the new user has %d entitlements (%v)", assigned, err)
	}
	status, _, raw, err := e.send(hostileRow{method: "GET", path: hostileUserPath(uid)}, "header")
	if err != nil || status != 200 {
		t.Fatalf("read back: %d %v %s", status, err, hostileClip(raw))
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	got, _ := doc[hostileDBExt].(map[string]any)
	for col, want := range values {
		if got[col] != want {
			t.Errorf("read back %s = %q, want %q", col, got[col], want)
		}
	}
}
