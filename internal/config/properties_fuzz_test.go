package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadProperties writes the input as an OPS config-<id>.properties file
// and reads it. It must never panic; an error names the file on one line;
// a file that reads sets only sqlscim keys that an OPS key maps to. The
// seed corpus is in testdata/fuzz/FuzzReadProperties.
func FuzzReadProperties(f *testing.F) {
	f.Add([]byte("server.port=1443\nscim.security.bearer.token=da655feabd8ec0c3f89c1fb6e9f0ad39\n"))
	f.Add([]byte("server.ssl.enabled=false\n"))
	f.Add([]byte("logging.level.root=\\\n  DEBUG\n"))
	path := filepath.Join(f.TempDir(), "config-fuzz.properties")
	ours := map[string]bool{}
	for _, k := range opsKeys {
		if k.ours != "" {
			ours[k.ours] = true
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		p, err := readProperties(path)
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, path+": ") {
				t.Fatalf("the error does not start with the file's name: %q", msg)
			}
			if strings.Contains(msg, "\n") {
				t.Fatalf("the error spans several lines: %q", msg)
			}
			return
		}
		if p.path != path {
			t.Fatalf("path %q, want %q", p.path, path)
		}
		for k := range p.values {
			if !ours[k] {
				t.Fatalf("%q is set, and no OPS key maps to it", k)
			}
			from, ok := p.from[k]
			if !ok {
				t.Fatalf("%q is set from no OPS key", k)
			}
			if opsKeys[from].ours != k {
				t.Fatalf("%q is said to come from %q, which maps to %q", k, from, opsKeys[from].ours)
			}
		}
	})
}
