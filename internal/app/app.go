// Package app wires sqlscim together: it turns command-line arguments into a
// configuration, builds the logger, the engine and the HTTPS server, and runs
// the subcommands. cmd/sqlscim's main only calls Run; tests call it too.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/sqlscim/sqlscim/internal/buildinfo"
	"github.com/sqlscim/sqlscim/internal/config"
	"github.com/sqlscim/sqlscim/internal/console"
	"github.com/sqlscim/sqlscim/internal/db"
	_ "github.com/sqlscim/sqlscim/internal/db/all" // registers every dialect
	"github.com/sqlscim/sqlscim/internal/demo"
	"github.com/sqlscim/sqlscim/internal/logging"
	"github.com/sqlscim/sqlscim/internal/provision"
	"github.com/sqlscim/sqlscim/internal/server"
	"github.com/sqlscim/sqlscim/internal/telemetry"
	"github.com/sqlscim/sqlscim/internal/tenant"
)

// Options let tests observe and adjust a run.
type Options struct {
	Stdout, Stderr io.Writer
	// Config adjusts configuration loading (test directories, key size).
	Config config.Options
	// Ready, if set, is called with the listening address once the server accepts.
	Ready func(addr net.Addr)
	// AdminReady, if set, is called with the admin endpoints' address.
	AdminReady func(addr net.Addr)
}

// Run executes the sqlscim command line in args until ctx is cancelled.
func Run(ctx context.Context, args []string, opts Options) error {
	root := Command(ctx, opts)
	root.SetArgs(args)
	return root.ExecuteContext(ctx)
}

// Command is sqlscim's command tree, for Run and for generating the man
// pages and shell completions (cmd/sqlscim-docs).
func Command(ctx context.Context, opts Options) *cobra.Command {
	info := buildinfo.Read()
	root := &cobra.Command{
		Use:   "sqlscim",
		Short: "SCIM 2.0 server for SQL databases, a drop-in replacement for the Okta On-Prem SCIM Server",
		Long: "sqlscim serves SCIM 2.0 over HTTPS (port 1443, /ws/rest/{app}/scim/v2) and turns the calls of the Okta\n" +
			"Provisioning Agent into the SQL statements and stored procedures configured for each tenant, on MySQL/MariaDB,\n" +
			"PostgreSQL, SQL Server and Oracle. It uses the Okta On-Prem SCIM Server's token, certificate and files.\n\n" +
			"Start with \"sqlscim serve\" (\"sqlscim serve --ops-dir /etc/OktaOnPremScimServer\" on an OPS host); \"sqlscim credentials\"\n" +
			"prints the token and certificate for Okta, \"sqlscim check\" tests the tenants' databases.\n\n" +
			"Files: /etc/OktaOnPremScimServer/config-<customer id>.properties (the token, settings), /etc/default/sqlscim\n" +
			"(the service's environment), /etc/sqlscim/tenants.yaml (local tenants). Documentation: /usr/share/doc/sqlscim.",
		Version:       info.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	// --version prints what "sqlscim version" prints.
	root.SetVersionTemplate(strings.ReplaceAll(info.String(), "{{", "{{`{{`}}"))
	root.SetOut(opts.Stdout)
	root.SetErr(opts.Stderr)
	root.AddCommand(serveCommand(ctx, &opts), credentialsCommand(&opts), versionCommand(&opts), initCommand(&opts), checkCommand(ctx, &opts), healthCommand(ctx, &opts), pinsCommand(&opts))
	return root
}

func versionCommand(opts *Options) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, the commit it was built from (and whether the tree had uncommitted changes), the commit's date and the Go version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(opts.Stdout, buildinfo.Read())
			return err
		},
	}
}

// loadConfig reads the configuration with the command's flags. It never
// creates credentials: a command that may (serve, init) uses createConfig.
func loadConfig(cmd *cobra.Command, opts *Options) (*config.Config, error) {
	o := opts.Config
	o.Flags = cmd.Flags()
	o.Create = false
	return config.Load(o)
}

// createConfig is loadConfig that generates the credentials when the
// installation has none.
func createConfig(cmd *cobra.Command, opts *Options) (*config.Config, error) {
	o := opts.Config
	o.Flags = cmd.Flags()
	o.Create = true
	return config.Load(o)
}

