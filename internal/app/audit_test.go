package app

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sqlscim/sqlscim/internal/testsupport/labtest"
)

// auditLab is the demo tenant served over HTTPS, with its audit trail read
// through the admin API and the audit file.
type auditLab struct {
	t       *testing.T
	in      *instance
	admin   string
	dataDir string
	token   string
	c       *http.Client
	plain   *http.Client
}

// newAuditLab starts sqlscim on the demo with a local tenant "down" whose
// MariaDB port answers nothing, with the agent's header allowed to reach
// 127.0.0.1, and with the given YAML configuration.
func newAuditLab(t *testing.T, yaml string) *auditLab {
	t.Helper()
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	deadPort := closed.Addr().(*net.TCPAddr).Port
	closed.Close()
	tenants := filepath.Join(t.TempDir(), "tenants.yaml")
	raw, _ := os.ReadFile(filepath.Join(labtest.Root(), "testdata", "tenants", "mysql-sql.yaml"))
	text := strings.NewReplacer("port: 3306", fmt.Sprintf("port: %d", deadPort),
		"password_env: LAB_DB_PASSWORD", `password: "Planted-Tenant-Pa55word"`, "name: lab_mysql_sql", "name: down").Replace(string(raw))
	if !strings.Contains(text, "Planted-Tenant-Pa55word") {
		t.Fatal("the lab tenant file changed: no password_env line to replace")
	}
	os.WriteFile(tenants, []byte(text), 0o600)
	cfgFile := headerConfig(t, yaml)

	l := &auditLab{t: t, dataDir: t.TempDir(), plain: &http.Client{Timeout: 10 * time.Second}}
	adminReady := make(chan string, 1)
	l.in = startWith(t, testConfig(t), func(o *Options) { o.AdminReady = func(a net.Addr) { adminReady <- a.String() } },
		"--data-dir", l.dataDir, "--tenants", tenants, "--demo", "true", "--config", cfgFile)
	l.admin = <-adminReady
	l.token = tokenOf(t, filepath.Join(l.dataDir, "conf", "config-local.properties"))
	l.c = client(readCert(t, filepath.Join(l.dataDir, "certs", "OktaOnPremScimServer-local.crt")), 0, 0)
	return l
}

// do sends a SCIM request to the demo tenant (or the tenant a path under
// /ws/rest names) and returns the status, the request id and the body.
func (l *auditLab) do(method, path, body string) (int, string, string) {
	l.t.Helper()
	url := l.in.url(path)
	if strings.HasPrefix(path, "/ws/rest/") {
		url = "https://" + l.in.addr + path
	}
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+l.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/scim+json")
	}
	resp, err := l.c.Do(req)
	if err != nil {
		l.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, resp.Header.Get("X-Request-Id"), b.String()
}

// events asks the admin API.
func (l *auditLab) events(query string) []map[string]any {
	l.t.Helper()
	status, body := rawDo(l.t, l.plain, "GET", "http://"+l.admin+"/events?"+query, nil, "")
	if status != 200 {
		l.t.Fatalf("/events?%s: %d %s", query, status, body)
	}
	var resp struct{ Events []map[string]any }
	if err := json.Unmarshal([]byte(body), &resp); err != nil {
		l.t.Fatal(err)
	}
	return resp.Events
}

