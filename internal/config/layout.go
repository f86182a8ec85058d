package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/sqlscim/sqlscim/internal/certs"
	"github.com/sqlscim/sqlscim/internal/secret"
)

// Mode says whose files sqlscim runs on.
type Mode string

const (
	// OPSMode uses an Okta On-Prem SCIM Server installation's files in place.
	OPSMode Mode = "ops"
	// StandaloneMode keeps the same files, with the same names, in a data directory.
	StandaloneMode Mode = "standalone"
)

// Default locations of an OPS installation.
const (
	DefaultOPSDir  = "/etc/OktaOnPremScimServer"
	DefaultPKIDir  = "/etc/pki/tls"
	DefaultOPSLog  = "/var/log/OktaOnPremScimServer/application.log"
	DefaultDataDir = "data"
	// StandaloneCustomerID names the files of a standalone install when no
	// customer id is configured.
	StandaloneCustomerID = "local"
)

// Layout says where the files of an installation live. OPS keeps its
// configuration in /etc/OktaOnPremScimServer, the certificate in
// /etc/pki/tls/certs and the key and keystore in /etc/pki/tls/private; a
// standalone install mirrors that under <data>/conf, <data>/certs and
// <data>/private.
type Layout struct {
	Mode    Mode
	ConfDir string
	CertDir string
	KeyDir  string
}

// OPSLayout is the layout of an OPS installation.
func OPSLayout(confDir, pkiDir string) Layout {
	return Layout{Mode: OPSMode, ConfDir: confDir, CertDir: filepath.Join(pkiDir, "certs"), KeyDir: filepath.Join(pkiDir, "private")}
}

// DataLayout is the layout of a standalone installation in dataDir.
func DataLayout(dataDir string) Layout {
	return Layout{Mode: StandaloneMode, ConfDir: filepath.Join(dataDir, "conf"), CertDir: filepath.Join(dataDir, "certs"), KeyDir: filepath.Join(dataDir, "private")}
}

// CustomerIDFile is customer-id.conf.
func (l Layout) CustomerIDFile() string { return filepath.Join(l.ConfDir, "customer-id.conf") }

// PropertiesFile is config-<id>.properties.
func (l Layout) PropertiesFile(id string) string {
	return filepath.Join(l.ConfDir, "config-"+id+".properties")
}

func baseName(id string) string { return "OktaOnPremScimServer-" + id }

// CertFile is the PEM certificate an admin uploads to Okta.
func (l Layout) CertFile(id string) string { return filepath.Join(l.CertDir, baseName(id)+".crt") }

// KeyFile is the PEM private key.
func (l Layout) KeyFile(id string) string { return filepath.Join(l.KeyDir, baseName(id)+".key") }

// KeystoreFile is the PKCS#12 keystore.
func (l Layout) KeystoreFile(id string) string { return filepath.Join(l.KeyDir, baseName(id)+".p12") }

var customerIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)

// readCustomerID reads CUSTOMER_ID=<id> from customer-id.conf. It returns ""
// when the file does not exist.
func readCustomerID(path string) (string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if k, v, ok := strings.Cut(line, "="); ok && strings.TrimSpace(k) == "CUSTOMER_ID" {
			id := strings.Trim(strings.TrimSpace(v), `"'`)
			if !customerIDPattern.MatchString(id) {
				return "", fmt.Errorf("%s: CUSTOMER_ID %q is not a valid customer id (letters, digits, '.', '_', '-')", path, id)
			}
			return id, nil
		}
	}
	return "", fmt.Errorf("%s: no CUSTOMER_ID=<id> line; write one, e.g. CUSTOMER_ID=mycompany", path)
}

// Host describes the machine, for the certificate's names.
type Host struct {
	// Name is the certificate's common name and first DNS name: the fully
	// qualified host name when one is known.
	Name string
	// Aliases are further DNS names for the certificate, such as the short
	// host name beside the fully qualified one.
	Aliases []string
	// PrimaryIPv4 is added as an IP address, when set.
	PrimaryIPv4 net.IP
}

// fqdnTimeout bounds the look-up of the host's fully qualified name: on a
// host without working DNS the first start must still be quick.
const fqdnTimeout = 2 * time.Second

