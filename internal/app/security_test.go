package app

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sqlscim/sqlscim/internal/testsupport/labtest"
)

// rawDo sends a request and returns status and body.
func rawDo(t *testing.T, c *http.Client, method, url string, headers map[string]string, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestSecretsNeverReachLogsOrResponses plants secrets – the bearer token,
// database passwords in the agent's header and in a JDBC URL, the raw header
// itself – runs requests that succeed and fail (a database that refuses the
// password, a wrong token), with debug logging and header capture on, and
// greps the log, every response and the capture file for them.
func TestSecretsNeverReachLogsOrResponses(t *testing.T) {
	d := labtest.Database(t, "mysql")
	dataDir := t.TempDir()
	cfgFile := filepath.Join(t.TempDir(), "sqlscim.yaml")
	os.WriteFile(cfgFile, []byte("header:\n  capture: true\n  allowed_databases: [\"127.0.0.1\"]\n"), 0o600)
	in := start(t, testConfig(t), "--data-dir", dataDir, "--log-level", "debug", "--config", cfgFile)
	token := tokenOf(t, filepath.Join(dataDir, "conf", "config-local.properties"))
	c := client(readCert(t, filepath.Join(dataDir, "certs", "OktaOnPremScimServer-local.crt")), 0, 0)

	const dbPassword = "Planted-DB-Pa55word!"
	const urlPassword = "Planted-URL-Pa55word"
	header := func(database map[string]any) string {
		doc := map[string]any{
			"database": database,
			"operations": map[string]any{
				"get_users":      map[string]any{"type": "sql", "statement": "SELECT * FROM USERS", "user_id_column": "USER_ID"},
				"get_user_by_id": map[string]any{"type": "sql", "statement": "SELECT * FROM USERS WHERE USER_ID = ?", "parameters": []any{"USER_ID"}},
			},
		}
		js, _ := json.Marshal(doc)
		return base64.StdEncoding.EncodeToString(js)
	}
	wrongPassword := header(map[string]any{"type": "mysql", "host": d.Conn.Host, "port": d.Conn.Port, "database": d.Name, "user": "root", "password": dbPassword})
	inURL := header(map[string]any{"jdbcUrl": fmt.Sprintf("jdbc:mysql://root:%s@%s:%d/%s", urlPassword, d.Conn.Host, d.Conn.Port, d.Name)})
	unreachable := header(map[string]any{"type": "mysql", "host": "127.0.0.1", "port": 1, "database": "x", "user": "u", "password": dbPassword})

	var bodies []string
	for _, h := range []string{wrongPassword, inURL, unreachable} {
		for _, path := range []string{"/Users/luke.skywalker@galaxy.local", "/Users?filter=userName%20eq%20%22x%22", "/Schemas"} {
			status, body := rawDo(t, c, "GET", in.url(path), map[string]string{"Authorization": "Bearer " + token, "X-OKTA-ONPREM-DATA": h}, "")
			if status < 400 {
				t.Errorf("%s with a refused password: status %d", path, status)
			}
			bodies = append(bodies, body)
		}
	}
	_, body := rawDo(t, c, "GET", in.url("/Users"), map[string]string{"Authorization": "Bearer not-the-" + token}, "")
	bodies = append(bodies, body)

	capture, _ := os.ReadFile(filepath.Join(dataDir, "captured-headers.jsonl"))
	if len(capture) == 0 {
		t.Fatal("the capture file is empty")
	}
	haystacks := map[string]string{"log": in.out.String(), "responses": strings.Join(bodies, "\n"), "capture": string(capture)}
	for where, text := range haystacks {
		for name, secret := range map[string]string{
			"bearer token": token, "database password": dbPassword, "password in a JDBC URL": urlPassword,
			"raw agent header": wrongPassword[:40], "raw agent header (2)": inURL[:40],
		} {
			if strings.Contains(text, secret) {
				t.Errorf("the %s appears in the %s", name, where)
			}
		}
	}
	if !strings.Contains(string(capture), `"password":"***"`) {
		t.Errorf("the capture does not show the redacted password: %s", capture)
	}
}

// TestHeaderDatabasesCanBeRestricted: with header.allowed_databases, a
// header naming another database gets 403 and none of its SQL runs.
func TestHeaderDatabasesCanBeRestricted(t *testing.T) {
	d := labtest.Database(t, "mysql")
	cfgFile := filepath.Join(t.TempDir(), "sqlscim.yaml")
	os.WriteFile(cfgFile, []byte("header:\n  allowed_databases: [\"db.internal:3306\", \"*.corp.example\"]\n"), 0o600)
	dataDir := t.TempDir()
	in := start(t, testConfig(t), "--data-dir", dataDir, "--config", cfgFile, "--demo", "false")
	a := &agent{t: t, c: client(readCert(t, filepath.Join(dataDir, "certs", "OktaOnPremScimServer-local.crt")), 0, 0),
		base: in.url(""), token: tokenOf(t, filepath.Join(dataDir, "conf", "config-local.properties")),
		header: agentHeader(t, "mysql-sql.yaml", d)}
	status, doc := a.do("GET", "/Users/luke.skywalker@galaxy.local", nil)
	hostPort := net.JoinHostPort(d.Conn.Host, fmt.Sprint(d.Conn.Port))
	want := fmt.Sprintf("X-OKTA-ONPREM-DATA: database %s is the sqlscim host or on its link (loopback, link-local), which only a rule naming it allows; add %q to header.allowed_databases to let the agent's configuration reach it", hostPort, hostPort)
	if status != 403 || doc["detail"] != want {
		t.Errorf("a database outside the list: %d %v", status, doc["detail"])
	}

	cfgFile2 := filepath.Join(t.TempDir(), "sqlscim.yaml")
	os.WriteFile(cfgFile2, []byte(fmt.Sprintf("header:\n  allowed_databases: [\"%s:*\"]\n", d.Conn.Host)), 0o600)
	dataDir2 := t.TempDir()
	in2 := start(t, testConfig(t), "--data-dir", dataDir2, "--config", cfgFile2, "--demo", "false")
	a2 := &agent{t: t, c: client(readCert(t, filepath.Join(dataDir2, "certs", "OktaOnPremScimServer-local.crt")), 0, 0),
		base: in2.url(""), token: tokenOf(t, filepath.Join(dataDir2, "conf", "config-local.properties")), header: a.header}
	if status, doc := a2.do("GET", "/Users/luke.skywalker@galaxy.local", nil); status != 200 {
		t.Errorf("an allowed database: %d %v", status, doc)
	}
}

// TestRepeatedAuthFailuresAreSlowedDown checks, through the log, that an
// address that keeps sending wrong tokens is slowed down.
func TestRepeatedAuthFailuresAreSlowedDown(t *testing.T) {
	in, _, _, cert := standalone(t)
	c := client(cert, 0, 0)
	for i := 0; i < 6; i++ {
		if status, _ := rawDo(t, c, "GET", in.url("/Status"), map[string]string{"Authorization": "Bearer wrong-token-wrong-token"}, ""); status != 401 {
			t.Fatalf("status %d", status)
		}
	}
	if !strings.Contains(in.out.String(), "repeated authentication failures; slowing this address down") {
		t.Error("the sixth failure was not slowed down")
	}
}

// TestAdminEndpoints checks /healthz, /readyz (with a database that answers
// and one that does not) and /metrics on the admin port.
func TestAdminEndpoints(t *testing.T) {
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	deadPort := closed.Addr().(*net.TCPAddr).Port
	closed.Close()
	tenants := filepath.Join(t.TempDir(), "tenants.yaml")
	raw, _ := os.ReadFile(filepath.Join(labtest.Root(), "testdata", "tenants", "mysql-sql.yaml"))
	text := strings.NewReplacer("host: 127.0.0.1", "host: 127.0.0.1", "port: 3306", fmt.Sprintf("port: %d", deadPort),
		"password_env: LAB_DB_PASSWORD", `password: ""`, "name: lab_mysql_sql", "name: down").Replace(string(raw))
	os.WriteFile(tenants, []byte(text), 0o600)

	var admin string
	cfg := testConfig(t)
	dataDir := t.TempDir()
	adminReady := make(chan string, 1)
	in := startWith(t, cfg, func(o *Options) { o.AdminReady = func(a net.Addr) { adminReady <- a.String() } },
		"--data-dir", dataDir, "--tenants", tenants, "--demo", "true")
	admin = <-adminReady
	plain := &http.Client{Timeout: 10 * time.Second}
	get := func(path string) (int, string) { return rawDo(t, plain, "GET", "http://"+admin+path, nil, "") }

	if status, body := get("/healthz"); status != 200 || body != "ok\n" {
		t.Errorf("/healthz: %d %q", status, body)
	}
	status, body := get("/readyz")
	var ready struct {
		Ready   bool
		Tenants []struct {
			Tenant string
			OK     bool
			Error  string
		}
	}
	json.Unmarshal([]byte(body), &ready)
	if status != 503 || ready.Ready || len(ready.Tenants) != 2 {
		t.Fatalf("/readyz with one database down: %d %s", status, body)
	}
	for _, tn := range ready.Tenants {
		if (tn.Tenant == "down") == tn.OK {
			t.Errorf("tenant %s ok=%v (%s)", tn.Tenant, tn.OK, tn.Error)
		}
	}

	token := tokenOf(t, filepath.Join(dataDir, "conf", "config-local.properties"))
	c := client(readCert(t, filepath.Join(dataDir, "certs", "OktaOnPremScimServer-local.crt")), 0, 0)
	rawDo(t, c, "GET", in.url("/Users/yoda@galaxy.local"), map[string]string{"Authorization": "Bearer " + token}, "")
	rawDo(t, c, "GET", in.url("/Users/yoda@galaxy.local"), map[string]string{"Authorization": "Bearer wrong-wrong-wrong-wrong"}, "")
	rawDo(t, c, "GET", "https://"+in.addr+"/ws/rest/down/scim/v2/Users/x", map[string]string{"Authorization": "Bearer " + token}, "")
	_, metrics := get("/metrics")
	for _, want := range []string{
		`sqlscim_http_requests_total{method="GET",route="/Users/{id}",status="200",tenant="jdbc_on_prem"} 1`,
		`sqlscim_auth_failures_total 1`,
		`sqlscim_operation_errors_total{class="unavailable",operation="connection",tenant="down"}`,
		`sqlscim_db_pool_open_connections{database="sqlite:`,
		`sqlscim_http_request_duration_seconds_bucket{method="GET",route="/Users/{id}"`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
