package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sqlscim/sqlscim/internal/telemetry"
	"github.com/sqlscim/sqlscim/internal/testsupport/labtest"
)

// A missing stored procedure started fine and /readyz said ready with no
// word of it: the first sign was Okta's failing imports. The start now
// checks every local tenant as sqlscim check does: the log names the
// tenant, the operation and the cause, /readyz lists the failed self-check,
// sqlscim_tenant_up is 0, and --strict refuses to start.
func TestSelfCheckAtStart(t *testing.T) {
	my := labtest.Database(t, "mysql")
	if _, err := my.DB.Exec("DROP PROCEDURE GET_USER_BY_ID"); err != nil {
		t.Fatal(err)
	}
	tenants := writeLabTenants(t, "mysql-procedures.yaml", my, nil)

	t.Run("strict", func(t *testing.T) {
		out := &syncBuffer{}
		err := Run(context.Background(), []string{"serve", "--data-dir", t.TempDir(), "--address", "127.0.0.1", "--port", "0",
			"--admin-address", "off", "--demo", "false", "--tenants", tenants, "--strict"}, Options{Stdout: out, Stderr: out, Config: testConfig(t)})
		if err == nil || !strings.Contains(err.Error(), "--strict") || !strings.Contains(err.Error(), "lab_mysql_procedures: get_user_by_id") {
			t.Fatalf("serve --strict with a missing procedure: %v", err)
		}
		if strings.Contains(out.String(), "sqlscim listening") {
			t.Errorf("--strict logged listening before refusing:\n%s", out)
		}
	})

	t.Run("default", func(t *testing.T) {
		admin := make(chan net.Addr, 1)
		in := startWith(t, testConfig(t), func(o *Options) { o.AdminReady = func(a net.Addr) { admin <- a } },
			"--data-dir", t.TempDir(), "--demo", "false", "--tenants", tenants)
		adminURL := "http://" + (<-admin).String()
		waitFor(t, in, "self-check failed; run sqlscim check for the whole report", 1)
		line := logLines(in.out.String(), "self-check failed; run sqlscim check for the whole report")[0]
		if line["tenant"] != "lab_mysql_procedures" || line["subject"] != "get_user_by_id" || line["level"] != "error" {
			t.Errorf("the self-check's log line: %v", line)
		}

		var ready struct {
			Ready   bool
			Tenants []struct {
				Tenant    string
				OK        bool
				SelfCheck *struct {
					OK       bool
					Failures []string
				} `json:"self_check"`
			}
		}
		deadline := time.Now().Add(15 * time.Second)
		for {
			resp, err := http.Get(adminURL + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			err = json.NewDecoder(resp.Body).Decode(&ready)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if len(ready.Tenants) == 1 && ready.Tenants[0].SelfCheck != nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("/readyz never listed the self-check: %+v", ready)
			}
			time.Sleep(20 * time.Millisecond)
		}
		tn := ready.Tenants[0]
		// The database answers, so the server stays ready for the other
		// tenants; the self-check says what is wrong with this one.
		if !ready.Ready || !tn.OK || tn.SelfCheck.OK || len(tn.SelfCheck.Failures) == 0 || !strings.Contains(tn.SelfCheck.Failures[0], "get_user_by_id") {
			t.Errorf("/readyz: %+v (self-check %+v)", ready, tn.SelfCheck)
		}
		resp, err := http.Get(adminURL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), `sqlscim_tenant_up{tenant="lab_mysql_procedures"} 0`) {
			t.Errorf("sqlscim_tenant_up is not 0 for the failing tenant:\n%s", grepLines(string(body), "sqlscim_tenant_up"))
		}
	})
}

