package app

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sqlscim/sqlscim/internal/certs"
	"github.com/sqlscim/sqlscim/internal/config"
)

// syncBuffer is a goroutine-safe buffer for captured output.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// instance is a running sqlscim started through Run, as the binary starts.
type instance struct {
	addr   string
	out    *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

// testConfig keeps tests away from the real /etc and uses small keys.
func testConfig(t *testing.T) config.Options {
	return config.Options{
		DefaultOPSDir: filepath.Join(t.TempDir(), "no-ops-install"),
		PKIDir:        filepath.Join(t.TempDir(), "pki"),
		OPSLogFile:    filepath.Join(t.TempDir(), "application.log"),
		Host:          &config.Host{Name: "sqlscim-test.example"},
		KeyBits:       2048,
	}
}

// headerConfig writes a YAML configuration that lets the agent's header
// reach the test databases on 127.0.0.1 (on any port: fault proxies take
// free ones), as an admin must allow them, followed by extra settings.
func headerConfig(t *testing.T, extra string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sqlscim.yaml")
	if err := os.WriteFile(path, []byte("header:\n  allowed_databases: [\"127.0.0.1\"]\n"+extra), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// start runs "sqlscim serve" with args on a free loopback port.
func start(t *testing.T, cfg config.Options, args ...string) *instance {
	t.Helper()
	return startWith(t, cfg, nil, args...)
}

// startWith is start with a chance to adjust the run's options.
func startWith(t *testing.T, cfg config.Options, adjust func(*Options), args ...string) *instance {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	in := &instance{out: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	ready := make(chan net.Addr, 1)
	opts := Options{Stdout: in.out, Stderr: in.out, Config: cfg, Ready: func(a net.Addr) { ready <- a }}
	if adjust != nil {
		adjust(&opts)
	}
	go func() {
		in.done <- Run(ctx, append([]string{"serve", "--address", "127.0.0.1", "--port", "0", "--admin-address", "127.0.0.1:0"}, args...), opts)
	}()
	select {
	case a := <-ready:
		in.addr = a.String()
	case err := <-in.done:
		cancel()
		t.Fatalf("server did not start: %v\n%s", err, in.out)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("server did not start within 30s")
	}
	t.Cleanup(func() { in.stop(t) })
	return in
}

func (in *instance) stop(t *testing.T) {
	in.cancel()
	select {
	case err := <-in.done:
		if err != nil {
			t.Errorf("serve returned %v", err)
		}
		in.done <- nil
	case <-time.After(10 * time.Second):
		t.Error("server did not stop within 10s")
	}
}

func (in *instance) url(path string) string {
	return "https://" + in.addr + "/ws/rest/jdbc_on_prem/scim/v2" + path
}

// client trusts only cert and speaks only the given TLS versions.
func client(cert *x509.Certificate, minV, maxV uint16) *http.Client {
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{
			RootCAs: pool, ServerName: "127.0.0.1", MinVersion: minV, MaxVersion: maxV,
		}},
	}
}

func readCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := certs.LoadPEM(data, mustRead(t, strings.Replace(strings.Replace(path, "/certs/", "/private/", 1), ".crt", ".key", 1)))
	if err != nil {
		t.Fatal(err)
	}
	return c.Cert
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func tokenOf(t *testing.T, propsPath string) string {
	t.Helper()
	for _, line := range strings.Split(string(mustRead(t, propsPath)), "\n") {
		if v, ok := strings.CutPrefix(line, "scim.security.bearer.token="); ok {
			return v
		}
	}
	t.Fatalf("no token in %s", propsPath)
	return ""
}

// standalone starts a server on a fresh data directory.
func standalone(t *testing.T) (in *instance, dataDir, token string, cert *x509.Certificate) {
	dataDir = t.TempDir()
	in = start(t, testConfig(t), "--data-dir", dataDir)
	token = tokenOf(t, filepath.Join(dataDir, "conf", "config-local.properties"))
	cert = readCert(t, filepath.Join(dataDir, "certs", "OktaOnPremScimServer-local.crt"))
	return in, dataDir, token, cert
}

func get(t *testing.T, c *http.Client, url, authorization string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func TestStatusIsByteExact(t *testing.T) {
	in, _, token, cert := standalone(t)
	resp, body := get(t, client(cert, tls.VersionTLS12, tls.VersionTLS13), in.url("/Status"), "Bearer "+token)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if got := resp.Header.Get("Content-Type"); got != "text/plain;charset=UTF-8" {
		t.Errorf("Content-Type = %q", got)
	}
	if string(body) != "\u2705 Scim Server is running." {
		t.Errorf("body = %q", body)
	}
	// The demo says how to call it, without the token outside a terminal.
	if out := in.out.String(); !strings.Contains(out, "sqlscim is serving the demo tenant jdbc_on_prem") || !strings.Contains(out, "  Console:     http://127.0.0.1:") || strings.Contains(out, token) {
		t.Errorf("the demo banner is missing or shows the token:\n%s", out)
	}
	// Any {app} name is served.
	resp, _ = get(t, client(cert, 0, 0), "https://"+in.addr+"/ws/rest/another_app/scim/v2/Status", "Bearer "+token)
	if resp.StatusCode != 200 {
		t.Errorf("another app: status %d", resp.StatusCode)
	}
}

func TestUnauthenticatedRequestsGetSCIM401(t *testing.T) {
	in, _, token, cert := standalone(t)
	c := client(cert, 0, 0)
	// logHas is in the log line's auth_failure, the reason an admin reads
	// (docs/migrate-from-ops.md quotes the one without the prefix).
	cases := []struct {
		name, authorization, detailHas, logHas string
	}{
		{"missing", "", "Missing Authorization header", "no Authorization header"},
		{"wrong token", "Bearer 00000000000000000000000000000000", "not valid", "wrong bearer token"},
		{"bare token without Bearer prefix", token, `no "Bearer " prefix`, `has no "Bearer " prefix`},
		{"basic auth", "Basic dXNlcjpwYXNz", "Only Bearer", "not Bearer authentication"},
		{"token with extra characters", "Bearer " + token + "x", "not valid", "wrong bearer token"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(t, c, in.url("/Users"), tc.authorization)
			id := resp.Header.Get("X-Request-Id")
			var line map[string]any
			for _, l := range logLines(in.out.String(), "request") {
				if l["request_id"] == id {
					line = l
				}
			}
			if reason, _ := line["auth_failure"].(string); !strings.Contains(reason, tc.logHas) || line["route"] != "/Users" || line["status"] != float64(401) {
				t.Errorf("the log line of request %s: %v; want auth_failure %q, route /Users", id, line, tc.logHas)
			}
			if strings.Contains(in.out.String(), token) {
				t.Error("the log holds the token")
			}
			if resp.StatusCode != 401 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer ") {
				t.Errorf("WWW-Authenticate = %q", resp.Header.Get("WWW-Authenticate"))
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/scim+json") {
				t.Errorf("Content-Type = %q", ct)
			}
			var e struct {
				Schemas []string
				Status  string
				Detail  string
			}
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			if len(e.Schemas) != 1 || e.Schemas[0] != "urn:ietf:params:scim:api:messages:2.0:Error" || e.Status != "401" {
				t.Errorf("body = %s", body)
			}
			if !strings.Contains(e.Detail, tc.detailHas) {
				t.Errorf("detail %q does not contain %q", e.Detail, tc.detailHas)
			}
			if strings.Contains(string(body), token) {
				t.Error("the error body repeats the token")
			}
		})
	}
}

func TestUnknownRouteAndWrongMethodAreSCIMErrors(t *testing.T) {
	in, _, token, cert := standalone(t)
	c := client(cert, 0, 0)
	resp, body := get(t, c, in.url("/NoSuchThing"), "Bearer "+token)
	if resp.StatusCode != 404 || !strings.Contains(string(body), `"status":"404"`) {
		t.Errorf("unknown route: %d %s", resp.StatusCode, body)
	}
	req, _ := http.NewRequest(http.MethodDelete, in.url("/Status"), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	r2, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := io.ReadAll(r2.Body)
	r2.Body.Close()
	if r2.StatusCode != 405 || !strings.Contains(string(b2), `"status":"405"`) || r2.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("wrong method: %d Allow=%q %s", r2.StatusCode, r2.Header.Get("Allow"), b2)
	}
}

func TestTLSVersions(t *testing.T) {
	in, _, token, cert := standalone(t)
	for _, v := range []struct {
		name     string
		min, max uint16
		ok       bool
	}{
		{"TLS 1.0", tls.VersionTLS10, tls.VersionTLS10, false},
		{"TLS 1.1", tls.VersionTLS11, tls.VersionTLS11, false},
		{"TLS 1.2", tls.VersionTLS12, tls.VersionTLS12, true},
		{"TLS 1.3", tls.VersionTLS13, tls.VersionTLS13, true},
	} {
		t.Run(v.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, in.url("/Status"), nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := client(cert, v.min, v.max).Do(req)
			if v.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				resp.Body.Close()
				if resp.TLS.Version != v.min {
					t.Errorf("negotiated %x", resp.TLS.Version)
				}
				return
			}
			if err == nil {
				resp.Body.Close()
				t.Fatal("accepted")
			}
		})
	}
	// A TLS 1.2 client offering only CBC suites is refused.
	conn, err := tls.Dial("tcp", in.addr, &tls.Config{
		InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12,
		CipherSuites: []uint16{tls.TLS_RSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA},
	})
	if err == nil {
		conn.Close()
		t.Error("a client offering only CBC cipher suites was accepted")
	}
}

