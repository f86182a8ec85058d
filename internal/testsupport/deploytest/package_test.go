package deploytest

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sqlscim/sqlscim/internal/config"
)

const (
	testCustomerID = "acme"
	serviceUser    = "okscimserver"
	testVersion    = "v0.0.0-deploytest"
)

// run runs a command with a deadline and returns its combined output.
func run(ctx context.Context, env []string, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = root()
	cmd.Env = append(os.Environ(), env...)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func mustRun(t *testing.T, ctx context.Context, env []string, name string, args ...string) string {
	t.Helper()
	out, err := run(ctx, env, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// TestPackages builds the .deb and the .rpm with deploy/package.sh, checks
// the .rpm's contents with rpm, and installs the .deb on this machine the
// way OPS is installed (CUSTOMER_ID=acme dpkg -i), checks what it created,
// serves with it as the service user, reinstalls it, removes it, and
// checks that the credentials survive. It removes everything it created.
func TestPackages(t *testing.T) {
	if os.Getuid() != 0 || (os.Getenv("CI") != "true" && !packageTestRequested) {
		t.Skip("installs the .deb on this machine and removes it again: runs as root with CI=true or DEPLOYTEST_PACKAGE=1")
	}
	if testing.Short() {
		t.Skip("builds packages; not in -short")
	}
	for _, tool := range []string{"dpkg", "dpkg-deb", "getent", "useradd", "userdel", "groupdel", "setpriv", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed: this test runs on Debian or Ubuntu", tool)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()

	// Build the binary (link only: the test's build cache has every package)
	// and the packages, with the script make package runs.
	work := t.TempDir()
	bin := filepath.Join(work, "sqlscim")
	mustRun(t, ctx, []string{"CGO_ENABLED=0"}, "go", "build", "-ldflags", "-X github.com/sqlscim/sqlscim/internal/buildinfo.Version="+testVersion, "-o", bin, "./cmd/sqlscim")
	out := mustRun(t, ctx, nil, "bash", "deploy/package.sh", bin, testVersion, filepath.Join(work, "dist"))
	var deb, rpm string
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasSuffix(line, ".deb"):
			deb = line
		case strings.HasSuffix(line, ".rpm"):
			rpm = line
		}
	}
	wantName := "sqlscim_0.0.0~deploytest_amd64"
	if filepath.Base(deb) != wantName+".deb" || filepath.Base(rpm) != wantName+".rpm" {
		t.Fatalf("deploy/package.sh made %q and %q, want dist/%s.deb and .rpm\n%s", deb, rpm, wantName, out)
	}

	t.Run("rpm", func(t *testing.T) { checkRPM(t, ctx, rpm) })
	t.Run("deb", func(t *testing.T) { installDeb(t, ctx, deb) })
}

func checkRPM(t *testing.T, ctx context.Context, rpm string) {
	if _, err := exec.LookPath("rpm"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("rpm is needed to check the .rpm: apt-get install -y rpm")
		}
		t.Skip("rpm is not installed (apt-get install -y rpm); the .rpm is not checked")
	}
	q := func(args ...string) string {
		return mustRun(t, ctx, nil, "rpm", append([]string{"-qp", "--nosignature"}, append(args, rpm)...)...)
	}
	if got := strings.TrimSpace(q("--queryformat", "%{NAME} %{VERSION} %{RELEASE} %{ARCH}")); got != "sqlscim 0.0.0~deploytest 1 x86_64" {
		t.Errorf("rpm: %q, want sqlscim 0.0.0~deploytest 1 x86_64", got)
	}
	modes := map[string]string{}
	for _, line := range strings.Split(q("--queryformat", "[%{FILEMODES:perms} %{FILEUSERNAME} %{FILENAMES}\n]"), "\n") {
		if f := strings.Fields(line); len(f) == 3 {
			modes[f[2]] = f[0] + " " + f[1]
		}
	}
	for p, want := range map[string]string{
		binaryPath:                          "-rwxr-xr-x root",
		unitPath:                            "-rw-r--r-- root",
		setupPath:                           "-rwxr-xr-x root",
		envFile:                             "-rw------- root",
		logrotatePath:                       "-rw-r--r-- root",
		"/etc/sqlscim/tenants.yaml.example": "-rw-r--r-- root",
	} {
		if modes[p] != want {
			t.Errorf("rpm: %s is %q, want %q", p, modes[p], want)
		}
	}
	for _, dir := range []string{filepath.Dir(setupPath), "/usr/share/doc/sqlscim", "/etc/sqlscim"} {
		if !strings.HasPrefix(modes[dir], "d") {
			t.Errorf("rpm: does not own the directory %s, which would stay after rpm -e", dir)
		}
	}
	if conf := q("--configfiles"); !strings.Contains(conf, envFile) {
		t.Errorf("rpm: %s is not a configuration file:\n%s", envFile, conf)
	}
	scripts := q("--scripts")
	for _, want := range []string{"postinstall scriptlet", "preuninstall scriptlet", "postuninstall scriptlet", setupPath} {
		if !strings.Contains(scripts, want) {
			t.Errorf("rpm --scripts lacks %q", want)
		}
	}
	if req := q("--requires"); !strings.Contains(req, "shadow-utils") {
		t.Errorf("rpm: does not require shadow-utils (useradd):\n%s", req)
	}
}

// fileState is what the test checks of an installed file.
type fileState struct {
	mode  fs.FileMode
	owner string
}

func stateOf(t *testing.T, p string) (fileState, bool) {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		return fileState{}, false
	}
	owner := "?"
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		if u, err := user.LookupId(strconv.Itoa(int(sys.Uid))); err == nil {
			owner = u.Username
		}
	}
	return fileState{st.Mode().Perm(), owner}, true
}

