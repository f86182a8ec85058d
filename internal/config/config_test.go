package config

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/sqlscim/sqlscim/internal/certs"
)

const (
	testToken     = "da655feabd8ec0c3f89c1fb6e9f0ad39"
	testStorePass = "5b0f4a0d8e2c47a1b9d3e6f7a8c9d0e1"
)

// install is an OPS installation in a temporary root, made from
// testdata/ops.
type install struct {
	opts    Options
	opsDir  string
	props   string // the properties file
	store   string // the keystore the properties name
	crtFile string // the PEM certificate beside it
	keyFile string // the PEM key beside it
}

func newInstall(t *testing.T) *install {
	t.Helper()
	root := t.TempDir()
	in := &install{opsDir: filepath.Join(root, "etc/OktaOnPremScimServer")}
	pki := filepath.Join(root, "etc/pki/tls")
	for _, d := range []string{in.opsDir, pki + "/certs", pki + "/private"} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	props := strings.ReplaceAll(string(readFile(t, "../../testdata/ops/config-acme.properties")), "/etc/pki/tls", pki)
	in.props = filepath.Join(in.opsDir, "config-acme.properties")
	writeFile(t, in.props, props, 0o600)
	writeFile(t, filepath.Join(in.opsDir, "customer-id.conf"), "CUSTOMER_ID=acme\n", 0o644)
	in.store = filepath.Join(pki, "private/OktaOnPremScimServer-acme.p12")
	in.crtFile = filepath.Join(pki, "certs/OktaOnPremScimServer-acme.crt")
	in.keyFile = filepath.Join(pki, "private/OktaOnPremScimServer-acme.key")
	in.opts = Options{
		DefaultOPSDir: in.opsDir,
		PKIDir:        pki,
		OPSLogFile:    filepath.Join(root, "application.log"),
		Host:          &Host{Name: "test.example"},
		KeyBits:       2048,
		Create:        true,
	}
	return in
}

// keystore writes c as the installation's keystore.
func (in *install) keystore(t *testing.T, c *certs.Credentials) {
	t.Helper()
	p12, err := c.PKCS12(testStorePass)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, in.store, string(p12), 0o600)
}

// pemPair writes c as the PEM certificate and key beside the keystore.
func (in *install) pemPair(t *testing.T, c *certs.Credentials) {
	t.Helper()
	keyPEM, err := c.KeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, in.keyFile, string(keyPEM), 0o600)
	writeFile(t, in.crtFile, string(c.CertPEM()), 0o644)
}

// editProps replaces old with new in the properties file.
func (in *install) editProps(t *testing.T, old, new string) {
	t.Helper()
	text := string(readFile(t, in.props))
	if !strings.Contains(text, old) {
		t.Fatalf("%q not in the properties file", old)
	}
	writeFile(t, in.props, strings.Replace(text, old, new, 1), 0o600)
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func writeFile(t *testing.T, path, data string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // whatever the umask
		t.Fatal(err)
	}
}

