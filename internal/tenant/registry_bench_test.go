package tenant

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/sqlscim/sqlscim/internal/db"
)

// benchAgentHeader is the X-OKTA-ONPREM-DATA value the agent sends for the
// lab tenant of testdata/tenants/mysql-sql.yaml (ten operations, about 4.6 KB
// of base64), with the database named database.
func benchAgentHeader(b *testing.B, database string) string {
	b.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "tenants", "mysql-sql.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	var doc struct {
		Tenants []map[string]any `yaml:"tenants"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		b.Fatal(err)
	}
	t := doc.Tenants[0]
	delete(t, "name")
	t["database"] = map[string]any{"type": "mysql", "host": "db.example", "port": 3306, "database": database,
		"user": "oktademo", "password": "hunter2", "properties": map[string]any{"allowMultiQueries": "true"}}
	js, err := json.Marshal(t)
	if err != nil {
		b.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(js)
}

// benchRegistry is a registry whose header tenants may reach the benchmark
// header's database (db.example:3306), as an admin's allow rule permits.
func benchRegistry(b *testing.B, opts Options) *Registry {
	b.Helper()
	rules, err := ParseAllowRules([]string{"db.example:3306"})
	if err != nil {
		b.Fatal(err)
	}
	opts.Allowed = rules
	pools := db.NewPools(db.DefaultPoolConfig)
	b.Cleanup(func() { pools.Close() })
	r, err := NewRegistry(pools, opts)
	if err != nil {
		b.Fatal(err)
	}
	return r
}

// BenchmarkRegistryTenantCached is every request of the agent after the
// first: the same header again, answered from the cache.
func BenchmarkRegistryTenantCached(b *testing.B) {
	ctx := context.Background()
	r := benchRegistry(b, Options{})
	h := benchAgentHeader(b, "oktademo")
	if _, err := r.Tenant(ctx, "jdbc_on_prem", h); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(h)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := r.Tenant(ctx, "jdbc_on_prem", h); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRegistryTenantUncached is a header never seen before each time:
// base64, JSON, the alias-tolerant decoder, validation and compilation of
// the ten statements. A cache of one entry and 64 different headers used
// in turn make every call a miss.
func BenchmarkRegistryTenantUncached(b *testing.B) {
	ctx := context.Background()
	r := benchRegistry(b, Options{MaxCached: 1})
	headers := make([]string, 64)
	for i := range headers {
		headers[i] = benchAgentHeader(b, "oktademo_"+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	b.SetBytes(int64(len(headers[0])))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := r.Tenant(ctx, "jdbc_on_prem", headers[i%len(headers)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
