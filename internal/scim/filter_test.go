package scim

import (
	"encoding/json"
	"strings"
	"testing"

	filter "github.com/scim2/filter-parser/v2"
)

const testUser = `{
 "schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","urn:sqlscim:schemas:extension:db:1.0:User"],
 "id":"2819c223-7F76-453a-919d-413861904646",
 "externalId":"bjensen",
 "userName":"Bjensen@Example.com",
 "name":{"givenName":"Barbara","familyName":"Jensen","formatted":"Ms. Barbara J Jensen III"},
 "displayName":"Babs Jensen",
 "title":"",
 "userType":"Employee",
 "active":true,
 "emails":[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"}],
 "phoneNumbers":[],
 "ims":null,
 "roles":[{"value":"admin"},{"value":"auditor","primary":"true"}],
 "entitlements":["ent-1","ent-2"],
 "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"701984","department":"Tour Operations","manager":{"value":"26118915-6090-4610-87e4-49d8ca9f808d","displayName":"John Smith"}},
 "urn:sqlscim:schemas:extension:db:1.0:User":{"DEPARTMENT":"Sales","IS_ACTIVE":1,"USER_ID":"AbC-42","HIRED":"2019-03-01","SALARY":"1000.50"},
 "meta":{"resourceType":"User","created":"2010-01-23T04:56:22Z","lastModified":"2011-05-13T04:42:34+02:00","version":"W/\"3694e05e9dff591\""}
}`

