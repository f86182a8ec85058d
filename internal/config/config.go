// Package config composes sqlscim's configuration from, in order of
// precedence, command-line flags, SQLSCIM_* environment variables, a YAML
// file, an Okta On-Prem SCIM Server properties file and built-in defaults. It
// finds (or, on first start, creates) the installation's token, certificate
// and keystore, and hands each package its own Config.
//
// Every problem stops the start with one line that names where the bad value
// came from, the key, and how to fix it.
package config

import (
	"bytes"
	"crypto/tls"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/sqlscim/sqlscim/internal/audit"
	"github.com/sqlscim/sqlscim/internal/certs"
	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/logging"
	"github.com/sqlscim/sqlscim/internal/scim"
	"github.com/sqlscim/sqlscim/internal/secret"
	"github.com/sqlscim/sqlscim/internal/server"
	"github.com/sqlscim/sqlscim/internal/tenant"
	"github.com/sqlscim/sqlscim/internal/yamlerr"
)

// EnvPrefix prefixes every environment variable sqlscim reads.
const EnvPrefix = "SQLSCIM"

// testEnvPrefix marks variables for the test suites (SQLSCIM_TEST_MYSQL_DSN
// and others, see internal/testsupport/dbtest), not settings: a developer who exports
// them in a shell must still be able to start sqlscim there.
const testEnvPrefix = EnvPrefix + "_TEST_"

// secretKeys are the settings that carry a secret. A YAML file that sets
// one must be as private as the properties file.
var secretKeys = []string{"auth.token", "tls.keystore_password"}

// defaults lists every key of our own configuration with its default value.
// A YAML file or SQLSCIM_* variable that names any other key is refused.
var defaults = map[string]any{
	"ops_dir":     "",
	"data_dir":    DefaultDataDir,
	"customer_id": "",

	"server.address":             "",
	"server.port":                1443,
	"server.context_path":        "/ws/rest",
	"server.max_header_bytes":    "64KB",
	"server.max_body_bytes":      "1MB",
	"server.read_header_timeout": "10s",
	"server.read_timeout":        "2m",
	"server.write_timeout":       "10m",
	"server.idle_timeout":        "2m",
	"server.shutdown_timeout":    "30s",
	"server.error_style":         "rfc",

	"tls.keystore":          "",
	"tls.keystore_password": "",
	"tls.key_alias":         certs.KeyAlias,
	"tls.cert_file":         "",
	"tls.key_file":          "",
	"tls.protocols":         "TLSv1.2,TLSv1.3",
	"tls.cert_hostname":     "",

	"auth.token": "",

	"log.level":  "info",
	"log.format": "json",
	"log.file":   "",

	"pool.max_open":           10,
	"pool.min_idle":           0,
	"pool.connection_timeout": "30s",
	"pool.validation_timeout": "3s",
	"pool.idle_timeout":       "90s",
	"pool.keepalive":          "60s",
	"pool.max_lifetime":       "180s",
	"pool.max_tenants":        8,

	"tenants_file":                 "",
	"demo":                         "auto",
	"header.ignore_unknown_fields": false,
	"header.capture":               false,
	"header.allowed_databases":     []string{},
	"header.allow_any_database":    false,
	"header.pinning":               "off",
	"server.public_url":            "",
	"admin.address":                "127.0.0.1:8081",
	"pool.query_timeout":           "30s",
	"server.max_results":           1000,
	"server.unpaged_lists":         "page",

	"audit.file":      "",
	"audit.stdout":    false,
	"audit.ring_size": audit.DefaultRingSize,
	"audit.reads":     "0",
	"audit.values":    false,
}

// defaultHeaderBytes is our request-header limit. OPS ships 10KB, which the
// agent's configuration header can outgrow; a smaller value from an OPS
// properties file is raised to this.
const defaultHeaderBytes = 64 << 10

// flagKeys maps command-line flags to configuration keys.
var flagKeys = map[string]string{
	"ops-dir":       "ops_dir",
	"data-dir":      "data_dir",
	"customer-id":   "customer_id",
	"address":       "server.address",
	"port":          "server.port",
	"log-level":     "log.level",
	"log-format":    "log.format",
	"log-file":      "log.file",
	"tenants":       "tenants_file",
	"demo":          "demo",
	"admin-address": "admin.address",
	"cert-hostname": "tls.cert_hostname",
}

// FlagGroup selects configuration flags, so that each command shows and
// takes only the flags that mean something to it.
type FlagGroup int

