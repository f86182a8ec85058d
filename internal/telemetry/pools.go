package telemetry

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/sqlscim/sqlscim/internal/db"
)

// poolCollector reports the connection pools at scrape time.
type poolCollector struct{ pools *db.Pools }

var (
	poolOpen    = prometheus.NewDesc("sqlscim_db_pool_open_connections", "Open connections of a tenant database pool.", []string{"database"}, nil)
	poolInUse   = prometheus.NewDesc("sqlscim_db_pool_in_use_connections", "Connections in use.", []string{"database"}, nil)
	poolIdle    = prometheus.NewDesc("sqlscim_db_pool_idle_connections", "Idle connections.", []string{"database"}, nil)
	poolWaits   = prometheus.NewDesc("sqlscim_db_pool_wait_count_total", "Times a request waited for a connection.", []string{"database"}, nil)
	poolWaited  = prometheus.NewDesc("sqlscim_db_pool_wait_seconds_total", "Time spent waiting for connections.", []string{"database"}, nil)
	poolLeases  = prometheus.NewDesc("sqlscim_db_pool_requests", "Requests using a pool now.", []string{"database"}, nil)
	poolsActive = prometheus.NewDesc("sqlscim_db_pools", "Tenant databases with a live pool.", nil, nil)
)

func (poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolOpen, poolInUse, poolIdle, poolWaits, poolWaited, poolLeases, poolsActive} {
		ch <- d
	}
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	stats := c.pools.Stats()
	ch <- prometheus.MustNewConstMetric(poolsActive, prometheus.GaugeValue, float64(len(stats)))
	for _, s := range stats {
		ch <- prometheus.MustNewConstMetric(poolOpen, prometheus.GaugeValue, float64(s.OpenConnections), s.Identity)
		ch <- prometheus.MustNewConstMetric(poolInUse, prometheus.GaugeValue, float64(s.InUse), s.Identity)
		ch <- prometheus.MustNewConstMetric(poolIdle, prometheus.GaugeValue, float64(s.Idle), s.Identity)
		ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(s.WaitCount), s.Identity)
		ch <- prometheus.MustNewConstMetric(poolWaited, prometheus.CounterValue, s.WaitDuration.Seconds(), s.Identity)
		ch <- prometheus.MustNewConstMetric(poolLeases, prometheus.GaugeValue, float64(s.Leases), s.Identity)
	}
}