func TestFilterMatches(t *testing.T) {
	user := mustDecode(t, testUser)
	rs := userRS()
	const ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:"
	const db = dbExtURN + ":"
	for _, tc := range []struct {
		filter string
		want   bool
	}{
		// eq and case-insensitivity of names, values and keywords.
		{`userName eq "bjensen@example.com"`, true},
		{`USERNAME eq "BJENSEN@EXAMPLE.COM"`, true},
		{`userName EQ "bjensen@example.com"`, true},
		{`userName eq "bjensen"`, false},
		{`userName Ne "bjensen"`, true},
		{`userName ne "BJENSEN@example.com"`, false},
		// id is caseExact, userName is not.
		{`id eq "2819c223-7F76-453a-919d-413861904646"`, true},
		{`id eq "2819c223-7f76-453a-919d-413861904646"`, false},
		{`externalId eq "BJENSEN"`, false},
		{`id sw "2819c223-7F"`, true},
		{`id sw "2819C223-7F"`, false},
		// co sw ew.
		{`userName co "JENSEN@"`, true},
		{`userName co "smith"`, false},
		{`userName sw "bj"`, true},
		{`userName sw "jensen"`, false},
		{`userName ew ".COM"`, true},
		{`userName ew "example"`, false},
		// gt ge lt le on strings.
		{`userName gt "a"`, true},
		{`userName gt "c"`, false},
		{`userName ge "BJENSEN@EXAMPLE.COM"`, true},
		{`userName lt "bjensen@example.con"`, true},
		{`userName le "a"`, false},
		// pr.
		{`userName pr`, true},
		{`title pr`, false},        // ""
		{`phoneNumbers pr`, false}, // []
		{`ims pr`, false},          // null
		{`nickName pr`, false},     // missing
		{`name pr`, true},
		{`emails pr`, true},
		{`emails.type pr`, true},
		{`name.middleName pr`, false},
		// Missing attributes: only ne matches.
		{`nickName eq "x"`, false},
		{`nickName ne "x"`, true},
		{`nickName co "x"`, false},
		{`nickName gt "a"`, false},
		{`nickName eq null`, true},
		{`nickName ne null`, false},
		{`userName eq null`, false},
		{`userName ne null`, true},
		// Booleans.
		{`active eq true`, true},
		{`active eq TRUE`, true},
		{`active eq false`, false},
		{`active ne false`, true},
		{`active eq "true"`, true},
		{`active gt false`, false},
		{`active co "t"`, false},
		{`roles[primary eq true]`, true}, // "true" string in the resource
		{`emails[primary eq false]`, false},
		// Complex sub-attributes.
		{`name.givenName eq "barbara"`, true},
		{`NAME.GIVENNAME sw "Bar"`, true},
		{`name.familyName eq "Smith"`, false},
		// Multi-valued: any value.
		{`emails eq "babs@jensen.org"`, true},
		{`emails co "example.com"`, true},
		{`emails ew ".net"`, false},
		{`emails ne "babs@jensen.org"`, false}, // ne is not eq: no email is that
		{`emails ne "x@y.z"`, true},
		{`emails.value eq "BABS@jensen.org"`, true},
		{`emails.type eq "work"`, true},
		{`emails.type eq "other"`, false},
		{`entitlements eq "ENT-2"`, true},
		{`entitlements eq "ent-3"`, false},
		// Value paths.
		{`emails[type eq "work" and value co "@example.com"]`, true},
		{`emails[type eq "home" and value co "@example.com"]`, false},
		{`emails[type eq "home" or value co "@nowhere"]`, true},
		{`emails[not (type eq "work")]`, true},
		{`emails[type eq "work" and value co "example" and primary eq true]`, true},
		{`emails[(type eq "home") and primary eq true]`, false},
		{`emails[type eq "work"] and not (emails[type eq "home"])`, false},
		{`emails[type eq "work"] or phoneNumbers[type eq "work"]`, true},
		{`phoneNumbers[type eq "work"]`, false},
		{`entitlements[value eq "ent-1"]`, true},
		{`name[givenName eq "Barbara"]`, true},
		{`emails[TYPE EQ "WORK"]`, true},
		// and / or / not / precedence.
		{`userName eq "x" or userType eq "employee"`, true},
		{`userName eq "x" and userType eq "employee"`, false},
		{`userName eq "x" or userType eq "Employee" and active eq false`, false}, // and binds tighter
		{`userName eq "x" or userType eq "Employee" and active eq true`, true},
		{`(userName eq "x" or userType eq "Employee") and active eq true`, true},
		{`userName pr or title pr and nickName pr`, true},
		{`(userName pr or title pr) and nickName pr`, false},
		{`not (userName eq "x")`, true},
		{`NOT(userName pr)`, false},
		{`not (userName eq "x") And not (title pr)`, true},
		{`userName pr AND (displayName sw "Babs" OR nickName pr)`, true},
		// Extensions by URN; enterprise manager compared through value.
		{ent + `department eq "tour operations"`, true},
		{ent + `employeeNumber eq "701984"`, true},
		{ent + `employeeNumber eq 701984`, true}, // numeric string vs number
		{ent + `employeeNumber gt 700000`, true},
		{ent + `manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d"`, true},
		{ent + `manager eq "26118915-6090-4610-87e4-49d8ca9f808d"`, true},
		{ent + `manager.displayName co "smith"`, true},
		{`department eq "Tour Operations"`, true}, // unqualified: found in the extension
		{`urn:ietf:params:scim:schemas:core:2.0:User:userName sw "bjensen"`, true},
		{`urn:ietf:params:scim:schemas:core:2.0:User:name.givenName eq "Barbara"`, true},
		// Database-style extension attributes.
		{db + `DEPARTMENT eq "sales"`, true},
		{db + `department eq "SALES"`, true},
		{strings.ToUpper(db) + `department eq "SALES"`, true},
		{db + `IS_ACTIVE eq 1`, true},
		{db + `IS_ACTIVE eq "1"`, true},
		{db + `IS_ACTIVE gt 0`, true},
		{db + `IS_ACTIVE lt 1`, false},
		{db + `IS_ACTIVE ge 1.0`, true},
		{db + `USER_ID eq "AbC-42"`, true},
		{db + `USER_ID eq "abc-42"`, false}, // caseExact
		{db + `SALARY gt 999.99`, true},
		{db + `SALARY lt 1000.5`, false},
		{db + `SALARY eq 1000.5`, true},
		{`urn:sqlscim:schemas:extension:other:1.0:User:DEPARTMENT eq "sales"`, false},
		{`urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "Babs Jensen"`, false}, // not this resource's schema
		{`urn:ietf:params:scim:schemas:core:2.0:User:displayName eq "Babs Jensen"`, true},
		// dateTime.
		{db + `HIRED gt "2019-02-28T23:59:59Z"`, true},
		{db + `HIRED lt "2019-03-01T00:00:01Z"`, true},
		{db + `HIRED eq "2019-03-01T00:00:00Z"`, true},
		{db + `HIRED ge "2020-01-01"`, false},
		{`meta.created gt "2010-01-01T00:00:00Z"`, true},
		{`meta.lastModified gt "2011-05-13T04:00:00Z"`, false}, // 04:42+02:00 is 02:42Z
		{`meta.lastModified lt "2011-05-13T03:00:00Z"`, true},
		{`meta.lastModified eq "2011-05-13T02:42:34Z"`, true},
		{`meta.lastModified eq "2011-05-13T02:42:34.000Z"`, true},
		{`meta.resourceType eq "User"`, true},
		{`meta.resourceType eq "user"`, false}, // caseExact
		{`meta.version eq "W/\"3694e05e9dff591\""`, true},
		{`urn:ietf:params:scim:schemas:core:2.0:User:meta.resourceType eq "User"`, true},
		// Escapes and whitespace.
		{"userName\teq\n\"bjensen@example.com\"", true},
		{`  userName eq "bjensen@example.com"  `, true},
		{`userName eq "bjensen\u0040example.com"`, true},
		{`(userName pr)and(title pr)`, false},
		{`userName co "\"quoted\""`, false},
		// Unknown attributes compare case-insensitively and do not fail.
		{`favoriteColor eq "blue"`, false},
		{`favoriteColor ne "blue"`, true},
	} {
		f, err := ParseFilter(tc.filter)
		if err != nil {
			t.Errorf("ParseFilter(%s): %v", tc.filter, err)
			continue
		}
		if got := f.Matches(user, rs); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.filter, got, tc.want)
		}
	}
}

