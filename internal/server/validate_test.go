package server

import (
	"testing"
	"time"

	"github.com/sqlscim/sqlscim/internal/secret"
)

// Every value Validate refuses, with the exact message an admin reads
// after the configuration's section and source.
func TestConfigValidateBadValues(t *testing.T) {
	good := func() Config {
		return Config{Port: 1443, ContextPath: "/ws/rest", MaxHeaderBytes: 64 << 10, MaxBodyBytes: 1 << 20, MaxResults: 1000,
			ReadTimeout: 30 * time.Second, Token: secret.String("0123456789abcdef0123456789abcdef")}
	}
	if err := good().Validate(); err != nil {
		t.Fatalf("a good configuration: %v", err)
	}
	for _, tc := range []struct {
		name   string
		change func(c *Config)
		want   string
	}{
		{"port above the range", func(c *Config) { c.Port = 70000 }, "port: 70000 is not a port number; use a whole number from 0 to 65535"},
		{"negative port", func(c *Config) { c.Port = -1 }, "port: -1 is not a port number; use a whole number from 0 to 65535"},
		{"context path with a brace", func(c *Config) { c.ContextPath = "/ws/{app}" }, `context_path: "/ws/{app}" is not a usable URL path; OPS uses /ws/rest`},
		{"context path without its slash", func(c *Config) { c.ContextPath = "ws" }, `context_path: "ws" is not a usable URL path; OPS uses /ws/rest`},
		{"no header room", func(c *Config) { c.MaxHeaderBytes = 0 }, "max_header_bytes: 0 is not a size; write it like 65536, 64KB or 1MB"},
		{"no body room", func(c *Config) { c.MaxBodyBytes = -1 }, "max_body_bytes: -1 is not a size; write it like 65536, 64KB or 1MB"},
		{"negative timeout", func(c *Config) { c.WriteTimeout = -time.Second }, "write_timeout: -1s is negative; write a duration such as 30s"},
		{"two negative timeouts, the first named", func(c *Config) { c.IdleTimeout, c.ReadHeaderTimeout = -time.Second, -time.Minute }, "read_header_timeout: -1m0s is negative; write a duration such as 30s"},
		{"no page", func(c *Config) { c.MaxResults = 0 }, "max_results: 0 is not a page size; use a whole number from 1 to 1000000"},
		{"page too large", func(c *Config) { c.MaxResults = 1000001 }, "max_results: 1000001 is not a page size; use a whole number from 1 to 1000000"},
		{"short token", func(c *Config) { c.Token = "abc" }, "token: the bearer token is shorter than 16 characters; use a random one such as `openssl rand -hex 16`"},
		{"token with a space", func(c *Config) { c.Token = "Bearer 0123456789abcdef" }, `token: the bearer token contains white space; write only the token, without "Bearer "`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good()
			tc.change(&c)
			if err := c.Validate(); err == nil || err.Error() != tc.want {
				t.Errorf("Validate() = %v\nwant %s", err, tc.want)
			}
		})
	}
}