func installDeb(t *testing.T, ctx context.Context, deb string) {
	layout := config.OPSLayout(config.DefaultOPSDir, config.DefaultPKIDir)
	logDir := filepath.Dir(config.DefaultOPSLog)
	id := testCustomerID
	credentials := []string{layout.CustomerIDFile(), layout.PropertiesFile(id), layout.CertFile(id), layout.KeyFile(id), layout.KeystoreFile(id), layout.KeystoreFile(id) + ".pass"}

	// A run that was killed (a test timeout) left its state behind: undo it.
	if exists(stateFile) {
		t.Logf("undoing the leftovers of an earlier run (%s)", stateFile)
		if err := undo(credentials); err != nil {
			t.Fatalf("cleaning up an earlier run: %v", err)
		}
	}

	// Never disturb a real installation: this test removes what it installs.
	for _, p := range append([]string{config.DefaultOPSDir, binaryPath, unitPath, envFile, filepath.Dir(setupPath)}, credentials...) {
		if exists(p) {
			t.Fatalf("%s exists: this test installs and removes sqlscim and would disturb it; run it on a machine without sqlscim or the Okta On-Prem SCIM Server", p)
		}
	}
	if out, err := run(ctx, nil, "dpkg-query", "-W", "-f=${Status}", "sqlscim"); err == nil && strings.Contains(out, "installed") {
		t.Fatalf("the package sqlscim is installed (%s); this test would remove it", out)
	}
	var st installState
	_, userErr := user.Lookup(serviceUser)
	_, groupErr := user.LookupGroup(serviceUser)
	st.CreatedUser, st.CreatedGroup = userErr != nil, groupErr != nil
	for _, d := range []string{"/etc/pki", config.DefaultPKIDir, layout.CertDir, layout.KeyDir, logDir, "/etc/sqlscim"} {
		if !exists(d) {
			st.CreatedDirs = append(st.CreatedDirs, d)
		}
	}
	raw, _ := json.Marshal(st)
	if err := os.WriteFile(stateFile, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := undo(credentials); err != nil {
			t.Errorf("cleanup: %v", err)
		}
		for _, p := range append(append([]string{config.DefaultOPSDir, binaryPath, unitPath, envFile, stateFile}, credentials...), st.CreatedDirs...) {
			if exists(p) {
				t.Errorf("cleanup: %s is still there", p)
			}
		}
		if _, err := user.Lookup(serviceUser); err == nil && st.CreatedUser {
			t.Errorf("cleanup: the user %s is still there", serviceUser)
		}
	})
	createdDirs := st.CreatedDirs

	// Install as OPS is installed: CUSTOMER_ID=acme rpm -ivh …, with the
	// databases the agent's configurations may reach.
	out := mustRun(t, ctx, []string{"CUSTOMER_ID=" + id, "ALLOWED_DATABASES=db.example.internal:3306,10.0.0.0/8"}, "dpkg", "-i", deb)
	t.Logf("dpkg -i:\n%s", out)
	if !strings.Contains(out, "generating a bearer token") {
		t.Errorf("dpkg -i did not generate the credentials:\n%s", out)
	}

	// The service user, as OPS creates it.
	u, err := user.Lookup(serviceUser)
	if err != nil {
		t.Fatalf("no user %s after the installation", serviceUser)
	}
	if passwd := mustRun(t, ctx, nil, "getent", "passwd", serviceUser); !strings.Contains(passwd, "nologin") {
		t.Errorf("%s can log in: %s", serviceUser, passwd)
	}
	if u.Uid == "0" {
		t.Errorf("%s is root", serviceUser)
	}

	// Files, modes and owners.
	want := map[string]fileState{
		binaryPath:                        {0o755, "root"},
		unitPath:                          {0o644, "root"},
		setupPath:                         {0o755, "root"},
		envFile:                           {0o600, "root"},
		config.DefaultOPSDir:              {0o750, serviceUser},
		layout.CustomerIDFile():           {0o644, serviceUser},
		layout.PropertiesFile(id):         {0o600, serviceUser},
		layout.CertFile(id):               {0o644, serviceUser},
		layout.KeyFile(id):                {0o600, serviceUser},
		layout.KeystoreFile(id):           {0o600, serviceUser},
		layout.KeystoreFile(id) + ".pass": {0o600, serviceUser},
	}
	createdLogDir := false
	for _, d := range createdDirs {
		switch d {
		case logDir:
			want[d], createdLogDir = fileState{0o750, serviceUser}, true
		case "/etc/sqlscim":
		default:
			want[d] = fileState{0o755, "root"} // as RHEL ships /etc/pki/tls/{certs,private}
		}
	}
	for p, w := range want {
		got, ok := stateOf(t, p)
		switch {
		case !ok:
			t.Errorf("%s does not exist after the installation", p)
		case got != w:
			t.Errorf("%s: mode %04o owner %s, want %04o %s", p, got.mode, got.owner, w.mode, w.owner)
		}
	}
	if env, _ := os.ReadFile(envFile); !strings.Contains(string(env), "\nSQLSCIM_HEADER_ALLOWED_DATABASES=db.example.internal:3306,10.0.0.0/8\n") {
		t.Errorf("%s does not list the allowed databases:\n%s", envFile, env)
	}
	if b, _ := os.ReadFile(layout.CustomerIDFile()); string(b) != "CUSTOMER_ID="+id+"\n" {
		t.Errorf("%s: %q", layout.CustomerIDFile(), b)
	}
	props, _ := os.ReadFile(layout.PropertiesFile(id))
	m := regexp.MustCompile(`(?m)^scim\.security\.bearer\.token=([0-9a-f]{32})$`).FindSubmatch(props)
	if m == nil {
		t.Fatalf("%s has no 32-hex-character bearer token", layout.PropertiesFile(id))
	}
	token := string(m[1])

	// sqlscim credentials, as the admin runs it, and as the service user.
	creds := mustRun(t, ctx, nil, binaryPath, "credentials")
	if lines := strings.Split(creds, "\n"); len(lines) < 2 || lines[1] != "Bearer "+token {
		t.Errorf("sqlscim credentials does not print the installation's token:\n%s", creds)
	}
	if !strings.Contains(creds, layout.CertFile(id)) || !strings.Contains(creds, "-----BEGIN CERTIFICATE-----") {
		t.Errorf("sqlscim credentials does not print the certificate:\n%s", creds)
	}
	asService := []string{"--reuid=" + serviceUser, "--regid=" + serviceUser, "--init-groups", binaryPath}
	if out, err := run(ctx, nil, "setpriv", append(asService, "credentials", "--ops-dir", config.DefaultOPSDir)...); err != nil || !strings.Contains(out, "Bearer "+token) {
		t.Errorf("the service user cannot read its credentials: %v\n%s", err, out)
	}
	serveAsServiceUser(t, ctx, asService, token, layout.CertFile(id), createdLogDir)

	if analyze, err := exec.LookPath("systemd-analyze"); err == nil {
		if out, err := run(ctx, nil, analyze, "verify", unitPath); err != nil {
			t.Errorf("systemd-analyze verify %s: %v\n%s", unitPath, err, out)
		}
	}

	// Reinstalling (an upgrade, for dpkg) reuses the credentials untouched.
	out = mustRun(t, ctx, nil, "dpkg", "-i", deb)
	if !strings.Contains(out, "reusing the credentials") {
		t.Errorf("dpkg -i again did not reuse the credentials:\n%s", out)
	}
	if again, _ := os.ReadFile(layout.PropertiesFile(id)); !bytes.Equal(again, props) {
		t.Error("reinstalling changed the properties file: the token must never rotate")
	}

	// Removal: the program goes, the credentials stay.
	saved := map[string][]byte{}
	for _, p := range credentials {
		saved[p], _ = os.ReadFile(p)
	}
	out = mustRun(t, ctx, nil, "dpkg", "-r", "sqlscim")
	t.Logf("dpkg -r:\n%s", out)
	for _, p := range []string{binaryPath, unitPath, setupPath, filepath.Dir(setupPath), "/usr/share/doc/sqlscim"} {
		if exists(p) {
			t.Errorf("%s is still there after dpkg -r", p)
		}
	}
	mustRun(t, ctx, nil, "dpkg", "--purge", "sqlscim")
	if exists(envFile) {
		t.Errorf("%s is still there after dpkg --purge", envFile)
	}
	for _, p := range credentials {
		if b, err := os.ReadFile(p); err != nil || !bytes.Equal(b, saved[p]) {
			t.Errorf("%s did not survive the removal unchanged (%v)", p, err)
		}
	}
	if _, err := user.Lookup(serviceUser); err != nil {
		t.Errorf("the removal deleted the user %s, which owns the credentials", serviceUser)
	}
}

