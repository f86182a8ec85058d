package app

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sqlscim/sqlscim/internal/testsupport/dbtest"
	"github.com/sqlscim/sqlscim/internal/testsupport/labtest"
)

// hardened starts sqlscim with the YAML configuration yaml and returns an
// agent for it, whose header is the lab tenant of file pointed at d.
func hardened(t *testing.T, yaml, file string, d *dbtest.Database) (*agent, *instance, string) {
	t.Helper()
	cfgFile := filepath.Join(t.TempDir(), "sqlscim.yaml")
	if err := os.WriteFile(cfgFile, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	dataDir := t.TempDir()
	in := start(t, testConfig(t), "--data-dir", dataDir, "--demo", "false", "--config", cfgFile)
	a := &agent{t: t, c: client(readCert(t, filepath.Join(dataDir, "certs", "OktaOnPremScimServer-local.crt")), 0, 0),
		base: in.url(""), token: tokenOf(t, filepath.Join(dataDir, "conf", "config-local.properties"))}
	if d != nil {
		a.header = agentHeader(t, file, d)
	}
	return a, in, dataDir
}

// The allow-list bypass of the review: a PostgreSQL host that is a list
// (pgx splits it at commas and tries each part) or a Unix socket directory
// reached the local server as postgres although no rule allowed it. Now a
// host list is no host, a socket is refused to header configurations, and
// nothing reaches the database.
func TestHeaderPostgreSQLHostListsAndSocketsAreRefused(t *testing.T) {
	d := labtest.Database(t, "postgresql")
	a, _, _ := hardened(t, "header:\n  allowed_databases: [\"127.0.0.1:5432\", \"*.lab.internal\"]\n", "postgresql-sql.yaml", nil)
	for _, tc := range []struct {
		host   string
		port   int
		status int
		detail string
	}{
		{"/nonexistent,127.0.0.1,db.lab.internal", d.Conn.Port, 400, `PostgreSQL host "/nonexistent,127.0.0.1,db.lab.internal" is a list of hosts; sqlscim connects to one host`},
		{"/nonexistent,localhost,db.lab.internal", d.Conn.Port, 400, `PostgreSQL host "/nonexistent,localhost,db.lab.internal" is a list of hosts; sqlscim connects to one host`},
		{"db.lab.internal,127.0.0.1", d.Conn.Port, 400, `PostgreSQL host "db.lab.internal,127.0.0.1" is a list of hosts; sqlscim connects to one host`},
		{"/var/run/postgresql", d.Conn.Port, 403, fmt.Sprintf("X-OKTA-ONPREM-DATA: the database is the Unix socket /var/run/postgresql/.s.PGSQL.%d of the sqlscim host; configurations from the agent's header reach databases over TCP only: give a host name or address", d.Conn.Port)},
	} {
		viaHost := *d
		viaHost.Conn.Host, viaHost.Conn.Port = tc.host, tc.port
		a.header = agentHeader(t, "postgresql-sql.yaml", &viaHost)
		status, doc := a.do("GET", "/Users/luke.skywalker@galaxy.local", nil)
		detail, _ := doc["detail"].(string)
		if status != tc.status || !strings.Contains(detail, tc.detail) {
			t.Errorf("host %q: %d %q, want %d %q", tc.host, status, detail, tc.status, tc.detail)
		}
	}
}

// MySQL properties that corrupt text (a character encoding other than
// UTF-8) or splice values into SQL (interpolateParams) are refused with a
// message, from the agent's header (400, nothing written) and from the
// tenants file (the start stops).
func TestMySQLSplicingAndEncodingPropertiesAreRefused(t *testing.T) {
	d := labtest.Database(t, "mysql")
	a, _, _ := hardened(t, "header:\n  allowed_databases: [\"127.0.0.1\"]\n", "mysql-sql.yaml", nil)
	before := countRows(t, d, "SELECT COUNT(*) FROM USERS")
	for props, want := range map[string]string{
		"characterEncoding=ISO-8859-1":                 `MySQL connection property characterEncoding="ISO-8859-1" is not supported`,
		"characterEncoding=GBK":                        `MySQL connection property characterEncoding="GBK" is not supported`,
		"characterEncoding=GBK;interpolateParams=true": `MySQL connection property`,
		"interpolateParams=true":                       `MySQL connection property interpolateParams="true" is not allowed: it makes the driver splice values into the SQL text`,
		"charset=latin1":                               `MySQL connection property charset="latin1" is not supported`,
	} {
		c := *d
		c.Conn.Properties = map[string]string{}
		for _, kv := range strings.Split(props, ";") {
			k, v, _ := strings.Cut(kv, "=")
			c.Conn.Properties[k] = v
		}
		a.header = agentHeader(t, "mysql-sql.yaml", &c)
		status, doc := a.do("POST", "/Users", createBody("jose.zhong@galaxy.local"))
		if detail, _ := doc["detail"].(string); status != 400 || !strings.Contains(detail, want) {
			t.Errorf("%s: %d %q, want 400 %q", props, status, detail, want)
		}
	}
	if after := countRows(t, d, "SELECT COUNT(*) FROM USERS"); after != before {
		t.Errorf("%d users before, %d after", before, after)
	}

	raw := string(mustRead(t, filepath.Join(labtest.Root(), "testdata", "tenants", "mysql-sql.yaml")))
	raw = strings.NewReplacer("port: 3306", fmt.Sprintf("port: %d", d.Conn.Port), "database: oktademo", "database: "+d.Name,
		"password_env: LAB_DB_PASSWORD", `password: ""`, "allowMultiQueries: \"true\"", "interpolateParams: \"true\"").Replace(raw)
	if !strings.Contains(raw, "interpolateParams") {
		t.Fatalf("the lab file has no properties to replace:\n%s", raw)
	}
	tenants := filepath.Join(t.TempDir(), "tenants.yaml")
	if err := os.WriteFile(tenants, []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	err := Run(t.Context(), []string{"serve", "--address", "127.0.0.1", "--port", "0", "--admin-address", "off", "--data-dir", t.TempDir(), "--tenants", tenants},
		Options{Stdout: io.Discard, Stderr: io.Discard, Config: testConfig(t)})
	if err == nil || !strings.Contains(err.Error(), `interpolateParams="true" is not allowed`) {
		t.Errorf("a tenants file with interpolateParams=true: %v", err)
	}
}

// countRows runs a COUNT query on the test database.
func countRows(t *testing.T, d *dbtest.Database, query string) int {
	t.Helper()
	var n int
	if err := d.DB.QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Passwords under names the decoder does not know, and a malformed
// properties string, reached the capture file, the 400 and the log in
// clear. Now the capture keeps values only under fields known to hold no
// secret, and no message repeats a part of a properties string.
func TestUnknownSecretsReachNeitherCaptureNorErrors(t *testing.T) {
	d := labtest.Database(t, "mysql")
	a, in, dataDir := hardened(t, "header:\n  capture: true\n  allowed_databases: [\"127.0.0.1\"]\n", "mysql-sql.yaml", d)
	planted := map[string]string{}
	var bodies []string
	for i, field := range []string{"pw", "dbPass", "passphrase", "dsn", "auth", "key", "pasword", "db_pasword"} {
		secret := fmt.Sprintf("Planted-%d-Secret", i)
		planted[field] = secret
		a.header = headerWith(t, "mysql-sql.yaml", d, func(database map[string]any) { database[field] = secret })
		status, doc := a.do("GET", "/Users/luke.skywalker@galaxy.local", nil)
		if status != 400 {
			t.Errorf("unknown field %s: %d %v", field, status, doc)
		}
		bodies = append(bodies, fmt.Sprint(doc))
	}
	planted["properties"] = "Planted-Props-Secret"
	a.header = headerWith(t, "mysql-sql.yaml", d, func(database map[string]any) {
		database["properties"] = "user=root;password:Planted-Props-Secret"
	})
	status, doc := a.do("GET", "/Users/luke.skywalker@galaxy.local", nil)
	if detail, _ := doc["detail"].(string); status != 400 || !strings.Contains(detail, "part 2 is not key=value") {
		t.Errorf("a malformed properties string: %d %v", status, doc)
	}
	bodies = append(bodies, fmt.Sprint(doc))

	capture, err := os.ReadFile(filepath.Join(dataDir, "captured-headers.jsonl"))
	if err != nil || len(capture) == 0 {
		t.Fatalf("the capture file is empty: %v", err)
	}
	for where, text := range map[string]string{"capture": string(capture), "responses": strings.Join(bodies, "\n"), "log": in.out.String()} {
		for field, secret := range planted {
			if strings.Contains(text, secret) {
				t.Errorf("the value of %s reaches the %s", field, where)
			}
		}
	}
	if !strings.Contains(string(capture), `"dbPass":"***"`) || !strings.Contains(string(capture), `"host":"127.0.0.1"`) {
		t.Errorf("the capture does not show the shape: %.400s", capture)
	}
}

// headerWith is agentHeader with its database object edited.
func headerWith(t *testing.T, file string, d *dbtest.Database, edit func(database map[string]any)) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(agentHeader(t, file, d))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc["database"].(map[string]any))
	out, _ := json.Marshal(doc)
	return base64.StdEncoding.EncodeToString(out)
}

// Mistakes of the database's setup or of the connection settings were a
// bare "500 Internal error.". A database that refuses the account a right
// is now a 502 that says so, naming the operation and the object; a value
// the column's character set cannot hold is a 400; settings the driver
// cannot use (a certificate file it cannot read) are a 502 that says
// where to look.
func TestDatabaseMistakesAreNamedNot500(t *testing.T) {
	my := labtest.Database(t, "mysql")
	pg := labtest.Database(t, "postgresql")
	a, _, _ := hardened(t, "header:\n  allowed_databases: [\"127.0.0.1\"]\n", "mysql-sql.yaml", nil)

	// An account that may read but not write.
	account := fmt.Sprintf("ro_%d", time.Now().UnixNano()%1e9)
	for _, stmt := range []string{
		"CREATE USER '" + account + "'@'%' IDENTIFIED BY 'ro-Pa55word'",
		"GRANT SELECT ON `" + my.Name + "`.* TO '" + account + "'@'%'",
	} {
		if _, err := my.DB.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { my.DB.Exec("DROP USER IF EXISTS '" + account + "'@'%'") })
	ro := *my
	ro.Conn.User, ro.Conn.Password = account, "ro-Pa55word"
	a.header = agentHeader(t, "mysql-sql.yaml", &ro)
	status, doc := a.do("POST", "/Users", createBody("denied@galaxy.local"))
	if detail, _ := doc["detail"].(string); status != 502 || !strings.Contains(detail, "lacks a permission") || !strings.Contains(detail, "create_user") {
		t.Errorf("MySQL, an INSERT the account may not run: %d %q", status, detail)
	}

	if _, err := pg.DB.Exec("CREATE ROLE " + account + " LOGIN PASSWORD 'ro-Pa55word'"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.DB.Exec("DROP OWNED BY " + account); pg.DB.Exec("DROP ROLE IF EXISTS " + account) })
	if _, err := pg.DB.Exec("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + account); err != nil {
		t.Fatal(err)
	}
	roPg := *pg
	roPg.Conn.User, roPg.Conn.Password = account, "ro-Pa55word"
	a.header = agentHeader(t, "postgresql-sql.yaml", &roPg)
	status, doc = a.do("POST", "/Users", createBody("denied@galaxy.local"))
	if detail, _ := doc["detail"].(string); status != 502 || !strings.Contains(detail, "lacks a permission") || !strings.Contains(detail, "create_user") {
		t.Errorf("PostgreSQL, an INSERT the account may not run: %d %q", status, detail)
	}

	// A latin1 column compared with a value it cannot hold.
	if _, err := my.DB.Exec("ALTER TABLE USERS MODIFY FIRSTNAME VARCHAR(100) CHARACTER SET latin1"); err != nil {
		t.Fatal(err)
	}
	a.header = agentHeader(t, "mysql-sql.yaml", my)
	status, doc = a.do("GET", "/Users?filter="+url.QueryEscape(`name.givenName eq "中文"`), nil)
	if detail, _ := doc["detail"].(string); status != 400 || !strings.Contains(detail, "character set cannot hold") {
		t.Errorf("MySQL, a mix of collations: %d %q", status, detail)
	}
}

