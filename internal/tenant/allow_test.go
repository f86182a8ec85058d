package tenant

import (
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