const (
	// InstallFlags find the installation: --config, --ops-dir, --data-dir,
	// --customer-id. Every command that reads the configuration takes them.
	InstallFlags FlagGroup = 1 << iota
	// TenantFlags choose the local tenants: --tenants, --demo.
	TenantFlags
	// CertFlags shape credentials that are created: --cert-hostname.
	CertFlags
	// ServeFlags run the server: --address, --port, --log-level,
	// --log-format, --log-file, --admin-address.
	ServeFlags
	// AllFlags is every configuration flag.
	AllFlags = InstallFlags | TenantFlags | CertFlags | ServeFlags
)

// RegisterFlags adds the configuration flags of groups to fs (every flag
// when no group is given). Their defaults come from the same table as the
// configuration keys.
func RegisterFlags(fs *pflag.FlagSet, groups ...FlagGroup) {
	want := FlagGroup(0)
	for _, g := range groups {
		want |= g
	}
	if want == 0 {
		want = AllFlags
	}
	str := func(flag, usage string) { fs.String(flag, defaults[flagKeys[flag]].(string), usage) }
	if want&InstallFlags != 0 {
		fs.String("config", "", "YAML configuration file (env SQLSCIM_CONFIG)")
		str("ops-dir", "Okta On-Prem SCIM Server configuration directory (default "+DefaultOPSDir+" when it exists)")
		str("data-dir", "standalone data directory for the generated token, certificate and keystore")
		str("customer-id", "customer id naming the credential files (env CUSTOMER_ID, as for the OPS installer)")
	}
	if want&ServeFlags != 0 {
		str("address", "address to listen on (default: all interfaces)")
		fs.Int("port", defaults[flagKeys["port"]].(int), "HTTPS port")
		str("log-level", "log level: debug, info, warn, error")
		str("log-format", "log format: json or console")
		str("log-file", "also write the log to this file")
	}
	if want&TenantFlags != 0 {
		str("tenants", "YAML file of local tenants (their databases and operations)")
	}
	if want&CertFlags != 0 {
		str("cert-hostname", "host name for a certificate generated on first start (default: this host's fully qualified name)")
	}
	if want&ServeFlags != 0 {
		str("admin-address", "plain-HTTP address of /healthz, /readyz and /metrics (\"off\" disables them)")
	}
	if want&TenantFlags != 0 {
		str("demo", "serve the embedded SQLite demo tenant jdbc_on_prem: auto (when no tenants file is given, in standalone mode), true or false")
	}
}

// Options adjust Load for tests; the zero value is what the binary uses.
type Options struct {
	// Flags are the parsed command-line flags registered by RegisterFlags.
	Flags *pflag.FlagSet
	// DefaultOPSDir is probed when no directory is configured (DefaultOPSDir).
	DefaultOPSDir string
	// PKIDir is where a new OPS installation's certificate and key go (DefaultPKIDir).
	PKIDir string
	// OPSLogFile is the default log file in OPS mode (DefaultOPSLog).
	OPSLogFile string
	// Host names the certificate on first start (DetectHost).
	Host *Host
	// KeyBits of a generated key (4096).
	KeyBits int
	// Create lets Load generate the token, certificate and keystore when
	// the installation has none. Only serve and init set it: any other
	// command on a mistyped directory must not print a token no server uses.
	Create bool
}

// Config is the complete, validated configuration.
type Config struct {
	Layout     Layout
	CustomerID string
	// PropertiesFile is the OPS-format properties file in use.
	PropertiesFile string
	// Generated is true when this start created the credentials.
	Generated bool
	// CertFile is the PEM certificate to give Okta ("" if only in a keystore).
	CertFile string
	// Certificate is the loaded server certificate.
	Certificate *certs.Credentials
	// Notices are problems that do not stop the start but that the admin
	// should fix, such as a keystore sqlscim could not read and replaced
	// with the PEM files beside it. Load has no logger yet; the app logs
	// them as warnings once it has one.
	Notices []string

	Server server.Config
	Log    logging.Config
	Pool   db.PoolConfig

	// DataDir holds the demo database and the header capture.
	DataDir string
	// TenantsFile is the YAML file of local tenants ("" for none).
	TenantsFile string
	// Demo says whether to serve the embedded SQLite demo tenant.
	Demo bool
	// IgnoreUnknownHeaderFields tolerates agent header fields sqlscim does not know.
	IgnoreUnknownHeaderFields bool
	// CaptureFile, when set, records each distinct agent configuration (redacted).
	CaptureFile string
	// AllowedDatabases limits the databases header configurations may reach,
	// as written; AllowRules are the same rules, parsed once here.
	AllowedDatabases []string
	AllowRules       []tenant.AllowRule
	// AllowAnyDatabase lets header configurations reach any database but
	// the local host's own; without it and AllowedDatabases, none.
	AllowAnyDatabase bool
	// Pinning is off, learn or enforce: whether header configurations are
	// recorded, and refused when an admin has not approved them.
	Pinning string
	// PinsFile holds the learned and approved header configurations.
	PinsFile string
	// AdminAddress serves /healthz, /readyz and /metrics ("" when off).
	AdminAddress string
	// Audit says what the audit trail records and where.
	Audit audit.Config
}

