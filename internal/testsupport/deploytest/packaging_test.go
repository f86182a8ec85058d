package deploytest

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sqlscim/sqlscim/internal/config"
	"github.com/sqlscim/sqlscim/internal/tenant"
)

// nfpmConfig is the part of deploy/nfpm.yaml the tests look at.
type nfpmConfig struct {
	Name          string `yaml:"name"`
	Version       string `yaml:"version"`
	VersionSchema string `yaml:"version_schema"`
	Contents      []struct {
		Src      string `yaml:"src"`
		Dst      string `yaml:"dst"`
		Type     string `yaml:"type"`
		Expand   bool   `yaml:"expand"`
		FileInfo struct {
			Mode  os.FileMode `yaml:"mode"`
			Owner string      `yaml:"owner"`
		} `yaml:"file_info"`
	} `yaml:"contents"`
	Scripts map[string]string `yaml:"scripts"`
}

func readNfpm(t *testing.T) nfpmConfig {
	t.Helper()
	var c nfpmConfig
	if err := yaml.Unmarshal([]byte(readFile(t, "deploy/nfpm.yaml")), &c); err != nil {
		t.Fatalf("deploy/nfpm.yaml: %v", err)
	}
	return c
}

// packaged maps each destination of the package to its source and mode.
func packaged(t *testing.T) map[string]struct {
	src, typ string
	mode     os.FileMode
} {
	t.Helper()
	out := map[string]struct {
		src, typ string
		mode     os.FileMode
	}{}
	for _, c := range readNfpm(t).Contents {
		out[c.Dst] = struct {
			src, typ string
			mode     os.FileMode
		}{c.Src, c.Type, c.FileInfo.Mode}
	}
	return out
}

const (
	binaryPath = "/usr/bin/sqlscim"
	unitPath   = "/usr/lib/systemd/system/sqlscim.service"
	envFile    = "/etc/default/sqlscim"
	setupPath  = "/usr/lib/sqlscim/setup"
	// logrotatePath rotates the OPS-mode application and audit logs.
	logrotatePath = "/etc/logrotate.d/sqlscim"
)

func TestNfpmConfig(t *testing.T) {
	c := readNfpm(t)
	if c.Name != "sqlscim" || c.Version != "${PKG_VERSION}" || c.VersionSchema != "none" {
		t.Errorf("deploy/nfpm.yaml: name %q, version %q (schema %q); want sqlscim, ${PKG_VERSION} from deploy/package.sh, none", c.Name, c.Version, c.VersionSchema)
	}
	for _, e := range c.Contents {
		switch {
		case e.Type == "dir":
		case e.Expand:
			if e.Src != "${PKG_BINARY}" && !strings.HasPrefix(e.Src, "${PKG_GENERATED}/") {
				t.Errorf("deploy/nfpm.yaml: %s: the only expanded sources are ${PKG_BINARY} and ${PKG_GENERATED}/..., not %q", e.Dst, e.Src)
			}
		default:
			mustExist(t, "deploy/nfpm.yaml "+e.Dst, e.Src)
		}
		if e.FileInfo.Owner != "" && e.FileInfo.Owner != "root" {
			t.Errorf("deploy/nfpm.yaml: %s belongs to %s; package files belong to root (the install script owns what it creates)", e.Dst, e.FileInfo.Owner)
		}
	}
	files := packaged(t)
	for dst, want := range map[string]struct {
		mode os.FileMode
		typ  string
	}{
		binaryPath:     {0o755, ""},
		unitPath:       {0o644, ""},
		setupPath:      {0o755, ""},
		envFile:        {0o600, "config|noreplace"},
		logrotatePath:  {0o644, "config|noreplace"},
		"/etc/sqlscim": {0o755, "dir"},
		"/usr/share/doc/sqlscim/migrate-from-ops.md":        {0o644, ""},
		"/usr/share/doc/sqlscim/security.md":                {0o644, ""},
		"/usr/share/doc/sqlscim/copyright":                  {0o644, ""},
		"/usr/share/doc/sqlscim/LICENSE":                    {0o644, ""},
		"/usr/share/man/man1/":                              {0o644, ""},
		"/usr/share/bash-completion/completions/sqlscim":    {0o644, ""},
		"/usr/share/fish/vendor_completions.d/sqlscim.fish": {0o644, ""},
	} {
		got, ok := files[dst]
		switch {
		case !ok:
			t.Errorf("deploy/nfpm.yaml: the package has no %s", dst)
		case got.mode != want.mode || got.typ != want.typ:
			t.Errorf("deploy/nfpm.yaml: %s: mode %04o, type %q; want %04o, %q", dst, got.mode, got.typ, want.mode, want.typ)
		}
	}
	if files[binaryPath].src != "${PKG_BINARY}" {
		t.Errorf("deploy/nfpm.yaml: %s comes from %q, want ${PKG_BINARY}", binaryPath, files[binaryPath].src)
	}
	for _, s := range []string{"postinstall", "preremove", "postremove"} {
		if c.Scripts[s] == "" {
			t.Errorf("deploy/nfpm.yaml: no %s script", s)
			continue
		}
		mustExist(t, "deploy/nfpm.yaml scripts."+s, c.Scripts[s])
		if !strings.HasPrefix(readFile(t, c.Scripts[s]), "#!/bin/sh\n") {
			t.Errorf("%s: must start with #!/bin/sh (dpkg and rpm run it with /bin/sh)", c.Scripts[s])
		}
	}
	if !strings.Contains(readFile(t, c.Scripts["postinstall"]), setupPath) {
		t.Errorf("%s does not run %s", c.Scripts["postinstall"], setupPath)
	}
}

