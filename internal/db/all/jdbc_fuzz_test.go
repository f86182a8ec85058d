package all

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sqlscim/sqlscim/internal/db"
)

// FuzzParseJDBC reads a JDBC URL with every dialect and builds the driver's
// DSN for what it yields, with its own dialect and with every other one.
// Nothing may panic; a parsed URL has a known type; and the password of the
// URL never appears in an error message, in Conn.String (what logs show)
// or in a pool's identity. The seed corpus is in testdata/fuzz/FuzzParseJDBC.
func FuzzParseJDBC(f *testing.F) {
	f.Add("jdbc:mysql://okta:S3cr3tPw@db.example.com:3306/oktademo?useSSL=false")
	f.Add(`jdbc:sqlserver://sql\INST:1433;databaseName=scim;user=okta;password={S3cr;3tPw}`)
	f.Add("jdbc:oracle:thin:okta/S3cr3tPw@//ora:1521/XEPDB1")
	f.Fuzz(func(t *testing.T, raw string) {
		secrets := jdbcSecrets(raw)
		if c, err := db.ParseJDBC(raw); err == nil {
			d, err := db.Lookup(c.Type)
			if err != nil {
				t.Fatalf("ParseJDBC(%q) gave type %q, which Lookup does not know: %v", raw, c.Type, err)
			}
			if d.Info().Name != c.Type {
				t.Fatalf("ParseJDBC(%q) gave type %q, not a canonical name (%s)", raw, c.Type, d.Info().Name)
			}
			if pw := c.Password.Reveal(); recognisable(pw, c) {
				secrets = append(secrets, secretText{text: pw})
			}
		}
		shown := shownTexts(raw)
		for _, s := range secrets {
			for what, text := range shown {
				if !strings.Contains(text, s.text) {
					continue
				}
				// A text may hold the secret by its own wording
				// ("jdbc:mysql:") or quoting (a NUL shown as \x00 before
				// digits): it repeats the URL's secret only if it stops
				// holding it once the URL no longer does.
				alt := shownTexts(strings.ReplaceAll(raw, s.text, strings.Repeat("Z", len(s.text))))
				if strings.Contains(alt[what], s.text) {
					continue
				}
				t.Fatalf("%s repeats the password %q: %s", what, s.text, text)
			}
		}
	})
}

// shownTexts is every text that may reach a log or a client for the URL
// raw, by what it is: the ParseJDBC error, or Conn.String, the pool
// identity or NewTarget's error, and the DSN error of every dialect.
func shownTexts(raw string) map[string]string {
	c, err := db.ParseJDBC(raw)
	if err != nil {
		return map[string]string{"ParseJDBC error": err.Error()}
	}
	out := map[string]string{"Conn.String": c.String()}
	if tgt, err := db.NewTarget(c); err != nil {
		out["NewTarget error"] = err.Error()
	} else {
		out["the pool identity"] = tgt.Identity
	}
	for _, name := range db.Known() {
		d, _ := db.Lookup(name)
		oc := c
		oc.Type = name
		if _, err := d.DSN(oc); err != nil {
			out[name+" DSN error"] = err.Error()
		}
	}
	return out
}

// Where JDBC URLs put passwords: user:password@ in the authority,
// password=... (or pwd=...) properties, Oracle's
// user/password@ (up to the first or the last @) and
// SQL Server's {braced} values.
var passwordSpots = []*regexp.Regexp{
	// //user:password@; an = between the colon and the @ makes the text a
	// property (?x=a@b), as ParseJDBC reads it.
	regexp.MustCompile(`//[^/?#@]*?:([^@=]*)@`),
	regexp.MustCompile(`(?i)[;?&(]\s*(?:password|pwd)\s*=\s*\{([^}]*)\}`),
	regexp.MustCompile(`(?i)[;?&(]\s*(?:password|pwd)\s*=\s*([^&;)]*)`),
	regexp.MustCompile(`(?i):thin:[^/@:]*/([^@]*)@`),
	regexp.MustCompile(`(?i):thin:[^/@:]*/(.*)@[^@]*$`),
	regexp.MustCompile(`(?i):thin:[^/@:]*/([^@]*)$`),
}

// secretText is a password, or a fragment of one, that must not appear.
type secretText struct {
	text string
	// fragment is the password this is a piece of, split at a character
	// that ends a URL component; "" when text is the whole password.
	fragment string
}

// delimiters end a component of some JDBC URL syntax; a password holding
// one is cut there by the parsers and by RedactURL.
const delimiters = "/?#@;&(){}\"\\"

// jdbcSecrets lists the passwords raw seems to carry, as written and
// percent-decoded, and the pieces of those passwords between delimiters,
// keeping only texts long enough to be recognisable and found nowhere else
// in the URL, so that an error quoting the host or the database cannot
// match by chance.
func jdbcSecrets(raw string) []secretText {
	var out []secretText
	add := func(s, of string, minLen int) {
		// Messages quote texts with %q: a password that is another part of
		// the URL with a quote around it would match a quoted host.
		core := strings.Trim(s, `"'`)
		if len(s) >= minLen && strings.TrimSpace(s) == s && strings.Count(raw, s) <= 1 && strings.Count(raw, core) <= 1 {
			out = append(out, secretText{s, of})
		}
	}
	// A password=... property counts where the dialect's properties are:
	// after the first ? (MySQL, PostgreSQL, Oracle) or ; (SQL Server).
	// Before that it is part of the host or the database name. In a URL
	// no dialect reads, the whole text is echoed (redacted).
	props := 0
	switch low := strings.ToLower(strings.TrimSpace(raw)); {
	case strings.HasPrefix(low, "jdbc:sqlserver:"):
		props = strings.IndexByte(raw, ';')
	case strings.HasPrefix(low, "jdbc:mysql:"), strings.HasPrefix(low, "jdbc:mariadb:"),
		strings.HasPrefix(low, "jdbc:postgresql:"), strings.HasPrefix(low, "jdbc:oracle:"), strings.HasPrefix(low, "jdbc:sqlite:"):
		props = strings.IndexByte(raw, '?')
	}
	for i, re := range passwordSpots {
		for _, m := range re.FindAllStringSubmatchIndex(raw, -1) {
			if (i == 1 || i == 2) && (props < 0 || m[0] < props) {
				continue
			}
			pw := raw[m[2]:m[3]]
			if strings.Count(raw, pw) != 1 {
				continue
			}
			add(pw, "", 6)
			if dec, err := url.PathUnescape(pw); err == nil && dec != pw && !strings.Contains(raw, dec) {
				add(dec, "", 6)
			}
			if strings.ContainsAny(pw, delimiters) {
				for _, piece := range strings.FieldsFunc(pw, func(r rune) bool { return strings.ContainsRune(delimiters, r) }) {
					add(piece, pw, 5)
				}
			}
		}
	}
	return out
}

// recognisable reports whether pw is long enough, and absent from the
// connection's other fields, for its presence in a text to be a leak.
func recognisable(pw string, c db.Conn) bool {
	if len(pw) < 6 || strings.TrimSpace(pw) != pw {
		return false
	}
	others := []string{c.Type, c.Host, c.Database, c.SID, c.Descriptor, c.Instance, c.User}
	for k, v := range c.Properties {
		others = append(others, k, v)
	}
	for _, o := range others {
		if strings.Contains(o, pw) {
			return false
		}
	}
	return true
}
