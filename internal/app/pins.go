package app

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sqlscim/sqlscim/internal/config"
	"github.com/sqlscim/sqlscim/internal/tenant"
)

// openPins opens the pins file when header.pinning is learn or enforce.
func openPins(cfg *config.Config) (*tenant.Pins, error) {
	if cfg.Pinning == "" || cfg.Pinning == tenant.PinningOff {
		return nil, nil
	}
	p, err := tenant.OpenPins(cfg.PinsFile, cfg.Pinning)
	if err != nil {
		return nil, fmt.Errorf("header.pinning: %w", err)
	}
	return p, nil
}

// pinsCommand prints the configurations header.pinning learned or holds
// for approval, and approves them.
func pinsCommand(opts *Options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pins",
		Short: "List the agent configurations header.pinning approved and those waiting for approval",
		Long: "Lists, per app, the configurations from the agent's header that header.pinning learned or an admin\n" +
			"approved, and those enforce mode refused, with what changed and the statements they would run.\n" +
			"Approve one with: sqlscim pins approve APP ID",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd, opts)
			if err != nil {
				return err
			}
			f, err := tenant.ReadPinFile(cfg.PinsFile)
			if err != nil {
				return err
			}
			return printPins(opts.Stdout, cfg, f)
		},
	}
	config.RegisterFlags(cmd.Flags(), config.InstallFlags)
	approve := &cobra.Command{
		Use:   "approve APP [ID]",
		Short: "Approve an app's pending configuration (every pending one without ID)",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(cmd, opts)
			if err != nil {
				return err
			}
			id := ""
			if len(args) == 2 {
				id = args[1]
			}
			sets, err := tenant.Approve(cfg.PinsFile, args[0], id)
			if err != nil {
				return err
			}
			for _, s := range sets {
				fmt.Fprintf(opts.Stdout, "approved %s for app %s (%s)\n", s.ID, args[0], s.Database)
			}
			return nil
		},
	}
	config.RegisterFlags(approve.Flags(), config.InstallFlags)
	cmd.AddCommand(approve)
	return cmd
}

// printPins writes the pins file for people: each app, its approved sets,
// and each pending set with what changed and the statements it would run.
func printPins(w io.Writer, cfg *config.Config, f tenant.PinFile) error {
	fmt.Fprintf(w, "header.pinning: %s (%s)\n", cfg.Pinning, cfg.PinsFile)
	apps := make([]string, 0, len(f.Apps))
	for a := range f.Apps {
		apps = append(apps, a)
	}
	sort.Strings(apps)
	if len(apps) == 0 {
		fmt.Fprintln(w, "no configuration recorded yet")
	}
	for _, app := range apps {
		a := f.Apps[app]
		fmt.Fprintf(w, "\napp %s\n", app)
		for _, s := range a.Approved {
			fmt.Fprintf(w, "  approved %s  %s  %d operations  since %s\n", s.ID, s.Database, len(s.Operations), s.FirstSeen.Format("2006-01-02 15:04:05Z"))
		}
		for _, s := range a.Pending {
			fmt.Fprintf(w, "  PENDING  %s  %s  %d operations  seen %s\n", s.ID, s.Database, len(s.Operations), s.FirstSeen.Format("2006-01-02 15:04:05Z"))
			ops := make([]string, 0, len(s.Statements))
			for op := range s.Statements {
				ops = append(ops, op)
			}
			sort.Strings(ops)
			for _, op := range ops {
				mark := " "
				if !approvedOp(a, op, s.Operations[op]) {
					mark = "*"
				}
				fmt.Fprintf(w, "    %s %-28s %s\n", mark, op, strings.Join(strings.Fields(s.Statements[op]), " "))
			}
			fmt.Fprintf(w, "    (* differs from every approved configuration) approve: sqlscim pins approve %s %s\n", app, s.ID)
		}
	}
	return nil
}

// approvedOp reports an operation digest that some approved set of a has.
func approvedOp(a *tenant.AppPins, op, digest string) bool {
	for _, s := range a.Approved {
		if s.Operations[op] == digest {
			return true
		}
	}
	return false
}
