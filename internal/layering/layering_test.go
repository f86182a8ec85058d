package layering

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/sqlscim/sqlscim/"

// drivers are the database driver modules; only the dialect packages
// (and what wires them in) may depend on them.
var drivers = []string{
	"github.com/go-sql-driver/mysql", "github.com/jackc/pgx", "github.com/microsoft/go-mssqldb",
	"github.com/sijms/go-ora", "modernc.org/sqlite",
}

// testSupport holds the packages that exist for tests; no program code may
// depend on them.
var testSupport = []string{module + "internal/testsupport"}

// dialects are the dialect packages.
var dialects = []string{"mysql", "oracle", "postgres", "sqlite", "sqlserver"}

// rule is what one package's documentation says about its imports.
type rule struct {
	pkg string // below the module
	// says quotes the package documentation.
	says string
	// stdlibAnd, when not nil, lists the only non-standard packages (by
	// prefix) the package may depend on, directly or not.
	stdlibAnd []string
	// forbid lists prefixes of packages it must not depend on at all.
	forbid []string
	// forbidDirect lists prefixes of packages it must not import itself.
	forbidDirect []string
}

func rules() []rule {
	rs := []rule{
		{pkg: "internal/scim", says: "It imports only the standard library and the SCIM filter parser. It never sees HTTP routing, SQL, configuration or logging.",
			stdlibAnd: []string{"github.com/scim2/filter-parser/v2", "github.com/q-uint/parser"}, forbid: []string{"database/sql"}},
		{pkg: "internal/secret", says: "holds values that must never reach a log line (standard library only)", stdlibAnd: []string{}},
		{pkg: "internal/audit", says: "It imports only the standard library", stdlibAnd: []string{}},
		{pkg: "internal/yamlerr", says: "It imports only the standard library and the YAML parser.", stdlibAnd: []string{"gopkg.in/yaml.v3"}},
		{pkg: "internal/buildinfo", says: "It imports only the standard library", stdlibAnd: []string{}},
		{pkg: "internal/certs", says: "It imports only the standard library and the PKCS#12 decoder.",
			stdlibAnd: []string{"software.sslmate.com/src/go-pkcs12", "golang.org/x/crypto"}},
		{pkg: "internal/password", says: "It imports only the standard library and golang.org/x/crypto.",
			stdlibAnd: []string{"golang.org/x/crypto", "golang.org/x/sys"}},
		{pkg: "internal/db", says: "This package imports no driver and knows nothing of SCIM, HTTP or configuration files.",
			stdlibAnd: []string{module + "internal/secret", module + "internal/setting"}},
		{pkg: "internal/setting", says: "It imports only the standard library.", stdlibAnd: []string{}},
		{pkg: "internal/server", says: "it never imports a database package",
			forbid: append([]string{"database/sql", module + "internal/db", module + "internal/provision", module + "internal/tenant", module + "internal/config"}, drivers...)},
		{pkg: "internal/provision", says: "It builds on the SCIM protocol core (package scim) and the database layer (package db). It knows nothing of HTTP, configuration files or the agent's header.",
			forbid: append([]string{module + "internal/server", module + "internal/tenant", module + "internal/config", "github.com/go-chi", "github.com/spf13", "gopkg.in/yaml.v3"}, drivers...)},
		{pkg: "internal/app", says: "dialects plug in through db/all and the hooks of package db",
			forbidDirect: dialectPaths("")},
	}
	for _, d := range dialects {
		rs = append(rs, rule{pkg: "internal/db/" + d, says: "a dialect builds on package db and its driver only",
			forbid: append(dialectPaths(d), module+"internal/scim", module+"internal/provision", module+"internal/server", module+"internal/tenant", module+"internal/config")})
	}
	return rs
}

// dialectPaths lists the dialect packages other than except.
func dialectPaths(except string) []string {
	var ps []string
	for _, d := range dialects {
		if d != except {
			ps = append(ps, module+"internal/db/"+d)
		}
	}
	return ps
}

// pkgInfo is what go list says about one package.
type pkgInfo struct {
	imports, deps []string
}

// list runs go list on every package of the module.
func list(t *testing.T) map[string]pkgInfo {
	t.Helper()
	cmd := exec.Command("go", "list", "-f", "{{.ImportPath}}|{{join .Imports \" \"}}|{{join .Deps \" \"}}", module+"...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := map[string]pkgInfo{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Split(sc.Text(), "|")
		if len(f) != 3 {
			t.Fatalf("go list printed %q", sc.Text())
		}
		pkgs[f[0]] = pkgInfo{imports: strings.Fields(f[1]), deps: strings.Fields(f[2])}
	}
	return pkgs
}

// standard reports packages of the standard library: their first path
// element has no dot.
func standard(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// under reports whether path is one of the prefixes or below one.
func under(path string, prefixes []string) bool {
	for _, p := range prefixes {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

func TestImportRules(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list on the whole module")
	}
	pkgs := list(t)
	for _, r := range rules() {
		p, ok := pkgs[module+r.pkg]
		if !ok {
			t.Errorf("%s: no such package; update the rule", r.pkg)
			continue
		}
		for _, dep := range p.deps {
			switch {
			case r.stdlibAnd != nil && !standard(dep) && !under(dep, r.stdlibAnd) && dep != module+r.pkg:
				t.Errorf("%s depends on %s; its documentation says: %s", r.pkg, dep, r.says)
			case under(dep, r.forbid):
				t.Errorf("%s depends on %s; its documentation says: %s", r.pkg, dep, r.says)
			}
		}
		for _, imp := range p.imports {
			if under(imp, r.forbidDirect) {
				t.Errorf("%s imports %s; %s", r.pkg, imp, r.says)
			}
		}
	}
	// No program code depends on a package that exists for tests.
	for path, p := range pkgs {
		if under(path, testSupport) || strings.HasSuffix(path, "/layering") {
			continue
		}
		for _, dep := range p.deps {
			if under(dep, testSupport) {
				t.Errorf("%s depends on %s, which exists for tests", path, dep)
			}
		}
	}
}

// The rules can fail: a dependency outside what a rule allows is reported.
func TestRulesCatchAViolation(t *testing.T) {
	scim := rules()[0]
	for _, dep := range []string{"github.com/go-chi/chi/v5", "database/sql", module + "internal/db"} {
		allowed := scim.stdlibAnd == nil || standard(dep) || under(dep, scim.stdlibAnd)
		if allowed && !under(dep, scim.forbid) {
			t.Errorf("the scim rule lets it depend on %s", dep)
		}
	}
}