// DetectHost names the machine as OPS's installer does with `hostname -f`,
// and finds the first non-loopback IPv4 address of an interface that is up.
// A host name without a dot is qualified through the resolver, which reads
// /etc/hosts first and may then ask DNS (for at most fqdnTimeout); the
// certificate then carries both names.
func DetectHost() Host {
	h := hostNames(os.Hostname, net.DefaultResolver.LookupCNAME)
	h.PrimaryIPv4 = primaryIPv4()
	return h
}

// dnsName matches a host name that can stand in a certificate.
var dnsName = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)

// hostNames returns the host's name, qualified by lookupCNAME when the
// kernel's name has no domain. Only a canonical name that extends the short
// one (host → host.example.com) is taken: /etc/hosts lines such as
// "127.0.0.1 localhost.localdomain host" would otherwise name the
// certificate after localhost.
func hostNames(hostname func() (string, error), lookupCNAME func(context.Context, string) (string, error)) Host {
	name, err := hostname()
	if err != nil || name == "" {
		return Host{Name: "localhost"}
	}
	if strings.Contains(name, ".") || name == "localhost" || !dnsName.MatchString(name) {
		return Host{Name: name}
	}
	ctx, cancel := context.WithTimeout(context.Background(), fqdnTimeout)
	defer cancel()
	cname, err := lookupCNAME(ctx, name)
	fqdn := strings.TrimSuffix(cname, ".")
	if err != nil || !dnsName.MatchString(fqdn) || !strings.HasPrefix(strings.ToLower(fqdn), strings.ToLower(name)+".") {
		return Host{Name: name}
	}
	return Host{Name: fqdn, Aliases: []string{name}}
}

// primaryIPv4 is the first non-loopback IPv4 address of an interface that
// is up, or nil.
func primaryIPv4() net.IP {
	ifaces, err := net.Interfaces()
	if err != nil {
		return nil
	}
	for _, iface := range ifaces {
		if iface.Flags&net.FlagUp == 0 || iface.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, _ := iface.Addrs()
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok && ipn.IP.To4() != nil && !ipn.IP.IsLoopback() {
				return ipn.IP.To4()
			}
		}
	}
	return nil
}

// bootstrap writes a complete first-start installation: token, key,
// certificate, keystore and its password file, customer-id.conf and the
// properties file, with the modes OPS uses. It refuses to overwrite any file
// that already exists, so credentials are never rotated behind an admin's
// back.
func bootstrap(l Layout, id string, host Host, keyBits int, headerSize string) error {
	files := []string{l.PropertiesFile(id), l.CertFile(id), l.KeyFile(id), l.KeystoreFile(id), l.KeystoreFile(id) + ".pass"}
	for _, f := range files {
		if _, err := os.Stat(f); err == nil {
			return fmt.Errorf("%s exists but %s does not: the installation is incomplete; restore the missing file from a backup, or move the existing credential files away to generate new ones (Okta must then be given the new token and certificate)", f, l.PropertiesFile(id))
		}
	}
	token, err := certs.NewToken()
	if err != nil {
		return err
	}
	storePass, err := certs.NewToken()
	if err != nil {
		return err
	}
	cred, err := certs.Generate(certs.Subject{Hostname: host.Name, OtherNames: host.Aliases, CustomerID: customerIDForSAN(l, id), PrimaryIPv4: host.PrimaryIPv4}, certs.Options{KeyBits: keyBits})
	if err != nil {
		return err
	}
	keyPEM, err := cred.KeyPEM()
	if err != nil {
		return err
	}
	p12, err := cred.PKCS12(storePass)
	if err != nil {
		return err
	}
	for _, dir := range []struct {
		path string
		mode fs.FileMode
	}{{l.ConfDir, 0o755}, {l.CertDir, 0o755}, {l.KeyDir, keyDirMode(l)}} {
		if err := os.MkdirAll(dir.path, dir.mode); err != nil {
			return fmt.Errorf("create %s: %w", dir.path, err)
		}
	}
	props := generatedProperties(l.KeystoreFile(id), storePass, token, headerSize)
	writes := []struct {
		path string
		data []byte
		mode fs.FileMode
	}{
		{l.KeyFile(id), keyPEM, 0o600},
		{l.KeystoreFile(id), p12, 0o600},
		{l.KeystoreFile(id) + ".pass", []byte(storePass + "\n"), 0o600},
		{l.CertFile(id), cred.CertPEM(), 0o644},
		{l.PropertiesFile(id), props, 0o600},
	}
	if _, err := os.Stat(l.CustomerIDFile()); errors.Is(err, fs.ErrNotExist) {
		writes = append(writes, struct {
			path string
			data []byte
			mode fs.FileMode
		}{l.CustomerIDFile(), []byte("CUSTOMER_ID=" + id + "\n"), 0o644})
	}
	for _, w := range writes {
		if err := writeNew(w.path, w.data, w.mode); err != nil {
			return err
		}
	}
	return nil
}

