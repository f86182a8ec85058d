// Command sqlscim is a SCIM 2.0 server for SQL databases and a drop-in
// replacement for the Okta On-Prem SCIM Server.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/sqlscim/sqlscim/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := app.Run(ctx, os.Args[1:], app.Options{Stdout: os.Stdout, Stderr: os.Stderr}); err != nil {
		fmt.Fprintln(os.Stderr, "sqlscim: "+err.Error())
		os.Exit(1)
	}
}
