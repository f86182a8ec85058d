package tenant

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/provision"
	"github.com/sqlscim/sqlscim/internal/scim"
)

// labHeaderDoc is an agent configuration for a MySQL lab; compiling it
// does not connect.
func labHeaderDoc() map[string]any {
	return map[string]any{
		"database": map[string]any{"type": "mysql", "host": "db.example", "port": 3306, "database": "oktademo", "user": "oktademo", "password": "hunter2"},
		"operations": map[string]any{
			"get_users":      map[string]any{"type": "sql", "statement": "SELECT * FROM USERS", "user_id_column": "USER_ID"},
			"get_user_by_id": map[string]any{"type": "sql", "statement": "SELECT * FROM USERS WHERE USER_ID = ?", "parameters": []any{"USER_ID"}},
		},
	}
}

func testHeader(t *testing.T, doc any) string {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return testB64(string(b))
}

func testLocalConfig(name string) *provision.Config {
	return &provision.Config{
		Name:     name,
		Database: db.Conn{Type: "sqlite", Database: filepath.Join(os.TempDir(), "sqlscim-registry-test.db")},
		Operations: map[provision.OpName]*provision.Operation{
			provision.GetUsers:    {Enabled: true, Type: provision.SQLStatement, Statement: "SELECT * FROM USERS", UserIDColumn: "USER_ID"},
			provision.GetUserByID: {Enabled: true, Type: provision.SQLStatement, Statement: "SELECT * FROM USERS WHERE USER_ID = ?", Parameters: []provision.Param{{Type: provision.DatabaseField, Field: "USER_ID"}}},
		},
	}
}

