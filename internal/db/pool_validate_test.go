package db

import (
	"testing"
	"time"
)

// Every value Validate refuses, with the exact message.
func TestPoolConfigValidateBadValues(t *testing.T) {
	if err := DefaultPoolConfig.Validate(); err != nil {
		t.Fatalf("the default pool: %v", err)
	}
	for _, tc := range []struct {
		name   string
		change func(c *PoolConfig)
		want   string
	}{
		{"no connections", func(c *PoolConfig) { c.MaxOpen = 0 }, "max_open: 0 is not a pool size; use a whole number from 1 to 1000"},
		{"too many connections", func(c *PoolConfig) { c.MaxOpen = 1001 }, "max_open: 1001 is not a pool size; use a whole number from 1 to 1000"},
		{"more idle than open", func(c *PoolConfig) { c.MinIdle = 11 }, "min_idle: 11 is not an idle connection count no larger than the pool size; use a whole number from 0 to 10"},
		{"negative idle", func(c *PoolConfig) { c.MinIdle = -1 }, "min_idle: -1 is not an idle connection count no larger than the pool size; use a whole number from 0 to 10"},
		{"no tenants", func(c *PoolConfig) { c.MaxTenants = 0 }, "max_tenants: 0 is not a number of tenant databases; use a whole number from 1 to 64"},
		{"too many tenants", func(c *PoolConfig) { c.MaxTenants = 65 }, "max_tenants: 65 is not a number of tenant databases; use a whole number from 1 to 64"},
		{"negative wait", func(c *PoolConfig) { c.ConnectionTimeout = -time.Second }, "connection_timeout: -1s is negative; write a duration such as 30s"},
		{"negative query timeout", func(c *PoolConfig) { c.QueryTimeout = -time.Second }, "query_timeout: -1s is negative; write a duration such as 30s"},
		{"two bad values, the first named", func(c *PoolConfig) { c.MaxTenants, c.MaxOpen = 0, 0 }, "max_open: 0 is not a pool size; use a whole number from 1 to 1000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultPoolConfig
			tc.change(&c)
			if err := c.Validate(); err == nil || err.Error() != tc.want {
				t.Errorf("Validate() = %v\nwant %s", err, tc.want)
			}
		})
	}
}
