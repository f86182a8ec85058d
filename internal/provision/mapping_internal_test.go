package provision

import (
	"encoding/json"
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sqlscim/sqlscim/internal/scim"
)

const (
	testExtURN = DefaultExtensionURN
	testEntURN = scim.EnterpriseUserURN
)

// labColumnNames are the columns of the lab's Get Users, in order.
var labColumnNames = []string{
	"USER_ID", "USERNAME", "FIRSTNAME", "LASTNAME", "MIDDLENAME", "EMAIL", "DISPLAYNAME", "NICKNAME",
	"MOBILEPHONE", "STREETADDRESS", "CITY", "STATE", "ZIPCODE", "COUNTRYCODE", "TIMEZONE", "ORGANIZATION",
	"DEPARTMENT", "MANAGERID", "MANAGER", "TITLE", "EMPLOYEENUMBER", "HIREDATE", "TERMINATIONDATE",
	"PASSWORD_HASH", "IS_ACTIVE",
}

// labColumns are the lab's columns as MySQL (upper case, IS_ACTIVE a
// TINYINT) or PostgreSQL (lower case, IS_ACTIVE a BOOLEAN) report them.
func labColumns(postgres bool) []column {
	cols := make([]column, len(labColumnNames))
	for i, n := range labColumnNames {
		c := column{name: n, key: n, kind: kindString}
		switch n {
		case "HIREDATE", "TERMINATIONDATE":
			c.kind = kindDate
		case "IS_ACTIVE":
			c.kind = kindInt
			if postgres {
				c.kind = kindBool
			}
		}
		if postgres {
			c.name = strings.ToLower(n)
		}
		cols[i] = c
	}
	return cols
}

// cols builds columns from "NAME" or "NAME:kind" specs.
func testCols(specs ...string) []column {
	kinds := map[string]kind{"string": kindString, "int": kindInt, "decimal": kindDecimal, "bool": kindBool, "date": kindDate, "timestamp": kindTimestamp}
	out := make([]column, len(specs))
	for i, s := range specs {
		name, k, _ := strings.Cut(s, ":")
		out[i] = column{name: name, key: strings.ToUpper(name), kind: kinds[k]}
	}
	return out
}

func testMappingConfig(mapping map[string]string) *Config {
	return &Config{
		Name:       "lab",
		Operations: map[OpName]*Operation{GetUsers: {Enabled: true, Type: SQLStatement, Statement: "SELECT * FROM USERS", UserIDColumn: "USER_ID"}},
		Mapping:    mapping,
	}
}

func mustMapping(t *testing.T, cfg *Config, columns []column) *mapping {
	t.Helper()
	m, err := newMapping(cfg, columns)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// targetStrings lists a mapping's targets as COLUMN=target.
func targetStrings(m *mapping) []string {
	var out []string
	for k, t := range m.targets {
		out = append(out, k+"="+t.String())
	}
	sort.Strings(out)
	return out
}

// lukeRow is a lab user row as readRow normalizes it (MySQL).
func lukeRow() row {
	return row{
		"USER_ID": "luke.skywalker@galaxy.local", "USERNAME": "luke.skywalker", "FIRSTNAME": "Luke",
		"LASTNAME": "Skywalker", "MIDDLENAME": nil, "EMAIL": "luke.skywalker@galaxy.local",
		"DISPLAYNAME": "Luke Skywalker", "NICKNAME": "Red Five", "MOBILEPHONE": "+1-555-0101",
		"STREETADDRESS": "1 Lars Farm", "CITY": "Anchorhead", "STATE": "Tatooine", "ZIPCODE": "00001",
		"COUNTRYCODE": "TT", "TIMEZONE": "UTC", "ORGANIZATION": "Rebel Alliance", "DEPARTMENT": "Jedi Order",
		"MANAGERID": "obi-wan.kenobi@galaxy.local", "MANAGER": "Obi-Wan Kenobi", "TITLE": "Jedi Knight",
		"EMPLOYEENUMBER": "1001", "HIREDATE": "2019-03-01", "TERMINATIONDATE": nil, "PASSWORD_HASH": "$2a$hash",
		"IS_ACTIVE": int64(1),
	}
}

// lukeResource is lukeRow as a SCIM user.
func lukeResource() scim.Resource {
	ext := map[string]any{}
	for k, v := range lukeRow() {
		if v != nil && k != "PASSWORD_HASH" { // a secret column: never returned
			ext[k] = v
		}
	}
	return scim.Resource{
		"schemas":      []any{scim.UserSchemaURN, testEntURN, testExtURN},
		"id":           "luke.skywalker@galaxy.local",
		"userName":     "luke.skywalker",
		"name":         map[string]any{"givenName": "Luke", "familyName": "Skywalker"},
		"displayName":  "Luke Skywalker",
		"nickName":     "Red Five",
		"emails":       []any{map[string]any{"type": "work", "value": "luke.skywalker@galaxy.local", "primary": true}},
		"phoneNumbers": []any{map[string]any{"type": "mobile", "value": "+1-555-0101", "primary": true}},
		"addresses": []any{map[string]any{"type": "work", "primary": true, "streetAddress": "1 Lars Farm",
			"locality": "Anchorhead", "region": "Tatooine", "postalCode": "00001", "country": "TT"}},
		"timezone": "UTC",
		"title":    "Jedi Knight",
		"active":   true,
		testEntURN: map[string]any{
			"organization": "Rebel Alliance", "department": "Jedi Order", "employeeNumber": "1001",
			"manager": map[string]any{"value": "obi-wan.kenobi@galaxy.local", "displayName": "Obi-Wan Kenobi"},
		},
		testExtURN: ext,
	}
}

func TestDefaultMappingOfTheLab(t *testing.T) {
	m := mustMapping(t, testMappingConfig(nil), labColumns(false))
	want := []string{
		"CITY=addresses[type eq \"work\"].locality",
		"COUNTRYCODE=addresses[type eq \"work\"].country",
		"DEPARTMENT=" + testEntURN + ":department",
		"DISPLAYNAME=displayName",
		"EMAIL=emails[type eq \"work\"].value",
		"EMPLOYEENUMBER=" + testEntURN + ":employeeNumber",
		"FIRSTNAME=name.givenName",
		"IS_ACTIVE=active",
		"LASTNAME=name.familyName",
		"MANAGER=" + testEntURN + ":manager.displayName",
		"MANAGERID=" + testEntURN + ":manager.value",
		"MIDDLENAME=name.middleName",
		"MOBILEPHONE=phoneNumbers[type eq \"mobile\"].value",
		"NICKNAME=nickName",
		"ORGANIZATION=" + testEntURN + ":organization",
		"STATE=addresses[type eq \"work\"].region",
		"STREETADDRESS=addresses[type eq \"work\"].streetAddress",
		"TIMEZONE=timezone",
		"TITLE=title",
		"USERNAME=userName",
		"ZIPCODE=addresses[type eq \"work\"].postalCode",
	}
	if got := targetStrings(m); !reflect.DeepEqual(got, want) {
		t.Fatalf("targets\n got %q\nwant %q", got, want)
	}
	if m.idKey != "USER_ID" || m.userNameKey != "USERNAME" || m.extURN != testExtURN {
		t.Errorf("idKey=%q userNameKey=%q extURN=%q", m.idKey, m.userNameKey, m.extURN)
	}
}

func TestToResourceOfTheLab(t *testing.T) {
	m := mustMapping(t, testMappingConfig(nil), labColumns(false))
	got := m.toResource(lukeRow())
	if want := lukeResource(); !reflect.DeepEqual(got, want) {
		gj, _ := json.MarshalIndent(got, "", " ")
		wj, _ := json.MarshalIndent(want, "", " ")
		t.Fatalf("got\n%s\nwant\n%s", gj, wj)
	}
}

func TestToResourceActive(t *testing.T) {
	tests := []struct {
		name     string
		postgres bool
		value    any
		want     any // nil: no active attribute
	}{
		{"tinyint 1", false, int64(1), true},
		{"tinyint 0", false, int64(0), false},
		{"boolean true", true, true, true},
		{"boolean false", true, false, false},
		{"text Y", false, "Y", true},
		{"text N", false, "N", false},
		{"text true", false, "true", true},
		{"decimal 1", false, json.Number("1"), true},
		{"null", false, nil, nil},
		{"not a flag", false, "maybe", "maybe"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := mustMapping(t, testMappingConfig(nil), labColumns(tc.postgres))
			r := lukeRow()
			r["IS_ACTIVE"] = tc.value
			res := m.toResource(r)
			got, present := res["active"]
			if tc.want == nil {
				if present {
					t.Fatalf("active = %#v, want none", got)
				}
				return
			}
			if got != tc.want {
				t.Fatalf("active = %#v, want %#v", got, tc.want)
			}
			ext := res[testExtURN].(map[string]any)
			name := "IS_ACTIVE"
			if tc.postgres {
				name = "is_active"
			}
			if ext[name] != tc.value {
				t.Errorf("extension %s = %#v, want the column value %#v", name, ext[name], tc.value)
			}
		})
	}
}

