package certs

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// toolKeystore writes a generated keystore to a file for an outside tool.
func toolKeystore(t *testing.T, password string) string {
	t.Helper()
	c, err := Generate(Subject{Hostname: "h"}, Options{KeyBits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	p12, err := c.PKCS12(password)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "store.p12")
	if err := os.WriteFile(path, p12, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// lookTool finds name on PATH or skips the test. Under CI=true a tool that
// .ci/run installs must be there, so that its test cannot be skipped
// silently.
func lookTool(t *testing.T, name string, installedByCI bool) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if installedByCI && os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed, although .ci/run installs it", name)
		}
		t.Skipf("%s is not installed", name)
	}
	return path
}

// OpenSSL must verify the MAC, decrypt both bags and show the alias. (It
// drops a trailing zero from a friendly name, so it cannot see a
// terminator: TestPKCS12FriendlyNameIsTheBareAlias and the keytool test do.)
func TestOpenSSLOpensTheKeystoreAndSeesTheAlias(t *testing.T) {
	openssl := lookTool(t, "openssl", true)
	const password = "0123456789abcdef"
	store := toolKeystore(t, password)
	out, err := exec.Command(openssl, "pkcs12", "-in", store, "-passin", "pass:"+password, "-nodes").CombinedOutput()
	if err != nil {
		t.Fatalf("openssl pkcs12: %v\n%s", err, out)
	}
	names := 0
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "friendlyName:"); ok {
			names++
			if v = strings.TrimSpace(v); v != KeyAlias {
				t.Errorf("openssl shows friendlyName %q, want %q", v, KeyAlias)
			}
		}
	}
	if names != 2 {
		t.Errorf("openssl shows %d friendly names, want 2 (key and certificate):\n%s", names, out)
	}
}

// keytool reads the keystore as Spring Boot does, through Java's PKCS12
// KeyStore: the entry must be listed under exactly the alias OPS's
// properties name. .ci/run does not install a JDK, so this test runs only
// where one is.
func TestKeytoolListsTheKeyEntryUnderTheAlias(t *testing.T) {
	keytool := lookTool(t, "keytool", false)
	const password = "0123456789abcdef"
	store := toolKeystore(t, password)
	out, err := exec.Command(keytool, "-J-Duser.language=en", "-list", "-v", "-storetype", "PKCS12",
		"-keystore", store, "-storepass", password).CombinedOutput()
	if err != nil {
		t.Fatalf("keytool -list: %v\n%s", err, out)
	}
	var aliases []string
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimRight(line, "\r"), "Alias name: "); ok {
			aliases = append(aliases, v)
		}
	}
	if len(aliases) != 1 || aliases[0] != KeyAlias {
		t.Errorf("keytool lists aliases %q, want exactly [%q]:\n%s", aliases, KeyAlias, out)
	}
	if !strings.Contains(string(out), "Entry type: PrivateKeyEntry") {
		t.Errorf("keytool does not list a private key entry:\n%s", out)
	}
}