func initCommand(opts *Options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create the bearer token, certificate and keystore if the installation has none (changes nothing otherwise)",
		Long: "Creates the credentials of a new installation, as the OPS installer and a first \"sqlscim serve\" do, and prints\n" +
			"where they are (not the token: \"sqlscim credentials\" prints it). An installation that has them is left as it is.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := createConfig(cmd, opts)
			if err != nil {
				return err
			}
			verb := "already holds its credentials; nothing changed"
			if cfg.Generated {
				verb = "created a bearer token, a certificate and a keystore"
			}
			_, err = fmt.Fprintf(opts.Stdout, "sqlscim init: %s\n  properties:  %s\n  certificate: %s\nsqlscim credentials prints the token and the certificate for Okta.\n", verb, cfg.PropertiesFile, cfg.CertFile)
			return err
		},
	}
	config.RegisterFlags(cmd.Flags(), config.InstallFlags, config.CertFlags)
	return cmd
}

func credentialsCommand(opts *Options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "credentials",
		Short: "Print the bearer token and the certificate to give Okta (like Get-OktaOnPremScimServer-Credentials.sh)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd, opts)
			if err != nil {
				return err
			}
			return printCredentials(opts.Stdout, cfg)
		},
	}
	config.RegisterFlags(cmd.Flags(), config.InstallFlags)
	return cmd
}

func printCredentials(w io.Writer, cfg *config.Config) error {
	certPath := cfg.CertFile
	if certPath == "" {
		certPath = "(only inside the keystore; the PEM is below)"
	}
	_, err := fmt.Fprintf(w, `API Token (paste into Okta exactly as shown, including "Bearer "):
Bearer %s

Public key certificate (upload this file to Okta as "Public Key"):
%s

%s`, cfg.Server.Token.Reveal(), certPath, cfg.Certificate.CertPEM())
	return err
}

func serveCommand(ctx context.Context, opts *Options) *cobra.Command {
	var strict bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the SCIM API over HTTPS",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := createConfig(cmd, opts)
			if err != nil {
				return err
			}
			return serve(ctx, cfg, opts, strict, func() (*config.Config, error) { return loadConfig(cmd, opts) })
		},
	}
	config.RegisterFlags(cmd.Flags())
	cmd.Flags().BoolVar(&strict, "strict", false, "refuse to start when a local tenant fails its self-check (the checks of sqlscim check), and answer 500 to an agent header configuration that fails its first-use check")
	return cmd
}

// strict refuses to start when a local tenant fails its self-check;
// reread loads the configuration again for a reload (SIGHUP), creating
// nothing.
func serve(ctx context.Context, cfg *config.Config, opts *Options, strict bool, reread func() (*config.Config, error)) error {
	// SIGHUP is in hand from the start: one during start-up waits for the
	// reload loop instead of ending the process.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	logs, err := logging.Open(cfg.Log, zapcore.AddSync(opts.Stdout))
	if err != nil {
		return fmt.Errorf("logging: %w", err)
	}
	defer logs.Close()
	// The end goes to the log (and its file) as well as to stderr: an admin
	// tailing the log sees why the service is not running.
	if err := run(ctx, cfg, opts, strict, reread, logs, hup); err != nil {
		logs.Logger.Error("sqlscim stopped", zap.Error(err))
		return err
	}
	logs.Logger.Info("sqlscim stopped")
	return nil
}