// Load reads and validates the configuration. When the installation has no
// credentials yet, it creates them if opts.Create is set and fails with one
// line naming the directory and "sqlscim init" otherwise.
func Load(opts Options) (*Config, error) {
	l := &loader{v: viper.New(), opts: opts}
	if l.opts.DefaultOPSDir == "" {
		l.opts.DefaultOPSDir = DefaultOPSDir
	}
	if l.opts.PKIDir == "" {
		l.opts.PKIDir = DefaultPKIDir
	}
	if l.opts.OPSLogFile == "" {
		l.opts.OPSLogFile = DefaultOPSLog
	}
	return l.load()
}

type loader struct {
	v        *viper.Viper
	opts     Options
	yamlPath string
	yaml     *viper.Viper
	props    *opsProperties
}

func (l *loader) load() (*Config, error) {
	for k, d := range defaults {
		l.v.SetDefault(k, d)
	}
	if err := l.bindEnvAndFlags(); err != nil {
		return nil, err
	}
	if err := l.readYAML(); err != nil {
		return nil, err
	}

	cfg := &Config{}
	if err := l.resolveInstall(cfg); err != nil {
		return nil, err
	}
	// The properties file sits between the built-in defaults and the YAML
	// file: its values become defaults.
	for k, val := range l.props.values {
		l.v.SetDefault(k, val)
	}
	if cfg.Layout.Mode == OPSMode && l.props.values["log.file"] == "" {
		l.v.SetDefault("log.file", l.opts.OPSLogFile)
	}
	if err := l.decode(cfg); err != nil {
		return nil, err
	}
	if err := l.loadCertificate(cfg); err != nil {
		return nil, err
	}
	cfg.Server.Certificate = cfg.Certificate.TLSCertificate()
	return cfg, nil
}

func (l *loader) bindEnvAndFlags() error {
	l.v.SetEnvPrefix(EnvPrefix)
	l.v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	l.v.AutomaticEnv()
	if err := l.v.BindEnv("customer_id", EnvPrefix+"_CUSTOMER_ID", "CUSTOMER_ID"); err != nil {
		return err
	}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, EnvPrefix+"_") || name == EnvPrefix+"_CONFIG" || strings.HasPrefix(name, testEnvPrefix) {
			continue
		}
		key := strings.ToLower(strings.TrimPrefix(name, EnvPrefix+"_"))
		if _, ok := defaults[key]; ok {
			continue
		}
		if _, ok := defaults[strings.Replace(key, "_", ".", 1)]; ok {
			continue
		}
		return fmt.Errorf("environment variable %s: unknown setting; unset it (settings are listed in docs/configuration.md)", name)
	}
	if l.opts.Flags == nil {
		return nil
	}
	for flag, key := range flagKeys {
		if f := l.opts.Flags.Lookup(flag); f != nil {
			if err := l.v.BindPFlag(key, f); err != nil {
				return err
			}
		}
	}
	return nil
}

// readYAML reads the YAML file named by --config or SQLSCIM_CONFIG and
// refuses keys we do not know.
func (l *loader) readYAML() error {
	path := os.Getenv(EnvPrefix + "_CONFIG")
	if l.opts.Flags != nil {
		if f := l.opts.Flags.Lookup("config"); f != nil && f.Changed {
			path = f.Value.String()
		}
	}
	if path == "" {
		return nil
	}
	fv := viper.New()
	fv.SetConfigFile(path)
	fv.SetConfigType("yaml")
	if err := fv.ReadInConfig(); err != nil {
		var pathErr *fs.PathError
		if errors.As(err, &pathErr) {
			return fmt.Errorf("%s: cannot read the configuration file: %v", path, pathErr.Err)
		}
		data, _ := os.ReadFile(path)
		return fmt.Errorf("%s: not valid YAML: %v", path, yamlerr.Locate(data, err))
	}
	keys := fv.AllKeys()
	sort.Strings(keys)
	for _, k := range keys {
		if _, ok := defaults[k]; !ok {
			return fmt.Errorf("%s: unknown key %q; remove it or correct its spelling (settings are listed in docs/configuration.md)", path, k)
		}
	}
	for _, k := range secretKeys {
		if fv.IsSet(k) {
			if err := checkPrivate(path, "configuration file (it sets "+k+")"); err != nil {
				return err
			}
			break
		}
	}
	if err := l.v.MergeConfigMap(fv.AllSettings()); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	l.yamlPath, l.yaml = path, fv
	return nil
}

