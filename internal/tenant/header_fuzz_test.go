package tenant

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/sqlscim/sqlscim/internal/db"
	_ "github.com/sqlscim/sqlscim/internal/db/all" // the dialects ParseJDBC knows
	"github.com/sqlscim/sqlscim/internal/provision"
	"github.com/sqlscim/sqlscim/internal/scim"
)

// FuzzDecodeHeader feeds the agent header's decoder: doc is the header's
// JSON, encoded as the agent may encode it (enc picks standard or URL-safe
// base64, padded or not, with line breaks, or doc sent as it is). Then the
// configuration is compiled as the registry compiles it. Neither may panic;
// every decoding error is a *scim.Error with status 400; and no error may
// repeat a password of the configuration. The seed corpus is in
// testdata/fuzz/FuzzDecodeHeader.
func FuzzDecodeHeader(f *testing.F) {
	f.Add([]byte(`{"database":{"type":"mysql","host":"db","database":"oktademo","user":"okta","password":"S3cr3t-pw"},"operations":{"get_users":{"type":"sql","statement":"SELECT * FROM USERS","user_id_column":"USER_ID"}}}`), uint8(0), false)
	f.Add([]byte(`{"jdbcUrl":"jdbc:mysql://okta:S3cr3t-pw@db:3306/oktademo","getUserById":{"type":"Execute Stored Procedure","sql":"CALL GET_USER_BY_ID(?)","params":["USER_ID"]}}`), uint8(3), true)
	f.Add([]byte(`not base64 at all`), uint8(5), false)
	pools := db.NewPools(db.DefaultPoolConfig)
	f.Cleanup(func() { pools.Close() })
	f.Fuzz(func(t *testing.T, doc []byte, enc uint8, ignoreUnknown bool) {
		value := fuzzEncodeHeader(doc, enc)
		secrets := fuzzSecrets(doc)
		cfg, parsed, err := decodeHeader("fuzz_app", value, ignoreUnknown)
		if err != nil {
			var se *scim.Error
			if !errors.As(err, &se) {
				t.Fatalf("decodeHeader error %T %v is not a *scim.Error", err, err)
			}
			if se.Status != 400 || (se.Type != scim.InvalidSyntax && se.Type != scim.InvalidValue) {
				t.Fatalf("decodeHeader error %d %s, want 400 invalidSyntax or invalidValue: %v", se.Status, se.Type, se)
			}
			if strings.TrimSpace(se.Detail) == "" {
				t.Fatalf("decodeHeader error without a detail")
			}
			fuzzNoSecret(t, "decodeHeader error", se.Detail, secrets)
			return
		}
		if cfg == nil || parsed == nil {
			t.Fatalf("decodeHeader returned no configuration and no error")
		}
		if cfg.Name != "fuzz_app" {
			t.Fatalf("the tenant's name is %q, not the {app} of the URL", cfg.Name)
		}
		if cfg.Database.Type == "sqlite" || strings.HasPrefix(strings.ToLower(strings.TrimSpace(cfg.JDBCURL)), "jdbc:sqlite:") {
			t.Fatalf("a SQLite configuration came through the header: %+v", cfg.Database)
		}
		tn, err := provision.Compile(cfg, pools, HeaderName)
		if err != nil {
			fuzzNoSecret(t, "Compile error", err.Error(), secrets)
			return
		}
		if tn.Dialect().Info().Name == "sqlite" {
			t.Fatalf("the header compiled into a SQLite tenant: %s", tn.Config().Database.String())
		}
		fuzzNoSecret(t, "the tenant's database description", tn.Config().Database.String(), secrets)
	})
}

