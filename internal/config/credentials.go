package config

// The installation and its credentials: where they live, and the
// certificate and keystore the server presents.

import (
	"bytes"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/sqlscim/sqlscim/internal/certs"
)

// resolveInstall finds the installation (OPS directory or data directory),
// its customer id and properties file, creating them on first start.
func (l *loader) resolveInstall(cfg *Config) error {
	opsDir := l.v.GetString("ops_dir")
	explicitOPS := opsDir != ""
	// An OPS installation on the host is used unless a data directory was
	// asked for explicitly.
	if !explicitOPS && !l.isSet("data_dir") {
		if st, err := os.Stat(l.opts.DefaultOPSDir); err == nil && st.IsDir() {
			opsDir = l.opts.DefaultOPSDir
		}
	}
	if opsDir != "" {
		cfg.Layout = OPSLayout(opsDir, l.opts.PKIDir)
	} else {
		dataDir, err := filepath.Abs(l.v.GetString("data_dir"))
		if err != nil {
			return l.errorf("data_dir", "%v", err)
		}
		cfg.Layout = DataLayout(dataDir)
	}

	id, err := readCustomerID(cfg.Layout.CustomerIDFile())
	if err != nil {
		return err
	}
	if configured := l.v.GetString("customer_id"); configured != "" {
		if !customerIDPattern.MatchString(configured) {
			return l.errorf("customer_id", "%q is not a valid customer id; use letters, digits, '.', '_' or '-'", configured)
		}
		if id != "" && id != configured {
			return l.errorf("customer_id", "%q differs from CUSTOMER_ID=%s in %s; drop the setting or correct the file", configured, id, cfg.Layout.CustomerIDFile())
		}
		id = configured
	}
	if id == "" {
		if cfg.Layout.Mode == OPSMode && !l.opts.Create {
			return l.noCredentials(cfg.Layout, cfg.Layout.CustomerIDFile())
		}
		if cfg.Layout.Mode == OPSMode {
			return fmt.Errorf("%s: not found, and no customer id is set; set CUSTOMER_ID=<your Okta subdomain> (or --customer-id) for the first start", cfg.Layout.CustomerIDFile())
		}
		id = StandaloneCustomerID
	}
	cfg.CustomerID = id
	cfg.PropertiesFile = cfg.Layout.PropertiesFile(id)

	if _, err := os.Stat(cfg.PropertiesFile); errors.Is(err, fs.ErrNotExist) {
		if !l.opts.Create {
			return l.noCredentials(cfg.Layout, cfg.PropertiesFile)
		}
		hostInfo := DetectHost()
		if l.opts.Host != nil {
			hostInfo = *l.opts.Host
		}
		if name := l.str("tls.cert_hostname"); name != "" {
			// The name the agent connects to, e.g. in a container; the
			// machine's own names would only be noise in the certificate.
			hostInfo.Name, hostInfo.Aliases = name, nil
		}
		if err := bootstrap(cfg.Layout, id, hostInfo, l.opts.KeyBits, "64KB"); err != nil {
			return err
		}
		cfg.Generated = true
	}
	if err := checkPrivate(cfg.PropertiesFile, "properties file (it holds the bearer token)"); err != nil {
		return err
	}
	l.props, err = readProperties(cfg.PropertiesFile)
	return err
}

// noCredentials is the one-line error of a command that needs credentials
// the installation does not have yet: it names the directory, the file
// missing and the command that creates them.
func (l *loader) noCredentials(layout Layout, missing string) error {
	env, flag, dir := "", "--data-dir", filepath.Dir(layout.ConfDir)
	if layout.Mode == OPSMode {
		env, flag, dir = "CUSTOMER_ID=<your Okta subdomain> ", "--ops-dir", layout.ConfDir
	}
	return fmt.Errorf("%s holds no credentials (%s does not exist); create them with: %ssqlscim init %s %s (or start sqlscim serve once), or correct %s", dir, missing, env, flag, dir, flag)
}

// loadCertificate opens the configured PEM pair or PKCS#12 keystore.
func (l *loader) loadCertificate(cfg *Config) error {
	if certFile, keyFile := l.str("tls.cert_file"), l.str("tls.key_file"); certFile != "" || keyFile != "" {
		if certFile == "" || keyFile == "" {
			return l.errorf("tls.cert_file", "set both tls.cert_file and tls.key_file, or neither")
		}
		cred, err := loadPEMFiles(certFile, keyFile)
		if err != nil {
			return l.errorf("tls.cert_file", "%v", err)
		}
		cfg.Certificate, cfg.CertFile = cred, certFile
		return nil
	}
	return l.loadKeystore(cfg)
}