// keyDirMode is the mode of a new key directory: private in a data
// directory; in OPS mode 0755 like RHEL's /etc/pki/tls/private, because the
// service user must reach its key there (the key file itself is 0600).
func keyDirMode(l Layout) fs.FileMode {
	if l.Mode == OPSMode {
		return 0o755
	}
	return 0o700
}

// customerIDForSAN returns the id to put in the <id>.okta.com SAN: OPS does so
// for a real customer id; the standalone placeholder id gets none.
func customerIDForSAN(l Layout, id string) string {
	if l.Mode == StandaloneMode && id == StandaloneCustomerID {
		return ""
	}
	return id
}

// writeNew creates path with exactly mode, failing if it exists.
func writeNew(path string, data []byte, mode fs.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Chmod(mode); err != nil { // the umask must not widen or narrow it
		f.Close()
		return fmt.Errorf("chmod %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// generatedProperties is the properties file OPS's installer writes, with
// our larger header limit.
func generatedProperties(keystore, storePass, token, headerSize string) []byte {
	var b bytes.Buffer
	b.WriteString("# Okta On-Prem SCIM Server configuration, written by sqlscim on first start.\n")
	b.WriteString("# The same keys and meaning as OktaOnPremScimServer; keep this file private (mode 600).\n")
	for _, kv := range [][2]string{
		{"server.port", "1443"},
		{"server.servlet.context-path", "/ws/rest"},
		{"server.ssl.enabled", "true"},
		{"server.ssl.key-store-type", "PKCS12"},
		{"server.ssl.key-store", keystore},
		{"server.ssl.key-store-password", storePass},
		{"server.ssl.key-alias", certs.KeyAlias},
		{"server.ssl.client-auth", "NONE"},
		{"server.ssl.enabled-protocols", "TLSv1.2,TLSv1.3"},
		{"server.max-http-request-header-size", headerSize},
		{"scim.security.bearer.token", token},
		{"app.datasource.hikari.maximumPoolSize", "10"},
		{"app.datasource.hikari.minimumIdle", "0"},
		{"app.datasource.hikari.connectionTimeout", "30000"},
		{"app.datasource.hikari.validationTimeout", "3000"},
		{"app.datasource.hikari.idleTimeout", "90000"},
		{"app.datasource.hikari.keepaliveTime", "60000"},
		{"app.datasource.hikari.maxLifetime", "180000"},
		{"app.datasource.hikari.initializationFailTimeout", "0"},
		{"logging.level.root", "INFO"},
		{"logging.level.com.okta.server.scim", "INFO"},
	} {
		b.WriteString(kv[0] + "=" + escapePropertyValue(kv[1]) + "\n")
	}
	return b.Bytes()
}

func escapePropertyValue(v string) string {
	r := strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\r", `\r`)
	v = r.Replace(v)
	if strings.HasPrefix(v, " ") {
		v = `\` + v
	}
	return v
}

// checkPrivate refuses a secret-bearing file that others can access or its
// group can change. Group read is allowed (0640, 0440): it is how a service
// account shares a file with its group, and Kubernetes mounts Secrets that
// way once a pod has an fsGroup.
func checkPrivate(path, what string) error { return secret.CheckFileMode(path, what) }
