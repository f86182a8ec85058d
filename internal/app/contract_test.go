package app

import (
	"encoding/base64"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqlscim/sqlscim/internal/testsupport/dbtest"
	"github.com/sqlscim/sqlscim/internal/testsupport/labtest"
)

// contractLab is sqlscim serving tenants that the agent's header
// configures: the lab tenant of testdata/tenants/<file> on d, edited per
// test.
type contractLab struct {
	t       *testing.T
	d       *dbtest.Database
	dialect string
	file    string
	in      *instance
	dataDir string
	a       *agent
}

func newContractLab(t *testing.T, dialect, file string) *contractLab {
	t.Helper()
	return newContractLabWith(t, dialect, file, "")
}

// newContractLabWith is newContractLab with extra lines of sqlscim.yaml.
func newContractLabWith(t *testing.T, dialect, file, extra string) *contractLab {
	t.Helper()
	l := &contractLab{t: t, dialect: dialect, file: file, d: labtest.Database(t, dialect), dataDir: t.TempDir()}
	l.in = start(t, testConfig(t), "--data-dir", l.dataDir, "--demo", "false", "--config", headerConfig(t, "audit:\n  values: true\n"+extra))
	l.a = &agent{t: t, c: client(readCert(t, filepath.Join(l.dataDir, "certs", "OktaOnPremScimServer-local.crt")), 0, 0),
		base: l.in.url(""), token: tokenOf(t, filepath.Join(l.dataDir, "conf", "config-local.properties"))}
	return l
}

// use makes the agent send the lab tenant as edit changes it.
func (l *contractLab) use(edit func(doc map[string]any)) {
	l.t.Helper()
	doc := labtest.TenantDoc(l.t, l.file)
	delete(doc, "name")
	d := l.d
	doc["database"] = map[string]any{
		"type": d.Conn.Type, "host": d.Conn.Host, "port": d.Conn.Port, "database": d.Conn.Database,
		"user": d.Conn.User, "password": d.Conn.Password.Reveal(), "properties": d.Conn.Properties,
	}
	if edit != nil {
		edit(doc)
	}
	js, err := json.Marshal(doc)
	if err != nil {
		l.t.Fatal(err)
	}
	l.a.header = base64.StdEncoding.EncodeToString(js)
}

// q adapts a query with one ? to the lab's dialect.
func (l *contractLab) q(query string) string {
	if l.dialect == "postgresql" {
		for i := 1; strings.Contains(query, "?"); i++ {
			query = strings.Replace(query, "?", "$"+string(rune('0'+i)), 1)
		}
	}
	return query
}

// operations returns the operations of a tenant document, whichever way
// the file writes them.
func operations(doc map[string]any) map[string]any {
	if ops, ok := doc["operations"].(map[string]any); ok {
		return ops
	}
	ops := map[string]any{}
	doc["operations"] = ops
	return ops
}

// labUser is a minimal user the lab's NOT NULL columns accept.
func labUser(id string, extra map[string]any) []byte {
	u := map[string]any{
		"schemas":  []any{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"userName": id,
		"name":     map[string]any{"givenName": "Pat", "familyName": "Word"},
		"emails":   []any{map[string]any{"type": "work", "value": id, "primary": true}},
	}
	for k, v := range extra {
		u[k] = v
	}
	b, _ := json.Marshal(u)
	return b
}

func patchOps(ops ...map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"schemas": []any{"urn:ietf:params:scim:api:messages:2.0:PatchOp"}, "Operations": ops})
	return b
}
