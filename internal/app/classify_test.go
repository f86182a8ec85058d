package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/sqlscim/sqlscim/internal/testsupport/dbtest"
	"github.com/sqlscim/sqlscim/internal/testsupport/labtest"
)

// writeLabTenants writes testdata/tenants/<file> pointed at d as a local
// tenants file, after edit changes the tenant's document.
func writeLabTenants(t *testing.T, file string, d *dbtest.Database, edit func(tn map[string]any)) string {
	t.Helper()
	tn := labtest.TenantDoc(t, file)
	dbm := tn["database"].(map[string]any)
	delete(dbm, "password_env")
	dbm["host"], dbm["port"], dbm["database"], dbm["user"], dbm["password"] = d.Conn.Host, d.Conn.Port, d.Conn.Database, d.Conn.User, d.Conn.Password.Reveal()
	if edit != nil {
		edit(tn)
	}
	out, err := yaml.Marshal(map[string]any{"tenants": []any{tn}})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "tenants.yaml")
	if err := os.WriteFile(p, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// logLines returns the JSON log lines of out whose msg is msg.
func logLines(out, msg string) []map[string]any {
	var lines []map[string]any
	for _, l := range strings.Split(out, "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) == nil && m["msg"] == msg {
			lines = append(lines, m)
		}
	}
	return lines
}

// A procedure that does not exist, or one called with another number of
// parameters, was a 400 invalidValue – the client blamed for the admin's
// mistake – and the driver's cause was only at debug level. It is a 500
// with a stable detail, and an ERROR line naming the tenant, the
// operation, the statement and the driver's cause; a client repeating the
// request does not flood the log.
func TestMissingProcedureIsAConfigurationError(t *testing.T) {
	my := labtest.Database(t, "mysql")
	var name, mode, definition string
	if err := my.DB.QueryRow("SHOW CREATE PROCEDURE GET_USER_BY_ID").Scan(&name, &mode, &definition, new(any), new(any), new(any)); err != nil {
		t.Fatal(err)
	}
	if _, err := my.DB.Exec("DROP PROCEDURE GET_USER_BY_ID"); err != nil {
		t.Fatal(err)
	}
	tenants := writeLabTenants(t, "mysql-procedures.yaml", my, func(tn map[string]any) {
		op := tn["operations"].(map[string]any)["get_user_entitlements"].(map[string]any)
		op["statement"], op["parameters"] = "CALL GET_USER_ENTITLEMENT(?, ?)", []any{"USER_ID", "USER_ID"}
	})
	dataDir := t.TempDir()
	in := start(t, testConfig(t), "--data-dir", dataDir, "--demo", "false", "--tenants", tenants)
	a := &agent{t: t, c: client(readCert(t, filepath.Join(dataDir, "certs", "OktaOnPremScimServer-local.crt")), 0, 0),
		base: "https://" + in.addr + "/ws/rest/lab_mysql_procedures/scim/v2", token: tokenOf(t, filepath.Join(dataDir, "conf", "config-local.properties"))}

	const repeats = 30
	for i := 0; i < repeats; i++ {
		status, doc := a.do("GET", "/Users/luke.skywalker@galaxy.local", nil)
		detail, _ := doc["detail"].(string)
		if status != 500 || doc["scimType"] != nil || !strings.Contains(detail, "configuration of tenant lab_mysql_procedures") || !strings.Contains(detail, "get_user_by_id") {
			t.Fatalf("missing procedure: %d %v", status, doc)
		}
		if strings.Contains(detail, "1305") || strings.Contains(detail, "does not exist") && strings.Contains(detail, my.Name) {
			t.Errorf("the driver's text reached the client: %q", detail)
		}
	}
	// The wrong parameter count, reached through a user that exists but
	// whose entitlements cannot be read: get_users lists, get_user_entitlements fails.
	if _, err := my.DB.Exec(definition); err != nil {
		t.Fatal(err)
	}
	status, doc := a.do("GET", "/Users/luke.skywalker@galaxy.local", nil)
	if detail, _ := doc["detail"].(string); status != 500 || !strings.Contains(detail, "get_user_entitlements") {
		t.Errorf("wrong parameter count: %d %v", status, doc)
	}

	out := in.out.String()
	var missing, count []map[string]any
	for _, l := range logLines(out, "request failed") {
		switch {
		case l["operation"] == "get_user_by_id":
			missing = append(missing, l)
		case l["operation"] == "get_user_entitlements":
			count = append(count, l)
		}
	}
	if len(missing) == 0 || len(count) == 0 {
		t.Fatalf("no request-failed lines naming the operations:\n%s", out)
	}
	for _, l := range []map[string]any{missing[0], count[0]} {
		if l["level"] != "error" || l["app"] != "lab_mysql_procedures" || l["statement"] == nil || l["statement"] == "" {
			t.Errorf("log line lacks level, tenant or statement: %v", l)
		}
	}
	if cause, _ := missing[0]["error"].(string); !strings.Contains(cause, "1305") || !strings.Contains(strings.ToUpper(cause), "GET_USER_BY_ID") {
		t.Errorf("the missing procedure's cause: %v", missing[0])
	}
	if cause, _ := count[0]["error"].(string); !strings.Contains(cause, "1318") {
		t.Errorf("the parameter count's cause: %v", count[0])
	}
	if len(missing) >= repeats {
		t.Errorf("%d identical requests wrote %d error lines; repeated lines must be rate-limited", repeats, len(missing))
	}
	t.Logf("%d identical failing requests, %d log lines", repeats, len(missing))

	// check prints the driver's cause, not only that something failed.
	var buf bytes.Buffer
	err := Run(context.Background(), []string{"check", "--data-dir", dataDir, "--demo", "false", "--tenants", tenants}, Options{Stdout: &buf, Stderr: &buf, Config: testConfig(t)})
	if err == nil || !strings.Contains(buf.String(), "takes 1 parameter(s) but 2 are mapped") {
		t.Errorf("check does not name the mismatch (%v):\n%s", err, buf.String())
	}
}

