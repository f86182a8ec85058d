package all

import (
	"fmt"
	"net"
	"path"
	"strconv"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/microsoft/go-mssqldb/msdsn"
	go_ora "github.com/sijms/go-ora/v2"

	"github.com/sqlscim/sqlscim/internal/db"
)

// FuzzEndpoints builds a connection from a host (a host list, a socket
// directory, an address with odd characters), a port, a properties
// string ("k=v;k2=v2", the form an admin types) and an Oracle connect
// descriptor, for every dialect. Whenever DSN and Endpoints both accept
// it, the driver's own parser reads the DSN, and every server the driver
// would dial must be one Endpoints lists: a server Endpoints misses is one
// header.allowed_databases cannot refuse. Connections naming local files
// are skipped (the drivers read those files while parsing); LocalFiles
// must name every property the dialect passes on as a file.
func FuzzEndpoints(f *testing.F) {
	f.Add("127.0.0.1", 5432, "", "")
	f.Add("/nonexistent,127.0.0.1,db.lab.internal", 0, "", "")
	f.Add("/var/run/postgresql", 5432, "sslmode=disable", "")
	f.Add("db.example", 0, "failoverPartner=mirror\\INST;failoverPort=1434;instanceName=A", "")
	f.Add("ora", 1521, "SERVER=ora2:1522", "(DESCRIPTION=(ADDRESS_LIST=(ADDRESS=(HOST=a)(PORT=1))(ADDRESS=(PORT=2)(HOST=b))))")
	f.Add("%2Ftmp", 0, "", "")
	f.Add("db.example", 3306, "serverName=evil;portNumber=1444", "")
	f.Fuzz(func(t *testing.T, host string, port int, props, descriptor string) {
		c := db.Conn{Host: host, Port: port, Database: "d", User: "u", Password: "p", Descriptor: descriptor, Properties: parseProps(props)}
		for _, name := range db.Known() {
			d, _ := db.Lookup(name)
			c.Type = name
			if name != "oracle" {
				c.Descriptor = ""
			} else {
				c.Descriptor = descriptor
			}
			dsn, err := d.DSN(c)
			if err != nil {
				continue
			}
			eps, err := d.Endpoints(c)
			if err != nil || len(d.LocalFiles(c)) > 0 {
				continue
			}
			dialled, err := driverServers(name, dsn)
			if err != nil {
				continue // the driver refuses the DSN: it dials nothing
			}
			for _, s := range dialled {
				if !covered(s, eps) {
					t.Fatalf("%s: the driver may dial %v for %+v, which Endpoints does not list (%v); DSN %s", name, s, c, eps, dsn)
				}
			}
		}
	})
}

// parseProps reads "k=v;k2=v2".
func parseProps(s string) map[string]string {
	out := map[string]string{}
	for _, part := range strings.Split(s, ";") {
		if k, v, ok := strings.Cut(part, "="); ok && strings.TrimSpace(k) != "" {
			out[k] = v
		}
	}
	return out
}

// driverServers parses dsn with the driver's own parser and returns every
// server it would dial.
func driverServers(dialect, dsn string) ([]db.Endpoint, error) {
	switch dialect {
	case "mysql":
		cfg, err := mysql.ParseDSN(dsn)
		if err != nil {
			return nil, err
		}
		if cfg.Net != "tcp" {
			return []db.Endpoint{{Socket: cfg.Net + ":" + cfg.Addr}}, nil
		}
		host, port, err := net.SplitHostPort(cfg.Addr)
		if err != nil {
			return nil, err // the dialer refuses it too
		}
		n, _ := strconv.Atoi(port)
		return []db.Endpoint{{Host: host, Port: n}}, nil
	case "postgresql":
		cfg, err := pgconn.ParseConfig(dsn)
		if err != nil {
			return nil, err
		}
		out := []db.Endpoint{pgEndpoint(cfg.Host, cfg.Port)}
		for _, fb := range cfg.Fallbacks {
			out = append(out, pgEndpoint(fb.Host, fb.Port))
		}
		return out, nil
	case "sqlserver":
		cfg, err := msdsn.Parse(dsn)
		if err != nil {
			return nil, err
		}
		out := []db.Endpoint{{Host: cfg.Host, Port: int(cfg.Port)}}
		if cfg.FailOverPartner != "" {
			port := cfg.Port
			if cfg.FailOverPort != 0 {
				port = cfg.FailOverPort
			}
			host, _, _ := strings.Cut(cfg.FailOverPartner, `\`)
			out = append(out, db.Endpoint{Host: host, Port: int(port)})
		}
		return out, nil
	case "oracle":
		cfg, err := go_ora.ParseConfig(dsn)
		if err != nil {
			return nil, err
		}
		var out []db.Endpoint
		for _, s := range cfg.Servers {
			out = append(out, db.Endpoint{Host: s.Addr, Port: s.Port})
		}
		return out, nil
	}
	return nil, fmt.Errorf("no parser for %s", dialect)
}

func pgEndpoint(host string, port uint16) db.Endpoint {
	if strings.HasPrefix(host, "/") {
		return db.Endpoint{Socket: path.Join(host, ".s.PGSQL."+strconv.Itoa(int(port)))}
	}
	return db.Endpoint{Host: host, Port: int(port)}
}

// covered reports whether Endpoints lists s; an endpoint on port 0 stands
// for every port of its host.
func covered(s db.Endpoint, eps []db.Endpoint) bool {
	for _, ep := range eps {
		switch {
		case s.Socket != "" || ep.Socket != "":
			if s.Socket == ep.Socket {
				return true
			}
		case strings.EqualFold(strings.Trim(s.Host, "[]"), strings.Trim(ep.Host, "[]")) && (ep.Port == 0 || ep.Port == s.Port):
			return true
		}
	}
	return false
}