// keys are generated once: RSA key generation dominates these tests.
var testKeys = sync.OnceValues(func() ([]*rsa.PrivateKey, error) {
	var keys []*rsa.PrivateKey
	for range 4 {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, nil
})

// issue makes a certificate for key n of testKeys, signed by parent (self-
// signed when parent is nil).
func issue(t *testing.T, n int, cn string, isCA bool, parent *certs.Credentials) *certs.Credentials {
	t.Helper()
	keys, err := testKeys()
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(int64(n + 1)), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		BasicConstraintsValid: true, IsCA: isCA,
	}
	signer, signerCert := keys[n], tmpl
	if parent != nil {
		signer, signerCert = parent.Key, parent.Cert
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signerCert, &keys[n].PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &certs.Credentials{Key: keys[n], Cert: cert}
}

// noSQLSCIMEnv hides the SQLSCIM_* variables of the calling environment.
func noSQLSCIMEnv(t *testing.T) {
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, EnvPrefix+"_") || name == "CUSTOMER_ID" {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
}

func load(t *testing.T, in *install) (*Config, error) {
	t.Helper()
	noSQLSCIMEnv(t)
	return Load(in.opts)
}

func mustLoad(t *testing.T, in *install) *Config {
	t.Helper()
	cfg, err := load(t, in)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestKeystoreWithCAChainIsServedLeafFirst(t *testing.T) {
	root := issue(t, 0, "Test Root CA", true, nil)
	leaf := issue(t, 1, "scim.example.internal", false, root)
	in := newInstall(t)
	in.keystore(t, &certs.Credentials{Key: leaf.Key, Cert: leaf.Cert, Chain: []*x509.Certificate{root.Cert}})
	in.pemPair(t, leaf)

	cfg := mustLoad(t, in)
	served := cfg.Server.Certificate.Certificate
	if len(served) != 2 || string(served[0]) != string(leaf.Cert.Raw) || string(served[1]) != string(root.Cert.Raw) {
		t.Errorf("serves %d certificates; want the leaf, then the CA", len(served))
	}
	if cfg.CertFile != in.crtFile {
		t.Errorf("CertFile = %q, want the matching PEM beside the keystore %q", cfg.CertFile, in.crtFile)
	}
	if len(cfg.Notices) != 0 {
		t.Errorf("notices: %q", cfg.Notices)
	}
}

// The admin replaced the keystore with a CA-signed one and left the old
// self-signed .crt: that file is not the certificate to give Okta.
func TestStalePEMBesideTheKeystoreIsNotNamed(t *testing.T) {
	in := newInstall(t)
	served := issue(t, 1, "new.example.internal", false, nil)
	in.keystore(t, served)
	in.pemPair(t, issue(t, 2, "old.example.internal", false, nil))

	cfg := mustLoad(t, in)
	if !cfg.Certificate.Cert.Equal(served.Cert) {
		t.Fatal("the keystore's certificate is not the one served")
	}
	if cfg.CertFile != "" {
		t.Errorf("CertFile = %q, want none: it is not the served certificate", cfg.CertFile)
	}
	if len(cfg.Notices) != 1 || !strings.Contains(cfg.Notices[0], in.crtFile) || !strings.Contains(cfg.Notices[0], "not the certificate") {
		t.Errorf("notices = %q, want one naming %s", cfg.Notices, in.crtFile)
	}
}

func TestUndecodableKeystore(t *testing.T) {
	setup := func(t *testing.T) (*install, *certs.Credentials) {
		in := newInstall(t)
		writeFile(t, in.store, "not a keystore", 0o600)
		pair := issue(t, 1, "ops-host", false, nil)
		in.pemPair(t, pair)
		return in, pair
	}
	t.Run("from the OPS properties: the PEM pair, with a notice", func(t *testing.T) {
		in, pair := setup(t)
		cfg := mustLoad(t, in)
		if !cfg.Certificate.Cert.Equal(pair.Cert) || cfg.CertFile != in.crtFile {
			t.Errorf("not serving the PEM pair beside the keystore (CertFile %q)", cfg.CertFile)
		}
		if len(cfg.Notices) != 1 || !strings.Contains(cfg.Notices[0], in.store) || !strings.Contains(cfg.Notices[0], "serving the PEM certificate and key") {
			t.Errorf("notices = %q, want one about the keystore", cfg.Notices)
		}
	})
	t.Run("set for sqlscim: no fallback", func(t *testing.T) {
		in, _ := setup(t)
		noSQLSCIMEnv(t)
		t.Setenv("SQLSCIM_TLS_KEYSTORE", in.store)
		_, err := Load(in.opts)
		if err == nil || !strings.Contains(err.Error(), "SQLSCIM_TLS_KEYSTORE") || !strings.Contains(err.Error(), "not a readable PKCS#12 keystore") {
			t.Errorf("err = %v, want the decode error, naming SQLSCIM_TLS_KEYSTORE", err)
		}
	})
}

func TestKeyAliasIsVerified(t *testing.T) {
	cases := []struct {
		name, alias, wantErr string
	}{
		{"the OPS alias", "okscimservercert", ""},
		{"case does not matter, as in Java", "OkScimServerCert", ""},
		{"another alias", "tomcat", `named "okscimservercert", not "tomcat"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := newInstall(t)
			in.keystore(t, issue(t, 1, "h", false, nil))
			in.editProps(t, "server.ssl.key-alias=okscimservercert", "server.ssl.key-alias="+tc.alias)
			_, err := load(t, in)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "server.ssl.key-alias")):
				t.Errorf("err = %v, want one naming server.ssl.key-alias and containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestTestVariablesAreNotSettings(t *testing.T) {
	in := newInstall(t)
	in.keystore(t, issue(t, 1, "h", false, nil))
	noSQLSCIMEnv(t)
	t.Setenv("SQLSCIM_TEST_MYSQL_DSN", "root@tcp(127.0.0.1:3306)/")
	t.Setenv("SQLSCIM_TEST_POSTGRES_DSN", "postgres://postgres@127.0.0.1/postgres")
	if _, err := Load(in.opts); err != nil {
		t.Fatalf("the documented test variables stop the start: %v", err)
	}
	t.Setenv("SQLSCIM_TESTING", "1") // not the SQLSCIM_TEST_ prefix
	if _, err := Load(in.opts); err == nil || !strings.Contains(err.Error(), "SQLSCIM_TESTING") {
		t.Errorf("err = %v, want SQLSCIM_TESTING refused as an unknown setting", err)
	}
}

func TestCheckPrivateFollowsPostgreSQLsRule(t *testing.T) {
	for mode, ok := range map[os.FileMode]bool{
		0o600: true, 0o400: true, 0o640: true, 0o440: true, 0o700: true,
		0o644: false, 0o604: false, 0o660: false, 0o650: false, 0o602: false, 0o601: false,
	} {
		path := filepath.Join(t.TempDir(), "secret")
		writeFile(t, path, "x", mode)
		err := checkPrivate(path, "secret")
		if (err == nil) != ok {
			t.Errorf("mode %04o: err = %v, want allowed=%v", mode, err, ok)
		}
		if err != nil && !strings.Contains(err.Error(), "chmod 600 "+path) {
			t.Errorf("mode %04o: %v does not say how to fix it", mode, err)
		}
	}
}

func TestYAMLFileWithSecretsMustBePrivate(t *testing.T) {
	cases := []struct {
		name, yaml string
		mode       os.FileMode
		wantErr    string
	}{
		{"token, readable by all", "auth:\n  token: " + testToken + "\n", 0o644, "it sets auth.token"},
		{"keystore password, group-writable", "tls:\n  keystore_password: " + testStorePass + "\n", 0o660, "it sets tls.keystore_password"},
		{"token, group-readable", "auth:\n  token: " + testToken + "\n", 0o640, ""},
		{"no secret, readable by all", "log:\n  level: debug\n", 0o644, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := newInstall(t)
			in.keystore(t, issue(t, 1, "h", false, nil))
			path := filepath.Join(t.TempDir(), "sqlscim.yaml")
			writeFile(t, path, tc.yaml, tc.mode)
			noSQLSCIMEnv(t)
			t.Setenv("SQLSCIM_CONFIG", path)
			_, err := Load(in.opts)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), path)):
				t.Errorf("err = %v, want one naming %s and containing %q", err, path, tc.wantErr)
			}
		})
	}
}

func TestFlagDefaultsAreTheDefaults(t *testing.T) {
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	RegisterFlags(fs)
	for flag, key := range flagKeys {
		f := fs.Lookup(flag)
		if f == nil {
			t.Errorf("flag --%s is not registered", flag)
			continue
		}
		if want := fmt.Sprint(defaults[key]); f.DefValue != want {
			t.Errorf("--%s defaults to %q, but %s to %q", flag, f.DefValue, key, want)
		}
	}
}

func TestHostNames(t *testing.T) {
	hostname := func(name string) func() (string, error) {
		return func() (string, error) { return name, nil }
	}
	resolver := func(answer string, err error) func(context.Context, string) (string, error) {
		return func(ctx context.Context, host string) (string, error) {
			if deadline, ok := ctx.Deadline(); !ok || time.Until(deadline) > fqdnTimeout {
				t.Errorf("look-up of %s without a deadline of at most %v", host, fqdnTimeout)
			}
			return answer, err
		}
	}
	noLookup := func(context.Context, string) (string, error) {
		t.Error("looked up a name that needs no look-up")
		return "", errors.New("unexpected")
	}
	cases := []struct {
		name     string
		hostname func() (string, error)
		lookup   func(context.Context, string) (string, error)
		want     Host
	}{
		{"short name qualified", hostname("scim"), resolver("scim.corp.example.", nil),
			Host{Name: "scim.corp.example", Aliases: []string{"scim"}}},
		{"already qualified", hostname("scim.corp.example"), noLookup, Host{Name: "scim.corp.example"}},
		{"no answer", hostname("scim"), resolver("", errors.New("no such host")), Host{Name: "scim"}},
		{"canonical name is the short name", hostname("scim"), resolver("scim.", nil), Host{Name: "scim"}},
		{"canonical name of another host", hostname("scim"), resolver("localhost.localdomain.", nil), Host{Name: "scim"}},
		{"no host name", func() (string, error) { return "", errors.New("none") }, noLookup, Host{Name: "localhost"}},
		{"localhost", hostname("localhost"), noLookup, Host{Name: "localhost"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := hostNames(tc.hostname, tc.lookup)
			if got.Name != tc.want.Name || strings.Join(got.Aliases, ",") != strings.Join(tc.want.Aliases, ",") {
				t.Errorf("hostNames = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// A first start on a host with a short name and a fully qualified one
// names the certificate after the latter and lists both.
func TestFirstStartCertificateCarriesBothHostNames(t *testing.T) {
	noSQLSCIMEnv(t)
	dataDir := t.TempDir()
	t.Setenv("SQLSCIM_DATA_DIR", dataDir)
	opts := Options{
		DefaultOPSDir: filepath.Join(t.TempDir(), "none"),
		Host:          &Host{Name: "scim.corp.example", Aliases: []string{"scim"}},
		KeyBits:       2048,
		Create:        true,
	}
	cfg, err := Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.Certificate.Cert
	if c.Subject.CommonName != "scim.corp.example" {
		t.Errorf("CN = %s", c.Subject.CommonName)
	}
	if got := strings.Join(c.DNSNames, ","); got != "localhost,scim.corp.example,scim" {
		t.Errorf("DNS names = %s", got)
	}
	if cfg.CertFile != filepath.Join(dataDir, "certs/OktaOnPremScimServer-local.crt") {
		t.Errorf("CertFile = %q", cfg.CertFile)
	}
}

// Every bad value of the list settings stops the start with a message that
// names the file, the key and the values allowed.
func TestListSettingsBadValues(t *testing.T) {
	for _, tc := range []struct {
		yaml string
		want string // "" = accepted
	}{
		{"server:\n  max_results: 0\n", `server.max_results: 0 is not a page size; use a whole number from 1 to 1000000`},
		{"server:\n  max_results: -5\n", `server.max_results: -5 is not a page size; use a whole number from 1 to 1000000`},
		{"server:\n  max_results: lots\n", `server.max_results: "lots" is not a whole number`},
		{"server:\n  max_results: 1000001\n", `server.max_results: 1000001 is not a page size; use a whole number from 1 to 1000000`},
		{"server:\n  max_results: 5\n", ""},
		{"server:\n  unpaged_lists: all\n", `server.unpaged_lists: "all" is not page or stream: page answers a list without count with the first server.max_results matches and the true totalResults, stream sends every match`},
		{"server:\n  unpaged_lists: true\n", `server.unpaged_lists: "true" is not page or stream`},
		{"server:\n  unpaged_lists: Stream\n", ""},
		{"server:\n  unpaged_lists: page\n", ""},
	} {
		t.Run(tc.yaml, func(t *testing.T) {
			in := newInstall(t)
			in.keystore(t, issue(t, 1, "h", false, nil))
			path := filepath.Join(t.TempDir(), "sqlscim.yaml")
			writeFile(t, path, tc.yaml, 0o600)
			noSQLSCIMEnv(t)
			t.Setenv("SQLSCIM_CONFIG", path)
			cfg, err := Load(in.opts)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want == "":
				if strings.Contains(tc.yaml, "Stream") != cfg.Server.StreamUnpaged {
					t.Errorf("StreamUnpaged = %v", cfg.Server.StreamUnpaged)
				}
			case err == nil || !strings.Contains(err.Error(), path+": "+tc.want):
				t.Errorf("err = %v\nwant it to contain %s: %s", err, path, tc.want)
			}
		})
	}
}

// TestTwoBadValuesNameTheFirst loads files with two bad values many times:
// the error must name the same key every time (the first in the documented
// order: durations in their list, then each package's Validate, server,
// log, pool), not whichever a map iteration reached first.
func TestTwoBadValuesNameTheFirst(t *testing.T) {
	for _, tc := range []struct {
		yaml string
		want string
	}{
		{"server:\n  read_timeout: soon\n  idle_timeout: later\n", `server.read_timeout: "soon" is not a duration`},
		{"pool:\n  idle_timeout: later\n  connection_timeout: soon\n", `pool.connection_timeout: "soon" is not a duration`},
		// Values each package's Validate refuses: the server's first.
		{"pool:\n  max_open: 0\nserver:\n  port: 70000\n", `server.port: 70000 is not a port number; use a whole number from 0 to 65535`},
		{"pool:\n  max_open: 4\n  min_idle: 5\nlog:\n  format: xml\n", `log.format: "xml" is not a log format; use json or console`},
		{"pool:\n  max_open: 4\n  min_idle: 5\n", `pool.min_idle: 5 is not an idle connection count no larger than the pool size; use a whole number from 0 to 4`},
		{"auth:\n  token: short\n", "auth.token: the bearer token is shorter than 16 characters"},
	} {
		in := newInstall(t)
		in.keystore(t, issue(t, 1, "h", false, nil))
		path := filepath.Join(t.TempDir(), "sqlscim.yaml")
		writeFile(t, path, tc.yaml, 0o600)
		noSQLSCIMEnv(t)
		t.Setenv("SQLSCIM_CONFIG", path)
		for i := 0; i < 20; i++ {
			_, err := Load(in.opts)
			if err == nil || !strings.Contains(err.Error(), path+": "+tc.want) {
				t.Fatalf("load %d: err = %v\nwant it to contain %s: %s", i, err, path, tc.want)
			}
		}
	}
}