// source names where key's value came from, for error messages.
func (l *loader) source(key string) string {
	if l.opts.Flags != nil {
		for flag, k := range flagKeys {
			if k == key {
				if f := l.opts.Flags.Lookup(flag); f != nil && f.Changed {
					return "flag --" + flag
				}
			}
		}
	}
	env := EnvPrefix + "_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
	if _, ok := os.LookupEnv(env); ok {
		return "environment variable " + env
	}
	if key == "customer_id" {
		if _, ok := os.LookupEnv("CUSTOMER_ID"); ok {
			return "environment variable CUSTOMER_ID"
		}
	}
	if l.yaml != nil && l.yaml.IsSet(key) {
		return l.yamlPath + ": " + key
	}
	if l.props != nil {
		if opsKey, ok := l.props.from[key]; ok {
			return l.props.path + ": " + opsKey
		}
	}
	return "default " + key
}

// errorf formats a configuration error about key.
func (l *loader) errorf(key, format string, args ...any) error {
	return fmt.Errorf("%s: %s", l.source(key), fmt.Sprintf(format, args...))
}

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

func (l *loader) str(key string) string { return strings.TrimSpace(l.v.GetString(key)) }

func (l *loader) intIn(key string, lo, hi int, what string) (int, error) {
	raw := l.str(key)
	n, err := strconv.Atoi(raw)
	if err != nil || n < lo || n > hi {
		return 0, l.errorf(key, "%q is not %s; use a whole number from %d to %d", raw, what, lo, hi)
	}
	return n, nil
}

func (l *loader) duration(key string) (time.Duration, error) {
	raw := l.str(key)
	d, err := time.ParseDuration(raw)
	if err != nil || d < 0 {
		return 0, l.errorf(key, "%q is not a duration; write it like 30s, 2m or 1h", raw)
	}
	return d, nil
}

// durationKey names a duration setting and where its value goes.
type durationKey struct {
	key string
	dst *time.Duration
}

// durations reads the settings in the order given, so that a file with
// several bad durations is always refused with the same, first message.
func (l *loader) durations(keys []durationKey) error {
	for _, k := range keys {
		d, err := l.duration(k.key)
		if err != nil {
			return err
		}
		*k.dst = d
	}
	return nil
}

func (l *loader) size(key string) (int64, error) {
	raw := l.str(key)
	n, err := ParseSize(raw)
	if err != nil {
		return 0, l.errorf(key, "%q is not a size; write it like 65536, 64KB or 1MB", raw)
	}
	return n, nil
}

// ParseSize reads a Spring DataSize: a number of bytes with an optional
// B, KB, MB or GB suffix (powers of 1024).
func ParseSize(s string) (int64, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > (1<<40)/mult {
		return 0, errors.New("bad size")
	}
	return n * mult, nil
}

// parseProtocols reads server.ssl.enabled-protocols.
func parseProtocols(s string) (minV, maxV uint16, err error) {
	for _, p := range strings.Split(s, ",") {
		var v uint16
		switch strings.ToUpper(strings.TrimSpace(p)) {
		case "TLSV1.2":
			v = tls.VersionTLS12
		case "TLSV1.3":
			v = tls.VersionTLS13
		case "TLSV1", "TLSV1.0", "TLSV1.1", "SSLV3", "SSLV2HELLO":
			return 0, 0, fmt.Errorf("%s is not allowed: it is broken; use TLSv1.2,TLSv1.3", strings.TrimSpace(p))
		case "":
			continue
		default:
			return 0, 0, fmt.Errorf("%q is not a TLS protocol; use TLSv1.2,TLSv1.3", strings.TrimSpace(p))
		}
		if minV == 0 || v < minV {
			minV = v
		}
		if v > maxV {
			maxV = v
		}
	}
	if minV == 0 {
		return 0, 0, errors.New("no protocol listed; use TLSv1.2,TLSv1.3")
	}
	return minV, maxV, nil
}