// testRegistry builds a registry. The test headers name hosts of the
// domain example (db.example, db2.example); without rules of its own, a
// test's registry allows that domain, as an admin writes
// header.allowed_databases.
func testRegistry(t *testing.T, opts Options) *Registry {
	t.Helper()
	if len(opts.Allowed) == 0 && !opts.AllowAnyDatabase {
		opts.Allowed = mustRules(t, "*.example")
	}
	pools := db.NewPools(db.DefaultPoolConfig)
	t.Cleanup(func() { pools.Close() })
	r, err := NewRegistry(pools, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func scimError(t *testing.T, err error) *scim.Error {
	t.Helper()
	var se *scim.Error
	if !errors.As(err, &se) {
		t.Fatalf("error %v is not a *scim.Error", err)
	}
	return se
}

func TestRegistryHeaderCache(t *testing.T) {
	ctx := context.Background()
	r := testRegistry(t, Options{})
	h1 := testHeader(t, labHeaderDoc())
	t1, err := r.Tenant(ctx, "jdbc_on_prem", h1)
	if err != nil {
		t.Fatal(err)
	}
	if t1.Name() != "jdbc_on_prem" || t1.Dialect().Info().Name != "mysql" || t1.Config().Database.Host != "db.example" {
		t.Fatalf("tenant %s on %s %+v", t1.Name(), t1.Dialect().Info().Name, t1.Config().Database)
	}
	t2, err := r.Tenant(ctx, "jdbc_on_prem", h1)
	if err != nil {
		t.Fatal(err)
	}
	if t1 != t2 {
		t.Error("the same header compiled twice")
	}

	doc := labHeaderDoc()
	doc["database"].(map[string]any)["host"] = "db2.example"
	t3, err := r.Tenant(ctx, "jdbc_on_prem", testHeader(t, doc))
	if err != nil {
		t.Fatal(err)
	}
	if t3 == t1 || t3.Config().Database.Host != "db2.example" {
		t.Errorf("a different header gave the cached tenant (host %s)", t3.Config().Database.Host)
	}

	// The app is part of the key: the same header serves two tenants.
	t4, err := r.Tenant(ctx, "other_app", h1)
	if err != nil {
		t.Fatal(err)
	}
	if t4 == t1 || t4.Name() != "other_app" {
		t.Errorf("other_app got tenant %s", t4.Name())
	}
	if t5, _ := r.Tenant(ctx, "jdbc_on_prem", h1); t5 != t1 {
		t.Error("the first header was evicted with room in the cache")
	}
}

func TestRegistryHeaderNameIsTheApp(t *testing.T) {
	doc := labHeaderDoc()
	doc["name"] = "something_else"
	tn, err := testRegistry(t, Options{}).Tenant(context.Background(), "jdbc_on_prem", testHeader(t, doc))
	if err != nil {
		t.Fatal(err)
	}
	if tn.Name() != "jdbc_on_prem" {
		t.Errorf("name %q", tn.Name())
	}
}

func TestRegistryCacheEviction(t *testing.T) {
	ctx := context.Background()
	r := testRegistry(t, Options{MaxCached: 1})
	a := testHeader(t, labHeaderDoc())
	doc := labHeaderDoc()
	doc["database"].(map[string]any)["port"] = 3307
	b := testHeader(t, doc)
	ta, err := r.Tenant(ctx, "app", a)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := r.Tenant(ctx, "app", a); again != ta {
		t.Fatal("not cached")
	}
	if _, err := r.Tenant(ctx, "app", b); err != nil {
		t.Fatal(err)
	}
	if again, _ := r.Tenant(ctx, "app", a); again == ta {
		t.Error("a cache of one kept two tenants")
	}
	if n := r.lru.Len(); n != 1 || len(r.cache) != 1 {
		t.Errorf("%d cached, %d keys", n, len(r.cache))
	}
}

func TestRegistryMissingHeader(t *testing.T) {
	r := testRegistry(t, Options{})
	tn, err := r.Tenant(context.Background(), "jdbc_on_prem", "")
	se := scimError(t, err)
	if tn != nil || se.Status != 400 || se.Type != scim.MissingAttribute || se.Detail != "Missing X-OKTA-ONPREM-DATA header" {
		t.Fatalf("got %v", err)
	}
	if body := se.Body(scim.OPSStyle); body.ScimType != "MISSING_ATTRIBUTE" {
		t.Errorf("OPS scimType %q", body.ScimType)
	}
}

func TestRegistryInvalidTenantNames(t *testing.T) {
	r := testRegistry(t, Options{Local: []*provision.Config{testLocalConfig("jdbc_on_prem")}})
	for _, app := range []string{"", ".", "..", "a/b", "a b", "jdbc_on_prem%00", strings.Repeat("x", 65)} {
		tn, err := r.Tenant(context.Background(), app, testHeader(t, labHeaderDoc()))
		se := scimError(t, err)
		want := `No tenant "` + app + `": a tenant name has only letters, digits, '_', '-' and '.'.`
		if tn != nil || se.Status != 404 || se.Detail != want {
			t.Errorf("%q: got %v", app, err)
		}
	}
}

func TestRegistryLocalTenants(t *testing.T) {
	ctx := context.Background()
	r := testRegistry(t, Options{Local: []*provision.Config{testLocalConfig("jdbc_on_prem"), testLocalConfig("second")}})
	local := r.Local()
	if len(local) != 2 || local[0].Name() != "jdbc_on_prem" || local[1].Name() != "second" {
		t.Fatalf("local %v", local)
	}
	tn, err := r.Tenant(ctx, "jdbc_on_prem", "")
	if err != nil || tn != local[0] {
		t.Fatalf("without a header: %v, %v", tn, err)
	}
	if tn, err := r.Tenant(ctx, "second", ""); err != nil || tn != local[1] {
		t.Fatalf("second: %v, %v", tn, err)
	}
	// The header wins over the local tenant of the same name.
	fromHeader, err := r.Tenant(ctx, "jdbc_on_prem", testHeader(t, labHeaderDoc()))
	if err != nil {
		t.Fatal(err)
	}
	if fromHeader == local[0] || fromHeader.Dialect().Info().Name != "mysql" {
		t.Error("the local tenant answered a request with a header")
	}
	if again, _ := r.Tenant(ctx, "jdbc_on_prem", ""); again != local[0] {
		t.Error("the header replaced the local tenant")
	}
	// Another app without a header has no configuration: with local
	// tenants, the app name is the likely mistake.
	_, err = r.Tenant(ctx, "unknown_app", "")
	want := `No tenant "unknown_app": the local tenants are "jdbc_on_prem", "second"; any other app needs its configuration in the X-OKTA-ONPREM-DATA header.`
	if se := scimError(t, err); se.Status != 404 || se.Type != "" || se.Detail != want {
		t.Errorf("unknown app: %d %q %q", se.Status, se.Type, se.Detail)
	}
}

// Without a header, an app that is not a local tenant gets a 404 naming
// the local tenants when there are some, else the 400 of a missing header.
func TestRegistryUnknownAppWithoutHeader(t *testing.T) {
	many := make([]*provision.Config, 22)
	for i := range many {
		many[i] = testLocalConfig(fmt.Sprintf("t%02d", i))
	}
	tests := []struct {
		name     string
		local    []*provision.Config
		status   int
		scimType scim.ErrorType
		detail   string
	}{
		{"no local tenants", nil, 400, scim.MissingAttribute, "Missing X-OKTA-ONPREM-DATA header"},
		{"one local tenant", []*provision.Config{testLocalConfig("hr")}, 404, "",
			`No tenant "payroll": the local tenants are "hr"; any other app needs its configuration in the X-OKTA-ONPREM-DATA header.`},
		{"many local tenants", many, 404, "",
			`No tenant "payroll": the local tenants are "t00", "t01", "t02", "t03", "t04", "t05", "t06", "t07", "t08", "t09", "t10", "t11", "t12", "t13", "t14", "t15", "t16", "t17", "t18", "t19" and 2 more; any other app needs its configuration in the X-OKTA-ONPREM-DATA header.`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := testRegistry(t, Options{Local: tc.local})
			tn, err := r.Tenant(context.Background(), "payroll", "")
			se := scimError(t, err)
			if tn != nil || se.Status != tc.status || se.Type != tc.scimType || se.Detail != tc.detail {
				t.Errorf("got %d %q %q\nwant %d %q %q", se.Status, se.Type, se.Detail, tc.status, tc.scimType, tc.detail)
			}
			// With the header, the same app is configured by it.
			if _, err := r.Tenant(context.Background(), "payroll", testHeader(t, labHeaderDoc())); err != nil {
				t.Errorf("with the header: %v", err)
			}
		})
	}
}

func TestNewRegistryProblems(t *testing.T) {
	bad := testLocalConfig("b")
	bad.Operations[provision.GetUsers].UserIDColumn = ""
	bad.Database.Type = "informix"
	pools := db.NewPools(db.DefaultPoolConfig)
	t.Cleanup(func() { pools.Close() })
	_, err := NewRegistry(pools, Options{Local: []*provision.Config{testLocalConfig("a"), testLocalConfig("a"), bad}})
	var ps provision.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("got %v", err)
	}
	want := `tenants[1].name: tenant "a" is defined twice; ` +
		`tenants[2].database.type: unknown database type "informix"; known types: mysql, oracle, postgresql, sqlite, sqlserver; ` +
		`tenants[2].operations.get_users.user_id_column: missing: name the column that identifies a user, e.g. USER_ID`
	if ps.Error() != want {
		t.Fatalf("got  %s\nwant %s", ps.Error(), want)
	}
}