func TestFirstStartGeneratesOPSFilesAndReusesThem(t *testing.T) {
	if testing.Short() {
		t.Skip("generates an RSA-4096 key")
	}
	dataDir := t.TempDir()
	cfg := testConfig(t)
	cfg.KeyBits = 0 // the real default: RSA-4096
	cfg.Host = &config.Host{Name: "scim.example.internal", PrimaryIPv4: net.IPv4(192, 0, 2, 10)}
	in := start(t, cfg, "--data-dir", dataDir, "--customer-id", "acme")
	in.stop(t)

	files := map[string]os.FileMode{
		"conf/customer-id.conf":                      0o644,
		"conf/config-acme.properties":                0o600,
		"certs/OktaOnPremScimServer-acme.crt":        0o644,
		"private/OktaOnPremScimServer-acme.key":      0o600,
		"private/OktaOnPremScimServer-acme.p12":      0o600,
		"private/OktaOnPremScimServer-acme.p12.pass": 0o600,
	}
	before := map[string][]byte{}
	for name, mode := range files {
		st, err := os.Stat(filepath.Join(dataDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != mode {
			t.Errorf("%s: mode %04o, want %04o", name, st.Mode().Perm(), mode)
		}
		before[name] = mustRead(t, filepath.Join(dataDir, name))
	}
	if got := string(before["conf/customer-id.conf"]); got != "CUSTOMER_ID=acme\n" {
		t.Errorf("customer-id.conf = %q", got)
	}
	token := tokenOf(t, filepath.Join(dataDir, "conf/config-acme.properties"))
	if len(token) != 32 || strings.Trim(token, "0123456789abcdef") != "" {
		t.Errorf("token %q is not 32 lower-case hex", token)
	}

	cert := readCert(t, filepath.Join(dataDir, "certs/OktaOnPremScimServer-acme.crt"))
	if bits := cert.PublicKey.(*rsa.PublicKey).N.BitLen(); bits != 4096 {
		t.Errorf("key size %d, want 4096", bits)
	}
	if d := cert.NotAfter.Sub(cert.NotBefore); d != 3650*24*time.Hour {
		t.Errorf("validity %v", d)
	}
	wantDNS := []string{"localhost", "scim.example.internal", "acme.okta.com"}
	if strings.Join(cert.DNSNames, ",") != strings.Join(wantDNS, ",") {
		t.Errorf("DNS SANs %v, want %v", cert.DNSNames, wantDNS)
	}
	if len(cert.IPAddresses) != 2 || cert.IPAddresses[0].String() != "127.0.0.1" || cert.IPAddresses[1].String() != "192.0.2.10" {
		t.Errorf("IP SANs %v", cert.IPAddresses)
	}
	if cert.Subject.String() != "CN=scim.example.internal,OU=OktaOnPremScimServer,O=Okta,L=San Francisco,ST=CA,C=US" {
		t.Errorf("subject %s", cert.Subject)
	}
	storePass := strings.TrimSpace(string(before["private/OktaOnPremScimServer-acme.p12.pass"]))
	if _, err := certs.LoadPKCS12(before["private/OktaOnPremScimServer-acme.p12"], storePass); err != nil {
		t.Errorf("the .p12.pass password does not open the keystore: %v", err)
	}
	alias, err := certs.PKCS12Alias(before["private/OktaOnPremScimServer-acme.p12"])
	if err != nil || alias != "okscimservercert" {
		t.Errorf("keystore alias %q, %v", alias, err)
	}

	// A second start reuses every file unchanged and serves the same token.
	in2 := start(t, cfg, "--data-dir", dataDir)
	for name := range files {
		if !bytes.Equal(before[name], mustRead(t, filepath.Join(dataDir, name))) {
			t.Errorf("%s changed on the second start", name)
		}
	}
	resp, _ := get(t, client(cert, 0, 0), in2.url("/Status"), "Bearer "+token)
	if resp.StatusCode != 200 {
		t.Errorf("second start: status %d with the first token", resp.StatusCode)
	}
	if !bytes.Equal(resp.TLS.PeerCertificates[0].Raw, cert.Raw) {
		t.Error("second start serves another certificate")
	}
}

// opsInstall lays out testdata/ops as an OPS installation in a temporary
// root and creates the keystore its properties name.
func opsInstall(t *testing.T) (cfg config.Options, opsDir string, cert *certs.Credentials) {
	t.Helper()
	root := t.TempDir()
	opsDir = filepath.Join(root, "etc/OktaOnPremScimServer")
	pki := filepath.Join(root, "etc/pki/tls")
	for _, d := range []string{opsDir, pki + "/certs", pki + "/private"} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	props := strings.ReplaceAll(string(mustRead(t, "../../testdata/ops/config-acme.properties")), "/etc/pki/tls", pki)
	if err := os.WriteFile(filepath.Join(opsDir, "config-acme.properties"), []byte(props), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(opsDir, "customer-id.conf"), mustRead(t, "../../testdata/ops/customer-id.conf"), 0o644); err != nil {
		t.Fatal(err)
	}
	cred, err := certs.Generate(certs.Subject{Hostname: "ops-host"}, certs.Options{KeyBits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	p12, err := cred.PKCS12("5b0f4a0d8e2c47a1b9d3e6f7a8c9d0e1")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pki, "private/OktaOnPremScimServer-acme.p12"), p12, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg = testConfig(t)
	cfg.DefaultOPSDir = opsDir // found the way /etc/OktaOnPremScimServer is found
	cfg.PKIDir = pki
	return cfg, opsDir, cred
}

func TestExistingOPSInstallServesItsTokenAndCertificate(t *testing.T) {
	cfg, _, cred := opsInstall(t)
	in := start(t, cfg)
	resp, body := get(t, client(cred.Cert, tls.VersionTLS12, tls.VersionTLS12), in.url("/Status"), "Bearer da655feabd8ec0c3f89c1fb6e9f0ad39")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if !bytes.Equal(resp.TLS.PeerCertificates[0].Raw, cred.Cert.Raw) {
		t.Error("the server does not present the OPS keystore's certificate")
	}
	if strings.Contains(in.out.String(), "da655feabd8ec0c3f89c1fb6e9f0ad39") || strings.Contains(in.out.String(), "5b0f4a0d8e2c47a1b9d3e6f7a8c9d0e1") {
		t.Error("the log contains the token or the keystore password")
	}
	if !strings.Contains(in.out.String(), `"mode":"ops"`) {
		t.Errorf("not in OPS mode: %s", in.out)
	}
}

// A keystore from the OPS properties that sqlscim cannot decode is replaced
// by the PEM pair beside it, and the start says so in the log.
func TestUndecodableOPSKeystoreFallsBackToPEMWithAWarning(t *testing.T) {
	cfg, _, cred := opsInstall(t)
	store := filepath.Join(cfg.PKIDir, "private/OktaOnPremScimServer-acme.p12")
	if err := os.WriteFile(store, []byte("not a keystore"), 0o600); err != nil {
		t.Fatal(err)
	}
	keyPEM, err := cred.KeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfg.PKIDir, "private/OktaOnPremScimServer-acme.key"), keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfg.PKIDir, "certs/OktaOnPremScimServer-acme.crt"), cred.CertPEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	in := start(t, cfg)
	resp, _ := get(t, client(cred.Cert, 0, 0), in.url("/Status"), "Bearer da655feabd8ec0c3f89c1fb6e9f0ad39")
	if resp.StatusCode != 200 || !bytes.Equal(resp.TLS.PeerCertificates[0].Raw, cred.Cert.Raw) {
		t.Errorf("status %d; the PEM pair's certificate is not served", resp.StatusCode)
	}
	var warned bool
	for _, line := range strings.Split(in.out.String(), "\n") {
		warned = warned || strings.Contains(line, `"level":"warn"`) && strings.Contains(line, "serving the PEM certificate and key beside it")
	}
	if !warned {
		t.Errorf("no warning about the keystore in the log:\n%s", in.out)
	}
}

func TestCredentialsPrintsTokenAndCertificate(t *testing.T) {
	cfg, _, cred := opsInstall(t)
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"credentials"}, Options{Stdout: &out, Stderr: &out, Config: cfg}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "\nBearer da655feabd8ec0c3f89c1fb6e9f0ad39\n") {
		t.Errorf("no pasteable token line in:\n%s", out.String())
	}
	if !strings.Contains(out.String(), string(cred.CertPEM())) {
		t.Error("the certificate PEM is not printed")
	}
}