func TestFilterMatchesGoTypes(t *testing.T) {
	// Resources built in Go may hold float64, int64, []string and Resource.
	r := Resource{
		"userName": "x",
		dbExtURN: Resource{
			"IS_ACTIVE": int64(1),
			"SALARY":    float64(12.5),
		},
		"entitlements": []string{"a", "b"},
		"emails":       []map[string]any{{"value": "a@b.c", "type": "work"}},
		"flag":         "TRUE",
	}
	rs := userRS()
	for _, tc := range []struct {
		filter string
		want   bool
	}{
		{dbExtURN + `:IS_ACTIVE eq 1`, true},
		{dbExtURN + `:IS_ACTIVE eq 2`, false},
		{dbExtURN + `:SALARY gt 12`, true},
		{dbExtURN + `:SALARY eq 12.5`, true},
		{dbExtURN + `:SALARY eq "12.5"`, true},
		{`entitlements eq "B"`, true},
		{`emails[type eq "work"]`, true},
		{`flag eq true`, true},
	} {
		f, err := ParseFilter(tc.filter)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Matches(r, rs); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.filter, got, tc.want)
		}
	}
	// Without schemas: everything case-insensitive, extensions by URN key.
	f, _ := ParseFilter(`id eq "ABC" and ` + dbExtURN + `:SALARY ge 12.5`)
	if !f.Matches(Resource{"id": "abc", dbExtURN: map[string]any{"salary": 12.5}}, nil) {
		t.Error("schemaless match failed")
	}
	if (*Filter)(nil).Matches(r, rs) != true {
		t.Error("a nil filter matches everything")
	}
}

