package tenant

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every spelling of the password the decoder accepts, in every form a
// header can carry it, stays out of the capture file.
func TestCaptureRedactsEveryPasswordSpelling(t *testing.T) {
	const pw = "hunter2-secret"
	names := append([]string{"password"}, passwordAliases...)
	for _, name := range names {
		for _, key := range spellings(name) {
			if !isPasswordKey(key) {
				t.Errorf("the decoder does not read %q as the password", key)
			}
			forms := map[string]map[string]any{
				"field":           map[string]any{"database": map[string]any{"host": "h", key: pw}},
				"flat field":      map[string]any{"host": "h", key: pw},
				"property object": map[string]any{"database": map[string]any{"properties": map[string]any{key: pw}}},
				"key/value pair":  map[string]any{"database": map[string]any{"properties": []any{map[string]any{"key": key, "value": pw}}}},
				"name/value pair": map[string]any{"database": map[string]any{"properties": []any{map[string]any{"name": key, "value": pw}}}},
				"propertyName pair": map[string]any{"database": map[string]any{"properties": []any{
					map[string]any{"propertyName": key, "propertyValue": pw}}}},
				"property text":     map[string]any{"database": map[string]any{"properties": "useSSL=false;" + key + "=" + pw + ";x=y"}},
				"property text &":   map[string]any{"database": map[string]any{"properties": key + " = " + pw + "&x=y"}},
				"JDBC URL property": map[string]any{"database": map[string]any{"jdbc_url": "jdbc:mysql://h:3306/db?user=u&" + key + "=" + pw}},
				"connection string": map[string]any{"database": map[string]any{"connection_string": "Server=h;User Id=u;" + key + "=" + pw}},
			}
			for form, doc := range forms {
				path := filepath.Join(t.TempDir(), "c.jsonl")
				NewCapture(path).Record("app", doc)
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if strings.Contains(string(data), "hunter2") {
					t.Errorf("%s %q: the password reaches the capture file: %s", form, key, strings.TrimSpace(string(data)))
				}
				if !strings.Contains(string(data), "***") {
					t.Errorf("%s %q: nothing was redacted: %s", form, key, strings.TrimSpace(string(data)))
				}
			}
		}
	}
}

// Capture exists to learn field names sqlscim does not know, and a
// password may hide under any of them: the review found pw, dbPass,
// passphrase, dsn, auth, key and misspellings written in clear. Values
// are kept only under fields known to hold no secret; every key is kept,
// so the shape can still be learned.
func TestCaptureRedactsEveryValueItDoesNotKnow(t *testing.T) {
	doc := map[string]any{
		"database": map[string]any{
			"type": "mysql", "host": "db.example", "port": json.Number("3306"), "database": "oktademo", "user": "okta",
			"pw": "Secret-pw-1", "dbPass": "Secret-pw-2", "passphrase": "Secret-pw-3", "dsn": "okta:Secret-pw-4@tcp(db)/x",
			"auth": map[string]any{"basic": "Secret-pw-5", "n": json.Number("31415926")}, "pasword": "Secret-pw-6",
			"properties": map[string]any{"useSSL": "false", "key": "Secret-pw-7", "passport": "Secret-pw-8"},
		},
		"operations": map[string]any{
			"get_users": map[string]any{"type": "sql", "statement": "SELECT * FROM USERS", "user_id_column": "USER_ID", "hint": "Secret-pw-9"},
			"create_user": map[string]any{"type": "stored_procedure", "statement": "CALL CREATE_USER(?, ?)",
				"parameters": []any{"USER_ID", map[string]any{"type": "CONSTANT", "value": "Secret-pw-10"}}},
		},
		"jdbcUrl":   "jdbc:mysql://okta:Secret-pw-11@db.example:3306/oktademo?useSSL=false&pw=Secret-pw-12",
		"apiSecret": "Secret-pw-13",
		"enabled":   true,
		"pwd_list":  []any{"Secret-pw-14", json.Number("2718")},
	}
	red, err := json.Marshal(redact(doc))
	if err != nil {
		t.Fatal(err)
	}
	out := string(red)
	for _, leaked := range []string{"Secret-pw", "31415926", "2718"} {
		if strings.Contains(out, leaked) {
			t.Errorf("%s reaches the capture: %s", leaked, out)
		}
	}
	for _, kept := range []string{`"host":"db.example"`, `"port":3306`, `"database":"oktademo"`, `"user":"okta"`, `"useSSL":"false"`,
		`"statement":"SELECT * FROM USERS"`, `"user_id_column":"USER_ID"`, `"parameters":["USER_ID",{"type":"CONSTANT","value":"***"}]`,
		`"dbPass":"***"`, `"pasword":"***"`, `"auth":{"basic":"***","n":"***"}`, `"enabled":true`,
		`"jdbcUrl":"jdbc:mysql://okta:***@db.example:3306/oktademo?pw=***\u0026useSSL=false"`} {
		if !strings.Contains(out, kept) {
			t.Errorf("the capture lacks %s: %s", kept, out)
		}
	}
}

// A properties string that is not key=value is shown as *** whole: in
// "user=root;password:SECRET" the second part is a password written with
// the wrong separator.
func TestCaptureHidesMalformedProperties(t *testing.T) {
	red, _ := json.Marshal(redact(map[string]any{"database": map[string]any{"properties": "user=root;password:S3cret-Pw;useSSL=false"}}))
	if strings.Contains(string(red), "S3cret") || !strings.Contains(string(red), `"user=root;***;useSSL=false"`) {
		t.Errorf("got %s", red)
	}
}
