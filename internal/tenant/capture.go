package tenant

import (
	"crypto/sha256"
	"encoding/json"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/secret"
)

// Capture records each distinct configuration the agent sends, with
// passwords and secrets replaced by ***, one JSON document per line, so that
// an admin running the real agent can learn and share its exact shape.
type Capture struct {
	path string
	mu   sync.Mutex
	seen map[[32]byte]bool
}

// NewCapture records into path (created with mode 0600 on first use).
func NewCapture(path string) *Capture {
	return &Capture{path: path, seen: map[[32]byte]bool{}}
}

// Path is the file the capture writes.
func (c *Capture) Path() string { return c.path }

// Record writes doc, redacted, unless the same document was recorded before.
func (c *Capture) Record(app string, doc map[string]any) {
	red := redact(doc)
	body, err := json.Marshal(red)
	if err != nil {
		return
	}
	key := sha256.Sum256(append([]byte(app+"\x00"), body...))
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen[key] || len(c.seen) > 1000 {
		return
	}
	c.seen[key] = true
	line, _ := json.Marshal(map[string]any{"time": time.Now().UTC().Format(time.RFC3339), "app": app, "config": json.RawMessage(body)})
	f, err := os.OpenFile(c.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return
	}
	defer f.Close()
	_, _ = f.Write(append(line, '\n'))
}

// isSecretKey reports keys whose values are secrets: every spelling of the
// password the decoder accepts (pass, passwd ... taken from the decoder's
// own list, so that a spelling it learns is redacted too), and keys naming
// a secret anywhere in them. "pass" is matched whole, not inside other
// words: passport is not a secret.
func isSecretKey(k string) bool {
	if isPasswordKey(k) {
		return true
	}
	n := norm(k)
	for _, w := range []string{"password", "passwd", "pwd", "secret", "token", "credential", "apikey", "privatekey"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// redact copies a JSON document with secret values replaced by ***.
func redact(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		secretPair := false
		for k, val := range x { // {"key": "password", "value": "..."} pairs, in every spelling
			if s, ok := val.(string); ok && pairKeys[norm(k)] && isSecretKey(s) {
				secretPair = true
			}
		}
		for k, val := range x {
			switch {
			case isSecretKey(k) && val != nil:
				out[k] = secret.Redacted
			case secretPair && pairValues[norm(k)]:
				out[k] = secret.Redacted
			default:
				out[k] = redact(val)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = redact(e)
		}
		return out
	case string:
		// JDBC URLs, "k=v;password=..." property strings, connection strings.
		if c, err := db.ParseJDBC(x); err == nil && !c.Password.IsZero() {
			pw := c.Password.Reveal()
			x = strings.ReplaceAll(x, pw, secret.Redacted)
			x = strings.ReplaceAll(x, url.QueryEscape(pw), secret.Redacted)
			x = strings.ReplaceAll(x, url.PathEscape(pw), secret.Redacted)
		}
		return db.RedactURL(x)
	}
	return v
}

// pairKeys and pairValues are the spellings of a property pair's name and
// value the decoder accepts.
var (
	pairKeys   = map[string]bool{"key": true, "name": true, "property": true, "propertyname": true, "propertykey": true}
	pairValues = map[string]bool{"value": true, "propertyvalue": true}
)