// fuzzEncodeHeader encodes doc as a header value.
func fuzzEncodeHeader(doc []byte, enc uint8) string {
	switch enc % 6 {
	case 0:
		return base64.StdEncoding.EncodeToString(doc)
	case 1:
		return base64.RawStdEncoding.EncodeToString(doc)
	case 2:
		return base64.URLEncoding.EncodeToString(doc)
	case 3:
		return base64.RawURLEncoding.EncodeToString(doc)
	case 4:
		s := base64.StdEncoding.EncodeToString(doc)
		var b strings.Builder
		for i := 0; i < len(s); i += 76 {
			b.WriteString(s[i:min(i+76, len(s))])
			b.WriteString("\r\n")
		}
		return b.String()
	}
	return string(doc)
}

// fuzzSecrets finds the passwords a header document carries: the string
// values of password fields (under any spelling the decoder accepts) and of
// properties named like secrets. Only values long enough to be
// recognisable, and found nowhere else in the document (so that an error
// quoting another field cannot match by chance), are returned.
func fuzzSecrets(doc []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil
	}
	var all []string // every key and string value, for the uniqueness test
	var candidates []string
	var walk func(v any, secretKey bool)
	walk = func(v any, secretKey bool) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				all = append(all, k)
				walk(e, fuzzSecretKey(k))
			}
		case []any:
			for _, e := range x {
				walk(e, false)
			}
		case string:
			all = append(all, x)
			if secretKey {
				candidates = append(candidates, x)
			}
		}
	}
	walk(v, false)
	var out []string
	for _, c := range candidates {
		if len(c) < 6 || strings.TrimSpace(c) != c {
			continue
		}
		n := 0
		for _, s := range all {
			n += strings.Count(s, c)
		}
		if n == 1 {
			out = append(out, c)
		}
	}
	return out
}

// fuzzSecretKey reports keys whose values are secrets: the password field
// and its aliases, and properties named like passwords.
func fuzzSecretKey(k string) bool {
	n := norm(k)
	if databaseFields[n] == "password" {
		return true
	}
	return strings.Contains(n, "password") || n == "pwd"
}

func fuzzNoSecret(t *testing.T, what, text string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Fatalf("%s repeats the password %q: %s", what, s, text)
		}
	}
}