func TestRegistryHeaderErrors(t *testing.T) {
	ctx := context.Background()
	unknown := labHeaderDoc()
	unknown["colour"] = "blue"
	noIDColumn := labHeaderDoc()
	delete(noIDColumn["operations"].(map[string]any)["get_users"].(map[string]any), "user_id_column")
	tests := []struct {
		name   string
		header string
		ignore bool
		status int
		typ    scim.ErrorType
		detail string
	}{
		{name: "not base64", header: "not base64!", status: 400, typ: scim.InvalidSyntax,
			detail: "X-OKTA-ONPREM-DATA is not valid base64; it must be the base64 encoding of a JSON document"},
		{name: "not an object", header: testB64(`["x"]`), status: 400, typ: scim.InvalidSyntax,
			detail: "X-OKTA-ONPREM-DATA must hold a JSON object, not a list"},
		{name: "unknown field", header: testHeader(t, unknown), status: 400, typ: scim.InvalidValue,
			detail: "X-OKTA-ONPREM-DATA.colour: unknown field; the fields here are created_column, database, extension_urn, ignore_attributes, last_modified_column, mapping, name, operations, password_sync, secret_columns"},
		{name: "unknown field ignored", header: testHeader(t, unknown), ignore: true},
		{name: "does not compile", header: testHeader(t, noIDColumn), status: 400, typ: scim.InvalidValue,
			detail: "X-OKTA-ONPREM-DATA.operations.get_users.user_id_column: missing: name the column that identifies a user, e.g. USER_ID"},
		{name: "password from the server's environment", header: testHeader(t, map[string]any{"jdbcUrl": "jdbc:mysql://evil.example/x", "user": "u", "password_env": "HOME"}),
			status: 400, typ: scim.InvalidValue,
			detail: "X-OKTA-ONPREM-DATA: password_env and password_file are only allowed in the local configuration file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := testRegistry(t, Options{IgnoreUnknown: tc.ignore})
			tn, err := r.Tenant(ctx, "app", tc.header)
			if tc.status == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			se := scimError(t, err)
			if tn != nil || se.Status != tc.status || se.Type != tc.typ || se.Detail != tc.detail {
				t.Fatalf("got %d %s %q", se.Status, se.Type, se.Detail)
			}
			if len(r.cache) != 0 {
				t.Error("a failed configuration was cached")
			}
		})
	}
}