// loadKeystore opens tls.keystore. A keystore from the OPS properties that
// this program cannot decode falls back, with a notice, to the PEM files OPS
// keeps beside it: OPS itself served it, so refusing to start would break a
// working installation. A keystore named for sqlscim (flag, variable, YAML)
// does not fall back, nor does a wrong password: both are the admin's
// mistakes to fix, not to hide.
func (l *loader) loadKeystore(cfg *Config) error {
	store := l.str("tls.keystore")
	if store == "" {
		return fmt.Errorf("%s: server.ssl.key-store is empty; point it at the PKCS#12 keystore (OPS: /etc/pki/tls/private/OktaOnPremScimServer-<id>.p12)", cfg.PropertiesFile)
	}
	if !filepath.IsAbs(store) {
		store = filepath.Join(cfg.Layout.ConfDir, store)
	}
	if err := checkPrivate(store, "keystore"); err != nil {
		return err
	}
	data, err := os.ReadFile(store)
	if err != nil {
		return l.errorf("tls.keystore", "%v", err)
	}
	password, err := l.keystorePassword(store)
	if err != nil {
		return err
	}
	cred, err := certs.LoadPKCS12(data, password)
	switch {
	case err == nil:
		if err := l.checkKeyAlias(cfg, store, data); err != nil {
			return err
		}
		cfg.Certificate = cred
		cfg.CertFile = certFileBeside(cfg, store, cred)
		return nil
	case errors.Is(err, certs.ErrWrongPassword):
		return l.errorf("tls.keystore_password", "the password does not open %s; copy the password from %s.pass", store, store)
	case l.explicit("tls.keystore"):
		return l.errorf("tls.keystore", "%s: %v; give a PKCS#12 keystore with one RSA key, or set tls.cert_file and tls.key_file instead", store, err)
	}
	certBeside, keyBeside := pemBeside(store)
	cred, pemErr := loadPEMFiles(certBeside, keyBeside)
	if pemErr != nil {
		return l.errorf("tls.keystore", "%s: %v, and no usable PEM pair beside it (%s, %s): %v", store, err, certBeside, keyBeside, pemErr)
	}
	cfg.Certificate, cfg.CertFile = cred, certBeside
	cfg.Notices = append(cfg.Notices, fmt.Sprintf("%s: %v; serving the PEM certificate and key beside it instead (%s, %s). Replace the keystore with one sqlscim reads (PKCS#12 with one RSA key) to silence this", store, err, certBeside, keyBeside))
	return nil
}

// keystorePassword is tls.keystore_password or, when that is empty, the
// content of the .p12.pass file OPS writes beside the keystore.
func (l *loader) keystorePassword(store string) (string, error) {
	if password := l.v.GetString("tls.keystore_password"); password != "" {
		return password, nil
	}
	passFile := store + ".pass"
	if _, err := os.Stat(passFile); err != nil {
		return "", nil
	}
	if err := checkPrivate(passFile, "keystore password file"); err != nil {
		return "", err
	}
	pass, err := os.ReadFile(passFile)
	if err != nil {
		return "", l.errorf("tls.keystore_password", "%v", err)
	}
	return strings.TrimRight(string(pass), "\r\n"), nil
}

// checkKeyAlias refuses a keystore whose key entry is named other than
// tls.key_alias (server.ssl.key-alias): OPS would not have served it, and
// the mismatch usually means a wrong keystore or a wrong setting. The
// decoder takes the keystore's one key, so the alias only verifies it; when
// no one set an alias, there is nothing to verify. Java compares PKCS#12
// aliases regardless of case. An entry without a name, or one in a part of
// the keystore that only the password opens, cannot be checked and is
// accepted.
func (l *loader) checkKeyAlias(cfg *Config, store string, data []byte) error {
	want := l.str("tls.key_alias")
	if want == "" || !l.isSet("tls.key_alias") {
		return nil
	}
	got, err := certs.PKCS12Alias(data)
	if err != nil || got == "" {
		return nil
	}
	if bare := strings.TrimSuffix(got, "\x00"); bare != got && strings.EqualFold(bare, want) {
		// Keystores from earlier sqlscim versions end the name with a zero
		// character. Accept them, but say that Java tools will not.
		cfg.Notices = append(cfg.Notices, fmt.Sprintf("%s: the key entry's name %q ends in a zero character, so Java tools (keytool, OPS) do not find alias %q; sqlscim accepts it. To fix it: openssl pkcs12 -in %s -nodes | openssl pkcs12 -export -name %s -out new.p12, then replace the keystore with new.p12", store, got, want, store, want))
		return nil
	}
	if !strings.EqualFold(got, want) {
		return l.errorf("tls.key_alias", "the key entry in %s is named %q, not %q; set the alias to %q, or point the keystore setting at the keystore that holds %q", store, got, want, got, want)
	}
	return nil
}

// certFileBeside returns the PEM certificate OPS keeps beside the keystore
// when it is the certificate served, the one the admin uploads to Okta. A
// stale one (the keystore was replaced, the .crt was not) is not named as
// the certificate to give Okta; the notice says which one to use instead.
func certFileBeside(cfg *Config, store string, served *certs.Credentials) string {
	certFile, _ := pemBeside(store)
	data, err := os.ReadFile(certFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return ""
	case err != nil:
		cfg.Notices = append(cfg.Notices, fmt.Sprintf("%v; sqlscim credentials prints the served certificate instead", err))
		return ""
	}
	if block, _ := pem.Decode(data); block != nil && block.Type == "CERTIFICATE" && bytes.Equal(block.Bytes, served.Cert.Raw) {
		return certFile
	}
	cfg.Notices = append(cfg.Notices, fmt.Sprintf("%s is not the certificate in %s, which sqlscim serves; Okta needs the served one (sqlscim credentials prints it): replace %s with it", certFile, store, certFile))
	return ""
}

// pemBeside derives the PEM certificate and key OPS writes next to its
// keystore: /etc/pki/tls/private/X.p12 → /etc/pki/tls/certs/X.crt and
// /etc/pki/tls/private/X.key.
func pemBeside(keystore string) (certFile, keyFile string) {
	base := strings.TrimSuffix(filepath.Base(keystore), filepath.Ext(keystore))
	dir := filepath.Dir(keystore)
	return filepath.Join(filepath.Dir(dir), "certs", base+".crt"), filepath.Join(dir, base+".key")
}

func loadPEMFiles(certFile, keyFile string) (*certs.Credentials, error) {
	if err := checkPrivate(keyFile, "private key"); err != nil {
		return nil, err
	}
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, err
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, err
	}
	return certs.LoadPEM(certPEM, keyPEM)
}