// run starts everything serve serves and serves until ctx ends.
func run(ctx context.Context, cfg *config.Config, opts *Options, strict bool, reread func() (*config.Config, error), logs *logging.Handle, hup <-chan os.Signal) error {
	log := logs.Logger
	for _, notice := range cfg.Notices {
		log.Warn(notice)
	}

	ln, err := net.Listen("tcp", cfg.Server.ListenAddr())
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("port %d is already in use (is OktaOnPremScimServer.service still running? stop it, or choose another port with --port or server.port)", cfg.Server.Port)
		}
		return fmt.Errorf("listen on %s: %w", cfg.Server.ListenAddr(), err)
	}
	if cfg.Generated {
		log.Info("first start: generated a bearer token, certificate and keystore", zap.String("properties", cfg.PropertiesFile), zap.String("certificate", cfg.CertFile))
	}
	db.SetDriverLogs(func(dialect, msg string) { log.Named(dialect).Warn(msg) })
	pools := db.NewPools(cfg.Pool)
	defer pools.Close()
	metrics := telemetry.New(pools)
	registry, err := buildRegistry(ctx, cfg, pools, metrics, headerVerifier(log, strict))
	if err != nil {
		ln.Close()
		return err
	}
	for _, t := range registry.Local() {
		if t.Config().StoresPlain() {
			log.Warn("tenant stores user passwords in plain text (password_sync.hash: plain); anyone who can read the column can read them",
				zap.String("tenant", t.Name()), zap.String("column", t.Config().PasswordSync.Column))
		}
	}
	trail, closeAudit, err := openAudit(cfg, opts, log)
	if err != nil {
		ln.Close()
		return err
	}
	defer closeAudit()
	metrics.SetTenants(tenantNames(registry), cfg.AllowAnyDatabase || len(cfg.AllowedDatabases) > 0)
	metrics.Provisioning(trail)
	metrics.SetCertificate(cfg.Certificate.Cert)
	tenants := newConsoleTenants(cfg, registry, pools)
	metrics.TenantHealth(tenants.health)
	rates := console.NewRates()
	var adminAddr net.Addr
	if cfg.AdminAddress != "" {
		admin := adminHandler(metrics.Admin(tenants.health, tenants.headerChecks), console.New(trail, tenants, rates))
		adminSrv, err := telemetry.ServeAdmin(cfg.AdminAddress, admin)
		if err != nil {
			ln.Close()
			return err
		}
		defer adminSrv.Close()
		adminAddr = adminSrv.Addr()
		log.Info("admin endpoints listening", zap.String("address", adminAddr.String()), zap.String("paths", "/ (console) /events /tenants /healthz /readyz /metrics"))
		if opts.AdminReady != nil {
			opts.AdminReady(adminAddr)
		}
	}
	for _, t := range registry.Local() {
		log.Info("tenant", zap.String("app", t.Name()), zap.String("database", t.Config().Database.String()))
	}
	if cfg.CaptureFile != "" {
		log.Info("recording agent configurations (secrets redacted)", zap.String("file", cfg.CaptureFile))
	}
	// The self-check (sqlscim check) of every local tenant: before serving
	// under --strict, which refuses to start on a failure; else beside
	// serving, reporting failures in the log, /readyz and the console.
	var checks sync.WaitGroup
	defer checks.Wait()
	if strict {
		if failed := tenants.selfCheck(ctx, log, registry.Local()); len(failed) > 0 {
			ln.Close()
			return fmt.Errorf("--strict: %d check(s) of the local tenants failed (sqlscim check shows the report): %s", len(failed), strings.Join(failed, "; "))
		}
	} else {
		checks.Go(func() { tenants.selfCheck(ctx, log, registry.Local()) })
	}
	// Only now, with the tenants compiled and every listener bound, is the
	// server ready: "listening" before this was logged also by starts that
	// then failed.
	log.Info("sqlscim listening",
		zap.String("version", buildinfo.Read().Version),
		zap.String("address", ln.Addr().String()),
		zap.String("base_url", fmt.Sprintf("https://%s%s/{app}/scim/v2", displayHost(ln.Addr()), cfg.Server.ContextPath)),
		zap.String("mode", string(cfg.Layout.Mode)),
		zap.String("properties", cfg.PropertiesFile),
	)
	if opts.Ready != nil {
		opts.Ready(ln.Addr())
	}
	if cfg.Demo {
		printBanner(opts.Stderr, cfg, ln.Addr(), adminAddr, isTerminal(opts.Stderr))
	}
	rl := &reloader{cfg: cfg, reread: reread, logs: logs, log: log, trail: trail, registry: registry, metrics: metrics,
		selfCheck: func(ts []*provision.Tenant) { checks.Go(func() { tenants.selfCheck(ctx, log, ts) }) }, applied: tenants.reloaded}
	stopReloads := rl.run(ctx, hup)
	defer stopReloads()
	return server.New(cfg.Server, log, backend{registry}, observers{metrics, rateObserver{rates}}).WithAuditor(trail).Serve(ctx, ln)
}

