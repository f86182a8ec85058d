package db

import "github.com/sqlscim/sqlscim/internal/setting"

// Validate checks the pool's sizes and durations in the order the
// configuration reference lists them; the first bad one is a
// *setting.Error keyed under pool:.
func (c PoolConfig) Validate() error {
	if err := setting.IntIn("max_open", c.MaxOpen, 1, 1000, "a pool size"); err != nil {
		return err
	}
	if err := setting.IntIn("min_idle", c.MinIdle, 0, c.MaxOpen, "an idle connection count no larger than the pool size"); err != nil {
		return err
	}
	if err := setting.IntIn("max_tenants", c.MaxTenants, 1, 64, "a number of tenant databases"); err != nil {
		return err
	}
	return setting.NonNegative(
		setting.Duration{Key: "connection_timeout", Value: c.ConnectionTimeout},
		setting.Duration{Key: "idle_timeout", Value: c.IdleTimeout},
		setting.Duration{Key: "max_lifetime", Value: c.MaxLifetime},
		setting.Duration{Key: "query_timeout", Value: c.QueryTimeout},
	)
}