// decode turns the merged settings into typed, validated values.
func (l *loader) decode(cfg *Config) error {
	var err error
	s := &cfg.Server
	s.Address = l.str("server.address")
	// Port 0 picks a free port, which tests use.
	if s.Port, err = l.intIn("server.port", 0, 65535, "a port number"); err != nil {
		return err
	}
	s.ContextPath = "/" + strings.Trim(l.str("server.context_path"), "/")
	if strings.ContainsAny(s.ContextPath, "{}?# ") {
		return l.errorf("server.context_path", "%q is not a usable URL path; OPS uses /ws/rest", s.ContextPath)
	}
	header, err := l.size("server.max_header_bytes")
	if err != nil {
		return err
	}
	if header < defaultHeaderBytes && strings.HasPrefix(l.source("server.max_header_bytes"), l.props.path) {
		// OPS writes 10KB, which a large agent configuration header outgrows;
		// only our own settings may lower the limit.
		header = defaultHeaderBytes
	}
	s.MaxHeaderBytes = int(header)
	if s.MaxBodyBytes, err = l.size("server.max_body_bytes"); err != nil {
		return err
	}
	if err = l.durations([]durationKey{
		{"server.read_header_timeout", &s.ReadHeaderTimeout},
		{"server.read_timeout", &s.ReadTimeout},
		{"server.write_timeout", &s.WriteTimeout},
		{"server.idle_timeout", &s.IdleTimeout},
		{"server.shutdown_timeout", &s.ShutdownTimeout},
	}); err != nil {
		return err
	}
	switch strings.ToLower(l.str("server.error_style")) {
	case "rfc":
		s.ErrorStyle = scim.RFCStyle
	case "ops":
		s.ErrorStyle = scim.OPSStyle
	default:
		return l.errorf("server.error_style", "%q is not an error style; use rfc or ops", l.str("server.error_style"))
	}
	if s.MinTLS, s.MaxTLS, err = parseProtocols(l.str("tls.protocols")); err != nil {
		return l.errorf("tls.protocols", "%v", err)
	}
	token := l.str("auth.token")
	switch {
	case token == "":
		return fmt.Errorf("%s: scim.security.bearer.token is empty; write the token there (32 hex characters, e.g. from `openssl rand -hex 16`) or set SQLSCIM_AUTH_TOKEN", cfg.PropertiesFile)
	case len(token) < 16:
		return l.errorf("auth.token", "the bearer token is shorter than 16 characters; use a random one such as `openssl rand -hex 16`")
	case strings.ContainsAny(token, " \t\r\n"):
		return l.errorf("auth.token", "the bearer token contains white space; write only the token, without \"Bearer \"")
	}
	s.Token = secret.String(token)

	cfg.Log = logging.Config{Level: l.str("log.level"), Format: l.str("log.format"), File: l.str("log.file")}
	if _, err := logging.ParseLevel(cfg.Log.Level); err != nil {
		return l.errorf("log.level", "%v", err)
	}
	if f := strings.ToLower(cfg.Log.Format); f != "json" && f != "console" {
		return l.errorf("log.format", "%q is not a log format; use json or console", cfg.Log.Format)
	}

	p := &cfg.Pool
	if p.MaxOpen, err = l.intIn("pool.max_open", 1, 1000, "a pool size"); err != nil {
		return err
	}
	if p.MinIdle, err = l.intIn("pool.min_idle", 0, p.MaxOpen, "an idle connection count no larger than the pool size"); err != nil {
		return err
	}
	if p.MaxTenants, err = l.intIn("pool.max_tenants", 1, 64, "a number of tenant databases"); err != nil {
		return err
	}
	if err = l.durations([]durationKey{
		{"pool.connection_timeout", &p.ConnectionTimeout},
		{"pool.idle_timeout", &p.IdleTimeout},
		{"pool.max_lifetime", &p.MaxLifetime},
		{"pool.query_timeout", &p.QueryTimeout},
	}); err != nil {
		return err
	}
	// Accepted for OPS compatibility; database/sql has no equivalent.
	for _, key := range []string{"pool.validation_timeout", "pool.keepalive"} {
		if _, err = l.duration(key); err != nil {
			return err
		}
	}
	if s.MaxResults, err = l.intIn("server.max_results", 1, 1000000, "a page size"); err != nil {
		return err
	}
	switch raw := l.str("server.unpaged_lists"); strings.ToLower(raw) {
	case "page", "":
		s.StreamUnpaged = false
	case "stream":
		s.StreamUnpaged = true
	default:
		return l.errorf("server.unpaged_lists", "%q is not page or stream: page answers a list without count with the first server.max_results matches and the true totalResults, stream sends every match", raw)
	}

	cfg.DataDir = l.str("data_dir")
	if cfg.Layout.Mode == OPSMode && l.v.GetString("data_dir") == DefaultDataDir && !l.isSet("data_dir") {
		cfg.DataDir = cfg.Layout.ConfDir
	}
	if cfg.DataDir, err = filepath.Abs(cfg.DataDir); err != nil {
		return l.errorf("data_dir", "%v", err)
	}
	cfg.TenantsFile = l.str("tenants_file")
	switch strings.ToLower(l.str("demo")) {
	case "auto", "":
		cfg.Demo = cfg.TenantsFile == "" && cfg.Layout.Mode == StandaloneMode
	case "true", "on", "yes":
		cfg.Demo = true
	case "false", "off", "no":
		cfg.Demo = false
	default:
		return l.errorf("demo", "%q is not auto, true or false", l.str("demo"))
	}
	if cfg.IgnoreUnknownHeaderFields, err = l.boolean("header.ignore_unknown_fields"); err != nil {
		return err
	}
	capture, err := l.boolean("header.capture")
	if err != nil {
		return err
	}
	if capture {
		cfg.CaptureFile = filepath.Join(cfg.DataDir, "captured-headers.jsonl")
	}
	for _, rule := range l.v.GetStringSlice("header.allowed_databases") {
		for _, part := range strings.Split(rule, ",") { // SQLSCIM_HEADER_ALLOWED_DATABASES=a,b
			if part = strings.TrimSpace(part); part != "" {
				cfg.AllowedDatabases = append(cfg.AllowedDatabases, part)
			}
		}
	}
	if cfg.AllowRules, err = tenant.ParseAllowRules(cfg.AllowedDatabases); err != nil {
		return l.errorf("header.allowed_databases", "%v; write host, host:port, *.domain, an IP or a CIDR block", err)
	}
	if cfg.AllowAnyDatabase, err = l.boolean("header.allow_any_database"); err != nil {
		return err
	}
	cfg.Pinning = strings.ToLower(strings.TrimSpace(l.str("header.pinning")))
	switch cfg.Pinning {
	case "off", "learn", "enforce":
	default:
		return l.errorf("header.pinning", "%q is not off, learn or enforce", l.str("header.pinning"))
	}
	cfg.PinsFile = filepath.Join(cfg.DataDir, "header-pins.json")
	if s.PublicURL, err = publicURL(l.str("server.public_url")); err != nil {
		return l.errorf("server.public_url", "%v", err)
	}
	cfg.AdminAddress = l.str("admin.address")
	switch strings.ToLower(cfg.AdminAddress) {
	case "off", "false", "none", "":
		cfg.AdminAddress = ""
	default:
		if _, _, err := net.SplitHostPort(cfg.AdminAddress); err != nil {
			return l.errorf("admin.address", "%q is not host:port; use 127.0.0.1:8081, or off", cfg.AdminAddress)
		}
	}
	return l.decodeAudit(cfg)
}

// publicURL checks server.public_url: the scheme, host and optional port
// by which clients reach sqlscim, with nothing after them.
func publicURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Hostname() == "":
		return "", fmt.Errorf("%q is not an http(s) URL with a host; write e.g. https://scim.example.com or https://scim.example.com:1443", raw)
	case strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return "", fmt.Errorf("%q must be only a scheme, a host and a port: sqlscim adds the context path (server.context_path) itself", raw)
	}
	return u.Scheme + "://" + u.Host, nil
}

// isSet reports whether key was given anywhere but the defaults.
func (l *loader) isSet(key string) bool { return !strings.HasPrefix(l.source(key), "default ") }

// explicit reports whether key was given for sqlscim itself (a flag, an
// environment variable or the YAML file) rather than inherited from the OPS
// properties file or the defaults.
func (l *loader) explicit(key string) bool {
	if !l.isSet(key) {
		return false
	}
	return l.props == nil || !strings.HasPrefix(l.source(key), l.props.path+": ")
}

func (l *loader) boolean(key string) (bool, error) {
	raw := l.str(key)
	b, err := strconv.ParseBool(raw)
	if err != nil {
		return false, l.errorf(key, "%q is not true or false", raw)
	}
	return b, nil
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