// captured reads the capture file's lines.
func testCaptured(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		out = append(out, line)
	}
	return out
}

func TestCaptureThroughTheRegistry(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "captured.jsonl")
	c := NewCapture(path)
	if c.Path() != path {
		t.Errorf("Path() = %q", c.Path())
	}
	r := testRegistry(t, Options{Capture: c})
	h := testHeader(t, labHeaderDoc())
	for i := 0; i < 3; i++ {
		if _, err := r.Tenant(ctx, "app", h); err != nil {
			t.Fatal(err)
		}
	}
	lines := testCaptured(t, path)
	if len(lines) != 1 {
		t.Fatalf("%d lines after one distinct header", len(lines))
	}
	if lines[0]["app"] != "app" || lines[0]["time"] == "" {
		t.Errorf("line %v", lines[0])
	}
	cfg := lines[0]["config"].(map[string]any)
	if got := cfg["database"].(map[string]any)["password"]; got != "***" {
		t.Errorf("password captured as %v", got)
	}
	if got := cfg["database"].(map[string]any)["host"]; got != "db.example" {
		t.Errorf("host captured as %v", got)
	}

	// A header that differs only in its password has the same shape.
	doc := labHeaderDoc()
	doc["database"].(map[string]any)["password"] = "other"
	if _, err := r.Tenant(ctx, "app", testHeader(t, doc)); err != nil {
		t.Fatal(err)
	}
	// A configuration that does not decode is recorded: that is when its
	// shape matters most.
	doc["unexpectedField"] = map[string]any{"x": 1}
	if _, err := r.Tenant(ctx, "app", testHeader(t, doc)); err == nil {
		t.Fatal("unknown field accepted")
	}
	// Another app, and a header that is not even base64.
	if _, err := r.Tenant(ctx, "app2", h); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Tenant(ctx, "app", "!!!"); err == nil {
		t.Fatal("bad base64 accepted")
	}
	lines = testCaptured(t, path)
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3", len(lines))
	}
	if _, ok := lines[1]["config"].(map[string]any)["unexpectedField"]; !ok || lines[2]["app"] != "app2" {
		t.Errorf("lines %v", lines)
	}
	if runtime.GOOS != "windows" {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("capture file mode %v, want 0600", info.Mode().Perm())
		}
	}
}

