// Package browsertest drives headless Chromium for tests of the admin
// console, through chromedriver and the W3C WebDriver protocol (a JSON API
// over HTTP, https://www.w3.org/TR/webdriver2/). The few commands the tests
// need are written here over net/http: a client library would add a module
// for less code than this file.
//
// Chromium and chromedriver come from Debian's chromium and chromium-driver
// packages (.ci/run installs them). Without them a test is skipped with a
// message, except in CI (CI=true), where that is a failure.
package browsertest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Browser is one Chromium session.
type Browser struct {
	t      testing.TB
	base   string // http://127.0.0.1:<port>/session/<id>
	client *http.Client
}

// Element is a page element found by a CSS selector.
type Element struct {
	b  *Browser
	id string
}

// elementKey is the key of a web element reference in WebDriver's JSON.
const elementKey = "element-6066-11e4-a52e-4f735466cecf"

func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s; CI needs it (.ci/run installs Debian's chromium and chromium-driver)", msg)
	}
	t.Skipf("%s; skipping (apt-get install chromium chromium-driver to run this test)", msg)
}

func lookPath(names ...string) string {
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

var portLine = regexp.MustCompile(`started successfully on port (\d+)`)

// Start launches chromedriver and a headless Chromium with a fresh profile
// and a page area of width×height pixels. Both stop when the test ends.
func Start(t testing.TB, width, height int) *Browser {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped under -short")
	}
	chromium := lookPath("chromium", "chromium-browser", "google-chrome")
	driver := lookPath("chromedriver")
	if chromium == "" || driver == "" {
		unavailable(t, "chromium or chromedriver is not installed")
	}

	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, driver, "--port=0", "--allowed-ips=127.0.0.1")
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		cancel()
		unavailable(t, "chromedriver does not start: %v", err)
	}
	t.Cleanup(func() {
		cancel() // kills the chromedriver this test started, by its process
		_ = cmd.Wait()
	})
	port := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := portLine.FindStringSubmatch(sc.Text()); m != nil {
				port <- m[1]
				break
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	var p string
	select {
	case p = <-port:
	case <-time.After(20 * time.Second):
		t.Fatalf("chromedriver did not say which port it listens on within 20s: %s", stderr.String())
	}

	profile := t.TempDir()
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"browserName": "chrome",
		"goog:chromeOptions": map[string]any{
			"binary": chromium,
			"args": []string{
				// As root (CI) Chromium needs --no-sandbox. The networking
				// flags keep it from calling Google's services, which a
				// closed network refuses, slowly.
				"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
				"--user-data-dir=" + profile,
				fmt.Sprintf("--window-size=%d,%d", width, height),
			},
		},
	}}}
	b := &Browser{t: t, client: &http.Client{Timeout: 60 * time.Second}}
	var session struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.call(http.MethodPost, "http://127.0.0.1:"+p+"/session", caps, &session); err != nil {
		t.Fatalf("chromium does not start through chromedriver: %v", err)
	}
	b.base = "http://127.0.0.1:" + p + "/session/" + session.SessionID
	t.Cleanup(func() { _ = b.call(http.MethodDelete, b.base, nil, nil) })
	// The window's size includes what the browser draws around the page:
	// grow it until the page itself has width×height pixels.
	var inner []int
	if err := b.Execute("return [window.innerWidth, window.innerHeight]", &inner); err != nil || len(inner) != 2 {
		t.Fatalf("read the viewport size: %v", err)
	}
	if inner[0] != width || inner[1] != height {
		rect := map[string]int{"width": 2*width - inner[0], "height": 2*height - inner[1]}
		if err := b.call(http.MethodPost, b.base+"/window/rect", rect, nil); err != nil {
			t.Fatalf("set the window size: %v", err)
		}
	}
	return b
}