// check printed "The database of tenant X is unavailable; retry later." for
// a refused connection, an unknown host and a refused password alike. It
// now prints the cause of each, with the password never shown, and no
// driver log line.
func TestCheckNamesTheDriversCause(t *testing.T) {
	my := labtest.Database(t, "mysql")
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := closed.Addr().(*net.TCPAddr).Port
	closed.Close()
	const password = "Wr0ng-Pa55word-x"
	for _, c := range []struct {
		name string
		edit func(dbm map[string]any)
		want string
	}{
		{"refused", func(dbm map[string]any) { dbm["port"] = closedPort }, "connection refused"},
		{"unknown host", func(dbm map[string]any) { dbm["host"] = "nosuch.invalid" }, "unknown host nosuch.invalid"},
		{"access denied", func(dbm map[string]any) { dbm["password"] = password }, "Access denied for user"},
	} {
		tenants := writeLabTenants(t, "mysql-procedures.yaml", my, func(tn map[string]any) { c.edit(tn["database"].(map[string]any)) })
		out, err := checkTenants(t, initDataDir(t), tenants)
		if err == nil || !strings.Contains(out, c.want) {
			t.Errorf("%s: want %q in the check (%v):\n%s", c.name, c.want, err, out)
		}
		if strings.Contains(out, password) || strings.Contains(out, ".go:") {
			t.Errorf("%s: a password or a driver log line in the output:\n%s", c.name, out)
		}
	}
}