func TestToResourcePostgreSQLColumns(t *testing.T) {
	m := mustMapping(t, testMappingConfig(nil), labColumns(true))
	r := lukeRow()
	r["IS_ACTIVE"] = false
	res := m.toResource(r)
	if res["id"] != "luke.skywalker@galaxy.local" || res["userName"] != "luke.skywalker" || res["active"] != false {
		t.Errorf("id=%v userName=%v active=%v", res["id"], res["userName"], res["active"])
	}
	if got := res["name"]; !reflect.DeepEqual(got, map[string]any{"givenName": "Luke", "familyName": "Skywalker"}) {
		t.Errorf("name = %v", got)
	}
	ext := res[testExtURN].(map[string]any)
	if ext["user_id"] != "luke.skywalker@galaxy.local" || ext["title"] != "Jedi Knight" || ext["is_active"] != false {
		t.Errorf("the extension is keyed by the columns' own names: %v", ext)
	}
	if _, upper := ext["TITLE"]; upper {
		t.Error("the extension has an upper-case key")
	}
}

func TestToResourceWithoutOptionalColumns(t *testing.T) {
	m := mustMapping(t, testMappingConfig(nil), testCols("USER_ID", "EMAIL", "CITY"))
	if m.userNameKey != "" {
		t.Fatalf("userNameKey = %q", m.userNameKey)
	}
	got := m.toResource(row{"USER_ID": "u1", "EMAIL": nil, "CITY": "Mos Eisley"})
	want := scim.Resource{
		"schemas":   []any{scim.UserSchemaURN, testExtURN},
		"id":        "u1",
		"userName":  "u1",
		"addresses": []any{map[string]any{"type": "work", "locality": "Mos Eisley", "primary": true}},
		testExtURN:  map[string]any{"USER_ID": "u1", "CITY": "Mos Eisley"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
}

func TestToResourceTextOfValues(t *testing.T) {
	m := mustMapping(t, testMappingConfig(nil), testCols("USER_ID:int", "EMPLOYEENUMBER:int", "TITLE:bool", "NICKNAME:decimal"))
	res := m.toResource(row{"USER_ID": int64(42), "EMPLOYEENUMBER": int64(1001), "TITLE": true, "NICKNAME": json.Number("1.50")})
	if res["id"] != "42" || res["userName"] != "42" {
		t.Errorf("id = %#v, userName = %#v", res["id"], res["userName"])
	}
	if got := res[testEntURN].(map[string]any)["employeeNumber"]; got != "1001" {
		t.Errorf("employeeNumber = %#v, want the text 1001", got)
	}
	if res["title"] != true || res["nickName"] != "1.50" {
		t.Errorf("title = %#v, nickName = %#v", res["title"], res["nickName"])
	}
	if got := res[testExtURN].(map[string]any)["EMPLOYEENUMBER"]; got != int64(1001) {
		t.Errorf("the extension keeps the typed value: %#v", got)
	}
}

func TestToResourceExtensionURN(t *testing.T) {
	cfg := testMappingConfig(nil)
	cfg.ExtensionURN = "urn:acme:scim:User"
	m := mustMapping(t, cfg, testCols("USER_ID", "USERNAME"))
	res := m.toResource(row{"USER_ID": "1", "USERNAME": "han"})
	if !reflect.DeepEqual(res["schemas"], []any{scim.UserSchemaURN, "urn:acme:scim:User"}) {
		t.Errorf("schemas = %v", res["schemas"])
	}
	if !reflect.DeepEqual(res["urn:acme:scim:User"], map[string]any{"USER_ID": "1", "USERNAME": "han"}) {
		t.Errorf("extension = %v", res["urn:acme:scim:User"])
	}
}

func TestMappingOverrides(t *testing.T) {
	tests := []struct {
		name    string
		mapping map[string]string
		check   func(t *testing.T, res scim.Resource)
	}{
		{"removal", map[string]string{"TITLE": ""}, func(t *testing.T, res scim.Resource) {
			if _, ok := res["title"]; ok {
				t.Error("title is still mapped")
			}
			if res[testExtURN].(map[string]any)["TITLE"] != "Jedi Knight" {
				t.Error("a removed column must stay in the extension")
			}
		}},
		{"retarget", map[string]string{"title": "enterprise:division"}, func(t *testing.T, res scim.Resource) {
			if _, ok := res["title"]; ok {
				t.Error("title is still mapped")
			}
			if got := res[testEntURN].(map[string]any)["division"]; got != "Jedi Knight" {
				t.Errorf("division = %v", got)
			}
		}},
		{"swap a default", map[string]string{"NICKNAME": "displayName", "DISPLAYNAME": ""}, func(t *testing.T, res scim.Resource) {
			if res["displayName"] != "Red Five" {
				t.Errorf("displayName = %v", res["displayName"])
			}
			if _, ok := res["nickName"]; ok {
				t.Error("nickName is still mapped")
			}
		}},
		{"unmapped column", map[string]string{"PASSWORD_HASH": "urn:ietf:params:scim:schemas:core:2.0:User:userType"}, func(t *testing.T, res scim.Resource) {
			if res["userType"] != "$2a$hash" {
				t.Errorf("userType = %v", res["userType"])
			}
		}},
		{"second element type", map[string]string{"TIMEZONE": "emails[home].value"}, func(t *testing.T, res scim.Resource) {
			want := []any{
				map[string]any{"type": "work", "value": "luke.skywalker@galaxy.local", "primary": true},
				map[string]any{"type": "home", "value": "UTC"},
			}
			if !reflect.DeepEqual(res["emails"], want) {
				t.Errorf("emails = %v", res["emails"])
			}
		}},
		{"id column is never mapped", map[string]string{"USER_ID": "externalId"}, func(t *testing.T, res scim.Resource) {
			if _, ok := res["externalId"]; ok {
				t.Error("the id column was mapped")
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := mustMapping(t, testMappingConfig(tc.mapping), labColumns(false))
			tc.check(t, m.toResource(lukeRow()))
		})
	}
}

func TestNewMappingErrors(t *testing.T) {
	tests := []struct {
		name    string
		idCol   string
		mapping map[string]string
		columns []column
		want    string
	}{
		{name: "id column missing", idCol: "USERID", columns: testCols("USER_ID", "EMAIL"),
			want: "get_users.user_id_column USERID is not a column of the Get Users result (columns: USER_ID, EMAIL)"},
		{name: "bad target", idCol: "USER_ID", mapping: map[string]string{"TITLE": "job"}, columns: testCols("USER_ID", "TITLE"),
			want: `mapping of TITLE: "job" is not an attribute of the User or enterprise User schema`},
		{name: "two explicit targets", idCol: "USER_ID", mapping: map[string]string{"A": "title", "B": "title"}, columns: testCols("USER_ID", "A", "B"),
			want: `mapping: columns A and B both map to title`},
		// A misspelt key once mapped nothing and removed no default.
		{name: "key naming no column", idCol: "USER_ID", mapping: map[string]string{"FRISTNAME": "name.givenName"}, columns: testCols("USER_ID", "FIRSTNAME"),
			want: `mapping: FRISTNAME is not a column of the Get Users result (columns: USER_ID, FIRSTNAME); correct the spelling, or select the column in get_users and get_user_by_id`},
		{name: "keys naming no column", idCol: "USER_ID", mapping: map[string]string{"givn": "name.givenName", "EMAL": ""}, columns: testCols("USER_ID", "FIRSTNAME"),
			want: `mapping: EMAL, givn are not columns of the Get Users result (columns: USER_ID, FIRSTNAME); correct the spelling, or select the column in get_users and get_user_by_id`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testMappingConfig(tc.mapping)
			cfg.Operations[GetUsers].UserIDColumn = tc.idCol
			m, err := newMapping(cfg, tc.columns)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got (%v, %v), want error %q", m, err, tc.want)
			}
		})
	}
}

// An explicit mapping takes its target from a default whatever the order
// of the columns and the case of the mapping's key.
func TestExplicitMappingWinsOverDefault(t *testing.T) {
	tests := []struct {
		name    string
		mapping map[string]string
		columns []column
	}{
		{"explicit column last", map[string]string{"WORK_EMAIL": "emails[work].value"}, testCols("USER_ID", "EMAIL", "WORK_EMAIL")},
		{"explicit column first", map[string]string{"WORK_EMAIL": "emails[work].value"}, testCols("USER_ID", "WORK_EMAIL", "EMAIL")},
		{"key in another case, explicit column last", map[string]string{"WORK_EMAIL": "emails[work].value"}, testCols("user_id", "email", "work_email")},
		{"key in another case, explicit column first", map[string]string{"work_email": "emails[work].value"}, testCols("USER_ID", "WORK_EMAIL", "EMAIL")},
	}
	var failures []string
	for _, tc := range tests {
		m, err := newMapping(testMappingConfig(tc.mapping), tc.columns)
		if err != nil {
			failures = append(failures, tc.name+": "+err.Error())
			continue
		}
		got := targetStrings(m)
		want := []string{`WORK_EMAIL=emails[type eq "work"].value`}
		if !reflect.DeepEqual(got, want) {
			failures = append(failures, tc.name+": targets "+strings.Join(got, ", "))
		}
	}
	if len(failures) > 0 {
		t.Fatalf("an explicit mapping loses to, or clashes with, a default depending on column order and key case:\n%s", strings.Join(failures, "\n"))
	}
}

// Every extension object of a user must be listed in its schemas (RFC 7643
// §3), and a mapped attribute must not be lost.
func TestMappingToAnotherURN(t *testing.T) {
	tests := []struct {
		name, target, urn, attr string
	}{
		{"foreign extension", "urn:acme:params:scim:User:badge", "urn:acme:params:scim:User", "badge"},
		{"tenant extension", testExtURN + ":hired", testExtURN, "hired"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := newMapping(testMappingConfig(map[string]string{"HIREDATE": tc.target}), labColumns(false))
			if err != nil {
				return // refusing the mapping is a correct answer too
			}
			res := m.toResource(lukeRow())
			obj, _ := res[tc.urn].(map[string]any)
			listed := false
			for _, s := range res["schemas"].([]any) {
				listed = listed || s == tc.urn
			}
			if !listed || obj == nil || obj[tc.attr] != "2019-03-01" {
				t.Fatalf("mapping a column to %s is accepted, but the user gets %s.%s=%v with schemas %v", tc.target, tc.urn, tc.attr, obj[tc.attr], res["schemas"])
			}
		})
	}
}