// A local tenant whose settings name a file the driver cannot read gets a
// 502 that says the settings are at fault; the log says which file.
func TestUnusableConnectionSettingsAreA502(t *testing.T) {
	pg := labtest.Database(t, "postgresql")
	raw := string(mustRead(t, filepath.Join(labtest.Root(), "testdata", "tenants", "postgresql-sql.yaml")))
	raw = strings.NewReplacer("port: 5432", fmt.Sprintf("port: %d", pg.Conn.Port), "database: oktademo", "database: "+pg.Name,
		"password_env: LAB_DB_PASSWORD", `password: ""`, "user: oktademo", "user: "+pg.Conn.User).Replace(raw)
	raw = strings.Replace(raw, "      database: "+pg.Name, "      database: "+pg.Name+"\n      properties: {sslmode: verify-full, sslrootcert: /nonexistent/ca.pem}", 1)
	tenants := filepath.Join(t.TempDir(), "tenants.yaml")
	if err := os.WriteFile(tenants, []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	dataDir := t.TempDir()
	in := start(t, testConfig(t), "--data-dir", dataDir, "--demo", "false", "--tenants", tenants)
	a := &agent{t: t, c: client(readCert(t, filepath.Join(dataDir, "certs", "OktaOnPremScimServer-local.crt")), 0, 0),
		base: "https://" + in.addr + "/ws/rest/lab_postgresql_sql/scim/v2", token: tokenOf(t, filepath.Join(dataDir, "conf", "config-local.properties"))}
	status, doc := a.do("GET", "/Users/luke.skywalker@galaxy.local", nil)
	if detail, _ := doc["detail"].(string); status != 502 || !strings.Contains(detail, "connection settings of tenant lab_postgresql_sql cannot be used") {
		t.Errorf("%d %q\n%s", status, detail, in.out.String())
	}
	if !strings.Contains(in.out.String(), "/nonexistent/ca.pem") {
		t.Error("the log does not name the file")
	}
}

// header.pinning end to end: learn mode records the agent's configuration
// in the data directory (0600); enforce mode serves it and refuses a
// changed statement with 403 and a log line naming the operation; `sqlscim
// pins` shows the pending configuration and its statements, and `sqlscim
// pins approve` lets it through without a restart.
func TestHeaderPinning(t *testing.T) {
	d := labtest.Database(t, "mysql")
	dataDir := t.TempDir()
	yaml := func(mode string) string {
		p := filepath.Join(t.TempDir(), "sqlscim.yaml")
		if err := os.WriteFile(p, []byte("header:\n  allowed_databases: [\"127.0.0.1\"]\n  pinning: "+mode+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	learn := start(t, testConfig(t), "--data-dir", dataDir, "--demo", "false", "--config", yaml("learn"))
	a := &agent{t: t, c: client(readCert(t, filepath.Join(dataDir, "certs", "OktaOnPremScimServer-local.crt")), 0, 0),
		base: learn.url(""), token: tokenOf(t, filepath.Join(dataDir, "conf", "config-local.properties")), header: agentHeader(t, "mysql-sql.yaml", d)}
	if status, doc := a.do("GET", "/Users/luke.skywalker@galaxy.local", nil); status != 200 {
		t.Fatalf("learn mode: %d %v", status, doc)
	}
	learn.stop(t)
	if st, err := os.Stat(filepath.Join(dataDir, "header-pins.json")); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the pins file: %v %v", st, err)
	}

	enforce := start(t, testConfig(t), "--data-dir", dataDir, "--demo", "false", "--config", yaml("enforce"))
	a.base = enforce.url("")
	if status, doc := a.do("GET", "/Users/luke.skywalker@galaxy.local", nil); status != 200 {
		t.Fatalf("enforce mode, the learned configuration: %d %v", status, doc)
	}
	original := a.header
	a.header = headerWith(t, "mysql-sql.yaml", d, func(map[string]any) {})
	raw, _ := base64.StdEncoding.DecodeString(a.header)
	var doc map[string]any
	json.Unmarshal(raw, &doc)
	doc["operations"].(map[string]any)["get_user_by_id"].(map[string]any)["statement"] = "SELECT * FROM USERS WHERE USER_ID = ? OR 1 = 1"
	js, _ := json.Marshal(doc)
	a.header = base64.StdEncoding.EncodeToString(js)
	status, body := a.do("GET", "/Users/luke.skywalker@galaxy.local", nil)
	if detail, _ := body["detail"].(string); status != 403 || !strings.Contains(detail, "operation get_user_by_id changed") {
		t.Fatalf("a changed statement: %d %q", status, detail)
	}
	if !strings.Contains(enforce.out.String(), `"changed":"operation get_user_by_id changed"`) {
		t.Error("the refusal was not logged with what changed")
	}

	var out strings.Builder
	if err := Run(t.Context(), []string{"pins", "--data-dir", dataDir}, Options{Stdout: &out, Stderr: &out, Config: testConfig(t)}); err != nil {
		t.Fatalf("sqlscim pins: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "PENDING") || !strings.Contains(out.String(), "* get_user_by_id") || !strings.Contains(out.String(), "OR 1 = 1") {
		t.Errorf("sqlscim pins:\n%s", out.String())
	}
	out.Reset()
	if err := Run(t.Context(), []string{"pins", "approve", "jdbc_on_prem", "--data-dir", dataDir}, Options{Stdout: &out, Stderr: &out, Config: testConfig(t)}); err != nil {
		t.Fatalf("sqlscim pins approve: %v\n%s", err, out.String())
	}
	if status, body := a.do("GET", "/Users/luke.skywalker@galaxy.local", nil); status != 200 {
		t.Errorf("after sqlscim pins approve: %d %v", status, body)
	}
	a.header = original
	if status, _ := a.do("GET", "/Users/luke.skywalker@galaxy.local", nil); status != 200 {
		t.Errorf("the first configuration after the approval: %d", status)
	}
}

// TestRecommendedGrantsAreEnough runs the grant blocks of docs/security.md
// ("-- grants: <dialect> <mode>") on the lab databases and then the lab
// guide's operations with that account through the agent's header: the
// rights the page recommends are enough, and the page stays true.
func TestRecommendedGrantsAreEnough(t *testing.T) {
	text := string(mustRead(t, filepath.Join(labtest.Root(), "docs", "security.md")))
	blocks := map[string]string{}
	for _, block := range strings.Split(text, "```sql\n")[1:] {
		body, _, _ := strings.Cut(block, "```")
		first, rest, _ := strings.Cut(body, "\n")
		if name, ok := strings.CutPrefix(first, "-- grants: "); ok {
			blocks[name] = rest
		}
	}
	files := map[string]string{"mysql sql": "mysql-sql.yaml", "mysql procedures": "mysql-procedures.yaml", "postgresql sql": "postgresql-sql.yaml"}
	if len(blocks) != len(files) {
		t.Fatalf("docs/security.md has the grant blocks %v, want %v", blocks, files)
	}
	a, _, _ := hardened(t, "header:\n  allowed_databases: [\"127.0.0.1\"]\n", "", nil)
	for name, file := range files {
		t.Run(name, func(t *testing.T) {
			dialect, _, _ := strings.Cut(name, " ")
			d := labtest.Database(t, dialect)
			account := fmt.Sprintf("okta_connector_%d", time.Now().UnixNano()%1e9)
			grants := strings.NewReplacer("oktademo.", d.Name+".", "okta_connector", account, "10.0.0.5", "127.0.0.1").Replace(blocks[name])
			for _, stmt := range strings.Split(grants, ";") {
				if stmt = strings.TrimSpace(stmt); stmt != "" {
					if _, err := d.DB.Exec(stmt); err != nil {
						t.Fatalf("%s: %v", stmt, err)
					}
				}
			}
			t.Cleanup(func() {
				if dialect == "mysql" {
					d.DB.Exec("DROP USER IF EXISTS '" + account + "'@'127.0.0.1'")
				} else {
					d.DB.Exec("DROP OWNED BY " + account)
					d.DB.Exec("DROP ROLE IF EXISTS " + account)
				}
			})
			c := *d
			c.Conn.User, c.Conn.Password = account, "a long random password"
			a.header = agentHeader(t, file, &c)
			id := "grants." + strings.ReplaceAll(name, " ", ".") + "@galaxy.local"
			patch := []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"Pilot"}]}`)
			for _, step := range []struct {
				method, path string
				body         []byte
				want         int
			}{
				{"GET", "/Users?count=2", nil, 200},
				{"GET", "/Users/luke.skywalker@galaxy.local", nil, 200},
				{"GET", "/Entitlements", nil, 200},
				{"POST", "/Users", createBody(id, "1", "2"), 201},
				{"PATCH", "/Users/" + id, patch, 200},
				{"DELETE", "/Users/" + id, nil, 204},
			} {
				if status, doc := a.do(step.method, step.path, step.body); status != step.want {
					t.Errorf("%s %s: %d %v", step.method, step.path, status, doc["detail"])
				}
			}
		})
	}
}