func TestBadConfigurationStopsWithOneLine(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyPort := busy.Addr().(*net.TCPAddr).Port

	writeYAML := func(t *testing.T, text string) string {
		p := filepath.Join(t.TempDir(), "sqlscim.yaml")
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name   string
		setup  func(t *testing.T, opsDir string) []string // returns extra args
		wantIn []string
	}{
		{"unknown YAML key", func(t *testing.T, _ string) []string {
			return []string{"--config", writeYAML(t, "server:\n  prot: 1443\n")}
		}, []string{"sqlscim.yaml", `unknown key "server.prot"`, "remove it or correct its spelling"}},
		{"wrong type in YAML", func(t *testing.T, _ string) []string {
			return []string{"--config", writeYAML(t, "server:\n  max_body_bytes: lots\n")}
		}, []string{"sqlscim.yaml: server.max_body_bytes", `"lots" is not a size`}},
		{"invalid YAML", func(t *testing.T, _ string) []string {
			return []string{"--config", writeYAML(t, "server: [1\n")}
		}, []string{"sqlscim.yaml", "not valid YAML"}},
		// The parser named line 1, where the enclosing block began.
		{"invalid YAML on line 3", func(t *testing.T, _ string) []string {
			return []string{"--config", writeYAML(t, "log:\n  level: info\n  - x\n")}
		}, []string{"sqlscim.yaml: not valid YAML: line 3: did not find expected key"}},
		{"invalid tenants YAML on line 3", func(t *testing.T, _ string) []string {
			return []string{"--tenants", writeYAML(t, "tenants:\n  - name: a\n\tdatabase: x\n")}
		}, []string{"sqlscim.yaml: not valid YAML: line 3: found a tab character"}},
		{"unknown environment variable", func(t *testing.T, _ string) []string {
			t.Setenv("SQLSCIM_SERVER_PROT", "1")
			return nil
		}, []string{"SQLSCIM_SERVER_PROT", "unknown setting"}},
		{"wrong keystore password", func(t *testing.T, opsDir string) []string {
			editProps(t, opsDir, "server.ssl.key-store-password=5b0f4a0d8e2c47a1b9d3e6f7a8c9d0e1", "server.ssl.key-store-password=wrong")
			return nil
		}, []string{"config-acme.properties: server.ssl.key-store-password", "does not open", ".p12.pass"}},
		{"unreadable keystore", func(t *testing.T, opsDir string) []string {
			editProps(t, opsDir, "OktaOnPremScimServer-acme.p12", "missing.p12")
			return nil
		}, []string{"missing.p12", "no such file"}},
		{"keystore that is not PKCS#12", func(t *testing.T, opsDir string) []string {
			p := filepath.Join(t.TempDir(), "garbage.p12")
			os.WriteFile(p, []byte("not a keystore"), 0o600)
			editProps(t, opsDir, "server.ssl.key-store=", "server.ssl.key-store="+p+"\n#")
			return nil
		}, []string{"server.ssl.key-store", "not a readable PKCS#12 keystore"}},
		{"unknown properties key", func(t *testing.T, opsDir string) []string {
			editProps(t, opsDir, "scim.security.bearer.token=", "scim.security.bearer.tokn=")
			return nil
		}, []string{"config-acme.properties", `unknown key "scim.security.bearer.tokn"`}},
		{"TLS 1.1 in the properties", func(t *testing.T, opsDir string) []string {
			editProps(t, opsDir, "enabled-protocols=TLSv1.2,TLSv1.3", "enabled-protocols=TLSv1.1,TLSv1.2")
			return nil
		}, []string{"server.ssl.enabled-protocols", "TLSv1.1 is not allowed"}},
		{"properties readable by others", func(t *testing.T, opsDir string) []string {
			os.Chmod(filepath.Join(opsDir, "config-acme.properties"), 0o644)
			return nil
		}, []string{"config-acme.properties", "open to others", "chmod 600"}},
		{"port in use", func(t *testing.T, _ string) []string {
			return []string{"--port", strconv.Itoa(busyPort)}
		}, []string{"already in use", "--port"}},
		{"bad log level from flag", func(t *testing.T, _ string) []string {
			return []string{"--log-level", "loud"}
		}, []string{"flag --log-level", "not a log level"}},
		{"public URL with a path", func(t *testing.T, _ string) []string {
			return []string{"--config", writeYAML(t, "server:\n  public_url: https://scim.example.com/ws/rest\n")}
		}, []string{"server.public_url", "must be only a scheme, a host and a port"}},
		{"public URL without a host", func(t *testing.T, _ string) []string {
			return []string{"--config", writeYAML(t, "server:\n  public_url: scim.example.com\n")}
		}, []string{"server.public_url", "is not an http(s) URL with a host"}},
		{"allow_any_database not a boolean", func(t *testing.T, _ string) []string {
			return []string{"--config", writeYAML(t, "header:\n  allow_any_database: sure\n")}
		}, []string{"header.allow_any_database", "not true or false"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, opsDir, _ := opsInstall(t)
			args := append([]string{"serve", "--address", "127.0.0.1", "--port", "0", "--admin-address", "127.0.0.1:0"}, tc.setup(t, opsDir)...)
			var out bytes.Buffer
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := Run(ctx, args, Options{Stdout: &out, Stderr: &out, Config: cfg, Ready: func(net.Addr) { cancel() }})
			if err == nil {
				t.Fatalf("started anyway; output:\n%s", out.String())
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") {
				t.Errorf("error spans several lines: %q", msg)
			}
			for _, want := range tc.wantIn {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not contain %q", msg, want)
				}
			}
		})
	}
}

func editProps(t *testing.T, opsDir, old, new string) {
	t.Helper()
	p := filepath.Join(opsDir, "config-acme.properties")
	text := string(mustRead(t, p))
	if !strings.Contains(text, old) {
		t.Fatalf("%q not in properties", old)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(text, old, new, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
}
