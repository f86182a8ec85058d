package tenant

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/sqlscim/sqlscim/internal/db"
)

func TestAllowRules(t *testing.T) {
	rules, err := ParseAllowRules([]string{"db.internal:3306", "*.corp.example", "10.0.0.0/8:5432", "[fd00::/8]:1433", "oracle.corp.example:*"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		host string
		port int
		ok   bool
	}{
		{"db.internal", 3306, true},
		{"DB.INTERNAL", 3306, true},
		{"db.internal", 3307, false},
		{"evil.example", 3306, false},
		{"pg.corp.example", 5432, true},
		{"corp.example", 5432, false},
		{"10.1.2.3", 5432, true},
		{"10.1.2.3", 3306, false},
		{"11.1.2.3", 5432, false},
		{"fd00::5", 1433, true},
		{"127.0.0.1", 3306, false},
	} {
		ok := false
		for _, r := range rules {
			ok = ok || r.allows(tc.host, tc.port)
		}
		if ok != tc.ok {
			t.Errorf("%s:%d allowed=%v, want %v", tc.host, tc.port, ok, tc.ok)
		}
	}
	for _, bad := range []string{"db:notaport", "db:70000", "10.0.0.0/99", "[fd00::", ":3306"} {
		if _, err := ParseAllowRules([]string{bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestAllowRulesOnConnections(t *testing.T) {
	rules, _ := ParseAllowRules([]string{"db.internal:3306", "ora1:1521"})
	mysqlDialect, _ := db.Lookup("mysql")
	oracleDialect, _ := db.Lookup("oracle")
	if err := (allowList{rules: rules}).check(context.Background(), db.Conn{Host: "db.internal"}, mysqlDialect); err != nil {
		t.Errorf("default port: %v", err)
	}
	err := allowList{rules: rules}.check(context.Background(), db.Conn{Host: "127.0.0.1", Port: 3306}, mysqlDialect)
	if err == nil || err.Error() != `database 127.0.0.1:3306 is the sqlscim host or on its link (loopback, link-local), which only a rule naming it allows; add "127.0.0.1:3306" to header.allowed_databases to let the agent's configuration reach it` {
		t.Errorf("refusal: %v", err)
	}
	desc := "(DESCRIPTION=(ADDRESS_LIST=(ADDRESS=(PROTOCOL=TCP)(HOST=ora1)(PORT=1521))(ADDRESS=(PROTOCOL=TCP)(HOST=ora2)(PORT=1521)))(CONNECT_DATA=(SERVICE_NAME=x)))"
	if err := (allowList{rules: rules}).check(context.Background(), db.Conn{Descriptor: desc}, oracleDialect); err == nil {
		t.Error("a descriptor with one address outside the list was allowed")
	}
	if err := (allowList{anyDatabase: true}).check(context.Background(), db.Conn{Host: "anything"}, mysqlDialect); err != nil {
		t.Errorf("allow_any_database must allow a database elsewhere: %v", err)
	}
}

// Every address the Oracle driver may dial is checked, however the
// descriptor writes it; a descriptor with an address that cannot be read
// is refused.
func TestAllowRulesOnOracleDescriptors(t *testing.T) {
	rules, err := ParseAllowRules([]string{"allowed.corp:1521", "standby.corp:1522", "10.0.0.0/8:1521"})
	if err != nil {
		t.Fatal(err)
	}
	oracle, _ := db.Lookup("oracle")
	const refused = " is not in header.allowed_databases; add it there to let the agent's configuration reach it"
	tests := []struct {
		name string
		desc string
		want string // "" when allowed; else the error
	}{
		{"host then port", "(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=allowed.corp)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=x)))", ""},
		{"port then host", "(DESCRIPTION=(ADDRESS=(PORT=1521)(HOST=allowed.corp)(PROTOCOL=TCP))(CONNECT_DATA=(SERVICE_NAME=x)))", ""},
		{"lower case and spaces", "(description = (address = ( protocol = tcp ) ( port = 1521 ) ( host = Allowed.Corp ) ) (connect_data=(service_name=x)))", ""},
		{"no port means 1521", "(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=allowed.corp))(CONNECT_DATA=(SERVICE_NAME=x)))", ""},
		{"no port on a host allowed on another port", "(DESCRIPTION=(ADDRESS=(HOST=standby.corp))(CONNECT_DATA=(SERVICE_NAME=x)))",
			"database standby.corp:1521" + refused},
		{"address list all allowed", "(DESCRIPTION=(ADDRESS_LIST=(ADDRESS=(HOST=allowed.corp)(PORT=1521))(ADDRESS=(PORT=1522)(HOST=standby.corp)))(CONNECT_DATA=(SERVICE_NAME=x)))", ""},
		{"IP address in a CIDR block", "(DESCRIPTION=(ADDRESS=(HOST=10.1.2.3)(PORT=1521))(CONNECT_DATA=(SID=x)))", ""},
		{"bypass: port first in the first address", "(DESCRIPTION=(ADDRESS_LIST=(ADDRESS=(PORT=1521)(HOST=evil.example))(ADDRESS=(HOST=allowed.corp)(PORT=1521)))(CONNECT_DATA=(SERVICE_NAME=x)))",
			"database evil.example:1521" + refused},
		{"bypass: no port in the first address", "(DESCRIPTION=(ADDRESS_LIST=(ADDRESS=(PROTOCOL=TCP)(HOST=evil.example))(ADDRESS=(HOST=allowed.corp)(PORT=1521)))(CONNECT_DATA=(SERVICE_NAME=x)))",
			"database evil.example:1521" + refused},
		{"bypass: allowed host on another port", "(DESCRIPTION=(ADDRESS=(PORT=2484)(PROTOCOL=TCPS)(HOST=allowed.corp))(CONNECT_DATA=(SERVICE_NAME=x)))",
			"database allowed.corp:2484" + refused},
		{"bypass: second address in lower case", "(DESCRIPTION=(ADDRESS=(HOST=allowed.corp)(PORT=1521))(address=(port=1521)(host=evil.example))(CONNECT_DATA=(SERVICE_NAME=x)))",
			"database evil.example:1521" + refused},
		{"bypass: address broken by a line break", "(DESCRIPTION=(ADDRESS=(HOST=allowed.corp)(PORT=1521))(ADD\r\nRESS=(HO\nST=evil.example)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=x)))",
			"database evil.example:1521" + refused},
		{"bypass: description list", "(DESCRIPTION_LIST=(DESCRIPTION=(ADDRESS=(HOST=allowed.corp)(PORT=1521)))(DESCRIPTION=(ADDRESS=(HOST=evil.example)(PORT=1521))))",
			"database evil.example:1521" + refused},
		{"bypass: host given twice", "(DESCRIPTION=(ADDRESS=(HOST=allowed.corp)(HOST=evil.example)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=x)))",
			"database evil.example:1521" + refused},
		{"bypass: port given twice", "(DESCRIPTION=(ADDRESS=(HOST=allowed.corp)(PORT=1521)(PORT=1600))(CONNECT_DATA=(SERVICE_NAME=x)))",
			"database allowed.corp:1600" + refused},
		{"address without a host", "(DESCRIPTION=(ADDRESS=(HOST=allowed.corp)(PORT=1521))(ADDRESS=(PROTOCOL=TCP)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=x)))",
			"the connect descriptor's address (ADDRESS=(PROTOCOL=TCP)(PORT=1521)) has no HOST; give every ADDRESS a (HOST=...)"},
		{"empty host", "(DESCRIPTION=(ADDRESS=(HOST=)(PORT=1521)))",
			"the connect descriptor's address (ADDRESS=(HOST=)(PORT=1521)) has an empty HOST"},
		{"port not a number", "(DESCRIPTION=(ADDRESS=(HOST=allowed.corp)(PORT=15x21)))",
			`the connect descriptor's address (ADDRESS=(HOST=allowed.corp)(PORT=15x21)) has PORT "15x21", which is not a port number (1-65535)`},
		{"unbalanced address", "(DESCRIPTION=(ADDRESS=(HOST=allowed.corp)(PORT=1521)",
			"the connect descriptor's ADDRESS at character 14 has unbalanced parentheses"},
		{"no address", "(DESCRIPTION=(CONNECT_DATA=(SERVICE_NAME=x)))",
			"the connect descriptor has no (ADDRESS=(HOST=...)(PORT=...))"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := allowList{rules: rules}.check(context.Background(), db.Conn{Type: "oracle", Descriptor: tc.desc}, oracle)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// The bypass of the review: a header whose jdbc_url lists a host outside
// the allow-list before an allowed one is refused by the registry.
func TestRegistryRefusesDescriptorOutsideTheAllowList(t *testing.T) {
	rules, _ := ParseAllowRules([]string{"allowed.corp"})
	r := testRegistry(t, Options{Allowed: rules})
	doc := labHeaderDoc()
	doc["database"] = map[string]any{"user": "u", "password": "p",
		"jdbc_url": "jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS_LIST=(ADDRESS=(PORT=1521)(HOST=evil.example))(ADDRESS=(HOST=allowed.corp)(PORT=1521)))(CONNECT_DATA=(SERVICE_NAME=x)))"}
	_, err := r.Tenant(context.Background(), "app", testHeader(t, doc))
	se := scimError(t, err)
	if se.Status != 403 || se.Detail != "X-OKTA-ONPREM-DATA: database evil.example:1521 is not in header.allowed_databases; add it there to let the agent's configuration reach it" {
		t.Errorf("got %d %q", se.Status, se.Detail)
	}
}

// Drivers dial servers that properties name when the main one fails:
// go-ora's SERVER option and SQL Server's failoverPartner. They are
// checked like the main host.
func TestAllowRulesOnFallbackServers(t *testing.T) {
	rules, _ := ParseAllowRules([]string{"allowed.corp", "mirror.corp:1434"})
	oracle, _ := db.Lookup("oracle")
	sqlserver, _ := db.Lookup("sqlserver")
	mysql, _ := db.Lookup("mysql")
	tests := []struct {
		name string
		conn db.Conn
		d    db.Dialect
		want string
	}{
		{"oracle SERVER allowed", db.Conn{Host: "allowed.corp", Properties: map[string]string{"SERVER": "allowed.corp:1600"}}, oracle, ""},
		{"oracle SERVER outside", db.Conn{Host: "allowed.corp", Properties: map[string]string{"server": "evil.example:1521"}}, oracle,
			"database evil.example:1521 is not in header.allowed_databases; add it there to let the agent's configuration reach it"},
		{"oracle SERVER after a descriptor", db.Conn{Descriptor: "(DESCRIPTION=(ADDRESS=(HOST=allowed.corp)))", Properties: map[string]string{" Server ": "evil.example"}}, oracle,
			"database evil.example:1521 is not in header.allowed_databases; add it there to let the agent's configuration reach it"},
		{"oracle SERVER with a bad port", db.Conn{Host: "allowed.corp", Properties: map[string]string{"SERVER": "allowed.corp:x"}}, oracle,
			`the SERVER property "allowed.corp:x" has "x", which is not a port number (1-65535)`},
		{"sqlserver failoverPartner allowed", db.Conn{Host: "allowed.corp", Properties: map[string]string{"failoverPartner": "mirror.corp", "failoverPort": "1434"}}, sqlserver, ""},
		{"sqlserver failoverPartner on the main port", db.Conn{Host: "allowed.corp", Properties: map[string]string{"failoverpartner": "mirror.corp"}}, sqlserver,
			"database mirror.corp:1433 is not in header.allowed_databases; add it there to let the agent's configuration reach it"},
		{"sqlserver failoverPartner outside", db.Conn{Host: "allowed.corp", Properties: map[string]string{"failoverPartner": `evil.example\INST`}}, sqlserver,
			"database evil.example:1433 is not in header.allowed_databases; add it there to let the agent's configuration reach it"},
		{"sqlserver bad failoverPort", db.Conn{Host: "allowed.corp", Properties: map[string]string{"failoverPartner": "mirror.corp", "failoverPort": "0"}}, sqlserver,
			`the failoverPort property "0" is not a port number (1-65535)`},
		{"a server property means nothing to mysql", db.Conn{Host: "allowed.corp", Properties: map[string]string{"server": "evil.example"}}, mysql, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := allowList{rules: rules}.check(context.Background(), tc.conn, tc.d)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// SQL Server's properties may name the server the driver dials
// (serverName, portNumber, instanceName): the check sees that server, not
// the empty or default fields. A named instance without a port is dialled
// on whatever port SQL Server Browser answers, which only a rule allowing
// every port of the host allows.
func TestAllowRulesOnSQLServerProperties(t *testing.T) {
	rules, _ := ParseAllowRules([]string{"sql.corp:1433", "any.corp"})
	sqlserver, _ := db.Lookup("sqlserver")
	const notListed = " is not in header.allowed_databases; add it there to let the agent's configuration reach it"
	tests := []struct {
		name string
		conn db.Conn
		want string
	}{
		{"the default port", db.Conn{Host: "sql.corp"}, ""},
		{"portNumber elsewhere", db.Conn{Host: "sql.corp", Properties: map[string]string{"portNumber": "1444"}},
			"database sql.corp:1444" + notListed},
		{"port property elsewhere", db.Conn{Host: "sql.corp", Properties: map[string]string{"PORT": "2433"}},
			"database sql.corp:2433" + notListed},
		{"the port field wins over portNumber, as in the DSN", db.Conn{Host: "sql.corp", Port: 1433, Properties: map[string]string{"portNumber": "1444"}}, ""},
		{"serverName names the host", db.Conn{Properties: map[string]string{"serverName": "evil.example"}},
			"database evil.example:1433" + notListed},
		{"serverName with a port", db.Conn{Properties: map[string]string{"serverName": "sql.corp:1444"}},
			"database sql.corp:1444" + notListed},
		{"a named instance without a port", db.Conn{Host: "sql.corp", Instance: "INST"},
			"database sql.corp (any port: a named instance's port comes from SQL Server Browser)" + notListed},
		{"instanceName without a port", db.Conn{Host: "sql.corp", Properties: map[string]string{"instanceName": "INST"}},
			"database sql.corp (any port: a named instance's port comes from SQL Server Browser)" + notListed},
		{"a named instance with its port", db.Conn{Host: "sql.corp", Instance: "INST", Port: 1433}, ""},
		{"a named instance on a host allowed on every port", db.Conn{Host: "any.corp", Instance: "INST"}, ""},
		{"no host at all", db.Conn{}, "SQL Server connection has no host"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := allowList{rules: rules}.check(context.Background(), tc.conn, sqlserver)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// Header mode is safe by default: with neither header.allowed_databases
// nor header.allow_any_database, a header configuration reaches nothing,
// and the 403 names the one line the admin must add.
func TestHeaderDatabasesAreDeniedByDefault(t *testing.T) {
	pools := db.NewPools(db.DefaultPoolConfig)
	t.Cleanup(func() { pools.Close() })
	r, err := NewRegistry(pools, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Tenant(context.Background(), "app", testHeader(t, labHeaderDoc()))
	se := scimError(t, err)
	want := `X-OKTA-ONPREM-DATA: configurations from the agent's header reach no database until the sqlscim admin lists them: add header.allowed_databases: ["db.example:3306"] to sqlscim's configuration (or SQLSCIM_HEADER_ALLOWED_DATABASES=db.example:3306), or set header.allow_any_database: true`
	if se.Status != 403 || se.Detail != want {
		t.Errorf("got %d %q", se.Status, se.Detail)
	}
	any := testRegistry(t, Options{AllowAnyDatabase: true})
	if _, err := any.Tenant(context.Background(), "app", testHeader(t, labHeaderDoc())); err != nil {
		t.Errorf("allow_any_database: %v", err)
	}
}

// The sqlscim host itself and its link (loopback, unspecified and
// link-local addresses, localhost) are reached only through a rule that
// names them: never through *, *.domain, a wide CIDR block or
// allow_any_database, and not through a name that resolves there.
func TestLocalAddressesNeedARuleNamingThem(t *testing.T) {
	mysqlDialect, _ := db.Lookup("mysql")
	resolver := func(_ context.Context, host string) ([]net.IPAddr, error) {
		switch host {
		case "sneaky.example":
			return []net.IPAddr{{IP: net.ParseIP("10.0.0.1")}, {IP: net.ParseIP("127.0.0.1")}}, nil
		case "metadata.example":
			return []net.IPAddr{{IP: net.ParseIP("169.254.169.254")}}, nil
		case "db.example":
			return []net.IPAddr{{IP: net.ParseIP("10.0.0.2")}}, nil
		}
		return nil, errors.New("no such host")
	}
	broad := allowList{rules: mustRules(t, "*", "0.0.0.0/0", "[::/0]", "*.localhost"), lookup: resolver}
	anyDB := allowList{anyDatabase: true, lookup: resolver}
	named := allowList{rules: mustRules(t, "127.0.0.1:3306", "localhost", "[::1]", "169.254.0.0/16:3306"), lookup: resolver}
	for _, host := range []string{"127.0.0.1", "127.8.9.10", "localhost", "LOCALHOST.", "db.localhost", "::1", "0.0.0.0", "::", "169.254.169.254", "fe80::1", "::ffff:127.0.0.1"} {
		for name, list := range map[string]allowList{"broad rules": broad, "allow_any_database": anyDB} {
			err := list.check(context.Background(), db.Conn{Host: host, Port: 3306}, mysqlDialect)
			if err == nil || !strings.Contains(err.Error(), "which only a rule naming it allows") {
				t.Errorf("%s allows %s: %v", name, host, err)
			}
		}
	}
	for _, host := range []string{"127.0.0.1", "localhost", "::1", "169.254.169.254"} {
		if err := named.check(context.Background(), db.Conn{Host: host, Port: 3306}, mysqlDialect); err != nil {
			t.Errorf("a rule naming %s: %v", host, err)
		}
	}
	if err := named.check(context.Background(), db.Conn{Host: "127.0.0.2", Port: 3306}, mysqlDialect); err == nil {
		t.Error("a rule naming 127.0.0.1 allows 127.0.0.2")
	}
	for host, want := range map[string]string{
		"sneaky.example":   `database sneaky.example:3306 resolves to 127.0.0.1, the sqlscim host or its link (loopback, link-local), which only a rule naming the host allows; add "sneaky.example:3306" to header.allowed_databases to let the agent's configuration reach it`,
		"metadata.example": `database metadata.example:3306 resolves to 169.254.169.254, the sqlscim host or its link (loopback, link-local), which only a rule naming the host allows; add "metadata.example:3306" to header.allowed_databases to let the agent's configuration reach it`,
		"db.example":       "",
		"unknown.example":  "",
	} {
		for name, list := range map[string]allowList{"*": broad, "allow_any_database": anyDB} {
			err := list.check(context.Background(), db.Conn{Host: host, Port: 3306}, mysqlDialect)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != want {
				t.Errorf("%s, %s:\ngot  %q\nwant %q", name, host, got, want)
			}
		}
	}
}

// A header configuration may not name files of the sqlscim host (a
// PostgreSQL key, a SQL Server certificate, an Oracle wallet) nor dial a
// Unix socket, whatever the allow-list says; a PostgreSQL host list is
// not a host at all.
func TestHeaderConfigurationsNameNoLocalFilesAndNoSockets(t *testing.T) {
	list := allowList{anyDatabase: true, rules: mustRules(t, "*", "127.0.0.1")}
	pg, _ := db.Lookup("postgresql")
	sqlserver, _ := db.Lookup("sqlserver")
	oracle, _ := db.Lookup("oracle")
	for _, tc := range []struct {
		d    db.Dialect
		c    db.Conn
		want string
	}{
		{pg, db.Conn{Host: "db.example", Properties: map[string]string{"sslrootcert": "/etc/sqlscim/ca.pem", "sslkey": "/etc/pki/tls/private/OktaOnPremScimServer-local.key"}},
			"connection property sslkey, sslrootcert names a file of the sqlscim host; configurations from the agent's header may not read local files (configure such a database in the local tenants file)"},
		{sqlserver, db.Conn{Host: "db.example", Properties: map[string]string{"certificate": "/etc/passwd"}},
			"connection property certificate names a file of the sqlscim host; configurations from the agent's header may not read local files (configure such a database in the local tenants file)"},
		{oracle, db.Conn{Host: "db.example", Properties: map[string]string{"TNS_ADMIN": "/etc"}},
			"connection property TNS_ADMIN names a file of the sqlscim host; configurations from the agent's header may not read local files (configure such a database in the local tenants file)"},
		{pg, db.Conn{Host: "/var/run/postgresql"},
			"the database is the Unix socket /var/run/postgresql/.s.PGSQL.5432 of the sqlscim host; configurations from the agent's header reach databases over TCP only: give a host name or address"},
		{pg, db.Conn{Host: "/nonexistent,127.0.0.1,db.lab.internal"},
			`PostgreSQL host "/nonexistent,127.0.0.1,db.lab.internal" is a list of hosts; sqlscim connects to one host`},
	} {
		err := list.check(context.Background(), tc.c, tc.d)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s %+v:\ngot  %v\nwant %s", tc.d.Info().Name, tc.c, err, tc.want)
		}
	}
}
