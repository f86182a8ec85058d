package app

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/sqlscim/sqlscim/internal/testsupport/dbtest"
	"github.com/sqlscim/sqlscim/internal/testsupport/labtest"
)

// agentHeader builds the X-OKTA-ONPREM-DATA header the agent would send for
// a lab tenant: the tenant of testdata/tenants/<file> as JSON, pointed at d.
func agentHeader(t *testing.T, file string, d *dbtest.Database) string {
	t.Helper()
	tenant := labtest.TenantDoc(t, file)
	delete(tenant, "name") // the agent's app is the URL's {app}
	tenant["database"] = map[string]any{
		"type": d.Conn.Type, "host": d.Conn.Host, "port": d.Conn.Port, "database": d.Conn.Database,
		"user": d.Conn.User, "password": d.Conn.Password.Reveal(), "properties": d.Conn.Properties,
	}
	js, err := json.Marshal(tenant)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(js)
}

// agent is an HTTPS client that talks like the Okta Provisioning Agent.
type agent struct {
	t      *testing.T
	c      *http.Client
	base   string
	token  string
	header string
}

func (a *agent) do(method, path string, body []byte) (int, map[string]any) {
	a.t.Helper()
	req, _ := http.NewRequest(method, a.base+path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("X-OKTA-ONPREM-DATA", a.header)
	req.Header.Set("Accept", "application/scim+json")
	if body != nil {
		req.Header.Set("Content-Type", "application/scim+json; charset=utf-8")
	}
	resp, err := a.c.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var doc map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &doc); err != nil {
			a.t.Fatalf("%s %s: %d %s: not JSON: %v", method, path, resp.StatusCode, raw, err)
		}
	}
	return resp.StatusCode, doc
}

func labFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(labtest.Root(), "testdata", "lab", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func userEntitlements(u map[string]any) string {
	var names []string
	for _, e := range u["entitlements"].([]any) {
		names = append(names, e.(map[string]any)["display"].(string))
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// TestLabGuideWithTheAgentHeader runs the four tests of the lab guide
// through HTTPS, with the configuration in the agent's header, on MariaDB
// and PostgreSQL, with SQL statements and with stored procedures, and
// checks the rows with SQL.
func TestLabGuideWithTheAgentHeader(t *testing.T) {
	for _, lab := range []struct{ dialect, file string }{
		{"mysql", "mysql-sql.yaml"},
		{"mysql", "mysql-procedures.yaml"},
		{"postgresql", "postgresql-sql.yaml"},
		{"postgresql", "postgresql-procedures.yaml"},
	} {
		t.Run(strings.TrimSuffix(lab.file, ".yaml"), func(t *testing.T) {
			d := labtest.Database(t, lab.dialect)
			dataDir := t.TempDir()
			in := start(t, testConfig(t), "--data-dir", dataDir, "--demo", "false", "--config", headerConfig(t, ""))
			a := &agent{t: t, c: client(readCert(t, filepath.Join(dataDir, "certs", "OktaOnPremScimServer-local.crt")), 0, 0),
				base: in.url(""), token: tokenOf(t, filepath.Join(dataDir, "conf", "config-local.properties")),
				header: agentHeader(t, lab.file, d)}
			q := func(query string) string {
				if lab.dialect == "postgresql" {
					return strings.Replace(query, "?", "$1", 1)
				}
				return query
			}

			// Test 1: import, the way Okta pages.
			users := map[string]map[string]any{}
			for start := 1; ; start += 100 {
				status, page := a.do("GET", fmt.Sprintf("/Users?startIndex=%d&count=100", start), nil)
				if status != 200 {
					t.Fatalf("import page %d: %d %v", start, status, page)
				}
				for _, r := range page["Resources"].([]any) {
					u := r.(map[string]any)
					users[u["id"].(string)] = u
				}
				if start+100 > int(page["totalResults"].(float64)) {
					break
				}
			}
			if len(users) != 13 {
				t.Fatalf("imported %d users, want the 13 active ones", len(users))
			}
			if got := userEntitlements(users["luke.skywalker@galaxy.local"]); got != "Confluence Edit, GitHub Admin, VPN Access" {
				t.Errorf("Luke Skywalker's entitlements: %s", got)
			}
			if got := userEntitlements(users["yoda@galaxy.local"]); got != "AWS Console, GitHub Admin, Jira Admin, VPN Access" {
				t.Errorf("Yoda's entitlements: %s", got)
			}
			status, ents := a.do("GET", "/Entitlements", nil)
			if status != 200 || ents["totalResults"].(float64) != 10 {
				t.Fatalf("entitlements: %d %v", status, ents)
			}

			// Test 2: assign a new user with two entitlements.
			status, found := a.do("GET", "/Users?filter="+url.QueryEscape(`userName eq "testuser@example.com"`), nil)
			if status != 200 || found["totalResults"].(float64) != 0 {
				t.Fatalf("lookup before create: %d %v", status, found)
			}
			status, created := a.do("POST", "/Users", labFile(t, "2-create-user.json"))
			if status != 201 || created["id"] != "testuser@example.com" {
				t.Fatalf("create: %d %v", status, created)
			}
			var userID, username, first, last, email string
			if err := d.DB.QueryRow(q("SELECT USER_ID, USERNAME, FIRSTNAME, LASTNAME, EMAIL FROM USERS WHERE EMAIL = ?"), "testuser@example.com").Scan(&userID, &username, &first, &last, &email); err != nil {
				t.Fatal(err)
			}
			if userID != "testuser@example.com" || username != "test.user" || first != "Test" || last != "User" {
				t.Errorf("USERS row: %s %s %s %s %s", userID, username, first, last, email)
			}
			if got := assignedNames(t, d, q("SELECT E.ENT_NAME FROM USERENTITLEMENTS UE JOIN ENTITLEMENTS E ON E.ENT_ID = UE.ENT_ID WHERE UE.USER_ID = ? ORDER BY E.ENT_NAME")); got != "GitHub Admin, VPN Access" {
				t.Errorf("USERENTITLEMENTS: %s", got)
			}

			// Test 3: update title and department.
			status, updated := a.do("PUT", "/Users/testuser@example.com", labFile(t, "3-update-user.json"))
			if status != 200 {
				t.Fatalf("update: %d %v", status, updated)
			}
			var title, dept string
			if err := d.DB.QueryRow(q("SELECT TITLE, DEPARTMENT FROM USERS WHERE USER_ID = ?"), "testuser@example.com").Scan(&title, &dept); err != nil {
				t.Fatal(err)
			}
			if title != "Senior Engineer" || dept != "Platform" {
				t.Errorf("after update: TITLE %q DEPARTMENT %q", title, dept)
			}

			// Test 4: unassign (deactivate), then assign again.
			for _, step := range []struct {
				file   string
				active bool
			}{{"4-deactivate.json", false}, {"4-reactivate.json", true}} {
				status, res := a.do("PATCH", "/Users/testuser@example.com", labFile(t, step.file))
				if status != 200 || res["active"] != step.active {
					t.Fatalf("%s: %d %v", step.file, status, res)
				}
				var active bool
				if err := d.DB.QueryRow(q("SELECT IS_ACTIVE FROM USERS WHERE USER_ID = ?"), "testuser@example.com").Scan(&active); err != nil {
					t.Fatal(err)
				}
				if active != step.active {
					t.Errorf("%s: IS_ACTIVE is %v", step.file, active)
				}
			}
		})
	}
}

func assignedNames(t *testing.T, d *dbtest.Database, query string) string {
	t.Helper()
	rows, err := d.DB.Query(query, "testuser@example.com")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	return strings.Join(names, ", ")
}