func TestParseFilterErrors(t *testing.T) {
	for _, tc := range []struct{ in, detail string }{
		{`userName eq`, `the filter "userName eq" is invalid: a comparison needs a value, as in userName eq "bjensen"`},
		{`meta.created gt`, `the filter "meta.created gt" is invalid: a comparison needs a value, as in meta.created gt "2011-05-13T04:42:34Z"`},
		{`userName xx "a"`, `the filter "userName xx "a"" is invalid: "xx" at character 10 is not a comparison operator; use eq, ne, co, sw, ew, gt, ge, lt, le or pr`},
		{`userName = "a"`, `the filter "userName = "a"" is invalid: "=" at character 10 is not a comparison operator; SCIM filters use eq, ne, co, sw, ew, gt, ge, lt, le or pr, not =, !=, < or >`},
		{`(userName eq "a"`, `the filter "(userName eq "a"" is invalid: the "(" at character 1 is never closed; add ")"`},
		{`userName eq "a")`, `the filter "userName eq "a")" is invalid: the ")" at character 16 has no matching "("`},
		{`emails[type eq "work"`, `the filter "emails[type eq "work"" is invalid: the "[" at character 7 is never closed; add "]"`},
		{`emails[]`, `the filter "emails[]" is invalid: the brackets at character 7 are empty; put a filter inside, as in emails[type eq "work"]`},
		{`()`, `the filter "()" is invalid: the parentheses at character 1 are empty; put an expression inside, as in (userName eq "bjensen")`},
		{`userName eq "abc`, `the filter "userName eq "abc" is invalid: the string starting at character 13 has no closing double quote (")`},
		{`userName eq "a" and title eq "b`, `the filter "userName eq "a" and title eq "b" is invalid: the string starting at character 30 has no closing double quote (")`},
		{`userName eq bjensen`, `the filter "userName eq bjensen" is invalid: the value bjensen at character 13 must be in double quotes, as in userName eq "bjensen"`},
		{`userName eq 'bjensen'`, `the filter "userName eq 'bjensen'" is invalid: the value 'bjensen' at character 13 is in single quotes; strings must be in double quotes, as in userName eq "bjensen"`},
		{`userName eq "a" or`, `the filter "userName eq "a" or" is invalid: "or" at character 17 must be followed by another expression, as in userName eq "bjensen" or title pr`},
		{`userName eq "a" AND`, `the filter "userName eq "a" AND" is invalid: "AND" at character 17 must be followed by another expression, as in userName eq "bjensen" and title pr`},
		{`and userName pr`, `the filter "and userName pr" is invalid: "and" at character 1 must be between two expressions`},
		{`userName eq "a" title pr`, `the filter "userName eq "a" title pr" is invalid: expected "and", "or" or the end of the filter at character 17, found "title"`},
		{`userName`, `the filter "userName" is invalid: "userName" needs a comparison operator and a value, as in userName eq "bjensen", or "pr" to test that it has a value`},
		{`userName pr "x"`, `the filter "userName pr "x"" is invalid: "pr" at character 10 takes no value; write userName pr`},
		{`not userName pr`, `the filter "not userName pr" is invalid: "not" at character 1 must be followed by an expression in parentheses, as in not (userName eq "bjensen")`},
		{`1abc eq "x"`, `the filter "1abc eq "x"" is invalid: "1abc" at character 1 is not an attribute name; names start with a letter and contain letters, digits, "_" and "-", as in userName, name.givenName or urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`},
		{`emails[type eq "work"].value eq "x"`, `the filter "emails[type eq "work"].value eq "x"" is invalid: ".value" at character 23: a sub-attribute after "]" is only allowed in PATCH paths; in a filter put the condition inside the brackets, as in emails[type eq "work" and value co "@example.com"]`},
		{`emails[type eq "work" and x[y pr]]`, `the filter "emails[type eq "work" and x[y pr]]" is invalid: the "[" at character 28 opens a value filter inside the value filter at character 7; value filters cannot be nested`},
		{`userName eq "\q"`, `the filter "userName eq "\q"" is invalid: the string at character 13 is not a valid JSON string; escape control characters, and use only the escapes \" \\ \/ \b \f \n \r \t and \uXXXX`},
		{`title eq "a" and (userName sw "b" or)`, `the filter "title eq "a" and (userName sw "b" or)" is invalid: "or" at character 35 must be followed by another expression, as in userName eq "bjensen" or title pr`},
		{`(title pr] `, `the filter "(title pr] " is invalid: the "]" at character 10 has no matching "["`},
		{`"bjensen" eq userName`, `the filter ""bjensen" eq userName" is invalid: found the string "bjensen" at character 1 where an attribute name was expected`},
		{``, `the filter is empty; give an expression such as userName eq "bjensen"`},
		{" \t ", `the filter is empty; give an expression such as userName eq "bjensen"`},
		{`userName eq "` + strings.Repeat("x", 4090) + `"`, `the filter is 4104 bytes long; the limit is 4096 bytes`},
	} {
		_, err := ParseFilter(tc.in)
		checkError(t, err, InvalidFilter, tc.detail)
	}
	// Long filters are shortened in the message.
	long := `userName eq "` + strings.Repeat("x", 300)
	_, err := ParseFilter(long)
	checkError(t, err, InvalidFilter, "~…\" is invalid: the string starting at character 13 has no closing double quote")
}

