package server

import (
	"strings"

	"github.com/sqlscim/sqlscim/internal/setting"
)

// minTokenLength is the shortest bearer token the server accepts.
const minTokenLength = 16

// Validate checks the listener, limits, timeouts and token in the order the
// configuration reference lists them; the first bad value is a
// *setting.Error keyed under server: (the token's key is token).
func (c Config) Validate() error {
	// Port 0 picks a free port, which tests use.
	if err := setting.IntIn("port", c.Port, 0, 65535, "a port number"); err != nil {
		return err
	}
	if !strings.HasPrefix(c.ContextPath, "/") || strings.ContainsAny(c.ContextPath, "{}?# ") {
		return setting.Errorf("context_path", "%q is not a usable URL path; OPS uses /ws/rest", c.ContextPath)
	}
	if c.MaxHeaderBytes <= 0 {
		return setting.Errorf("max_header_bytes", "%d is not a size; write it like 65536, 64KB or 1MB", c.MaxHeaderBytes)
	}
	if c.MaxBodyBytes <= 0 {
		return setting.Errorf("max_body_bytes", "%d is not a size; write it like 65536, 64KB or 1MB", c.MaxBodyBytes)
	}
	if err := setting.NonNegative(
		setting.Duration{Key: "read_header_timeout", Value: c.ReadHeaderTimeout},
		setting.Duration{Key: "read_timeout", Value: c.ReadTimeout},
		setting.Duration{Key: "write_timeout", Value: c.WriteTimeout},
		setting.Duration{Key: "idle_timeout", Value: c.IdleTimeout},
		setting.Duration{Key: "shutdown_timeout", Value: c.ShutdownTimeout},
	); err != nil {
		return err
	}
	if err := setting.IntIn("max_results", c.MaxResults, 1, 1000000, "a page size"); err != nil {
		return err
	}
	token := c.Token.Reveal()
	switch {
	case len(token) < minTokenLength:
		return setting.Errorf("token", "the bearer token is shorter than %d characters; use a random one such as `openssl rand -hex 16`", minTokenLength)
	case strings.ContainsAny(token, " \t\r\n"):
		return setting.Errorf("token", "the bearer token contains white space; write only the token, without \"Bearer \"")
	}
	return nil
}