// FuzzCaptureRedacts redacts a header document as header.capture records
// it and checks that no secret is left: not the values of fields whose
// names the decoder does not know or that look secret, not the values of
// such property pairs, not a password=... in a property string, not the
// password of a JDBC URL. The seed corpus is in
// testdata/fuzz/FuzzCaptureRedacts.
func FuzzCaptureRedacts(f *testing.F) {
	f.Add([]byte(`{"database":{"jdbc_url":"jdbc:mysql://okta:S3cr3t-pw@db/oktademo","password":"An0ther-pw","properties":"user=okta;password=Th1rd-pw"},"props":[{"key":"trustStorePassword","value":"F0urth-pw"}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		dec := json.NewDecoder(bytes.NewReader(doc))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) != nil {
			return
		}
		out, err := json.Marshal(redact(v))
		if err != nil {
			t.Fatalf("the redacted document does not render: %v", err)
		}
		for _, s := range captureSecrets(v) {
			if !strings.Contains(string(out), s.text) {
				continue
			}
			t.Fatalf("the captured document keeps the password %q: %s", s.text, out)
		}
	})
}

type captureSecret struct {
	text     string
	inString bool // found inside a string value, which db.RedactURL scrubs
	cut      bool // a piece of a password holding a character RedactURL stops at
}

// redactStops are the characters at which a parser or a redaction might
// cut a password; no piece of a cut password may be left either.
const redactStops = "/?#@;&(){}\"\\"

var propertyPassword = regexp.MustCompile(`(?i)(?:^|[;&?\n])\s*(?:password|passwd|pass|pwd)\s*=\s*([^;&\n]*)`)

// captureSecrets lists the secrets of a document that are long enough to
// recognise and occur once in it (keys and string values together).
func captureSecrets(v any) []captureSecret {
	var all []string
	var found []captureSecret
	var walk func(v any, secretKey bool)
	walk = func(v any, secretKey bool) {
		switch x := v.(type) {
		case map[string]any:
			pair := false
			for k, e := range x {
				if s, ok := e.(string); ok && pairKeys[norm(k)] && suspectKey(s) {
					pair = true
				}
			}
			for k, e := range x {
				all = append(all, k)
				walk(e, suspectKey(k) || (pair && pairValues[norm(k)]))
			}
		case []any:
			for _, e := range x {
				walk(e, false)
			}
		case string:
			all = append(all, x)
			if secretKey {
				found = append(found, captureSecret{text: x})
			}
			if c, err := db.ParseJDBC(x); err == nil && !c.Password.IsZero() {
				found = append(found, captureSecret{text: c.Password.Reveal(), inString: true})
			}
			for _, m := range propertyPassword.FindAllStringSubmatch(x, -1) {
				found = append(found, captureSecret{text: strings.TrimSpace(m[1]), inString: true})
			}
		}
	}
	walk(v, false)
	// A password holding a character the redaction stops at: its pieces
	// must not be left either.
	for _, s := range found {
		if !s.inString || !strings.ContainsAny(s.text, redactStops) {
			continue
		}
		for _, piece := range strings.FieldsFunc(s.text, func(r rune) bool { return strings.ContainsRune(redactStops, r) }) {
			if len(piece) >= 5 {
				found = append(found, captureSecret{text: piece, inString: true, cut: true})
			}
		}
	}
	var out []captureSecret
	for _, s := range found {
		if len(s.text) < 5 || (len(s.text) < 6 && !s.cut) || strings.TrimSpace(s.text) != s.text || s.text == "***" {
			continue
		}
		n := 0
		for _, a := range all {
			n += strings.Count(a, s.text)
		}
		if n == 1 {
			out = append(out, s)
		}
	}
	return out
}

// suspectKey reports a key whose value the capture must hide: one the
// decoder knows under no table, or one whose name looks secret.
func suspectKey(k string) bool {
	if isPasswordKey(k) {
		return true
	}
	n := norm(k)
	for _, table := range []aliases{topFields, databaseFields, operationFields, paramFields} {
		if _, known := table[n]; known {
			return false
		}
	}
	if _, op := opNames[n]; op || pairKeys[n] || pairValues[n] {
		return false
	}
	return true
}

// FuzzPropertiesText decodes a header whose properties are the fuzzed
// text ("k=v;k2=v2", the form an admin types). A part that is not
// key=value may be a password written with the wrong separator
// ("password:S3cret"): it must reach neither the decoder's error nor the
// capture. The seed corpus is in testdata/fuzz/FuzzPropertiesText.
func FuzzPropertiesText(f *testing.F) {
	f.Add("user=root;password:S3cret-pw")
	f.Add("useSSL=false&verbose\nx=y")
	f.Add("=Secret-value;;pw")
	f.Fuzz(func(t *testing.T, text string) {
		doc := map[string]any{"database": map[string]any{"type": "mysql", "host": "h", "properties": text}}
		_, err := Decode(doc, Source{Path: HeaderName})
		red, jerr := json.Marshal(redact(doc))
		if jerr != nil {
			t.Fatalf("the redacted document does not render: %v", jerr)
		}
		parts := strings.FieldsFunc(text, func(r rune) bool { return r == ';' || r == '&' || r == '\n' })
		for _, part := range parts {
			k, _, ok := strings.Cut(part, "=")
			if ok && strings.TrimSpace(k) != "" {
				continue
			}
			p := strings.TrimSpace(part)
			if len(p) < 6 || strings.Count(text, p) != 1 || strings.Contains(HeaderName+"properties database mysql key=value", p) {
				continue
			}
			if err != nil && strings.Contains(err.Error(), p) {
				t.Fatalf("the error repeats %q: %v", p, err)
			}
			if strings.Contains(string(red), p) {
				t.Fatalf("the capture repeats %q: %s", p, red)
			}
		}
	})
}
