package provision

import (
	"encoding/json"
	"strings"
	"testing"
)

// benchLabColumns are the 25 columns of the lab's Get Users as MySQL
// reports them.
func benchLabColumns() []column {
	names := []string{
		"USER_ID", "USERNAME", "FIRSTNAME", "LASTNAME", "MIDDLENAME", "EMAIL", "DISPLAYNAME", "NICKNAME",
		"MOBILEPHONE", "STREETADDRESS", "CITY", "STATE", "ZIPCODE", "COUNTRYCODE", "TIMEZONE", "ORGANIZATION",
		"DEPARTMENT", "MANAGERID", "MANAGER", "TITLE", "EMPLOYEENUMBER", "HIREDATE", "TERMINATIONDATE",
		"PASSWORD_HASH", "IS_ACTIVE",
	}
	cols := make([]column, len(names))
	for i, n := range names {
		cols[i] = column{name: n, key: n, kind: kindString}
		switch n {
		case "HIREDATE", "TERMINATIONDATE":
			cols[i].kind = kindDate
		case "IS_ACTIVE":
			cols[i].kind = kindInt
		}
	}
	return cols
}

// benchLabRow is a lab user row as readRow leaves it.
func benchLabRow() row {
	return row{
		"USER_ID": "bench0001234@example.com", "USERNAME": "bench0001234", "FIRSTNAME": "Grace",
		"LASTNAME": "Hopper", "MIDDLENAME": nil, "EMAIL": "bench0001234@example.com",
		"DISPLAYNAME": "Grace Hopper", "NICKNAME": nil, "MOBILEPHONE": "+1-555-0001234",
		"STREETADDRESS": "238 Main Street", "CITY": "Springfield", "STATE": "CA", "ZIPCODE": "91234",
		"COUNTRYCODE": "US", "TIMEZONE": "America/Los_Angeles", "ORGANIZATION": "Example Corp", "DEPARTMENT": "Research",
		"MANAGERID": "bench0001231@example.com", "MANAGER": "Manager 1231", "TITLE": "Engineer",
		"EMPLOYEENUMBER": "E0001234", "HIREDATE": "2013-05-19", "TERMINATIONDATE": nil, "PASSWORD_HASH": nil,
		"IS_ACTIVE": int64(1),
	}
}

// BenchmarkRowToSCIMJSON is the per-user cost of a list or a read once the
// row is read: mapping.toResource, then json.Marshal (which calls
// scim.Resource.MarshalJSON), with three entitlements as GET /Users adds them.
func BenchmarkRowToSCIMJSON(b *testing.B) {
	m, err := newMapping(&Config{Name: "lab", Operations: map[OpName]*Operation{
		GetUsers: {Enabled: true, Type: SQLStatement, Statement: "SELECT * FROM USERS", UserIDColumn: "USER_ID"},
	}}, benchLabColumns())
	if err != nil {
		b.Fatal(err)
	}
	r := benchLabRow()
	ents := []any{
		map[string]any{"value": "1", "display": "VPN Access", "type": EntitlementType},
		map[string]any{"value": "4", "display": "Jira Admin", "type": EntitlementType},
		map[string]any{"value": "7", "display": "Database Write", "type": EntitlementType},
	}
	b.Run("toResource", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = m.toResource(r)
		}
	})
	b.Run("toResource+json.Marshal", func(b *testing.B) {
		b.ReportAllocs()
		var n int
		for b.Loop() {
			res := m.toResource(r)
			res["entitlements"] = ents
			out, err := json.Marshal(res)
			if err != nil {
				b.Fatal(err)
			}
			n = len(out)
		}
		b.ReportMetric(float64(n), "bytes/user")
	})
}

// BenchmarkScanPlaceholders is the statement scan that rewrites ?
// placeholders (PostgreSQL's $n) and finds separators, on the lab's
// create_user INSERT (24 placeholders) and on a statement with literals
// and comments.
func BenchmarkScanPlaceholders(b *testing.B) {
	insert := "INSERT INTO USERS (USER_ID, USERNAME, FIRSTNAME, LASTNAME, EMAIL, MIDDLENAME, DISPLAYNAME, " +
		"NICKNAME, MOBILEPHONE, STREETADDRESS, CITY, STATE, ZIPCODE, COUNTRYCODE, TIMEZONE, ORGANIZATION, " +
		"DEPARTMENT, MANAGERID, MANAGER, TITLE, EMPLOYEENUMBER, HIREDATE, TERMINATIONDATE, PASSWORD_HASH) VALUES (" +
		strings.TrimSuffix(strings.Repeat("?, ", 24), ", ") + ")"
	literals := "SELECT U.USER_ID /* the id? */, 'it''s ? not a placeholder' AS NOTE, $$body ? $$ AS B -- trailing ?\n" +
		"FROM USERS U WHERE U.USER_ID = ? AND U.DEPARTMENT <> 'R&D;' AND U.TITLE = ?"
	dollar := func(n int) string { return "$" + string(rune('0'+n%10)) }
	for _, bc := range []struct {
		name, stmt, dialect string
		ph                  func(int) string
	}{
		{"mysql_insert_24", insert, "mysql", nil},
		{"postgresql_insert_24", insert, "postgresql", dollar},
		{"postgresql_literals_comments", literals, "postgresql", dollar},
	} {
		b.Run(bc.name, func(b *testing.B) {
			rules := rulesFor(bc.dialect)
			b.SetBytes(int64(len(bc.stmt)))
			b.ReportAllocs()
			for b.Loop() {
				if sc := scan(bc.stmt, rules, bc.ph); sc.params == 0 {
					b.Fatal("no placeholders found")
				}
			}
		})
	}
}