// unitFile reads a systemd unit into section → key → values.
func unitFile(t *testing.T, rel string) map[string]map[string][]string {
	t.Helper()
	out := map[string]map[string][]string{}
	section := ""
	sc := bufio.NewScanner(strings.NewReader(readFile(t, rel)))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "["):
			section = strings.Trim(line, "[]")
			out[section] = map[string][]string{}
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || section == "" {
				t.Fatalf("%s: not a unit file line: %q", rel, line)
			}
			out[section][k] = append(out[section][k], v)
		}
	}
	return out
}

func TestSystemdUnit(t *testing.T) {
	const rel = "deploy/systemd/sqlscim.service"
	u := unitFile(t, rel)
	if packaged(t)[unitPath].src != rel {
		t.Errorf("deploy/nfpm.yaml does not install %s as %s", rel, unitPath)
	}
	svc := u["Service"]
	opsDir := config.DefaultOPSDir
	logDir := filepath.Dir(config.DefaultOPSLog)
	for key, want := range map[string]string{
		"User":                  "okscimserver",
		"Group":                 "okscimserver",
		"ExecStart":             binaryPath + " serve --ops-dir " + opsDir,
		"EnvironmentFile":       "-" + envFile,
		"Restart":               "on-failure",
		"ExecReload":            "/bin/kill -HUP $MAINPID",
		"SystemCallFilter":      "@system-service",
		"ProtectClock":          "yes",
		"ProtectKernelLogs":     "yes",
		"ProtectHostname":       "yes",
		"ProtectProc":           "invisible",
		"ProcSubset":            "pid",
		"PrivateMounts":         "yes",
		"RemoveIPC":             "yes",
		"NoNewPrivileges":       "yes",
		"ProtectSystem":         "strict",
		"ProtectHome":           "yes",
		"PrivateTmp":            "yes",
		"CapabilityBoundingSet": "",
		"AmbientCapabilities":   "",
	} {
		got := svc[key]
		if len(got) != 1 || got[0] != want {
			t.Errorf("%s: [Service] %s=%q, want %q", rel, key, got, want)
		}
	}
	rw := strings.Fields(strings.Join(svc["ReadWritePaths"], " "))
	for _, dir := range []string{opsDir, logDir} {
		found := false
		for _, p := range rw {
			found = found || strings.TrimPrefix(p, "-") == dir
		}
		if !found {
			t.Errorf("%s: ReadWritePaths %v lacks %s", rel, rw, dir)
		}
	}
	if got := u["Install"]["WantedBy"]; len(got) != 1 || got[0] != "multi-user.target" {
		t.Errorf("%s: [Install] WantedBy=%v", rel, got)
	}
	checkCommandLine(t, rel+" ExecStart", strings.Fields(svc["ExecStart"][0])[1:])

	// systemd's own check, where systemd is installed: it wants the binary
	// to exist, so it gets a copy of the unit naming an executable that does.
	if analyze, err := exec.LookPath("systemd-analyze"); err == nil {
		dir := t.TempDir()
		unit := strings.ReplaceAll(readFile(t, rel), "ExecStart="+binaryPath, "ExecStart=/bin/true")
		if err := os.WriteFile(filepath.Join(dir, "sqlscim.service"), []byte(unit), 0o644); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if out, err := exec.CommandContext(ctx, analyze, "verify", filepath.Join(dir, "sqlscim.service")).CombinedOutput(); err != nil {
			t.Errorf("systemd-analyze verify %s: %v\n%s", rel, err, out)
		}
	}
}