func TestFilterStringAndExpr(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`userName EQ "x" AND (title PR OR NOT (active eq TRUE))`, `userName eq "x" and (title pr or not (active eq true))`},
		{`a pr or b pr and c pr`, `a pr or b pr and c pr`},
		{`(a pr or b pr) and c pr`, `(a pr or b pr) and c pr`},
		{`emails[type eq "work" and value co "@x" and primary eq true]`, `emails[type eq "work" and value co "@x" and primary eq true]`},
		{`emails[(type eq "work")] or name[givenName sw "B"]`, `emails[type eq "work"] or name[givenName sw "B"]`},
		{`a eq null`, `a eq null`},
		{`a eq "x\"y\\z\u00e9</>"`, `a eq "x\"y\\zé</>"`},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "1"`, `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "1"`},
		{`n gt 12345678901234567890`, `n gt 12345678901234567890`},
	} {
		f, err := ParseFilter(tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if got := f.String(); got != tc.want {
			t.Errorf("String(%s)\n got %s\nwant %s", tc.in, got, tc.want)
		}
		// The canonical form parses to the same thing.
		g, err := ParseFilter(f.String())
		if err != nil || g.String() != f.String() {
			t.Errorf("round trip of %s: %v %v", tc.in, g, err)
		}
	}

	f, _ := ParseFilter(`emails[type eq "work" and value co "x\"y"] and n gt 12345678901234567890`)
	le, ok := f.Expr().(*filter.LogicalExpression)
	if !ok || le.Operator != filter.AND {
		t.Fatalf("Expr = %#v", f.Expr())
	}
	vp, ok := le.Left.(*filter.ValuePath)
	if !ok || vp.AttributePath.AttributeName != "emails" {
		t.Fatalf("left = %#v", le.Left)
	}
	inner := vp.ValueFilter.(*filter.LogicalExpression)
	if v := inner.Right.(*filter.AttributeExpression).CompareValue; v != `x"y` {
		t.Errorf("string value = %q, want unescaped", v)
	}
	if v := le.Right.(*filter.AttributeExpression).CompareValue; v != json.Number("12345678901234567890") {
		t.Errorf("number value = %#v", v)
	}
}

// RFC 7644 §3.4.2.2: gt, ge, lt and le on a boolean or binary attribute are
// a 400 invalidFilter, not a filter that matches nothing.
func TestFilterValidate(t *testing.T) {
	rs := userRS()
	for _, f := range []string{
		`userName gt "a"`, `meta.created ge "2020-01-01"`, `emails[value lt "m"]`, `active eq true`, `active ne false`,
		`x509Certificates eq "AAAA"`, `nosuch gt "x"`, `urn:sqlscim:schemas:extension:db:1.0:User:SALARY ge 10`, `emails[primary eq true]`,
	} {
		parsed, err := ParseFilter(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := parsed.Validate(rs); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	for _, tc := range []struct{ filter, detail string }{
		{`active gt false`, `the filter "active gt false" is invalid: gt cannot compare with false; gt, ge, lt and le order numbers, dates and strings, and a boolean takes only eq or ne`},
		{`active GE "true"`, `the filter "active GE "true"" is invalid: ge cannot compare active, a boolean attribute; gt, ge, lt and le order numbers, dates and strings, and a boolean attribute takes only eq or ne`},
		{`userName eq "a" or emails[type eq "work" and primary lt "x"]`, `~lt cannot compare primary, a boolean attribute`},
		{`emails.primary le "true"`, `~le cannot compare emails.primary, a boolean attribute`},
		{`not (x509Certificates gt "AAAA")`, `~gt cannot compare x509Certificates, a binary attribute; gt, ge, lt and le order numbers, dates and strings, and a binary attribute takes only eq or ne`},
		{`urn:ietf:params:scim:schemas:core:2.0:User:active lt "x"`, `~lt cannot compare urn:ietf:params:scim:schemas:core:2.0:User:active, a boolean attribute`},
	} {
		parsed, err := ParseFilter(tc.filter)
		if err != nil {
			t.Fatal(err)
		}
		checkError(t, parsed.Validate(rs), InvalidFilter, tc.detail)
	}
	// Without a schema only the values can be checked.
	parsed, _ := ParseFilter(`anything lt true`)
	checkError(t, parsed.Validate(nil), InvalidFilter, `~lt cannot compare with true`)
	if err := (*Filter)(nil).Validate(rs); err != nil {
		t.Errorf("nil filter: %v", err)
	}
}
