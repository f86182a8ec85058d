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
	"runtime/debug"
	"syscall"

	"github.com/spf13/cobra"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/sqlscim/sqlscim/internal/config"
	"github.com/sqlscim/sqlscim/internal/logging"
	"github.com/sqlscim/sqlscim/internal/server"
)

// Version is set at build time with -ldflags "-X github.com/sqlscim/sqlscim/internal/app.Version=…".
var Version = ""

// version returns the build's version.
func version() string {
	if Version != "" {
		return Version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

// Options let tests observe and adjust a run.
type Options struct {
	Stdout, Stderr io.Writer
	// Config adjusts configuration loading (test directories, key size).
	Config config.Options
	// Ready, if set, is called with the listening address once the server accepts.
	Ready func(addr net.Addr)
}

// Run executes the sqlscim command line in args until ctx is cancelled.
func Run(ctx context.Context, args []string, opts Options) error {
	root := &cobra.Command{
		Use:           "sqlscim",
		Short:         "SCIM 2.0 server for SQL databases, a drop-in replacement for the Okta On-Prem SCIM Server",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(opts.Stdout)
	root.SetErr(opts.Stderr)
	root.SetArgs(args)
	root.AddCommand(serveCommand(ctx, &opts), credentialsCommand(&opts), versionCommand(&opts))
	return root.ExecuteContext(ctx)
}

func versionCommand(opts *Options) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(opts.Stdout, "sqlscim %s\n", version())
			return err
		},
	}
}

// loadConfig reads the configuration with the command's flags.
func loadConfig(cmd *cobra.Command, opts *Options) (*config.Config, error) {
	o := opts.Config
	o.Flags = cmd.Flags()
	return config.Load(o)
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
	config.RegisterFlags(cmd.Flags())
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
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the SCIM API over HTTPS",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd, opts)
			if err != nil {
				return err
			}
			return serve(ctx, cfg, opts)
		},
	}
	config.RegisterFlags(cmd.Flags())
	return cmd
}

func serve(ctx context.Context, cfg *config.Config, opts *Options) error {
	log, closeLog, err := logging.New(cfg.Log, zapcore.AddSync(opts.Stdout))
	if err != nil {
		return fmt.Errorf("logging: %w", err)
	}
	defer closeLog()

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
	log.Info("sqlscim listening",
		zap.String("version", version()),
		zap.String("address", ln.Addr().String()),
		zap.String("base_url", fmt.Sprintf("https://%s%s/{app}/scim/v2", displayHost(ln.Addr()), cfg.Server.ContextPath)),
		zap.String("mode", string(cfg.Layout.Mode)),
		zap.String("properties", cfg.PropertiesFile),
	)
	if opts.Ready != nil {
		opts.Ready(ln.Addr())
	}
	return server.New(cfg.Server, log).Serve(ctx, ln)
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