// TestLogrotateFile: the package rotates both OPS-mode logs by renaming
// them and reloading the service, which reopens them (SIGHUP); copytruncate
// would lose lines and is not used. logrotate itself reads the file where it
// is installed.
func TestLogrotateFile(t *testing.T) {
	const rel = "deploy/logrotate/sqlscim"
	if packaged(t)[logrotatePath].src != rel {
		t.Errorf("deploy/nfpm.yaml does not install %s as %s", rel, logrotatePath)
	}
	text := readFile(t, rel)
	logDir := filepath.Dir(config.DefaultOPSLog)
	for _, want := range []string{config.DefaultOPSLog, filepath.Join(logDir, config.AuditFileName), "postrotate", "systemctl reload sqlscim.service"} {
		if !strings.Contains(text, want) {
			t.Errorf("%s does not mention %s", rel, want)
		}
	}
	for _, line := range strings.Split(text, "\n") {
		if f := strings.Fields(line); len(f) > 0 && (f[0] == "copytruncate" || f[0] == "create") {
			t.Errorf("%s: %q; sqlscim reopens its files itself on reload", rel, line)
		}
	}
	if lr, err := exec.LookPath("logrotate"); err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, lr, "--debug", "--state", filepath.Join(t.TempDir(), "state"), filepath.Join(root(), rel)).CombinedOutput()
		if err != nil || strings.Contains(string(out), "error:") || !strings.Contains(string(out), "Handling 1 logs") {
			t.Errorf("logrotate --debug %s: %v\n%s", rel, err, out)
		}
	}
}

var envLine = regexp.MustCompile(`^#?([A-Z][A-Z0-9_]*)=`)

func TestDefaultEnvironmentFile(t *testing.T) {
	const rel = "deploy/default/sqlscim"
	if packaged(t)[envFile].src != rel {
		t.Errorf("deploy/nfpm.yaml does not install %s as %s", rel, envFile)
	}
	keys := documentedKeys(t)
	names := 0
	for _, line := range strings.Split(readFile(t, rel), "\n") {
		m := envLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		names++
		if !strings.HasPrefix(line, "#") {
			t.Errorf("%s: %q is set by default; every line is an example, commented out", rel, line)
		}
		checkEnvName(t, rel, m[1], keys)
	}
	if names < 4 {
		t.Errorf("%s: only %d example variables", rel, names)
	}
}

func TestTenantsFileExample(t *testing.T) {
	const rel = "deploy/tenants.yaml.example"
	t.Setenv("OKTADEMO_PASSWORD", "x")
	cfgs, err := tenant.Parse(rel, []byte(readFile(t, rel)))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfgs) != 1 || cfgs[0].Name != "jdbc_on_prem" || len(cfgs[0].Operations) != 10 {
		t.Errorf("%s: want the one lab tenant jdbc_on_prem with its ten operations", rel)
	}
	if !strings.Contains(readFile(t, "deploy/default/sqlscim"), "OKTADEMO_PASSWORD=") {
		t.Errorf("deploy/default/sqlscim does not show the example's password variable OKTADEMO_PASSWORD")
	}
}