// Two more of the admin's mistakes reached the client as 400 invalidValue:
// an operation's parameter naming a field no column of get_users has
// ("update_user parameter 1 needs the field LOGIN, which this request does
// not provide" – nothing the client could send), and get_user_entitlements
// returning no entitlement id column. Each is a 500 telling the admin what
// to correct, with an ERROR line.
func TestConfigurationMistakesAtRequestTimeAre500(t *testing.T) {
	my := labtest.Database(t, "mysql")
	for _, tc := range []struct {
		name, method, path, body string
		edit                     func(ops map[string]any)
		detail                   string
	}{
		{"parameter naming no column", "PUT", "/Users/luke.skywalker@galaxy.local",
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"luke.skywalker@galaxy.local","name":{"givenName":"Luke","familyName":"Skywalker"},"emails":[{"value":"luke.skywalker@galaxy.local","primary":true}],"active":true}`,
			func(ops map[string]any) {
				ps := ops["update_user"].(map[string]any)["parameters"].([]any)
				ps[0] = "LOGIN"
			}, "update_user: parameter 1 names LOGIN, which is not a column of get_users"},
		{"entitlements without their id", "GET", "/Users/luke.skywalker@galaxy.local", "",
			func(ops map[string]any) {
				ops["get_user_entitlements"].(map[string]any)["statement"] = "SELECT UE.USER_ID FROM USERENTITLEMENTS UE WHERE UE.USER_ID = ?"
			}, "get_user_entitlements returns no ENT_ID column"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tenants := writeLabTenants(t, "mysql-sql.yaml", my, func(tn map[string]any) { tc.edit(tn["operations"].(map[string]any)) })
			dataDir := t.TempDir()
			in := start(t, testConfig(t), "--data-dir", dataDir, "--demo", "false", "--tenants", tenants)
			a := &agent{t: t, c: client(readCert(t, filepath.Join(dataDir, "certs", "OktaOnPremScimServer-local.crt")), 0, 0),
				base: "https://" + in.addr + "/ws/rest/lab_mysql_sql/scim/v2", token: tokenOf(t, filepath.Join(dataDir, "conf", "config-local.properties"))}
			var body []byte
			if tc.body != "" {
				body = []byte(tc.body)
			}
			status, doc := a.do(tc.method, tc.path, body)
			detail, _ := doc["detail"].(string)
			if status != 500 || doc["scimType"] != nil || !strings.Contains(detail, "configuration of tenant lab_mysql_sql") || !strings.Contains(detail, "An administrator must correct it") {
				t.Fatalf("%s: %d %v", tc.name, status, doc)
			}
			lines := logLines(in.out.String(), "request failed")
			if len(lines) == 0 || lines[0]["level"] != "error" || !strings.Contains(lines[0]["error"].(string), tc.detail) {
				t.Errorf("no ERROR line saying %q:\n%s", tc.detail, in.out)
			}
		})
	}
}

// A tenant whose update_user does not write a column answered a change of
// that column with 200 and the old value: the change was dropped, and the
// client believed it stored. Such a change is refused (400 mutability,
// naming the column and the two ways an admin can go), on create too,
// unless ignore_attributes lists the attribute; what update_user writes
// still changes.
func TestChangeToAColumnTheWriteDoesNotBindIsRefused(t *testing.T) {
	my := labtest.Database(t, "mysql")
	withoutNickName := func(ops map[string]any) {
		up := ops["update_user"].(map[string]any)
		up["statement"] = strings.Replace(up["statement"].(string), "NICKNAME = ?, ", "", 1)
		up["parameters"] = slices.DeleteFunc(up["parameters"].([]any), func(p any) bool { return p == "NICKNAME" })
		cr := ops["create_user"].(map[string]any)
		cr["statement"] = strings.Replace(strings.Replace(cr["statement"].(string), "NICKNAME, ", "", 1), "?, ", "", 1)
		cr["parameters"] = slices.DeleteFunc(cr["parameters"].([]any), func(p any) bool { return p == "NICKNAME" })
	}
	const luke = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"luke.skywalker","name":{"givenName":"Luke","familyName":"Skywalker"},"emails":[{"value":"luke.skywalker@galaxy.local","primary":true}],"title":"Jedi Master","nickName":%q}`
	const rey = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"finn.fn2187@galaxy.local","name":{"givenName":"Finn","familyName":"FN-2187"},"emails":[{"value":"finn.fn2187@galaxy.local","primary":true}],"nickName":"Princess"}`
	for _, ignore := range []bool{false, true} {
		t.Run(map[bool]string{false: "refused", true: "ignored"}[ignore], func(t *testing.T) {
			tenants := writeLabTenants(t, "mysql-sql.yaml", my, func(tn map[string]any) {
				withoutNickName(tn["operations"].(map[string]any))
				if ignore {
					tn["ignore_attributes"] = []any{"nickName"}
				}
			})
			dataDir := t.TempDir()
			in := start(t, testConfig(t), "--data-dir", dataDir, "--demo", "false", "--tenants", tenants)
			a := &agent{t: t, c: client(readCert(t, filepath.Join(dataDir, "certs", "OktaOnPremScimServer-local.crt")), 0, 0),
				base: "https://" + in.addr + "/ws/rest/lab_mysql_sql/scim/v2", token: tokenOf(t, filepath.Join(dataDir, "conf", "config-local.properties"))}
			status, doc := a.do("PUT", "/Users/luke.skywalker@galaxy.local", []byte(fmt.Sprintf(luke, "Master Luke")))
			detail, _ := doc["detail"].(string)
			switch {
			case !ignore && (status != 400 || doc["scimType"] != "mutability" || !strings.Contains(detail, "NICKNAME") || !strings.Contains(detail, "ignore_attributes: [nickName]")):
				t.Fatalf("a change update_user cannot write: %d %v", status, doc)
			case ignore && (status != 200 || doc["title"] != "Jedi Master" || doc["nickName"] != "Red Five"):
				t.Fatalf("an ignored change: %d %v", status, doc)
			}
			// The same value is no change: the PUT stores the rest.
			if status, doc := a.do("PUT", "/Users/luke.skywalker@galaxy.local", []byte(fmt.Sprintf(luke, "Red Five"))); status != 200 || doc["title"] != "Jedi Master" {
				t.Errorf("a PUT leaving the unwritten column alone: %d %v", status, doc)
			}
			status, doc = a.do("POST", "/Users", []byte(rey))
			if ignore && status != 201 || !ignore && (status != 400 || doc["scimType"] != "mutability") {
				t.Errorf("a create with a value create_user cannot write: %d %v", status, doc)
			}
		})
	}
}
