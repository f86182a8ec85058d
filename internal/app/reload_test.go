package app

import (
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sqlscim/sqlscim/internal/config"
	"github.com/sqlscim/sqlscim/internal/testsupport/labtest"
)

// TestSIGHUPReloadsTenantsLogLevelAndFiles is a logrotate run and an
// admin's edit at once: the tenants file gains a tenant, the config file
// lowers the log level, the log file is renamed, then SIGHUP. The new
// tenant is served, the old one still is, the new log file is written at
// the new level, and no request sent meanwhile fails. A broken tenants file
// on the next SIGHUP keeps what runs and says why. SIGHUP once ended the
// process with status 129.
func TestSIGHUPReloadsTenantsLogLevelAndFiles(t *testing.T) {
	my := labtest.Database(t, "mysql")
	tenants := writeLabTenants(t, "mysql-sql.yaml", my, nil)
	dir := t.TempDir()
	logFile := filepath.Join(dir, "logs", "application.log")
	cfgFile := filepath.Join(dir, "sqlscim.yaml")
	writeFile(t, cfgFile, "log:\n  level: info\n")
	dataDir := filepath.Join(dir, "data")
	in := start(t, testConfig(t), "--data-dir", dataDir, "--demo", "false", "--tenants", tenants, "--config", cfgFile, "--log-file", logFile)
	c := client(readCert(t, filepath.Join(dataDir, "certs", "OktaOnPremScimServer-local.crt")), 0, 0)
	token := tokenOf(t, filepath.Join(dataDir, "conf", "config-local.properties"))
	base := "https://" + in.addr + "/ws/rest/"
	get := func(app string) (int, error) {
		req, _ := http.NewRequest("GET", base+app+"/scim/v2/Users/luke.skywalker@galaxy.local", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := c.Do(req)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	if status, err := get("lab_mysql_sql"); status != 200 {
		t.Fatalf("before the reload: %d %v", status, err)
	}
	if status, _ := get("hr"); status != 404 {
		t.Fatalf("tenant hr before it is configured: %d", status)
	}

	// Requests run through the reload, bounded in count and time.
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var mu sync.Mutex
	var sent int
	var failures []string
	wg.Add(1)
	go func() {
		defer wg.Done()
		deadline := time.Now().Add(30 * time.Second)
		for i := 0; i < 5000 && time.Now().Before(deadline); i++ {
			select {
			case <-stop:
				return
			default:
			}
			status, err := get("lab_mysql_sql")
			mu.Lock()
			sent++
			if status != 200 {
				failures = append(failures, strings.TrimSpace(http.StatusText(status)+" "+errString(err)))
			}
			mu.Unlock()
		}
	}()

	// The admin's edits and logrotate's rename.
	var doc struct {
		Tenants []map[string]any `yaml:"tenants"`
	}
	if err := yaml.Unmarshal(mustRead(t, tenants), &doc); err != nil {
		t.Fatal(err)
	}
	hr := map[string]any{}
	for k, v := range doc.Tenants[0] {
		hr[k] = v
	}
	hr["name"] = "hr"
	doc.Tenants = append(doc.Tenants, hr)
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, tenants, string(out))
	writeFile(t, cfgFile, "log:\n  level: warn\n")
	if err := os.Rename(logFile, logFile+".1"); err != nil {
		t.Fatal(err)
	}
	hup(t)
	// The summary line is INFO, below the new level: the added tenant
	// being served says the reload is done (the level is set before).
	deadline := time.Now().Add(15 * time.Second)
	for {
		status, err := get("hr")
		if status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the added tenant is not served after SIGHUP: %d %v\n%s", status, err, in.out)
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	mu.Lock()
	if sent == 0 || len(failures) > 0 {
		t.Errorf("%d requests during the reload, %d failed: %v", sent, len(failures), failures)
	}
	mu.Unlock()

	old := string(mustRead(t, logFile+".1"))
	if !strings.Contains(old, "sqlscim listening") {
		t.Errorf("the rotated file lacks the start:\n%.2000s", old)
	}
	writeFile(t, tenants, "tenants: [\n")
	hup(t)
	waitFor(t, in, "SIGHUP: the tenants were not reloaded; the running ones stay", 1)
	if status, err := get("hr"); status != 200 {
		t.Errorf("after a refused reload tenant hr: %d %v", status, err)
	}
	cur := string(mustRead(t, logFile))
	if !strings.Contains(cur, "the tenants were not reloaded") {
		t.Errorf("the new log file lacks the refused reload:\n%s", cur)
	}
	if strings.Contains(cur, `"level":"info"`) {
		t.Errorf("the new log file has info lines although the level is warn:\n%s", cur)
	}

	// A configuration that does not load keeps the running one too.
	writeFile(t, cfgFile, "log:\n  level: loud\n")
	hup(t)
	waitFor(t, in, "SIGHUP: the configuration was not reloaded; the running one stays", 1)
	if status, err := get("hr"); status != 200 {
		t.Errorf("after a refused configuration tenant hr: %d %v", status, err)
	}
	if strings.Contains(in.out.String(), "take effect only on restart") {
		t.Errorf("a reload that changed only reloadable settings warned of a restart:\n%s", in.out)
	}
}

func hup(t *testing.T) {
	t.Helper()
	// serve has SIGHUP in hand (signal.Notify), so it does not end the test.
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
}

// waitFor waits (bounded) until the output holds n lines with msg.
func waitFor(t *testing.T, in *instance, msg string, n int) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for len(logLines(in.out.String(), msg)) < n {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the log:\n%s", msg, in.out)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestNeedRestartNamesWhatAReloadDoesNotApply(t *testing.T) {
	now := &config.Config{AdminAddress: "127.0.0.1:9090", TenantsFile: "a.yaml"}
	next := *now
	next.TenantsFile, next.Log.Level = "b.yaml", "debug"
	if got := needRestart(now, &next); len(got) != 0 {
		t.Errorf("reloadable changes: %v", got)
	}
	next.AdminAddress = "0.0.0.0:9090"
	next.AllowAnyDatabase = true
	if got := needRestart(now, &next); !reflect.DeepEqual(got, []string{"header", "admin.address"}) {
		t.Errorf("needRestart = %v", got)
	}
}

// The console named the tenants file the server started with after a
// reload had moved the tenants to another file: an admin chasing a
// setting read the wrong file.
func TestConsoleNamesTheTenantsFileAReloadRead(t *testing.T) {
	my := labtest.Database(t, "mysql")
	first := writeLabTenants(t, "mysql-sql.yaml", my, nil)
	second := filepath.Join(t.TempDir(), "moved.yaml")
	writeFile(t, second, string(mustRead(t, first)))
	cfgFile := filepath.Join(t.TempDir(), "sqlscim.yaml")
	writeFile(t, cfgFile, "tenants_file: "+first+"\n")
	adminReady := make(chan string, 1)
	in := startWith(t, testConfig(t), func(o *Options) { o.AdminReady = func(a net.Addr) { adminReady <- a.String() } },
		"--data-dir", t.TempDir(), "--demo", "false", "--config", cfgFile)
	admin := <-adminReady
	plain := &http.Client{Timeout: 10 * time.Second}
	source := func() string {
		_, body := rawDo(t, plain, "GET", "http://"+admin+"/tenants", nil, "")
		var doc struct {
			Tenants []struct{ Name, Source string }
		}
		if err := json.Unmarshal([]byte(body), &doc); err != nil || len(doc.Tenants) != 1 {
			t.Fatalf("/tenants: %s", body)
		}
		return doc.Tenants[0].Source
	}
	if got := source(); got != "tenants file "+first {
		t.Fatalf("before the reload the console says %q", got)
	}
	writeFile(t, cfgFile, "tenants_file: "+second+"\n")
	hup(t)
	waitFor(t, in, "SIGHUP: reloaded", 1)
	if got := source(); got != "tenants file "+second {
		t.Errorf("after the reload the console says %q, want the file it read", got)
	}
}