// buildRegistry loads the local tenants (the tenants file and the demo)
// and compiles them; verifier, if set, checks header configurations on
// first use.
func buildRegistry(ctx context.Context, cfg *config.Config, pools *db.Pools, observer provision.Observer, verifier tenant.Verifier) (*tenant.Registry, error) {
	local, err := localConfigs(ctx, cfg)
	if err != nil {
		return nil, err
	}
	opts := tenant.Options{Local: local, IgnoreUnknown: cfg.IgnoreUnknownHeaderFields, Allowed: cfg.AllowRules, AllowAnyDatabase: cfg.AllowAnyDatabase, Observer: observer, Verifier: verifier}
	if opts.Pins, err = openPins(cfg); err != nil {
		return nil, err
	}
	if cfg.CaptureFile != "" {
		opts.Capture = tenant.NewCapture(cfg.CaptureFile)
	}
	r, err := tenant.NewRegistry(pools, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", tenantsSource(cfg), err)
	}
	return r, nil
}

// localConfigs reads the tenants file and adds the demo tenant when the
// configuration asks for it (and the file has no tenant of that name).
func localConfigs(ctx context.Context, cfg *config.Config) ([]*provision.Config, error) {
	var local []*provision.Config
	if cfg.TenantsFile != "" {
		cfgs, err := tenant.LoadFile(cfg.TenantsFile)
		if err != nil {
			return nil, err
		}
		local = cfgs
	}
	if cfg.Demo {
		d, err := demo.Setup(ctx, cfg.DataDir)
		if err != nil {
			return nil, err
		}
		taken := false
		for _, c := range local {
			taken = taken || c.Name == d.Name
		}
		if !taken {
			local = append(local, d)
		}
	}
	return local, nil
}

// tenantsSource names where the local tenants come from, for errors.
func tenantsSource(cfg *config.Config) string {
	if cfg.TenantsFile != "" {
		return cfg.TenantsFile
	}
	return "tenants"
}

// backend adapts the tenant registry to the server's interface.
type backend struct{ r *tenant.Registry }

func (b backend) Tenant(ctx context.Context, app, header string) (server.Tenant, error) {
	t, err := b.r.Tenant(ctx, app, header)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// isTerminal reports whether w is an interactive terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// printBanner tells a newcomer how to call the demo. The token is shown
// only at a terminal, never where output may end in a log; the curl line
// reads it with "sqlscim credentials", so that it works when pasted.
func printBanner(w io.Writer, cfg *config.Config, addr, admin net.Addr, showToken bool) {
	where := "--data-dir " + shellQuote(cfg.DataDir)
	if cfg.Layout.Mode == config.OPSMode {
		where = "--ops-dir " + shellQuote(cfg.Layout.ConfDir)
	}
	credentials := selfCommand() + " credentials " + where
	token := cfg.Server.Token.Reveal()
	if !showToken {
		token = "<the token: " + credentials + ">"
	}
	console := ""
	if admin != nil {
		console = fmt.Sprintf("  Console:     http://%s/ (the audit trail and the tenants)\n", displayHost(admin))
	}
	cacert := "--cacert " + shellQuote(cfg.CertFile) + " "
	if cfg.CertFile == "" {
		cacert = "--cacert <the certificate " + credentials + " prints> "
	}
	base := fmt.Sprintf("https://%s%s/%s/scim/v2", displayHost(addr), cfg.Server.ContextPath, demo.TenantName)
	fmt.Fprintf(w, `
sqlscim is serving the demo tenant %[1]s from %[2]s

  Base URL:    %[3]s
  Token:       Bearer %[4]s
  Certificate: %[5]s
%[6]s
Try:
  curl %[7]s-H "Authorization: $(%[8]s | grep '^Bearer ')" "%[3]s/Users?count=2"

Press Ctrl-C to stop.

`, demo.TenantName, filepath.Join(cfg.DataDir, demo.FileName), base, token, cfg.CertFile, console, cacert, credentials)
}

// selfCommand is how a shell in the current directory reaches this
// binary: "sqlscim" when that is what the PATH finds, else its path,
// relative when it is under the current directory (bin/sqlscim).
func selfCommand() string {
	exe, err := os.Executable()
	if err != nil {
		return "sqlscim"
	}
	if found, err := exec.LookPath("sqlscim"); err == nil {
		if a, b := canonical(found), canonical(exe); a == b {
			return "sqlscim"
		}
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, exe); err == nil && !strings.HasPrefix(rel, "..") {
			if !strings.Contains(rel, "/") {
				rel = "./" + rel
			}
			return shellQuote(rel)
		}
	}
	return shellQuote(exe)
}

