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

// Redaction stays narrow enough to keep the shape readable: words that
// only start like "pass" are not secrets.
func TestCaptureKeepsNonSecrets(t *testing.T) {
	doc := map[string]any{"database": map[string]any{"host": "h", "properties": map[string]any{"passport": "p-123", "passive": "true"}}}
	red, _ := json.Marshal(redact(doc))
	if !strings.Contains(string(red), `"passport":"p-123"`) || !strings.Contains(string(red), `"passive":"true"`) {
		t.Errorf("non-secrets were redacted: %s", red)
	}
}