// shellScripts are every script of the deployment, with the shell that runs it.
var shellScripts = map[string]string{
	"deploy/package.sh":             "bash",
	"deploy/pkg-version.sh":         "bash",
	"deploy/setup.sh":               "sh",
	"deploy/scripts/postinstall.sh": "sh",
	"deploy/scripts/preremove.sh":   "sh",
	"deploy/scripts/postremove.sh":  "sh",
	"scripts/version.sh":            "bash",
	"docker/lab-test.sh":            "bash",
}

func TestShellScriptsParse(t *testing.T) {
	for rel, shell := range shellScripts {
		text := readFile(t, rel)
		want := map[string]string{"bash": "#!/usr/bin/env bash\n", "sh": "#!/bin/sh\n"}[shell]
		if !strings.HasPrefix(text, want) {
			t.Errorf("%s: must start with %q", rel, want)
		}
		if st, err := os.Stat(repoPath(rel)); err == nil && st.Mode()&0o111 == 0 {
			t.Errorf("%s is not executable", rel)
		}
		shells := []string{"bash"}
		if shell == "sh" {
			// Debian's /bin/sh is dash: a POSIX script must parse there too.
			if _, err := exec.LookPath("dash"); err == nil {
				shells = append(shells, "dash")
			}
		}
		for _, sh := range shells {
			if out, err := exec.Command(sh, "-n", repoPath(rel)).CombinedOutput(); err != nil {
				t.Errorf("%s -n %s: %v\n%s", sh, rel, err, out)
			}
		}
	}
	// Every script of the repository's deployment directories is listed.
	for _, dir := range []string{"deploy", "deploy/scripts", "docker"} {
		matches, _ := filepath.Glob(filepath.Join(repoPath(dir), "*.sh"))
		for _, m := range matches {
			rel, _ := filepath.Rel(root(), m)
			if _, ok := shellScripts[filepath.ToSlash(rel)]; !ok {
				t.Errorf("%s is not checked: add it to shellScripts", rel)
			}
		}
	}
}

func TestPackageVersion(t *testing.T) {
	for in, want := range map[string]string{
		"v1.2.3":                       "1.2.3",
		"v1.2.3-rc.1":                  "1.2.3~rc.1",
		"v1.2.3-4-gabc1234":            "1.2.3+git4.gabc1234",
		"v1.2.3-4-gabc1234-dirty":      "1.2.3+git4.gabc1234.dirty",
		"143d103":                      "0.1.0~dev+g143d103",
		"1234567":                      "0.1.0~dev+g1234567",
		"143d103-dirty":                "0.1.0~dev+g143d103.dirty",
		"0.1.0-dev+143d103abcde":       "0.1.0~dev+143d103abcde",
		"0.1.0-dev+143d103abcde-dirty": "0.1.0~dev+143d103abcde.dirty",
		"0.1.0-dev":                    "0.1.0~dev",
		"v2.0-dirty":                   "2.0+dirty",
		"dev":                          "0.1.0~dev",
		"":                             "0.1.0~dev",
	} {
		out, err := exec.Command("bash", repoPath("deploy/pkg-version.sh"), in).Output()
		if err != nil {
			t.Errorf("pkg-version.sh %q: %v", in, err)
			continue
		}
		if got := strings.TrimSpace(string(out)); got != want {
			t.Errorf("pkg-version.sh %q = %q, want %q", in, got, want)
		}
		if got := strings.TrimSpace(string(out)); strings.Contains(got, "-") || got[0] < '0' || got[0] > '9' {
			t.Errorf("pkg-version.sh %q = %q: rpm refuses '-', dpkg wants a leading digit", in, got)
		}
	}
}