func grepLines(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// A tenant without remove_entitlement_from_user passed sqlscim check and
// failed at request time with 501; check did not show how columns map to
// SCIM. It now warns of each operation Okta calls that is missing, naming
// what Okta cannot do, and prints the mapping it resolved.
func TestCheckWarnsOfMissingOperationsAndPrintsTheMapping(t *testing.T) {
	my := labtest.Database(t, "mysql")
	tenants := writeLabTenants(t, "mysql-sql.yaml", my, func(tn map[string]any) {
		delete(tn["operations"].(map[string]any), "remove_entitlement_from_user")
	})
	dataDir := initDataDir(t)
	out, err := checkTenants(t, dataDir, tenants)
	if err != nil {
		t.Fatalf("check: %v\n%s", err, out)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`remove_entitlement_from_user +configured +WARN +not enabled: Okta's requests to unassign entitlements get 501`),
		regexp.MustCompile(`mapping +USER_ID +ok +id\n`),
		regexp.MustCompile(`mapping +FIRSTNAME +ok +name\.givenName\n`),
		regexp.MustCompile(`mapping +EMAIL +ok +emails\[type eq "work"\]\.value\n`),
	} {
		if !want.MatchString(out) {
			t.Errorf("the check lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "add_entitlement_to_user       configured") {
		t.Errorf("a configured operation is reported missing:\n%s", out)
	}
}

// A misspelt mapping key (FRISTNAME) was silently ignored, and other
// mapping mistakes reached the client as 400 invalidValue. check fails on
// it, and a request gets 500 naming the tenant, with the mistake in the log.
func TestMisspeltMappingKeyIsTheAdminsError(t *testing.T) {
	my := labtest.Database(t, "mysql")
	tenants := writeLabTenants(t, "mysql-sql.yaml", my, func(tn map[string]any) {
		tn["mapping"] = map[string]any{"FRISTNAME": "name.givenName"}
	})
	dataDir := initDataDir(t)
	out, err := checkTenants(t, dataDir, tenants)
	if err == nil || !regexp.MustCompile(`mapping +columns → SCIM attributes +FAIL .*FRISTNAME is not a column`).MatchString(out) {
		t.Errorf("check with a misspelt mapping key: %v\n%s", err, out)
	}

	in := start(t, testConfig(t), "--data-dir", dataDir, "--demo", "false", "--tenants", tenants)
	a := &agent{t: t, c: client(readCert(t, filepath.Join(dataDir, "certs", "OktaOnPremScimServer-local.crt")), 0, 0),
		base: "https://" + in.addr + "/ws/rest/lab_mysql_sql/scim/v2", token: tokenOf(t, filepath.Join(dataDir, "conf", "config-local.properties"))}
	status, doc := a.do("GET", "/Users/luke.skywalker@galaxy.local", nil)
	if detail, _ := doc["detail"].(string); status != 500 || doc["scimType"] != nil || !strings.Contains(detail, "configuration of tenant lab_mysql_sql") {
		t.Errorf("GET with a misspelt mapping key: %d %v", status, doc)
	}
	found := false
	for _, l := range logLines(in.out.String(), "request failed") {
		e, _ := l["error"].(string)
		found = found || (l["level"] == "error" && strings.Contains(e, "FRISTNAME is not a column"))
	}
	if !found {
		t.Errorf("no ERROR line naming FRISTNAME:\n%s", in.out)
	}
}

// A parameter naming a column Get Users does not return passed check; at
// request time the client was told to send a field it cannot send.
func TestCheckReportsParametersNamingNoColumn(t *testing.T) {
	my := labtest.Database(t, "mysql")
	tenants := writeLabTenants(t, "mysql-sql.yaml", my, func(tn map[string]any) {
		op := tn["operations"].(map[string]any)["update_user"].(map[string]any)
		params := op["parameters"].([]any)
		for i, p := range params {
			if p == "FIRSTNAME" {
				params[i] = "FRSTNAME"
			}
		}
	})
	out, err := checkTenants(t, initDataDir(t), tenants)
	if err == nil || !regexp.MustCompile(`update_user +parameters name columns of get_users +FAIL +parameter 2 names FRSTNAME, which is not a column of get_users`).MatchString(out) {
		t.Errorf("check with a parameter naming no column: %v\n%s", err, out)
	}
}

// initDataDir is a data directory with credentials, as sqlscim init makes it.
func initDataDir(t *testing.T) string {
	t.Helper()
	var buf bytes.Buffer
	dataDir := t.TempDir()
	if err := Run(context.Background(), []string{"init", "--data-dir", dataDir}, Options{Stdout: &buf, Stderr: &buf, Config: testConfig(t)}); err != nil {
		t.Fatalf("init: %v\n%s", err, &buf)
	}
	return dataDir
}

// checkTenants runs sqlscim check on a tenants file (without the demo) and
// returns what it printed.
func checkTenants(t *testing.T, dataDir, tenants string, args ...string) (string, error) {
	t.Helper()
	var buf bytes.Buffer
	err := Run(context.Background(), append([]string{"check", "--data-dir", dataDir, "--demo", "false", "--tenants", tenants}, args...),
		Options{Stdout: &buf, Stderr: &buf, Config: testConfig(t)})
	return buf.String(), err
}

// With no mapping for a NOT NULL column, the first POST told the client to
// send the tenant extension's attribute; the admin learnt nothing. check
// reads the table's catalog and warns of each required column create_user
// binds that no core or enterprise attribute feeds.
func TestCheckWarnsOfRequiredColumnsNoAttributeFeeds(t *testing.T) {
	for _, lab := range []struct{ dialect, file, alter string }{
		{"mysql", "mysql-sql.yaml", "ALTER TABLE USERS MODIFY HIREDATE DATE NOT NULL"},
		{"postgresql", "postgresql-sql.yaml", "ALTER TABLE USERS ALTER COLUMN HIREDATE SET NOT NULL"},
	} {
		t.Run(lab.dialect, func(t *testing.T) {
			d := labtest.Database(t, lab.dialect)
			tenants := writeLabTenants(t, lab.file, d, nil)
			dataDir := initDataDir(t)
			out, err := checkTenants(t, dataDir, tenants)
			if err != nil || !regexp.MustCompile(`create_user +required columns are fed by SCIM attributes +ok +every NOT NULL column`).MatchString(out) {
				t.Fatalf("the lab as it is: %v\n%s", err, out)
			}
			if _, err := d.DB.Exec("UPDATE USERS SET HIREDATE = DATE '2020-01-01' WHERE HIREDATE IS NULL"); err != nil {
				t.Fatal(err)
			}
			if _, err := d.DB.Exec(lab.alter); err != nil {
				t.Fatal(err)
			}
			out, err = checkTenants(t, dataDir, tenants)
			// PostgreSQL folds the unquoted names to lower case.
			want := regexp.MustCompile(`(?i)create_user +required columns are fed by SCIM attributes +WARN +HIREDATE: NOT NULL without a default, and no core or enterprise attribute feeds it: a create that does not send urn:sqlscim:schemas:extension:database:2.0:User:HIREDATE is refused; map it`)
			if err != nil || !want.MatchString(out) {
				t.Errorf("HIREDATE NOT NULL: %v\n%s", err, out)
			}
		})
	}
}

// A configuration from the agent's header had no start to be checked at:
// its missing procedure showed only when Okta called the operation. It is
// now checked on first use, once per configuration: an ERROR line names the
// app and the cause; under --strict its requests get 500 (the admin's
// mistake), never a 4xx.
func TestHeaderTenantIsCheckedOnFirstUse(t *testing.T) {
	my := labtest.Database(t, "mysql")
	if _, err := my.DB.Exec("DROP PROCEDURE DEACTIVATE_USER"); err != nil {
		t.Fatal(err)
	}
	const failed = "self-check failed; run sqlscim check for the whole report"
	for _, strict := range []bool{false, true} {
		t.Run(map[bool]string{false: "default", true: "strict"}[strict], func(t *testing.T) {
			dataDir := t.TempDir()
			args := []string{"--data-dir", dataDir, "--demo", "false", "--config", headerConfig(t, "")}
			if strict {
				args = append(args, "--strict")
			}
			adminReady := make(chan string, 1)
			in := startWith(t, testConfig(t), func(o *Options) { o.AdminReady = func(a net.Addr) { adminReady <- a.String() } }, args...)
			admin := <-adminReady
			a := &agent{t: t, c: client(readCert(t, filepath.Join(dataDir, "certs", "OktaOnPremScimServer-local.crt")), 0, 0),
				token: tokenOf(t, filepath.Join(dataDir, "conf", "config-local.properties")), header: agentHeader(t, "mysql-procedures.yaml", my)}
			for _, app := range []string{"hr", "hr", "payroll"} {
				a.base = "https://" + in.addr + "/ws/rest/" + app + "/scim/v2"
				status, doc := a.do("GET", "/Users?count=1", nil)
				detail, _ := doc["detail"].(string)
				switch {
				case !strict && status != 200:
					t.Errorf("%s: a failed check refuses requests without --strict: %d %v", app, status, doc)
				case strict && (status != 500 || !strings.Contains(detail, "self-check") || !strings.Contains(detail, "deactivate_user")):
					t.Errorf("%s: under --strict a failed check is not a 500 naming it: %d %v", app, status, doc)
				}
			}
			// One check for the configuration, whichever app sent it.
			lines := logLines(in.out.String(), failed)
			if len(lines) != 1 || lines[0]["tenant"] != "hr" || lines[0]["subject"] != "deactivate_user" || lines[0]["level"] != "error" {
				t.Errorf("the header check's log lines: %v\n%s", lines, in.out)
			}
			// The admin sees it where they look: /readyz lists each header
			// tenant's check without turning unready, the console shows it.
			plain := &http.Client{Timeout: 10 * time.Second}
			status, body := rawDo(t, plain, "GET", "http://"+admin+"/readyz", nil, "")
			var ready struct {
				Ready   bool
				Tenants []telemetry.HeaderCheck `json:"header_tenants"`
			}
			if err := json.Unmarshal([]byte(body), &ready); err != nil || status != 200 || !ready.Ready || len(ready.Tenants) != 2 {
				t.Fatalf("/readyz: %d %s", status, body)
			}
			for _, h := range ready.Tenants {
				if h.SelfCheck == nil || h.SelfCheck.OK || len(h.SelfCheck.Failures) == 0 || !strings.HasPrefix(h.SelfCheck.Failures[0], "deactivate_user: ") {
					t.Errorf("/readyz does not show %s's failed check: %s", h.Tenant, body)
				}
			}
			if _, body := rawDo(t, plain, "GET", "http://"+admin+"/tenants", nil, ""); !strings.Contains(body, `"ok":false,"error":"self-check: deactivate_user: `) {
				t.Errorf("the console does not show the failed check: %s", body)
			}
		})
	}
}