func TestCaptureRedaction(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.jsonl")
	c := NewCapture(path)
	doc := jsonDoc(t, `{
		"database": {
			"type": "mysql", "host": "h", "user": "u",
			"password": "hunter2-a",
			"dbPassword": "hunter2-b",
			"pwd": "hunter2-c",
			"properties": [
				{"key": "password", "value": "hunter2-d"},
				{"name": "trustStorePassword", "value": "hunter2-e"},
				{"key": "useSSL", "value": "false"}
			],
			"props": {"sslPassword": "hunter2-f", "apiKey": "hunter2-g", "timeout": "5"},
			"url": "jdbc:mysql://h:3306/db?user=u&password=hunter2-h&useSSL=false",
			"connection_url": "jdbc:postgresql://u:hunter2-i@h:5432/db",
			"jdbc": "jdbc:sqlserver://h:1433;databaseName=db;user=u;password=hunter2-j;encrypt=true",
			"connection_string": "jdbc:oracle:thin:u/hunter2-k@h:1521/XEPDB1",
			"secretToken": {"nested": "hunter2-l"},
			"emptyPassword": null
		},
		"operations": [{"name": "get_users", "statement": "SELECT PASSWORD_HASH FROM USERS"}]
	}`).(map[string]any)
	c.Record("app", doc)
	c.Record("app", doc)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(data), "\n") != 1 {
		t.Fatalf("recorded %d times", strings.Count(string(data), "\n"))
	}
	if strings.Contains(string(data), "hunter2") {
		t.Fatalf("a secret reached the capture file:\n%s", data)
	}
	lines := testCaptured(t, path)
	dbObj := lines[0]["config"].(map[string]any)["database"].(map[string]any)
	checks := map[string]any{
		"password":          "***",
		"dbPassword":        "***",
		"pwd":               "***",
		"url":               "jdbc:mysql://h:3306/db?user=u&password=***&useSSL=false",
		"connection_url":    "jdbc:postgresql://u:***@h:5432/db",
		"jdbc":              "jdbc:sqlserver://h:1433;databaseName=db;user=u;password=***;encrypt=true",
		"connection_string": "jdbc:oracle:thin:u/***@h:1521/XEPDB1",
		"secretToken":       map[string]any{"nested": "***"},
		"emptyPassword":     nil,
		"user":              "u",
	}
	for k, want := range checks {
		if got := dbObj[k]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s captured as %#v, want %#v", k, got, want)
		}
	}
	props := dbObj["properties"].([]any)
	if !reflect.DeepEqual(props[0], map[string]any{"key": "password", "value": "***"}) ||
		!reflect.DeepEqual(props[1], map[string]any{"name": "trustStorePassword", "value": "***"}) ||
		!reflect.DeepEqual(props[2], map[string]any{"key": "useSSL", "value": "false"}) {
		t.Errorf("properties captured as %v", props)
	}
	if got := dbObj["props"]; !reflect.DeepEqual(got, map[string]any{"sslPassword": "***", "apiKey": "***", "timeout": "5"}) {
		t.Errorf("props captured as %v", got)
	}
	ops := lines[0]["config"].(map[string]any)["operations"].([]any)
	if ops[0].(map[string]any)["statement"] != "SELECT PASSWORD_HASH FROM USERS" {
		t.Errorf("a statement that names a password column was redacted: %v", ops[0])
	}
	// Record does not change the document it is given.
	if doc["database"].(map[string]any)["password"] != "hunter2-a" {
		t.Error("Record modified the document")
	}
}

// The decoder reads properties as "k=v;k2=v2" text and property pairs
// spelled propertyName/propertyValue, and the connection string under
// connectionString; secrets in those forms must not reach the capture.
func TestCaptureRedactionOfOtherSecretForms(t *testing.T) {
	docs := map[string]string{
		"properties as text":   `{"database": {"properties": "useSSL=false;password=hunter2"}}`,
		"propertyName pairs":   `{"database": {"properties": [{"propertyName": "password", "propertyValue": "hunter2"}]}}`,
		"property/value pairs": `{"database": {"properties": [{"property": "password", "value": "hunter2"}]}}`,
		"connection string":    `{"database": {"connectionString": "Server=h;Database=d;User Id=u;Password=hunter2"}}`,
	}
	var leaks []string
	for name, doc := range docs {
		path := filepath.Join(t.TempDir(), "c.jsonl")
		NewCapture(path).Record("app", jsonDoc(t, doc).(map[string]any))
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), "hunter2") {
			leaks = append(leaks, name+": "+strings.TrimSpace(string(data)))
		}
	}
	if len(leaks) > 0 {
		t.Fatalf("secrets reach the capture file:\n%s", strings.Join(leaks, "\n"))
	}
}