func TestParseTarget(t *testing.T) {
	tests := []struct {
		in   string
		want target
		err  string
	}{
		{in: "userName", want: target{attr: "userName"}},
		{in: "USERNAME", want: target{attr: "userName"}},
		{in: " title ", want: target{attr: "title"}},
		{in: "name.givenName", want: target{attr: "name", sub: "givenName"}},
		{in: "NAME.FAMILYNAME", want: target{attr: "name", sub: "familyName"}},
		{in: "emails[work].value", want: target{attr: "emails", typ: "work", sub: "value"}},
		{in: "phoneNumbers[mobile].value", want: target{attr: "phoneNumbers", typ: "mobile", sub: "value"}},
		{in: "addresses[home].postalCode", want: target{attr: "addresses", typ: "home", sub: "postalCode"}},
		{in: "enterprise:department", want: target{urn: testEntURN, attr: "department"}},
		{in: "enterprise:manager.value", want: target{urn: testEntURN, attr: "manager", sub: "value"}},
		{in: "department", want: target{attr: "department"}},
		{in: testEntURN + ":costCenter", want: target{urn: testEntURN, attr: "costCenter"}},
		{in: scim.UserSchemaURN + ":name.middleName", want: target{attr: "name", sub: "middleName"}},
		{in: "urn:acme:User:badge", err: `"urn:acme:User:badge" is in schema urn:acme:User; a column can map to the core User or the enterprise extension (every column is in the tenant extension already)`},

		{in: "", err: `"" is not a SCIM attribute; write it like userName, name.givenName, emails[work].value or enterprise:department`},
		{in: "1st", err: `"1st" is not a SCIM attribute; write it like userName, name.givenName, emails[work].value or enterprise:department`},
		{in: "emails[work].value.x", err: `"emails[work].value.x" is not a SCIM attribute; write it like userName, name.givenName, emails[work].value or enterprise:department`},
		{in: `emails[type eq "work"].value`, err: `"emails[type eq \"work\"].value" is not a SCIM attribute; write it like userName, name.givenName, emails[work].value or enterprise:department`},
		{in: "jobTitle", err: `"jobTitle" is not an attribute of the User or enterprise User schema`},
		{in: "name.nick", err: `"name.nick" is not an attribute of the User or enterprise User schema`},
		{in: "enterprise:title", err: `"enterprise:title" is not an attribute of the User or enterprise User schema`},
		{in: "meta.created", err: `"meta.created" is not an attribute of the User or enterprise User schema`},
		{in: "id", err: `"id" is read-only in SCIM and cannot hold a column`},
		{in: "groups[direct].value", err: `"groups[direct].value" is read-only in SCIM and cannot hold a column`},
		{in: "emails[work]", err: `"emails[work]" is a complex attribute; name a sub-attribute, e.g. emails.value`},
		{in: "enterprise:manager", err: `"enterprise:manager" is a complex attribute; name a sub-attribute, e.g. manager.value`},
		{in: "emails.value", err: `"emails.value" is multi-valued; name the element's type, e.g. emails[work].value`},
		{in: "title[work]", err: `"title[work]" is single-valued; drop the [work]`},
		{in: "name[work].givenName", err: `"name[work].givenName" is single-valued; drop the [work]`},
		{in: "active(Y/N)", want: target{attr: "active", spelling: scim.BooleanSpelling{True: "Y", False: "N"}}},
		{in: " active ( ACTIVE / INACTIVE ) ", want: target{attr: "active", spelling: scim.BooleanSpelling{True: "ACTIVE", False: "INACTIVE"}}},
		{in: "active(N/Y)", err: `"active(N/Y)": write the column's texts for true and false, true first, as in active(Y/N), active(1/0) or active(ACTIVE/INACTIVE); each must be one of ` + scim.BooleanWords},
		{in: "active(J/N)", err: `"active(J/N)": write the column's texts for true and false, true first, as in active(Y/N), active(1/0) or active(ACTIVE/INACTIVE); each must be one of ` + scim.BooleanWords},
		{in: "active(Y/N", err: `"active(Y/N": write the column's texts for true and false, true first, as in active(Y/N), active(1/0) or active(ACTIVE/INACTIVE); each must be one of ` + scim.BooleanWords},
		{in: "active()", err: `"active()": write the column's texts for true and false, true first, as in active(Y/N), active(1/0) or active(ACTIVE/INACTIVE); each must be one of ` + scim.BooleanWords},
		{in: "title(Y/N)", err: `"title(Y/N)": only active takes a spelling in parentheses, as in active(Y/N)`},
		{in: "enterprise:department(Y/N)", err: `"enterprise:department(Y/N)": only active takes a spelling in parentheses, as in active(Y/N)`},
		{in: "nope(Y/N)", err: `"nope" is not an attribute of the User or enterprise User schema`},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseTarget(tc.in)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("got (%+v, %v), want error %q", got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got (%+v, %v), want %+v", got, err, tc.want)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	paris := time.FixedZone("CEST", 2*3600)
	tests := []struct {
		name string
		in   any
		k    kind
		want any
	}{
		{"null", nil, kindString, nil},
		{"bytes as text", []byte("Luke"), kindString, "Luke"},
		{"bytes as int", []byte("42"), kindInt, int64(42)},
		{"bytes not an int", []byte("4x"), kindInt, "4x"},
		{"bytes as decimal", []byte("12.50"), kindDecimal, json.Number("12.50")},
		{"bytes not a decimal", []byte("n/a"), kindDecimal, "n/a"},
		{"bytes as bool", []byte("1"), kindBool, true},
		{"bytes Y", []byte("Y"), kindBool, true},
		{"bytes not a bool", []byte("maybe"), kindBool, "maybe"},
		{"date", time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), kindDate, "2024-05-01"},
		{"date with a time", time.Date(2024, 5, 1, 13, 0, 0, 0, time.UTC), kindDate, "2024-05-01"},
		{"timestamp", time.Date(2024, 5, 1, 13, 4, 5, 0, time.UTC), kindTimestamp, "2024-05-01T13:04:05Z"},
		{"timestamp at midnight", time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), kindTimestamp, "2024-05-01T00:00:00Z"},
		{"timestamp with zone", time.Date(2024, 5, 1, 13, 4, 5, 0, paris), kindTimestamp, "2024-05-01T13:04:05+02:00"},
		{"untyped time at midnight", time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), kindString, "2024-05-01"},
		{"untyped time", time.Date(2024, 5, 1, 0, 0, 1, 0, time.UTC), kindString, "2024-05-01T00:00:01Z"},
		{"whole float as int", float64(7), kindInt, int64(7)},
		{"fraction float as int", 7.5, kindInt, 7.5},
		{"float as decimal", 7.0, kindDecimal, 7.0},
		{"float32", float32(1.5), kindDecimal, 1.5},
		{"int", 5, kindInt, int64(5)},
		{"int32", int32(5), kindInt, int64(5)},
		{"int64", int64(5), kindInt, int64(5)},
		{"string bool", "true", kindBool, true},
		{"string n", "n", kindBool, false},
		{"string not bool", "maybe", kindBool, "maybe"},
		{"string", "x", kindString, "x"},
		{"bool", true, kindBool, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := normalize(tc.in, tc.k)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("normalize(%#v, %v) = %#v, want %#v", tc.in, tc.k, got, tc.want)
			}
		})
	}
}

