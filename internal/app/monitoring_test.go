package app

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/sqlscim/sqlscim/internal/testsupport/labtest"
)

// metricName finds the sqlscim metric names an expression or a document uses.
var metricName = regexp.MustCompile(`\bsqlscim_[a-z0-9_]+\b`)

// exportedMetrics runs sqlscim with a local tenant, a tenant whose database
// is down and header mode, sends requests that touch every metric, and
// returns the names /metrics shows (histograms with their _bucket, _sum
// and _count series) and the family names.
func exportedMetrics(t *testing.T) (names, families map[string]bool) {
	t.Helper()
	l := newMetricsLab(t, "--tenants", downTenantFile(t))
	base := "https://" + l.in.addr + "/ws/rest/"
	bearer := map[string]string{"Authorization": "Bearer " + l.token}
	l.do(t, "GET", base+"jdbc_on_prem/scim/v2/Users?count=1", bearer, nil)
	l.do(t, "GET", base+"jdbc_on_prem/scim/v2/Users", nil, nil)
	l.do(t, "GET", base+"down/scim/v2/Users", bearer, nil)
	names, families = map[string]bool{}, map[string]bool{}
	for _, line := range strings.Split(l.metrics(t), "\n") {
		f := strings.Fields(line)
		if len(f) == 4 && f[0] == "#" && f[1] == "TYPE" {
			families[f[2]] = true
			names[f[2]] = true
			if f[3] == "histogram" || f[3] == "summary" {
				for _, suffix := range []string{"_bucket", "_sum", "_count"} {
					names[f[2]+suffix] = true
				}
			}
		}
	}
	return names, families
}

// TestMonitoringFiles checks deploy/monitoring: the alert rules and their
// unit tests pass promtool, the dashboard's queries parse, every metric
// they name is one sqlscim exports, and docs/monitoring.md documents
// every metric sqlscim exports.
func TestMonitoringFiles(t *testing.T) {
	dir := filepath.Join(labtest.Root(), "deploy", "monitoring")
	rules := string(mustRead(t, filepath.Join(dir, "alerts.yml")))
	var dashboard struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
		Templating struct {
			List []struct {
				Name       string
				Definition string
			}
		}
	}
	raw := mustRead(t, filepath.Join(dir, "dashboard.json"))
	if err := json.Unmarshal(raw, &dashboard); err != nil {
		t.Fatalf("dashboard.json: %v", err)
	}
	var exprs []string
	for _, p := range dashboard.Panels {
		for _, target := range p.Targets {
			if target.Expr == "" {
				t.Errorf("dashboard panel %q has a target without a query", p.Title)
			}
			exprs = append(exprs, target.Expr)
		}
	}
	if len(exprs) < 10 {
		t.Fatalf("the dashboard has %d queries", len(exprs))
	}

	names, families := exportedMetrics(t)
	used := map[string]bool{}
	for _, text := range append([]string{rules, string(raw)}, exprs...) {
		for _, n := range metricName.FindAllString(text, -1) {
			used[n] = true
		}
	}
	for n := range used {
		if !names[n] {
			t.Errorf("deploy/monitoring names %s, which sqlscim does not export", n)
		}
	}
	docs := string(mustRead(t, filepath.Join(labtest.Root(), "docs", "monitoring.md")))
	var undocumented []string
	for f := range families {
		if strings.HasPrefix(f, "sqlscim_") && !strings.Contains(docs, "`"+f+"`") {
			undocumented = append(undocumented, f)
		}
	}
	sort.Strings(undocumented)
	if len(undocumented) > 0 {
		t.Errorf("docs/monitoring.md does not document %v", undocumented)
	}

	promtool, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("promtool is missing; .ci/run installs it (Debian's prometheus package)")
		}
		t.Skip("promtool is missing (apt-get install prometheus); the metric names were checked, the rules were not")
	}
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(promtool, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	run("check", "rules", "alerts.yml")
	run("test", "rules", "alerts_test.yml")

	// The dashboard's queries, with Grafana's variables filled in, as
	// recording rules: promtool parses each one.
	fill := strings.NewReplacer("$__rate_interval", "5m", "$instance", ".*", "$tenant", ".*")
	var b strings.Builder
	b.WriteString("groups:\n  - name: dashboard\n    rules:\n")
	for i, e := range exprs {
		js, _ := json.Marshal(fill.Replace(e))
		fmt.Fprintf(&b, "      - record: dashboard:query_%d\n        expr: %s\n", i, js)
	}
	for _, v := range dashboard.Templating.List {
		if inner, ok := strings.CutPrefix(v.Definition, "label_values("); ok {
			selector, _, _ := strings.Cut(strings.TrimSuffix(inner, ")"), ", ")
			js, _ := json.Marshal(fill.Replace(selector))
			fmt.Fprintf(&b, "      - record: dashboard:variable_%s\n        expr: %s\n", v.Name, js)
		}
	}
	queries := filepath.Join(t.TempDir(), "dashboard-queries.yml")
	if err := os.WriteFile(queries, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	run("check", "rules", queries)
}