// fileEvents reads the audit file once every event in the ring is in it.
func (l *auditLab) fileEvents(want int) []map[string]any {
	l.t.Helper()
	path := filepath.Join(l.dataDir, "audit.log")
	deadline := time.Now().Add(10 * time.Second)
	for {
		data, _ := os.ReadFile(path)
		// A line still being written is not read yet.
		data = data[:bytes.LastIndexByte(data, '\n')+1]
		var out []map[string]any
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var ev map[string]any
			if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
				l.t.Fatalf("audit file line %d is not JSON: %q", len(out)+1, sc.Text())
			}
			out = append(out, ev)
		}
		if len(out) >= want || time.Now().After(deadline) {
			return out
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// stable is an event without what changes from run to run, as JSON.
func stable(ev map[string]any) string {
	c := map[string]any{}
	for k, v := range ev {
		switch k {
		case "seq", "time", "request_id", "duration_ms", "client", "log":
		default:
			c[k] = v
		}
	}
	b, _ := json.Marshal(c)
	return string(b)
}

const userURN = `"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]`

func patchBody(ops ...string) string {
	return `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[` + strings.Join(ops, ",") + `]}`
}

// TestEveryWritePathIsAudited sends every kind of write, successful,
// refused and rolled back, and checks the one event each leaves, in the
// admin API and in the audit file; reads in between leave none.
func TestEveryWritePathIsAudited(t *testing.T) {
	l := newAuditLab(t, "")
	const ada = "ada@example.com"
	const adaPath = "/Users/" + ada
	const p = "/ws/rest/jdbc_on_prem/scim/v2"
	adaBody := func(extra string) string {
		return `{` + userURN + `,"userName":"` + ada + `","name":{"givenName":"Ada","familyName":"Lovelace"},"emails":[{"type":"work","value":"` + ada + `"}]` + extra + `}`
	}
	created := `"changes":[{"attribute":"id","column":"USER_ID"},{"attribute":"userName","column":"USERNAME"},{"attribute":"name.givenName","column":"FIRSTNAME"},{"attribute":"name.familyName","column":"LASTNAME"},{"attribute":"emails[type eq \"work\"].value","column":"EMAIL"}]`
	steps := []struct {
		name         string
		method, path string
		body         string
		status       int
		event        string // "" when the request must leave no event
	}{
		{"create with entitlements", "POST", "/Users", adaBody(`,"entitlements":[{"value":"1"},{"value":"3"}]`), 201,
			`{"changes":CREATED,"committed":true,"entitlements_added":["1","3"],"kind":"write","method":"POST","operations":["create_user","add_entitlement_to_user","add_entitlement_to_user"],"outcome":"success","path":"P/Users","status":201,"tenant":"jdbc_on_prem","user_id":"ada@example.com","user_name":"ada@example.com"}`},
		{"a read is not audited", "GET", adaPath, "", 200, ""},
		{"create deactivated", "POST", "/Users", `{` + userURN + `,"userName":"babbage@example.com","name":{"givenName":"Charles","familyName":"Babbage"},"emails":[{"type":"work","value":"babbage@example.com"}],"active":false}`, 201,
			`{"changes":[{"attribute":"id","column":"USER_ID"},{"attribute":"userName","column":"USERNAME"},{"attribute":"name.givenName","column":"FIRSTNAME"},{"attribute":"name.familyName","column":"LASTNAME"},{"attribute":"emails[type eq \"work\"].value","column":"EMAIL"}],"committed":true,"kind":"write","method":"POST","operations":["create_user","deactivate_user"],"outcome":"success","path":"P/Users","status":201,"tenant":"jdbc_on_prem","user_id":"babbage@example.com","user_name":"babbage@example.com"}`},
		{"create a duplicate", "POST", "/Users", adaBody(""), 409,
			`{"changes":CREATED,"committed":false,"detail":"User ada@example.com already exists.","error_type":"uniqueness","kind":"write","method":"POST","outcome":"failure","path":"P/Users","status":409,"tenant":"jdbc_on_prem","user_id":"ada@example.com","user_name":"ada@example.com"}`},
		{"create rolled back", "POST", "/Users", strings.ReplaceAll(adaBody(`,"entitlements":[{"value":"999"}]`), "ada@", "ghost@"), 400,
			`{"changes":[{"attribute":"id","column":"USER_ID"},{"attribute":"userName","column":"USERNAME"},{"attribute":"name.givenName","column":"FIRSTNAME"},{"attribute":"name.familyName","column":"LASTNAME"},{"attribute":"emails[type eq \"work\"].value","column":"EMAIL"}],"committed":false,"detail":"entitlement \"999\" does not exist; GET /Entitlements lists the entitlements and their ids","error_type":"invalidValue","kind":"write","method":"POST","operations":["create_user"],"outcome":"failure","path":"P/Users","status":400,"tenant":"jdbc_on_prem","user_id":"ghost@example.com","user_name":"ghost@example.com"}`},
		{"the rolled-back user does not exist", "GET", "/Users/ghost@example.com", "", 404, ""},
		{"a failing operation", "POST", "/Users", `{` + userURN + `,"userName":"noname@example.com"}`, 400,
			`{"changes":[{"attribute":"id","column":"USER_ID"},{"attribute":"userName","column":"USERNAME"}],"committed":false,"detail":"operation create_user: the database refused a value (USERS.FIRSTNAME): column FIRSTNAME refused the value written for name.givenName (or urn:sqlscim:schemas:extension:database:2.0:User:FIRSTNAME): it is missing, too long or of the wrong type","error_type":"invalidValue","failed_operation":"create_user","kind":"write","method":"POST","operations":["create_user"],"outcome":"failure","path":"P/Users","status":400,"tenant":"jdbc_on_prem","user_id":"noname@example.com","user_name":"noname@example.com"}`},
		{"replace", "PUT", adaPath, adaBody(`,"title":"Countess","entitlements":[{"value":"3"},{"value":"5"}]`), 200,
			`{"changes":[{"attribute":"title","column":"TITLE"}],"committed":true,"entitlements_added":["5"],"entitlements_removed":["1"],"kind":"write","method":"PUT","operations":["update_user","remove_entitlement_from_user","add_entitlement_to_user"],"outcome":"success","path":"P/Users/ada@example.com","status":200,"tenant":"jdbc_on_prem","user_id":"ada@example.com","user_name":"ada@example.com"}`},
		{"patch add", "PATCH", adaPath, patchBody(`{"op":"add","path":"entitlements","value":[{"value":"7"}]}`), 200,
			`{"committed":true,"entitlements_added":["7"],"kind":"write","method":"PATCH","operations":["add_entitlement_to_user"],"outcome":"success","path":"P/Users/ada@example.com","status":200,"tenant":"jdbc_on_prem","user_id":"ada@example.com","user_name":"ada@example.com"}`},
		{"patch replace", "PATCH", adaPath, patchBody(`{"op":"replace","path":"title","value":"Analyst"}`, `{"op":"replace","path":"displayName","value":"Ada L."}`), 200,
			`{"changes":[{"attribute":"displayName","column":"DISPLAYNAME"},{"attribute":"title","column":"TITLE"}],"committed":true,"kind":"write","method":"PATCH","operations":["update_user"],"outcome":"success","path":"P/Users/ada@example.com","status":200,"tenant":"jdbc_on_prem","user_id":"ada@example.com","user_name":"ada@example.com"}`},
		{"patch remove", "PATCH", adaPath, patchBody(`{"op":"remove","path":"entitlements[value eq \"3\"]"}`), 200,
			`{"committed":true,"entitlements_removed":["3"],"kind":"write","method":"PATCH","operations":["remove_entitlement_from_user"],"outcome":"success","path":"P/Users/ada@example.com","status":200,"tenant":"jdbc_on_prem","user_id":"ada@example.com","user_name":"ada@example.com"}`},
		{"deactivate", "PATCH", adaPath, patchBody(`{"op":"replace","value":{"active":false}}`), 200,
			`{"committed":true,"kind":"write","method":"PATCH","operations":["deactivate_user"],"outcome":"success","path":"P/Users/ada@example.com","status":200,"tenant":"jdbc_on_prem","user_id":"ada@example.com","user_name":"ada@example.com"}`},
		{"activate", "PATCH", adaPath, patchBody(`{"op":"replace","path":"active","value":true}`), 200,
			`{"committed":true,"kind":"write","method":"PATCH","operations":["activate_user"],"outcome":"success","path":"P/Users/ada@example.com","status":200,"tenant":"jdbc_on_prem","user_id":"ada@example.com","user_name":"ada@example.com"}`},
		{"patch rolled back", "PATCH", adaPath, patchBody(`{"op":"replace","path":"title","value":"Never"}`, `{"op":"add","path":"entitlements","value":[{"value":"999"}]}`), 400,
			`{"changes":[{"attribute":"title","column":"TITLE"}],"committed":false,"detail":"entitlement \"999\" does not exist; GET /Entitlements lists the entitlements and their ids","error_type":"invalidValue","kind":"write","method":"PATCH","operations":["update_user"],"outcome":"failure","path":"P/Users/ada@example.com","status":400,"tenant":"jdbc_on_prem","user_id":"ada@example.com","user_name":"ada@example.com"}`},
		{"a patch no-op", "PATCH", adaPath, patchBody(`{"op":"replace","path":"title","value":"Analyst"}`), 200,
			`{"committed":true,"kind":"write","method":"PATCH","outcome":"success","path":"P/Users/ada@example.com","status":200,"tenant":"jdbc_on_prem","user_id":"ada@example.com","user_name":"ada@example.com"}`},
		{"a malformed patch", "PATCH", adaPath, `{"Operations":[{"op":"jump","path":"title"}]}`, 400,
			`{"committed":false,"detail":"Operations[0]: op \"jump\" is not supported; use add, remove or replace","error_type":"invalidSyntax","kind":"write","method":"PATCH","outcome":"failure","path":"P/Users/ada@example.com","status":400,"tenant":"jdbc_on_prem","user_id":"ada@example.com"}`},
		{"delete", "DELETE", adaPath, "", 204,
			`{"committed":true,"kind":"write","method":"DELETE","operations":["deactivate_user"],"outcome":"success","path":"P/Users/ada@example.com","status":204,"tenant":"jdbc_on_prem","user_id":"ada@example.com","user_name":"ada@example.com"}`},
		{"delete an unknown user", "DELETE", "/Users/nobody@example.com", "", 404,
			`{"committed":false,"detail":"User nobody@example.com not found.","kind":"write","method":"DELETE","outcome":"failure","path":"P/Users/nobody@example.com","status":404,"tenant":"jdbc_on_prem","user_id":"nobody@example.com"}`},
		{"groups cannot change", "POST", "/Groups", `{"displayName":"x"}`, 501,
			`{"committed":false,"detail":"Groups cannot be created or changed: the database connector manages users and entitlements only.","kind":"write","method":"POST","outcome":"failure","path":"P/Groups","status":501,"tenant":"jdbc_on_prem"}`},
		{"a search is a read", "POST", "/Users/.search", `{"filter":"userName eq \"x\""}`, 200, ""},
		{"the database is down", "DELETE", "/ws/rest/down/scim/v2/Users/x", "", 503,
			`{"committed":false,"detail":"The database of tenant down is unavailable; retry later.","kind":"write","method":"DELETE","outcome":"failure","path":"/ws/rest/down/scim/v2/Users/x","status":503,"tenant":"down","user_id":"x"}`},
	}
	var ids []string
	for _, s := range steps {
		status, id, body := l.do(s.method, s.path, s.body)
		if status != s.status {
			t.Fatalf("%s: status %d, want %d: %s", s.name, status, s.status, body)
		}
		got := l.events("limit=1")
		if s.event == "" {
			if len(got) > 0 && got[0]["request_id"] == id {
				t.Errorf("%s: left an event: %v", s.name, got[0])
			}
			continue
		}
		ids = append(ids, id)
		want := strings.NewReplacer("CREATED", created[len(`"changes":`):], "P/", p+"/").Replace(s.event)
		if len(got) != 1 || got[0]["request_id"] != id {
			t.Errorf("%s: the last event is not this request's (%s): %v", s.name, id, got)
			continue
		}
		if g := stable(got[0]); g != want {
			t.Errorf("%s:\n got %s\nwant %s", s.name, g, want)
		}
		if got[0]["client"] != "127.0.0.1" {
			t.Errorf("%s: client %v", s.name, got[0]["client"])
		}
	}

	// The file holds the same events, one line each, in order.
	all := l.events(fmt.Sprintf("limit=%d", 1000))
	lines := l.fileEvents(len(ids))
	if len(all) != len(ids) || len(lines) != len(ids) {
		t.Fatalf("%d events in the ring, %d lines in the file, %d writes", len(all), len(lines), len(ids))
	}
	for i, line := range lines {
		if line["request_id"] != ids[i] || line["log"] != "audit" {
			t.Errorf("line %d: request %v, want %s", i+1, line["request_id"], ids[i])
		}
		if stable(line) != stable(all[len(all)-1-i]) {
			t.Errorf("line %d differs from the admin API's event:\n%s\n%s", i+1, stable(line), stable(all[len(all)-1-i]))
		}
	}

	// The metrics count what was committed: not the rolled-back create
	// and update, nor anything of the tenant whose database is down.
	// The writer counts a line just after writing it: a scrape may come
	// between the two, so wait (boundedly) for the count to catch up.
	written := fmt.Sprintf(`sqlscim_audit_events_written_total{writer="%s"} %d`, filepath.Join(l.dataDir, "audit.log"), len(ids))
	var metrics string
	for range 100 {
		if _, metrics = rawDo(t, l.plain, "GET", "http://"+l.admin+"/metrics", nil, ""); strings.Contains(metrics, written+"\n") {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, want := range []string{
		`sqlscim_provisioning_changes_total{change="user_created",tenant="jdbc_on_prem"} 2`,
		`sqlscim_provisioning_changes_total{change="user_updated",tenant="jdbc_on_prem"} 2`,
		`sqlscim_provisioning_changes_total{change="user_activated",tenant="jdbc_on_prem"} 1`,
		`sqlscim_provisioning_changes_total{change="user_deactivated",tenant="jdbc_on_prem"} 3`,
		`sqlscim_provisioning_changes_total{change="entitlement_added",tenant="jdbc_on_prem"} 4`,
		`sqlscim_provisioning_changes_total{change="entitlement_removed",tenant="jdbc_on_prem"} 2`,
		`sqlscim_provisioning_changes_total{change="user_deactivated",tenant="down"} 0`,
		fmt.Sprintf(`sqlscim_audit_events_written_total{writer="%s"} %d`, filepath.Join(l.dataDir, "audit.log"), len(ids)),
		fmt.Sprintf(`sqlscim_audit_events_lost_total{reason="queue_full",writer="%s"} 0`, filepath.Join(l.dataDir, "audit.log")),
	} {
		if !strings.Contains(metrics, want+"\n") {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// TestAuditNeverRecordsSecrets plants secrets – passwords in every place a
// SCIM write can carry one, a password column, the bearer token, database
// passwords in the tenants file and in the agent's header – with values,
// reads and the stdout copy all audited, and greps the audit file, stdout,
// /events and /tenants for them.
func TestAuditNeverRecordsSecrets(t *testing.T) {
	l := newAuditLab(t, "audit:\n  values: true\n  stdout: true\n  reads: 1\n")
	const (
		userPassword   = "Planted-User-Pa55word"
		patchPassword  = "Planted-Patch-Pa55word"
		objectPassword = "Planted-Object-Pa55word"
		hashValue      = "Planted-Hash-Value"
		numericPIN     = "86753091234"
		headerPassword = "Planted-Header-Pa55word"
		tenantPassword = "Planted-Tenant-Pa55word" // in the tenants file, see newAuditLab
		visible        = "Planted-Visible-Title"   // not a secret: proves values are recorded
	)
	ext := `"urn:sqlscim:schemas:extension:database:2.0:User"`
	user := func(id, extra string) string {
		return `{` + userURN + `,"userName":"` + id + `","name":{"givenName":"G","familyName":"F"},"emails":[{"type":"work","value":"` + id + `"}]` + extra + `}`
	}
	headerDoc, _ := json.Marshal(map[string]any{
		"database": map[string]any{"type": "mysql", "host": "127.0.0.1", "port": 1, "database": "x", "user": "u", "password": headerPassword},
		"operations": map[string]any{
			"get_users":       map[string]any{"type": "sql", "statement": "SELECT * FROM USERS", "user_id_column": "USER_ID"},
			"get_user_by_id":  map[string]any{"type": "sql", "statement": "SELECT * FROM USERS WHERE USER_ID = ?", "parameters": []any{"USER_ID"}},
			"deactivate_user": map[string]any{"type": "sql", "statement": "UPDATE USERS SET IS_ACTIVE = 0 WHERE USER_ID = ?", "parameters": []any{"USER_ID"}},
		},
	})
	header := base64.StdEncoding.EncodeToString(headerDoc)

	var bodies []string
	for _, s := range []struct{ method, path, body string }{
		{"POST", "/Users", user("pw1@example.com", `,"title":"`+visible+`","password":"`+userPassword+`"`)},
		{"POST", "/Users", user("pw3@example.com", `,`+ext+`:{"PASSWORD_HASH":"`+hashValue+`"}`)}, // refused: the hash column is written through password
		{"POST", "/Users", user("pw2@example.com", `,"password":`+numericPIN)},                    // refused, without quoting the value
		{"PUT", "/Users/pw1@example.com", user("pw1@example.com", `,"password":"`+userPassword+`","nickName":"`+userPassword+`"`)},
		{"PATCH", "/Users/pw1@example.com", patchBody(`{"op":"replace","path":"password","value":"` + patchPassword + `"}`)},
		{"PATCH", "/Users/pw1@example.com", patchBody(`{"op":"replace","value":{"password":"` + objectPassword + `","title":"T2"}}`)},
		{"PATCH", "/Users/pw1@example.com", patchBody(`{"op":"replace","path":"password","value":` + numericPIN + `}`)},
		{"PATCH", "/Users/pw1@example.com", patchBody(`{"op":"replace","path":"urn:sqlscim:schemas:extension:database:2.0:User:PASSWORD_HASH","value":"` + hashValue + `"}`)},
		{"DELETE", "/ws/rest/down/scim/v2/Users/x", ""},
		{"GET", "/ws/rest/down/scim/v2/Users/x", ""},
	} {
		_, _, body := l.do(s.method, s.path, s.body)
		bodies = append(bodies, body)
	}
	if all := strings.Join(bodies, "\n"); strings.Contains(all, numericPIN) || !strings.Contains(all, "password must be a string, not a number") {
		t.Fatalf("an error quotes the numeric password, or none refuses it:\n%s", all)
	}
	// Through the agent's header: a database that does not answer.
	for _, method := range []string{"DELETE", "GET"} {
		req, _ := http.NewRequest(method, "https://"+l.in.addr+"/ws/rest/agent_app/scim/v2/Users/x", nil)
		req.Header.Set("Authorization", "Bearer "+l.token)
		req.Header.Set("X-OKTA-ONPREM-DATA", header)
		resp, err := l.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 503 {
			t.Fatalf("%s through the header: %d", method, resp.StatusCode)
		}
	}

	events := l.events("limit=1000")
	_, eventsJSON := rawDo(t, l.plain, "GET", "http://"+l.admin+"/events?limit=1000", nil, "")
	_, tenantsJSON := rawDo(t, l.plain, "GET", "http://"+l.admin+"/tenants", nil, "")
	lines := l.fileEvents(len(events))
	file, _ := os.ReadFile(filepath.Join(l.dataDir, "audit.log"))
	if len(lines) != len(events) || len(events) != 12 {
		t.Fatalf("%d events, %d lines; want 12", len(events), len(lines))
	}
	// The stdout writer runs beside the file's: wait (bounded) until it
	// has caught up with the events the file already holds.
	stdout := ""
	for try := 0; try < 50; try++ {
		stdout = ""
		for _, line := range strings.Split(l.in.out.String(), "\n") {
			if strings.HasPrefix(line, `{"log":"audit"`) {
				stdout += line + "\n"
			}
		}
		if strings.Count(stdout, "\n") >= len(events) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if strings.Count(stdout, "\n") != len(events) {
		t.Errorf("stdout has %d audit lines, want %d", strings.Count(stdout, "\n"), len(events))
	}
	if !strings.Contains(string(file), visible) || !strings.Contains(tenantsJSON, `"agent_app"`) {
		t.Fatalf("values are not recorded, or the header tenant is not listed: the test cannot see a leak")
	}
	for where, text := range map[string]string{"audit file": string(file), "stdout": stdout, "/events": eventsJSON, "/tenants": tenantsJSON} {
		for name, secret := range map[string]string{
			"password": userPassword, "password set by PATCH path": patchPassword, "password in a PATCH value": objectPassword,
			"PASSWORD_HASH column": hashValue, "numeric password": numericPIN, "bearer token": l.token,
			"database password in the header": headerPassword, "database password in the tenants file": tenantPassword,
			"raw agent header": header[:40],
		} {
			if strings.Contains(text, secret) {
				t.Errorf("the %s appears in %s", name, where)
			}
		}
	}
	if !strings.Contains(string(file), `{"attribute":"password","column":"PASSWORD_HASH","secret":true}`) {
		t.Errorf("the PASSWORD_HASH change is not marked secret:\n%s", file)
	}
}

// TestSIGHUPReopensTheAuditFile rotates the audit file as logrotate does:
// rename it, send SIGHUP, and the next event goes to a new file at the
// configured path.
func TestSIGHUPReopensTheAuditFile(t *testing.T) {
	l := newAuditLab(t, "")
	path := filepath.Join(l.dataDir, "audit.log")
	if status, _, body := l.do("DELETE", "/Users/han.solo@galaxy.local", ""); status != 204 {
		t.Fatalf("%d %s", status, body)
	}
	l.fileEvents(1)
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	// serve has SIGHUP in hand (signal.Notify), so it does not end the test.
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(l.in.out.String(), "SIGHUP: reopened the audit file") {
		if time.Now().After(deadline) {
			t.Fatalf("no reopen in the log:\n%s", l.in.out)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if status, _, body := l.do("DELETE", "/Users/leia.organa@galaxy.local", ""); status != 204 {
		t.Fatalf("%d %s", status, body)
	}
	now := l.fileEvents(1)
	old, _ := os.ReadFile(path + ".1")
	if len(now) != 1 || now[0]["user_id"] != "leia.organa@galaxy.local" || strings.Count(string(old), "\n") != 1 || !strings.Contains(string(old), "han.solo") {
		t.Errorf("after the rotation: new file %v, old file %s", now, old)
	}
}

// TestAuditOnRealDatabases runs the lab guide's writes through the agent's
// header against MariaDB and PostgreSQL, with stored procedures and with
// PostgreSQL's refcursor procedures, and checks what each event says was
// run and committed; a rolled-back create leaves no row behind.
func TestAuditOnRealDatabases(t *testing.T) {
	for _, lab := range []struct{ dialect, file string }{
		{"mysql", "mysql-procedures.yaml"},
		{"postgresql", "postgresql-refcursors.yaml"},
	} {
		t.Run(strings.TrimSuffix(lab.file, ".yaml"), func(t *testing.T) {
			d := labtest.Database(t, lab.dialect)
			dataDir := t.TempDir()
			adminReady := make(chan string, 1)
			in := startWith(t, testConfig(t), func(o *Options) { o.AdminReady = func(a net.Addr) { adminReady <- a.String() } },
				"--data-dir", dataDir, "--demo", "false", "--config", headerConfig(t, ""))
			l := &auditLab{t: t, in: in, admin: <-adminReady, plain: &http.Client{Timeout: 10 * time.Second}}
			a := &agent{t: t, c: client(readCert(t, filepath.Join(dataDir, "certs", "OktaOnPremScimServer-local.crt")), 0, 0),
				base: in.url(""), token: tokenOf(t, filepath.Join(dataDir, "conf", "config-local.properties")),
				header: agentHeader(t, lab.file, d)}
			ghost := strings.ReplaceAll(string(labFile(t, "2-create-user.json")), "testuser@", "ghost@")
			ghost = strings.Replace(ghost, `"value": "2"`, `"value": "99"`, 1)
			for _, s := range []struct {
				method, path string
				body         []byte
				status       int
				want         string
			}{
				{"POST", "/Users", labFile(t, "2-create-user.json"), 201, "create_user add_entitlement_to_user add_entitlement_to_user | committed | +1,2 -"},
				{"PUT", "/Users/testuser@example.com", labFile(t, "3-update-user.json"), 200, "update_user | committed | + -"},
				{"PATCH", "/Users/testuser@example.com", labFile(t, "4-deactivate.json"), 200, "deactivate_user | committed | + -"},
				{"PATCH", "/Users/testuser@example.com", labFile(t, "4-reactivate.json"), 200, "activate_user | committed | + -"},
				{"POST", "/Users", []byte(ghost), 400, "create_user | rolled back | + -"},
			} {
				status, doc := a.do(s.method, s.path, s.body)
				if status != s.status {
					t.Fatalf("%s %s: %d %v", s.method, s.path, status, doc)
				}
				evs := l.events("limit=1")
				if len(evs) != 1 {
					t.Fatalf("%s %s: no event", s.method, s.path)
				}
				ev := evs[0]
				str := func(k string) string {
					var parts []string
					for _, v := range asList(ev[k]) {
						parts = append(parts, fmt.Sprint(v))
					}
					return strings.Join(parts, ",")
				}
				committed := "rolled back"
				if ev["committed"] == true {
					committed = "committed"
				}
				got := strings.ReplaceAll(str("operations"), ",", " ") + " | " + committed + " | +" + str("entitlements_added") + " -" + str("entitlements_removed")
				if got != s.want || ev["tenant"] != "jdbc_on_prem" {
					t.Errorf("%s %s: %s, want %s (tenant %v)", s.method, s.path, got, s.want, ev["tenant"])
				}
			}
			var n int
			d.DB.QueryRow("SELECT COUNT(*) FROM USERS WHERE USER_ID = 'ghost@example.com'").Scan(&n)
			if n != 0 {
				t.Error("the rolled-back create left its user")
			}
		})
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
