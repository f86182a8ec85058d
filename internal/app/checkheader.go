package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/sqlscim/sqlscim/internal/config"
	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/provision"
	"github.com/sqlscim/sqlscim/internal/scim"
	"github.com/sqlscim/sqlscim/internal/tenant"
)

// agentConfig is one configuration of the agent's header to check: the app
// it is for and the header's decoded JSON document.
type agentConfig struct {
	app  string
	line int // in the file, for messages
	doc  json.RawMessage
}

// readAgentConfigs reads FILE of check --header: one decoded header (a JSON
// object, the app defaulting to app), or a captured-headers.jsonl (one
// {"app":…, "config":{…}} per line, as header.capture writes them).
func readAgentConfigs(path, app string) ([]agentConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	type captured struct {
		App    string          `json:"app"`
		Config json.RawMessage `json:"config"`
	}
	var one map[string]json.RawMessage
	if json.Unmarshal(data, &one) == nil {
		var c captured
		if _, ok := one["config"]; ok && json.Unmarshal(data, &c) == nil && c.App != "" {
			return []agentConfig{{app: c.App, line: 1, doc: c.Config}}, nil
		}
		return []agentConfig{{app: app, line: 1, doc: data}}, nil
	}
	var out []agentConfig
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var c captured
		if err := json.Unmarshal(line, &c); err != nil || c.App == "" || len(c.Config) == 0 {
			return nil, fmt.Errorf("%s:%d: neither a header's JSON document nor a line of captured-headers.jsonl ({\"app\":…,\"config\":{…}})", path, n)
		}
		out = append(out, agentConfig{app: c.App, line: n, doc: c.Config})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s holds no configuration", path)
	}
	return out, nil
}

// checkAgentConfigs checks each configuration as serve would receive it in
// the agent's header – decoded, compiled, held against
// header.allowed_databases – and then as check does a local tenant. It
// records nothing (no capture, no pins).
func checkAgentConfigs(ctx context.Context, w io.Writer, cfg *config.Config, configs []agentConfig, path string) error {
	pools := db.NewPools(cfg.Pool)
	defer pools.Close()
	registry, err := tenant.NewRegistry(pools, tenant.Options{IgnoreUnknown: cfg.IgnoreUnknownHeaderFields, Allowed: cfg.AllowRules, AllowAnyDatabase: cfg.AllowAnyDatabase})
	if err != nil {
		return err
	}
	if cfg.Pinning != "" && cfg.Pinning != tenant.PinningOff {
		fmt.Fprintf(w, "note: header.pinning (%s) is not applied here; sqlscim pins lists what it holds\n\n", cfg.Pinning)
	}
	var tenants []*provision.Tenant
	refused := 0
	for _, c := range configs {
		header := base64.StdEncoding.EncodeToString(c.doc)
		t, err := registry.Tenant(ctx, c.app, header)
		if err != nil {
			refused++
			detail := err.Error()
			var se *scim.Error
			if errors.As(err, &se) {
				detail = fmt.Sprintf("%d %s", se.Status, se.Detail)
			}
			fmt.Fprintf(w, "tenant %s (%s:%d)\n  refused as serve would refuse it: %s\n\n", c.app, path, c.line, detail)
			continue
		}
		if strings.Contains(string(c.doc), `"***"`) {
			fmt.Fprintf(w, "note: %s:%d comes from the capture, which replaces secrets with ***: put the password back to check the connection\n", path, c.line)
		}
		tenants = append(tenants, t)
	}
	var checkErr error
	if len(tenants) > 0 {
		checkErr = runCheck(ctx, w, tenants, "")
	}
	if refused > 0 {
		return errors.Join(fmt.Errorf("%d of %d configuration(s) from %s would be refused", refused, len(configs), path), checkErr)
	}
	return checkErr
}