func TestRegistryRefusesSQLiteFromTheHeader(t *testing.T) {
	r := testRegistry(t, Options{})
	for _, database := range []map[string]any{
		{"type": "sqlite", "database": "/etc/passwd"},
		{"jdbc_url": "jdbc:sqlite:/tmp/anything.db"},
	} {
		doc := labHeaderDoc()
		doc["database"] = database
		_, err := r.Tenant(context.Background(), "jdbc_on_prem", testHeader(t, doc))
		se := scimError(t, err)
		if se.Status != 400 || se.Detail != "X-OKTA-ONPREM-DATA: SQLite databases are files on this server; configure them in the local tenants file, not in the agent's header" {
			t.Errorf("%v: %d %q", database, se.Status, se.Detail)
		}
	}
}

func mustRules(t testing.TB, rules ...string) []AllowRule {
	t.Helper()
	r, err := ParseAllowRules(rules)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReplaceLocal(t *testing.T) {
	ctx := context.Background()
	r := testRegistry(t, Options{Local: []*provision.Config{testLocalConfig("hr"), testLocalConfig("payroll")}})
	hr, err := r.Tenant(ctx, "hr", "")
	if err != nil {
		t.Fatal(err)
	}

	// hr unchanged, payroll changed, sales added; nothing removed.
	payroll := testLocalConfig("payroll")
	payroll.Database.Database = "payroll_v2"
	ch, err := r.ReplaceLocal([]*provision.Config{testLocalConfig("hr"), payroll, testLocalConfig("sales")})
	if err != nil {
		t.Fatal(err)
	}
	if want := (Changes{Added: []string{"sales"}, Changed: []string{"payroll"}}); !reflect.DeepEqual(ch, want) {
		t.Fatalf("changes %+v, want %+v", ch, want)
	}
	if again, _ := r.Tenant(ctx, "hr", ""); again != hr {
		t.Error("an unchanged tenant was compiled again (its caches would be lost)")
	}
	if p, err := r.Tenant(ctx, "payroll", ""); err != nil || p.Config().Database.Database != "payroll_v2" {
		t.Errorf("payroll after the reload: %v %v", p, err)
	}
	if _, err := r.Tenant(ctx, "sales", ""); err != nil {
		t.Errorf("the added tenant is not served: %v", err)
	}

	// A configuration with a problem changes nothing.
	bad := testLocalConfig("hr")
	bad.Database.Type = "informix"
	if _, err := r.ReplaceLocal([]*provision.Config{bad}); err == nil || !strings.Contains(err.Error(), "informix") {
		t.Fatalf("a bad configuration: %v, want the problem", err)
	}
	if names := tenantNames(r.Local()); !reflect.DeepEqual(names, []string{"hr", "payroll", "sales"}) {
		t.Fatalf("after a refused replacement the tenants are %v", names)
	}

	// Removing a tenant: it is no longer found, with the 404 naming the rest.
	ch, err = r.ReplaceLocal([]*provision.Config{testLocalConfig("hr")})
	if err != nil || !reflect.DeepEqual(ch, Changes{Removed: []string{"payroll", "sales"}}) {
		t.Fatalf("removing: %+v %v", ch, err)
	}
	_, err = r.Tenant(ctx, "sales", "")
	if se := scimError(t, err); se.Status != 404 || !strings.Contains(se.Detail, `the local tenants are "hr"`) {
		t.Errorf("a removed tenant: %d %s", se.Status, se.Detail)
	}
}

func tenantNames(ts []*provision.Tenant) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Name())
	}
	return out
}