// stateFile records what the package test created, before it installs
// anything, so that a run killed halfway is undone by the next one.
const stateFile = "/var/tmp/sqlscim-deploytest.json"

type installState struct {
	CreatedUser, CreatedGroup bool
	CreatedDirs               []string // in creation order
}

// undo removes the package, the credentials and what stateFile says the
// test created, then stateFile itself.
func undo(credentials []string) error {
	raw, err := os.ReadFile(stateFile)
	if err != nil {
		return err
	}
	var st installState
	if err := json.Unmarshal(raw, &st); err != nil {
		return fmt.Errorf("%s: %v", stateFile, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var errs []error
	if out, err := run(ctx, nil, "dpkg", "--purge", "sqlscim"); err != nil {
		errs = append(errs, fmt.Errorf("dpkg --purge sqlscim: %v: %s", err, out))
	}
	for _, p := range append([]string{config.DefaultOPSDir}, credentials...) {
		if err := os.RemoveAll(p); err != nil {
			errs = append(errs, err)
		}
	}
	for i := len(st.CreatedDirs) - 1; i >= 0; i-- {
		if err := os.RemoveAll(st.CreatedDirs[i]); err != nil {
			errs = append(errs, err)
		}
	}
	if _, err := user.Lookup(serviceUser); err == nil && st.CreatedUser {
		if out, err := run(ctx, nil, "userdel", serviceUser); err != nil {
			errs = append(errs, fmt.Errorf("userdel %s: %v: %s", serviceUser, err, out))
		}
	}
	if _, err := user.LookupGroup(serviceUser); err == nil && st.CreatedGroup {
		if out, err := run(ctx, nil, "groupdel", serviceUser); err != nil {
			errs = append(errs, fmt.Errorf("groupdel %s: %v: %s", serviceUser, err, out))
		}
	}
	if len(errs) == 0 {
		errs = append(errs, os.Remove(stateFile))
	}
	return errors.Join(errs...)
}

// serveAsServiceUser starts the installed binary as the service unit does
// (the service user, --ops-dir), on a free loopback port, and asks /Status
// with the token and the certificate. With checkLog it also checks that the
// service user wrote the OPS log file.
func serveAsServiceUser(t *testing.T, ctx context.Context, asService []string, token, certFile string, checkLog bool) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	args := append(append([]string{}, asService...), "serve", "--ops-dir", config.DefaultOPSDir, "--address", "127.0.0.1", "--port", strconv.Itoa(port))
	if hasFlag("serve", "--admin-address") {
		args = append(args, "--admin-address", "off")
	}
	sctx, scancel := context.WithTimeout(ctx, time.Minute)
	defer scancel()
	cmd := exec.CommandContext(sctx, "setpriv", args...)
	log := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) } // setpriv execs sqlscim
	cmd.WaitDelay = 35 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	defer func() {
		scancel()
		<-exited
	}()

	pem, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	url := fmt.Sprintf("https://localhost:%d/ws/rest/jdbc_on_prem/scim/v2/Status", port)
	var lastErr error
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		select {
		case <-exited:
			t.Fatalf("sqlscim serve as %s stopped: %v\n%s", serviceUser, waitErr, log.String())
		default:
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			lastErr = err
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Scim Server is running") {
			t.Fatalf("GET %s: %d %s", url, resp.StatusCode, body)
		}
		if st, ok := stateOf(t, config.DefaultOPSLog); checkLog && (!ok || st.owner != serviceUser) {
			t.Errorf("%s was not written by %s (%+v)", config.DefaultOPSLog, serviceUser, st)
		}
		return
	}
	t.Fatalf("sqlscim serve as %s did not answer %s: %v\n%s", serviceUser, url, lastErr, log.String())
}
