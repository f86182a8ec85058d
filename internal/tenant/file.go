package tenant

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"gopkg.in/yaml.v3"

	"github.com/sqlscim/sqlscim/internal/db"
	"github.com/sqlscim/sqlscim/internal/provision"
	"github.com/sqlscim/sqlscim/internal/secret"
	"github.com/sqlscim/sqlscim/internal/yamlerr"
)

// LoadFile reads the local tenants file: a YAML document with a `tenants:`
// list, each entry in the same shape as the agent's JSON. A file that holds
// a password itself (rather than password_env or password_file) must not
// be open to others; a password_file neither.
func LoadFile(path string) ([]*provision.Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	cfgs, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	var doc any
	if yaml.Unmarshal(data, &doc) == nil && holdsPassword(doc) {
		if err := secret.CheckFileMode(path, "tenants file, which holds a database password,"); err != nil {
			return nil, err
		}
	}
	return cfgs, nil
}

// holdsPassword reports whether a decoded document carries a password: a
// non-empty value under any spelling of the password key, or a URL or
// property string with one.
func holdsPassword(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && isPasswordKey(k) && s != "" {
				return true
			}
			if holdsPassword(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if holdsPassword(e) {
				return true
			}
		}
	case string:
		return db.HoldsCredentials(x)
	}
	return false
}

// Parse decodes a tenants document; name is used in messages.
func Parse(name string, data []byte) ([]*provision.Config, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty; write a `tenants:` list", name)
		}
		return nil, fmt.Errorf("%s: not valid YAML: %v", name, yamlerr.Locate(data, err))
	}
	var problems provision.Problems
	var out []*provision.Config
	for k := range doc {
		if k != "tenants" {
			problems = append(problems, provision.Problem{Path: k, Message: "unknown key; the file has one key, tenants"})
		}
	}
	list, ok := doc["tenants"].([]any)
	if !ok {
		problems = append(problems, provision.Problem{Path: "tenants", Message: "missing or not a list; write `tenants:` followed by `- name: ...` entries"})
	}
	for i, e := range list {
		cfg, err := Decode(e, Source{Path: fmt.Sprintf("tenants[%d]", i), Trusted: true})
		if err != nil {
			var ps provision.Problems
			if errors.As(err, &ps) {
				problems = append(problems, ps...)
				continue
			}
			return nil, err
		}
		out = append(out, cfg)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s: %w", name, problems)
	}
	return out, nil
}
