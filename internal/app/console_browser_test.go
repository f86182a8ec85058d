package app

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sqlscim/sqlscim/internal/testsupport/browsertest"
)

// TestConsoleInChromium drives the admin console in headless Chromium
// against sqlscim serving the demo tenant: the page shows the tenant and
// the events so far, an event appears within 2 s of a SCIM change, the
// user filter narrows the table, a row opens from the keyboard to the
// whole event, and the screenshot is not blank.
//
// SQLSCIM_TEST_CONSOLE_SCREENSHOT=path keeps the screenshot (docs/console.png
// is made so).
func TestConsoleInChromium(t *testing.T) {
	b := browsertest.Start(t, 1280, 1000)

	dataDir := t.TempDir()
	adminReady := make(chan string, 1)
	in := startWith(t, testConfig(t), func(o *Options) { o.AdminReady = func(a net.Addr) { adminReady <- a.String() } },
		"--data-dir", dataDir)
	admin := <-adminReady
	l := &auditLab{t: t, in: in, admin: admin, dataDir: dataDir,
		token: tokenOf(t, filepath.Join(dataDir, "conf", "config-local.properties")),
		c:     client(readCert(t, filepath.Join(dataDir, "certs", "OktaOnPremScimServer-local.crt")), 0, 0),
		plain: &http.Client{Timeout: 10 * time.Second}}

	user := func(id, given, family, extra string) string {
		return `{` + userURN + `,"userName":"` + id + `","name":{"givenName":"` + given + `","familyName":"` + family + `"},"emails":[{"type":"work","value":"` + id + `"}]` + extra + `}`
	}
	// What an afternoon of provisioning leaves.
	for _, s := range []struct {
		method, path, body string
		status             int
	}{
		{"POST", "/Users", user("ada.lovelace@galaxy.local", "Ada", "Lovelace", `,"title":"Analyst","entitlements":[{"value":"1"},{"value":"5"}]`), 201},
		{"PATCH", "/Users/han.solo@galaxy.local", patchBody(`{"op":"replace","path":"title","value":"General"}`, `{"op":"add","path":"entitlements","value":[{"value":"3"}]}`), 200},
		{"POST", "/Users", user("ada.lovelace@galaxy.local", "Ada", "Lovelace", ""), 409},
		{"PATCH", "/Users/leia.organa@galaxy.local", patchBody(`{"op":"add","path":"entitlements","value":[{"value":"42"}]}`), 400},
		{"DELETE", "/Users/luke.skywalker@galaxy.local", "", 204},
	} {
		if status, _, body := l.do(s.method, s.path, s.body); status != s.status {
			t.Fatalf("%s %s: %d %s", s.method, s.path, status, body)
		}
	}

	if err := b.Navigate("http://" + admin + "/"); err != nil {
		t.Fatal(err)
	}
	users := func() []string {
		var out []string
		b.Execute(`return Array.from(document.querySelectorAll("#events tr.event")).map(r => r.dataset.user)`, &out)
		return out
	}
	if _, err := b.WaitFor(10*time.Second, func() (bool, error) { return len(users()) == 5, nil }); err != nil {
		t.Fatalf("the page does not show the 5 events so far: %v; rows: %q", err, users())
	}
	if _, err := b.WaitFor(10*time.Second, func() (bool, error) {
		row, err := b.Find("#tenants tbody tr")
		if err != nil {
			return false, err
		}
		text, err := row.Text()
		return strings.Contains(text, "jdbc_on_prem") && strings.Contains(text, "demo") && strings.Contains(text, "✓ up"), err
	}); err != nil {
		t.Errorf("the tenants table does not show the demo tenant up: %v", err)
	}

	// A change made now appears within 2 s.
	status, grace, body := l.do("POST", "/Users", user("grace.hopper@galaxy.local", "Grace", "Hopper", `,"entitlements":[{"value":"2"}]`))
	if status != 201 {
		t.Fatalf("create: %d %s", status, body)
	}
	if took, err := b.WaitFor(2*time.Second, func() (bool, error) {
		u := users()
		return len(u) == 6 && strings.HasPrefix(u[0], "grace.hopper@galaxy.local"), nil
	}); err != nil {
		t.Fatalf("the new event did not appear within 2s: %v; rows: %q", err, users())
	} else {
		t.Logf("the event appeared after %s", took.Round(time.Millisecond))
	}

	// Filtering by user.
	filter, err := b.Find("#filter-user")
	if err != nil {
		t.Fatal(err)
	}
	if err := filter.SendKeys("ada.love"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.WaitFor(5*time.Second, func() (bool, error) {
		u := users()
		return len(u) == 2 && strings.HasPrefix(u[0], "ada.lovelace") && strings.HasPrefix(u[1], "ada.lovelace"), nil
	}); err != nil {
		t.Fatalf("filtering by user: %v; rows: %q", err, users())
	}
	if err := filter.Clear(); err != nil {
		t.Fatal(err)
	}
	if err := filter.SendKeys("\uE007"); err != nil { // Enter: the filters apply at once
		t.Fatal(err)
	}
	if _, err := b.WaitFor(5*time.Second, func() (bool, error) { return len(users()) == 6, nil }); err != nil {
		t.Fatalf("clearing the filter: %v; rows: %q", err, users())
	}

	// A row opens from the keyboard to the whole event.
	details, err := b.Find(`#events tr.event[data-user^="grace.hopper"] button`)
	if err != nil {
		t.Fatal(err)
	}
	if err := details.SendKeys("\uE007"); err != nil {
		t.Fatal(err)
	}
	var shown string
	if _, err := b.WaitFor(5*time.Second, func() (bool, error) {
		err := b.Execute(`const d = document.querySelector("#events tr.details:not([hidden])"); return d ? d.innerText : ""`, &shown)
		return strings.Contains(shown, grace), err
	}); err != nil {
		t.Fatalf("the expanded row does not show the event of request %s: %v; shown %q", grace, err, shown)
	}
	if expanded, _ := details.Attribute("aria-expanded"); expanded != "true" {
		t.Errorf("aria-expanded = %q", expanded)
	}

	png, err := b.Screenshot()
	if err != nil {
		t.Fatal(err)
	}
	if err := browsertest.NotBlank(png); err != nil {
		t.Error(err)
	}
	if path := os.Getenv("SQLSCIM_TEST_CONSOLE_SCREENSHOT"); path != "" {
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
