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
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"

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

// decode turns the merged settings into typed, validated values.
func (l *loader) decode(cfg *Config) error {
	var err error
	s := &cfg.Server
	s.Address = l.str("server.address")
	if s.Port, err = l.integer("server.port"); err != nil {
		return err
	}
	s.ContextPath = "/" + strings.Trim(l.str("server.context_path"), "/")
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
	}
	s.Token = secret.String(token)

	cfg.Log = logging.Config{Level: l.str("log.level"), Format: l.str("log.format"), File: l.str("log.file")}

	p := &cfg.Pool
	for _, n := range []struct {
		key string
		dst *int
	}{{"pool.max_open", &p.MaxOpen}, {"pool.min_idle", &p.MinIdle}, {"pool.max_tenants", &p.MaxTenants}} {
		if *n.dst, err = l.integer(n.key); err != nil {
			return err
		}
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
	if s.MaxResults, err = l.integer("server.max_results"); err != nil {
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

	// Each package checks its own settings, in the order of the reference.
	for _, v := range []struct {
		section string
		err     error
	}{{"server", s.Validate()}, {"log", cfg.Log.Validate()}, {"pool", p.Validate()}} {
		if v.err != nil {
			return l.settingError(v.section, v.err)
		}
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
