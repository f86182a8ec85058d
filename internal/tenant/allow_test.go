package tenant

import (
	"context"
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
	if err := checkAllowed(rules, db.Conn{Host: "db.internal"}, mysqlDialect); err != nil {
		t.Errorf("default port: %v", err)
	}
	err := checkAllowed(rules, db.Conn{Host: "127.0.0.1", Port: 3306}, mysqlDialect)
	if err == nil || err.Error() != "database 127.0.0.1:3306 is not in header.allowed_databases; add it there to let the agent's configuration reach it" {
		t.Errorf("refusal: %v", err)
	}
	desc := "(DESCRIPTION=(ADDRESS_LIST=(ADDRESS=(PROTOCOL=TCP)(HOST=ora1)(PORT=1521))(ADDRESS=(PROTOCOL=TCP)(HOST=ora2)(PORT=1521)))(CONNECT_DATA=(SERVICE_NAME=x)))"
	if err := checkAllowed(rules, db.Conn{Descriptor: desc}, oracleDialect); err == nil {
		t.Error("a descriptor with one address outside the list was allowed")
	}
	if err := checkAllowed(nil, db.Conn{Host: "anything"}, mysqlDialect); err != nil {
		t.Errorf("no rules must allow everything: %v", err)
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
			"the connect descriptor's address (ADDRESS=(PROTOCOL=TCP)(PORT=1521)) has no HOST, so it cannot be checked against header.allowed_databases; give every ADDRESS a (HOST=...)"},
		{"empty host", "(DESCRIPTION=(ADDRESS=(HOST=)(PORT=1521)))",
			"the connect descriptor's address (ADDRESS=(HOST=)(PORT=1521)) has an empty HOST"},
		{"port not a number", "(DESCRIPTION=(ADDRESS=(HOST=allowed.corp)(PORT=15x21)))",
			`the connect descriptor's address (ADDRESS=(HOST=allowed.corp)(PORT=15x21)) has PORT "15x21", which is not a port number (1-65535)`},
		{"unbalanced address", "(DESCRIPTION=(ADDRESS=(HOST=allowed.corp)(PORT=1521)",
			"the connect descriptor's ADDRESS at character 14 has unbalanced parentheses"},
		{"no address", "(DESCRIPTION=(CONNECT_DATA=(SERVICE_NAME=x)))",
			"the connect descriptor has no (ADDRESS=(HOST=...)(PORT=...)) to check against header.allowed_databases"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := checkAllowed(rules, db.Conn{Type: "oracle", Descriptor: tc.desc}, oracle)
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
			err := checkAllowed(rules, tc.conn, tc.d)
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
			err := checkAllowed(rules, tc.conn, sqlserver)
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