// call sends one WebDriver command and decodes its "value" into out.
func (b *Browser) call(method, url string, body, out any) error {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(data)
	} else if method == http.MethodPost {
		rd = strings.NewReader("{}")
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var env struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return fmt.Errorf("%s %s: %s: %w", method, url, resp.Status, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error   string `json:"error"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(env.Value, &e)
		return &Error{Code: e.Error, Message: e.Message}
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(env.Value, out)
}

// Error is a WebDriver error: its code (no such element, ...) and message.
type Error struct{ Code, Message string }

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Navigate opens url and waits for the page to load.
func (b *Browser) Navigate(url string) error {
	return b.call(http.MethodPost, b.base+"/url", map[string]string{"url": url}, nil)
}

// Find returns the first element matching a CSS selector.
func (b *Browser) Find(css string) (Element, error) {
	var ref map[string]string
	if err := b.call(http.MethodPost, b.base+"/element", map[string]string{"using": "css selector", "value": css}, &ref); err != nil {
		return Element{}, fmt.Errorf("%s: %w", css, err)
	}
	return Element{b: b, id: ref[elementKey]}, nil
}

// FindAll returns every element matching a CSS selector.
func (b *Browser) FindAll(css string) ([]Element, error) {
	var refs []map[string]string
	if err := b.call(http.MethodPost, b.base+"/elements", map[string]string{"using": "css selector", "value": css}, &refs); err != nil {
		return nil, fmt.Errorf("%s: %w", css, err)
	}
	out := make([]Element, len(refs))
	for i, r := range refs {
		out[i] = Element{b: b, id: r[elementKey]}
	}
	return out, nil
}

// Execute runs a synchronous script in the page and decodes its result.
func (b *Browser) Execute(script string, out any, args ...any) error {
	if args == nil {
		args = []any{}
	}
	return b.call(http.MethodPost, b.base+"/execute/sync", map[string]any{"script": script, "args": args}, out)
}

// Screenshot returns a PNG of the window.
func (b *Browser) Screenshot() ([]byte, error) {
	var s string
	if err := b.call(http.MethodGet, b.base+"/screenshot", nil, &s); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(s)
}

// ErrTimeout is returned by WaitFor when the condition never held.
var ErrTimeout = errors.New("timed out")

// WaitFor polls cond every 50 ms until it holds or timeout passes; it
// returns how long that took. A WebDriver error from cond (an element
// not there yet) counts as "not yet".
func (b *Browser) WaitFor(timeout time.Duration, cond func() (bool, error)) (time.Duration, error) {
	start := time.Now()
	var last error
	for {
		ok, err := cond()
		if ok && err == nil {
			return time.Since(start), nil
		}
		if err != nil {
			last = err
		}
		if time.Since(start) > timeout {
			if last != nil {
				return time.Since(start), fmt.Errorf("%w after %s (last error: %v)", ErrTimeout, timeout, last)
			}
			return time.Since(start), fmt.Errorf("%w after %s", ErrTimeout, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (e Element) url(cmd string) string { return e.b.base + "/element/" + e.id + cmd }

// Text is the element's rendered text.
func (e Element) Text() (string, error) {
	var s string
	err := e.b.call(http.MethodGet, e.url("/text"), nil, &s)
	return s, err
}

// Attribute is the value of one of the element's attributes ("" if none).
func (e Element) Attribute(name string) (string, error) {
	var s *string
	if err := e.b.call(http.MethodGet, e.url("/attribute/"+name), nil, &s); err != nil || s == nil {
		return "", err
	}
	return *s, nil
}

// Click clicks the element.
func (e Element) Click() error { return e.b.call(http.MethodPost, e.url("/click"), nil, nil) }

// Clear empties an input.
func (e Element) Clear() error { return e.b.call(http.MethodPost, e.url("/clear"), nil, nil) }

// SendKeys types text into the element, as a keyboard would.
func (e Element) SendKeys(text string) error {
	return e.b.call(http.MethodPost, e.url("/value"), map[string]string{"text": text}, nil)
}

// FindIn returns the first element under e matching a CSS selector.
func (e Element) FindIn(css string) (Element, error) {
	var ref map[string]string
	if err := e.b.call(http.MethodPost, e.url("/element"), map[string]string{"using": "css selector", "value": css}, &ref); err != nil {
		return Element{}, fmt.Errorf("%s: %w", css, err)
	}
	return Element{b: e.b, id: ref[elementKey]}, nil
}