func TestToDB(t *testing.T) {
	day := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		v     any
		k     kind
		known bool
		want  any
		err   string
	}{
		{name: "null", v: nil, k: kindInt, known: true, want: nil},
		{name: "text", v: "Luke", k: kindString, known: true, want: "Luke"},
		{name: "number into text", v: int64(42), k: kindString, known: true, want: "42"},
		{name: "json number into text", v: json.Number("1e3"), k: kindString, known: true, want: "1e3"},
		{name: "bool into text", v: true, k: kindString, known: true, want: "true"},
		{name: "object", v: map[string]any{"a": 1}, k: kindString, known: true, err: "a column holds a single value, not an object"},
		{name: "list", v: []any{"a"}, k: kindString, known: true, err: "a column holds a single value, not a list"},
		{name: "object into unknown column", v: map[string]any{}, known: false, err: "a column holds a single value, not an object"},

		{name: "int", v: "42", k: kindInt, known: true, want: int64(42)},
		{name: "int with spaces", v: " 42 ", k: kindInt, known: true, want: int64(42)},
		{name: "negative int", v: "-7", k: kindInt, known: true, want: int64(-7)},
		{name: "json number int", v: json.Number("7"), k: kindInt, known: true, want: int64(7)},
		{name: "float int", v: float64(8), k: kindInt, known: true, want: int64(8)},
		{name: "true into int", v: true, k: kindInt, known: true, want: int64(1)},
		{name: "false into int", v: false, k: kindInt, known: true, want: int64(0)},
		{name: "text true into int", v: "true", k: kindInt, known: true, want: int64(1)},
		{name: "text no into int", v: "no", k: kindInt, known: true, want: int64(0)},
		{name: "empty into int", v: "", k: kindInt, known: true, want: nil},
		{name: "not a number into int", v: "E-1", k: kindInt, known: true, err: `"E-1" is not a whole number`},
		{name: "fraction into int", v: "1.5", k: kindInt, known: true, err: `"1.5" is not a whole number`},
		{name: "too big for int", v: "99999999999999999999", k: kindInt, known: true, err: `"99999999999999999999" is not a whole number`},

		{name: "decimal", v: "12.50", k: kindDecimal, known: true, want: "12.50"},
		{name: "decimal with spaces", v: " 3 ", k: kindDecimal, known: true, want: "3"},
		{name: "json number decimal", v: json.Number("2.5"), k: kindDecimal, known: true, want: "2.5"},
		{name: "float decimal", v: 2.25, k: kindDecimal, known: true, want: "2.25"},
		{name: "empty decimal", v: "", k: kindDecimal, known: true, want: nil},
		{name: "not a decimal", v: "1,5", k: kindDecimal, known: true, err: `"1,5" is not a number`},

		{name: "bool", v: true, k: kindBool, known: true, want: true},
		{name: "text bool", v: "yes", k: kindBool, known: true, want: true},
		{name: "int bool", v: int64(0), k: kindBool, known: true, want: false},
		{name: "not a bool", v: "maybe", k: kindBool, known: true, err: `"maybe" is not a boolean`},

		{name: "date", v: "2024-05-01", k: kindDate, known: true, want: day},
		{name: "date with spaces", v: " 2024-05-01 ", k: kindDate, known: true, want: day},
		{name: "date-time", v: "2024-05-01T10:11:12Z", k: kindTimestamp, known: true, want: time.Date(2024, 5, 1, 10, 11, 12, 0, time.UTC)},
		{name: "date-time with fraction and zone", v: "2024-05-01T10:11:12.5+02:00", k: kindTimestamp, known: true,
			want: time.Date(2024, 5, 1, 10, 11, 12, 500000000, time.FixedZone("", 2*3600))},
		{name: "date-time without zone", v: "2024-05-01T10:11:12", k: kindTimestamp, known: true, want: time.Date(2024, 5, 1, 10, 11, 12, 0, time.UTC)},
		{name: "SQL date-time", v: "2024-05-01 10:11:12", k: kindDate, known: true, want: time.Date(2024, 5, 1, 10, 11, 12, 0, time.UTC)},
		{name: "empty date", v: "", k: kindDate, known: true, want: nil},
		{name: "not a date", v: "01/05/2024", k: kindDate, known: true, err: `"01/05/2024" is not a date (YYYY-MM-DD) or date-time (RFC 3339)`},
		{name: "not a date-time", v: "yesterday", k: kindTimestamp, known: true, err: `"yesterday" is not a date (YYYY-MM-DD) or date-time (RFC 3339)`},

		{name: "unknown column keeps strings", v: "x", known: false, want: "x"},
		{name: "unknown column keeps bools", v: true, known: false, want: true},
		{name: "unknown column turns json numbers into text", v: json.Number("5"), known: false, want: "5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := toDB(tc.v, column{name: "C", key: "C", kind: tc.k}, tc.known)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("got (%#v, %v), want error %q", got, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if gt, ok := got.(time.Time); ok {
				if wt, ok := tc.want.(time.Time); !ok || !gt.Equal(wt) {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
				return
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

// NaN and infinities parse as floats but are no DECIMAL value.
func TestToDBNotANumber(t *testing.T) {
	for _, s := range []string{"NaN", "Inf", "-infinity"} {
		got, err := toDB(s, column{name: "SALARY", key: "SALARY", kind: kindDecimal}, true)
		if err == nil {
			t.Fatalf("%q is sent to a DECIMAL column as %#v instead of being refused as not a number", s, got)
		}
		if want := `"` + s + `" is not a number`; err.Error() != want {
			t.Errorf("got %q, want %q", err, want)
		}
	}
}

// "To clear it, send null or \"\"": an empty text clears a boolean column
// as it clears number and date columns.
func TestToDBEmptyBoolean(t *testing.T) {
	got, err := toDB("", column{name: "IS_ADMIN", key: "IS_ADMIN", kind: kindBool}, true)
	if err != nil {
		t.Fatalf("an empty text cannot clear a boolean column: %v", err)
	}
	if got != nil {
		t.Fatalf("got %#v, want nil", got)
	}
}

// labDB is lukeRow as columnsFor hands it to the driver.
func labDB() row {
	r := lukeRow()
	r["HIREDATE"] = time.Date(2019, 3, 1, 0, 0, 0, 0, time.UTC)
	return r
}

func diffRows(got, want row) []string {
	var out []string
	for k := range want {
		if _, ok := got[k]; !ok {
			out = append(out, k+": missing")
		}
	}
	for k, g := range got {
		w, ok := want[k]
		if !ok {
			out = append(out, k+": unexpected")
			continue
		}
		if gt, isTime := g.(time.Time); isTime {
			if wt, ok := w.(time.Time); ok && gt.Equal(wt) {
				continue
			}
		}
		if !reflect.DeepEqual(g, w) {
			out = append(out, k+": got "+testJSON(g)+", want "+testJSON(w))
		}
	}
	sort.Strings(out)
	return out
}

func testJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

func TestColumnsForCreate(t *testing.T) {
	m := mustMapping(t, testMappingConfig(nil), labColumns(false))
	nulls := func() row {
		r := row{}
		for _, n := range labColumnNames {
			r[n] = nil
		}
		return r
	}
	tests := []struct {
		name   string
		res    scim.Resource
		fields []string
		want   func() row
	}{
		{name: "id defaults to userName, ext wins over core",
			res: scim.Resource{
				"schemas":  []any{scim.UserSchemaURN, testExtURN},
				"userName": "leia.organa",
				"name":     map[string]any{"givenName": "Leia", "familyName": "Organa"},
				"emails":   []any{map[string]any{"type": "work", "value": "leia@alderaan.gov", "primary": true}},
				"title":    "Senator",
				"active":   false,
				testEntURN: map[string]any{"employeeNumber": json.Number("77")},
				testExtURN: map[string]any{"TITLE": "Princess", "hiredate": "1977-05-25"},
			},
			want: func() row {
				r := nulls()
				r["USER_ID"], r["USERNAME"], r["FIRSTNAME"], r["LASTNAME"] = "leia.organa", "leia.organa", "Leia", "Organa"
				r["EMAIL"], r["TITLE"], r["EMPLOYEENUMBER"] = "leia@alderaan.gov", "Princess", "77"
				r["HIREDATE"], r["IS_ACTIVE"] = time.Date(1977, 5, 25, 0, 0, 0, 0, time.UTC), int64(0)
				return r
			}},
		{name: "id from the extension",
			res:  scim.Resource{"userName": "han", testExtURN: map[string]any{"USER_ID": "han.solo@falcon"}},
			want: func() row { r := nulls(); r["USER_ID"], r["USERNAME"] = "han.solo@falcon", "han"; return r }},
		{name: "email from the primary element", res: scim.Resource{"userName": "chewie",
			"emails": []any{map[string]any{"type": "home", "value": "home@x"}, map[string]any{"type": "other", "value": "p@x", "primary": true}}},
			want: func() row {
				r := nulls()
				r["USER_ID"], r["USERNAME"], r["EMAIL"] = "chewie", "chewie", "p@x"
				return r
			}},
		{name: "manager as a bare id", res: scim.Resource{"userName": "rey", testEntURN: map[string]any{"manager": "luke"}},
			want: func() row { r := nulls(); r["USER_ID"], r["USERNAME"], r["MANAGERID"] = "rey", "rey", "luke"; return r }},
		{name: "bound field that is not a column", res: scim.Resource{"userName": "finn", testExtURN: map[string]any{"PASSWORD": "s3cret"}},
			fields: []string{"USER_ID", "password"},
			want: func() row {
				r := nulls()
				r["USER_ID"], r["USERNAME"], r["PASSWORD"] = "finn", "finn", "s3cret"
				return r
			}},
		{name: "case-insensitive attribute names", res: scim.Resource{"USERNAME": "poe", "NAME": map[string]any{"GIVENNAME": "Poe"}},
			want: func() row { r := nulls(); r["USER_ID"], r["USERNAME"], r["FIRSTNAME"] = "poe", "poe", "Poe"; return r }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := m.columnsFor(tc.res, nil, false, tc.fields)
			if err != nil {
				t.Fatal(err)
			}
			if d := diffRows(got, tc.want()); len(d) > 0 {
				t.Fatalf("columns differ:\n%s", strings.Join(d, "\n"))
			}
		})
	}
}

func TestColumnsForCreateWithoutID(t *testing.T) {
	m := mustMapping(t, testMappingConfig(nil), labColumns(false))
	_, err := m.columnsFor(scim.Resource{"name": map[string]any{"givenName": "Nobody"}}, nil, false, nil)
	var se *scim.Error
	if !errors.As(err, &se) || se.Status != 400 || se.Type != scim.InvalidValue ||
		se.Detail != "a user needs userName (or "+testExtURN+":USER_ID), which becomes its id" {
		t.Fatalf("got %v", err)
	}
}

func TestColumnsForReplace(t *testing.T) {
	m := mustMapping(t, testMappingConfig(nil), labColumns(false))
	tests := []struct {
		name   string
		change func(res scim.Resource)
		want   func(r row)
	}{
		{name: "unchanged", change: func(scim.Resource) {}, want: func(row) {}},
		{name: "changed core attribute wins over the echoed extension",
			change: func(res scim.Resource) { res["title"] = "Jedi Master" },
			want:   func(r row) { r["TITLE"] = "Jedi Master" }},
		{name: "changed extension wins over the echoed core attribute",
			change: func(res scim.Resource) { res[testExtURN].(map[string]any)["TITLE"] = "Grand Master" },
			want:   func(r row) { r["TITLE"] = "Grand Master" }},
		{name: "both changed: the extension wins",
			change: func(res scim.Resource) { res["title"] = "A"; res[testExtURN].(map[string]any)["TITLE"] = "B" },
			want:   func(r row) { r["TITLE"] = "B" }},
		{name: "unmentioned attributes keep their values",
			change: func(res scim.Resource) {
				delete(res, testExtURN)
				delete(res, "nickName")
				delete(res, "addresses")
				delete(res, testEntURN)
				res["name"].(map[string]any)["givenName"] = "Luke S."
			},
			want: func(r row) { r["FIRSTNAME"] = "Luke S." }},
		{name: "null clears", change: func(res scim.Resource) { delete(res, testExtURN); res["title"] = nil },
			want: func(r row) { r["TITLE"] = nil }},
		{name: "empty text clears", change: func(res scim.Resource) { delete(res, testExtURN); res["nickName"] = "" },
			want: func(r row) { r["NICKNAME"] = "" }},
		{name: "null complex attribute clears its sub-attributes", change: func(res scim.Resource) { delete(res, testExtURN); res["name"] = nil },
			want: func(r row) { r["FIRSTNAME"], r["LASTNAME"] = nil, nil }},
		{name: "deactivate", change: func(res scim.Resource) { res["active"] = false },
			want: func(r row) { r["IS_ACTIVE"] = int64(0) }},
		{name: "new work email", change: func(res scim.Resource) {
			res["emails"] = []any{map[string]any{"type": "work", "value": "luke@jedi.org", "primary": true}}
		}, want: func(r row) { r["EMAIL"] = "luke@jedi.org" }},
		{name: "extension date", change: func(res scim.Resource) { res[testExtURN].(map[string]any)["HIREDATE"] = "2021-01-02" },
			want: func(r row) { r["HIREDATE"] = time.Date(2021, 1, 2, 0, 0, 0, 0, time.UTC) }},
		{name: "enterprise manager", change: func(res scim.Resource) {
			res[testEntURN].(map[string]any)["manager"] = map[string]any{"value": "yoda", "displayName": "Yoda"}
		}, want: func(r row) { r["MANAGERID"], r["MANAGER"] = "yoda", "Yoda" }},
		{name: "extension echo of a number", change: func(res scim.Resource) { res[testExtURN].(map[string]any)["IS_ACTIVE"] = json.Number("1") },
			want: func(row) {}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := m.toResource(lukeRow()).Clone()
			tc.change(res)
			got, err := m.columnsFor(res, lukeRow(), false, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := labDB()
			tc.want(want)
			if d := diffRows(got, want); len(d) > 0 {
				t.Fatalf("columns differ:\n%s", strings.Join(d, "\n"))
			}
		})
	}
}

// "To clear it, send null": a null (or empty) multi-valued attribute in a
// PUT clears the columns of its elements.
func TestColumnsForReplaceNullMultiValued(t *testing.T) {
	m := mustMapping(t, testMappingConfig(nil), labColumns(false))
	var kept []string
	for _, v := range []any{nil, []any{}} {
		res := m.toResource(lukeRow()).Clone()
		delete(res, testExtURN)
		res["emails"] = v
		got, err := m.columnsFor(res, lukeRow(), false, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got["EMAIL"] != nil {
			kept = append(kept, "\"emails\": "+testJSON(v))
		}
	}
	if len(kept) > 0 {
		t.Fatalf("a PUT with %s keeps the EMAIL column", strings.Join(kept, " or "))
	}
}

func TestColumnsForPatch(t *testing.T) {
	m := mustMapping(t, testMappingConfig(nil), labColumns(false))
	tests := []struct {
		name   string
		change func(res scim.Resource)
		want   func(r row)
	}{
		{name: "unchanged", change: func(scim.Resource) {}, want: func(row) {}},
		{name: "removed core attribute", change: func(res scim.Resource) { delete(res, "title") },
			want: func(r row) { r["TITLE"] = nil }},
		{name: "removed extension attribute", change: func(res scim.Resource) { delete(res[testExtURN].(map[string]any), "TITLE") },
			want: func(r row) { r["TITLE"] = nil }},
		{name: "removed multi-valued attribute", change: func(res scim.Resource) { delete(res, "emails") },
			want: func(r row) { r["EMAIL"] = nil }},
		{name: "removed sub-attribute", change: func(res scim.Resource) { delete(res["name"].(map[string]any), "familyName") },
			want: func(r row) { r["LASTNAME"] = nil }},
		{name: "removed enterprise manager", change: func(res scim.Resource) { delete(res[testEntURN].(map[string]any), "manager") },
			want: func(r row) { r["MANAGERID"], r["MANAGER"] = nil, nil }},
		{name: "replaced core attribute", change: func(res scim.Resource) { res["displayName"] = "Master Luke" },
			want: func(r row) { r["DISPLAYNAME"] = "Master Luke" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := m.toResource(lukeRow()).Clone()
			tc.change(res)
			got, err := m.columnsFor(res, lukeRow(), true, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := labDB()
			tc.want(want)
			if d := diffRows(got, want); len(d) > 0 {
				t.Fatalf("columns differ:\n%s", strings.Join(d, "\n"))
			}
		})
	}
}

// A PATCH that removes the whole tenant extension leaves the user's id
// alone: the id column is read-only and the user keeps its userName.
func TestColumnsForPatchRemovingTheExtension(t *testing.T) {
	m := mustMapping(t, testMappingConfig(nil), labColumns(false))
	res := m.toResource(lukeRow()).Clone()
	delete(res, testExtURN)
	got, err := m.columnsFor(res, lukeRow(), true, nil)
	if err != nil {
		t.Fatalf("PATCH removing %s fails: %v", testExtURN, err)
	}
	if got["USER_ID"] != "luke.skywalker@galaxy.local" || got["USERNAME"] != "luke.skywalker" {
		t.Fatalf("USER_ID = %v, USERNAME = %v", got["USER_ID"], got["USERNAME"])
	}
}

func TestColumnsForConversionErrors(t *testing.T) {
	m := mustMapping(t, testMappingConfig(nil), testCols("USER_ID", "USERNAME", "EMPLOYEENUMBER:int", "HIREDATE:date", "TITLE", "IS_ACTIVE:bool"))
	current := row{"USER_ID": "u1", "USERNAME": "u1", "EMPLOYEENUMBER": int64(5), "HIREDATE": "2020-01-01", "TITLE": "t", "IS_ACTIVE": true}
	tests := []struct {
		name   string
		change func(res scim.Resource)
		want   string
	}{
		{"not a whole number", func(res scim.Resource) { res[testEntURN].(map[string]any)["employeeNumber"] = "E-5" },
			testEntURN + `:employeeNumber: "E-5" is not a whole number`},
		{"not a date", func(res scim.Resource) { res[testExtURN].(map[string]any)["HIREDATE"] = "yesterday" },
			`HIREDATE: "yesterday" is not a date (YYYY-MM-DD) or date-time (RFC 3339)`},
		{"object into a column", func(res scim.Resource) { res["title"] = map[string]any{"value": "x"} },
			`title: a column holds a single value, not an object`},
		{"list into an extension column", func(res scim.Resource) { res[testExtURN].(map[string]any)["USERNAME"] = []any{"a"} },
			`userName: a column holds a single value, not a list`},
		{"not a boolean", func(res scim.Resource) { res["active"] = "sometimes" },
			`active: "sometimes" is not a boolean`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := m.toResource(current).Clone()
			tc.change(res)
			_, err := m.columnsFor(res, current, false, nil)
			var se *scim.Error
			if !errors.As(err, &se) || se.Status != 400 || se.Type != scim.InvalidValue || se.Detail != tc.want {
				t.Fatalf("got %v, want 400 invalidValue %q", err, tc.want)
			}
		})
	}
}

func TestSameValue(t *testing.T) {
	tests := []struct {
		a, b any
		want bool
	}{
		{nil, nil, true},
		{nil, "", true},
		{"", nil, true},
		{nil, "x", false},
		{"1", int64(1), true},
		{json.Number("1"), int64(1), true},
		{true, int64(1), true},
		{int64(0), false, true},
		{true, "Y", true},
		{true, "maybe", false},
		{"a", "A", false},
		{"2024-01-02", "2024-01-02", true},
	}
	for _, tc := range tests {
		if got := sameValue(tc.a, tc.b); got != tc.want {
			t.Errorf("sameValue(%#v, %#v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

// The engine reads and writes active with the one rule of scim.ParseBoolean,
// whatever the column: a BOOLEAN, a 0/1 integer, or text in its own spelling.
func TestActiveReadAndWrittenByOneRule(t *testing.T) {
	clientValues := []struct {
		v    any
		want bool
	}{
		{true, true}, {false, false}, {"t", true}, {"F", false}, {"yes", true}, {"no", false},
		{json.Number("1"), true}, {json.Number("0"), false}, {"Y", true}, {"inactive", false},
	}
	for _, tc := range []struct {
		name    string
		kind    string
		mapping string
		current any // the column's value before the write; nil for a create
		learn   any // a value read from another user first
		written [2]any
	}{
		{"boolean", "bool", "", nil, nil, [2]any{true, false}},
		{"tinyint", "int", "", int64(1), nil, [2]any{int64(1), int64(0)}},
		{"text, current Y", "string", "", "Y", nil, [2]any{"Y", "N"}},
		{"text, current no", "string", "", "no", nil, [2]any{"yes", "no"}},
		{"text, mapped ACTIVE/INACTIVE", "string", "active(ACTIVE/INACTIVE)", "y", nil, [2]any{"ACTIVE", "INACTIVE"}},
		{"text, create after reading 1", "string", "", nil, "1", [2]any{"1", "0"}},
		{"text, create, nothing known", "string", "", nil, nil, [2]any{"true", "false"}},
	} {
		for _, cv := range clientValues {
			t.Run(tc.name, func(t *testing.T) {
				mapping := map[string]string{}
				if tc.mapping != "" {
					mapping["IS_ACTIVE"] = tc.mapping
				}
				m := mustMapping(t, testMappingConfig(mapping), testCols("USER_ID", "IS_ACTIVE:"+tc.kind))
				if tc.learn != nil {
					m.toResource(row{"USER_ID": "other", "IS_ACTIVE": tc.learn})
				}
				var current row
				if tc.current != nil {
					current = row{"USER_ID": "u1", "IS_ACTIVE": tc.current}
				}
				res := scim.Resource{"userName": "u1", "active": cv.v}
				out, err := m.columnsFor(res, current, false, []string{"USER_ID", "IS_ACTIVE"})
				if err != nil {
					t.Fatalf("active %#v: %v", cv.v, err)
				}
				want := tc.written[0]
				if !cv.want {
					want = tc.written[1]
				}
				if out["IS_ACTIVE"] != want {
					t.Fatalf("active %#v written as %#v, want %#v", cv.v, out["IS_ACTIVE"], want)
				}
				// What was written reads back as the value sent.
				back := m.toResource(row{"USER_ID": "u1", "IS_ACTIVE": normalize(out["IS_ACTIVE"], m.columns[1].kind)})
				if back["active"] != cv.want {
					t.Fatalf("active %#v written as %#v reads back as %#v", cv.v, out["IS_ACTIVE"], back["active"])
				}
			})
		}
	}
}

func TestSecretColumnsPattern(t *testing.T) {
	cols := testCols("USER_ID", "PASSWORD_HASH", "PWD", "API_SECRET", "EMAIL", "PIN", "USER_HASH_ALGO")
	for _, tc := range []struct {
		pattern string
		secret  string // the secret columns, in order
		err     string
	}{
		{"", "PASSWORD_HASH PWD API_SECRET USER_HASH_ALGO", ""},
		{"^pin$", "PIN", ""},
		{"^$", "", ""},
		{"^(pin|pwd)$", "PWD PIN", ""},
		{"pin(", "", `secret_columns: "pin(" is not a regular expression: missing closing ); write column names or parts of them separated by |, e.g. password|passwd|pwd|hash|secret`},
		{"*", "", `secret_columns: "*" is not a regular expression: missing argument to repetition operator; write column names or parts of them separated by |, e.g. password|passwd|pwd|hash|secret`},
		{"[a-", "", `secret_columns: "[a-" is not a regular expression: missing closing ]; write column names or parts of them separated by |, e.g. password|passwd|pwd|hash|secret`},
	} {
		cfg := testMappingConfig(map[string]string{"EMAIL": "emails[work].value"})
		cfg.SecretColumns = tc.pattern
		m, err := newMapping(cfg, cols)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%q: err = %v, want %s", tc.pattern, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tc.pattern, err)
		}
		var got []string
		for _, c := range cols {
			if m.secret[c.key] {
				got = append(got, c.name)
			}
		}
		if strings.Join(got, " ") != tc.secret {
			t.Errorf("%q: secret columns %v, want %s", tc.pattern, got, tc.secret)
		}
		res := m.toResource(row{"USER_ID": "u", "PASSWORD_HASH": "$2b$x", "PWD": "p", "API_SECRET": "s", "PIN": "1", "USER_HASH_ALGO": "a", "EMAIL": "e@x"})
		ext := res[testExtURN].(map[string]any)
		for _, c := range got {
			if _, ok := ext[c]; ok {
				t.Errorf("%q: %s returned", tc.pattern, c)
			}
		}
		for _, a := range m.schema.Extensions[1].Attributes {
			if m.secret[strings.ToUpper(a.Name)] != (a.Returned == scim.ReturnedNever) {
				t.Errorf("%q: %s advertised returned %s", tc.pattern, a.Name, a.Returned)
			}
		}
	}
}

// A date-time with an offset is written as the instant in UTC, whatever
// the driver does with a zone-less column; a date stays the date it names.
func TestTimesAreWrittenAsUTCInstants(t *testing.T) {
	ts := column{name: "LAST_LOGIN", key: "LAST_LOGIN", kind: kindTimestamp}
	v, err := toDB("2024-01-02T03:04:05+02:00", ts, true)
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2024, 1, 2, 1, 4, 5, 0, time.UTC)
	if got, ok := v.(time.Time); !ok || !got.Equal(want) || got.Location() != time.UTC || got.Hour() != 1 {
		t.Errorf("timestamp: %#v, want %v in UTC", v, want)
	}
	date := column{name: "HIREDATE", key: "HIREDATE", kind: kindDate}
	v, err = toDB("2024-01-02", date, true)
	if got, ok := v.(time.Time); err != nil || !ok || got.Format("2006-01-02") != "2024-01-02" {
		t.Errorf("date: %#v %v", v, err)
	}
}
