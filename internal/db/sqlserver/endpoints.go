package sqlserver

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sqlscim/sqlscim/internal/db"
)

// Endpoints lists the servers go-mssqldb may dial for c: the one DSN
// names (from the fields or, where they are empty, serverName, portNumber
// and instanceName), on port 0 when a named instance's port is to come
// from SQL Server Browser, then each failoverPartner on failoverPort (else
// on the main server's port).
func (d Dialect) Endpoints(c db.Conn) ([]db.Endpoint, error) {
	s, _, err := resolve(c)
	if err != nil {
		return nil, err
	}
	main := db.Endpoint{Host: s.host}
	switch {
	case s.port != 0:
		main.Port = s.port
	case s.instance == "":
		main.Port = info.DefaultPort
	}
	out := []db.Endpoint{main}
	partners := db.PropertyValues(c.Properties, "failoverpartner")
	if len(partners) == 0 {
		return out, nil
	}
	ports := []int{}
	for _, v := range db.PropertyValues(c.Properties, "failoverport") {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("the failoverPort property %q is not a port number (1-65535)", v)
		}
		ports = append(ports, n)
	}
	if len(ports) == 0 {
		ports = []int{main.Port}
	}
	for _, v := range partners {
		host, _, _ := strings.Cut(v, `\`)
		if host == "" {
			return nil, fmt.Errorf("the failoverPartner property %q has no host", v)
		}
		for _, n := range ports {
			out = append(out, db.Endpoint{Host: host, Port: n})
		}
	}
	return out, nil
}

// LocalFiles names the certificate property: go-mssqldb reads that file
// of the sqlscim host.
func (Dialect) LocalFiles(c db.Conn) []string {
	var out []string
	for _, k := range db.SortedKeys(c.Properties) {
		if strings.EqualFold(strings.TrimSpace(k), "certificate") {
			out = append(out, k)
		}
	}
	return out
}