// canonical is path with its symbolic links resolved, or path.
func canonical(path string) string {
	if p, err := filepath.EvalSymlinks(path); err == nil {
		return p
	}
	return path
}

// shellQuote quotes s for a POSIX shell, unless it needs none.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:-+=@%,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// displayHost turns a listening address into something a curl can reach.
func displayHost(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return addr.String()
	}
	if tcp.IP.IsUnspecified() {
		return net.JoinHostPort("localhost", fmt.Sprint(tcp.Port))
	}
	return tcp.String()
}

func checkCommand(ctx context.Context, opts *Options) *cobra.Command {
	var only, header string
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Test every tenant's connection, procedures, statements and columns, changing nothing",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd, opts)
			if err != nil {
				return err
			}
			// A driver's own log lines (go-sql-driver's "packets.go:58 …")
			// would interleave with the table; each failure prints its cause.
			db.SetDriverLogs(func(string, string) {})
			if header != "" {
				app := only
				if app == "" {
					app = "jdbc_on_prem"
				}
				configs, err := readAgentConfigs(header, app)
				if err != nil {
					return err
				}
				return checkAgentConfigs(ctx, opts.Stdout, cfg, configs, header)
			}
			pools := db.NewPools(cfg.Pool)
			defer pools.Close()
			registry, err := buildRegistry(ctx, cfg, pools, nil, nil)
			if err != nil {
				return err
			}
			return runCheck(ctx, opts.Stdout, registry.Local(), only)
		},
	}
	config.RegisterFlags(cmd.Flags(), config.InstallFlags, config.TenantFlags)
	cmd.Flags().StringVar(&only, "tenant", "", "check only this tenant (with --header: the app of a header document, default jdbc_on_prem)")
	cmd.Flags().StringVar(&header, "header", "", "check the agent's configurations instead: a header's decoded JSON document, or captured-headers.jsonl (header.capture)")
	return cmd
}

// runCheck prints a pass/fail table per tenant and fails if any check did.
func runCheck(ctx context.Context, w io.Writer, tenants []*provision.Tenant, only string) error {
	failed, checked := 0, 0
	for _, t := range tenants {
		if only != "" && t.Name() != only {
			continue
		}
		checked++
		fmt.Fprintf(w, "tenant %s (%s)\n", t.Name(), t.Config().Database.String())
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		tenantFailed := false
		for _, r := range t.Check(ctx) {
			result := "ok"
			switch {
			case !r.OK:
				result, tenantFailed = "FAIL", true
			case r.Warning:
				result = "WARN"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", r.Subject, r.Check, result, r.Detail)
		}
		tw.Flush()
		if tenantFailed {
			failed++
		}
		fmt.Fprintln(w)
	}
	switch {
	case checked == 0 && only != "":
		return fmt.Errorf("no local tenant %q; the tenants come from --tenants (and the demo)", only)
	case checked == 0:
		return errors.New("no local tenants to check; give a tenants file with --tenants")
	case failed > 0:
		return fmt.Errorf("%d of %d tenant(s) failed the check", failed, checked)
	}
	fmt.Fprintf(w, "%d tenant(s) passed the check\n", checked)
	return nil
}

func healthCommand(ctx context.Context, opts *Options) *cobra.Command {
	var url string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "health",
		Short: "Exit 0 when a running sqlscim answers its health endpoint (for container health checks)",
		Long: "Asks a running sqlscim's admin endpoint once, without reading any configuration or credential file.\n" +
			"Exits 0 on a 2xx answer; otherwise prints why and exits 1.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
				return fmt.Errorf("--url %q is not an http or https URL", url)
			}
			hctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			req, err := http.NewRequestWithContext(hctx, http.MethodGet, url, nil)
			if err != nil {
				return err
			}
			c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := c.Do(req)
			if err != nil {
				return fmt.Errorf("unhealthy: %w", err)
			}
			defer resp.Body.Close()
			if resp.StatusCode < 200 || resp.StatusCode > 299 {
				return fmt.Errorf("unhealthy: %s answered %s", url, resp.Status)
			}
			_, err = fmt.Fprintln(opts.Stdout, "healthy")
			return err
		},
	}
	cmd.Flags().StringVar(&url, "url", "http://127.0.0.1:8081/healthz", "health endpoint to ask (/readyz also checks the databases)")
	cmd.Flags().DurationVar(&timeout, "timeout", 3*time.Second, "how long to wait for the answer")
	return cmd
}
