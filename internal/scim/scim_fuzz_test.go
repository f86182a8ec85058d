package scim

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// Fuzz targets of the SCIM core. Their seed corpora are in
// testdata/fuzz/FuzzParseFilter and testdata/fuzz/FuzzApplyPatch; `go test`
// runs every seed as a unit test, `make fuzz` explores further.

// fuzzExtURN is an extension like the tenant extension of a database: its
// attributes are column names, of every type.
const fuzzExtURN = "urn:sqlscim:schemas:extension:database:2.0:User"

var fuzzExt = Schema{
	ID:   fuzzExtURN,
	Name: "DatabaseUser",
	Attributes: []Attribute{
		{Name: "USER_ID", Type: TypeString, CaseExact: true, Mutability: MutabilityImmutable},
		{Name: "USERNAME", Type: TypeString},
		{Name: "IS_ACTIVE", Type: TypeInteger},
		{Name: "SALARY", Type: TypeDecimal},
		{Name: "HIREDATE", Type: TypeDateTime},
		{Name: "VIP", Type: TypeBoolean},
		{Name: "BADGE", Type: TypeBinary},
		{Name: "CREATED_BY", Type: TypeString, Mutability: MutabilityReadOnly},
		{Name: "TAGS", Type: TypeString, MultiValued: true},
	},
}

// fuzzSchema is the core User with the enterprise and the database
// extension.
func fuzzSchema() *ResourceSchema {
	return &ResourceSchema{Core: UserSchema, Extensions: []Schema{EnterpriseUserSchema, fuzzExt}}
}

// fuzzUserJSON is the sample user every fuzz input is applied to.
const fuzzUserJSON = `{
 "schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","urn:sqlscim:schemas:extension:database:2.0:User"],
 "id":"luke.skywalker@galaxy.local",
 "externalId":"00u1",
 "userName":"luke.skywalker",
 "name":{"givenName":"Luke","familyName":"Skywalker","formatted":"Luke Skywalker"},
 "displayName":"Luke Skywalker",
 "nickName":"Red Five",
 "title":"",
 "active":true,
 "emails":[{"value":"luke.skywalker@galaxy.local","type":"work","primary":true},{"value":"luke@home.local","type":"home"}],
 "phoneNumbers":[{"value":"+1-555-0101","type":"mobile"}],
 "addresses":[{"locality":"Anchorhead","region":"Tatooine","country":"US","type":"work","primary":true}],
 "entitlements":[{"value":"1","display":"VPN Access","type":"Entitlement"},{"value":"5","display":"Confluence Edit","type":"Entitlement"}],
 "roles":[],
 "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Jedi Knights","organization":"Jedi Order","manager":{"value":"obiwan.kenobi@galaxy.local","displayName":"Obi-Wan Kenobi"}},
 "urn:sqlscim:schemas:extension:database:2.0:User":{"USER_ID":"luke.skywalker@galaxy.local","USERNAME":"luke.skywalker","IS_ACTIVE":1,"SALARY":"1000.50","HIREDATE":"2017-05-25","VIP":false,"TAGS":["pilot","jedi"],"CREATED_BY":"okta"},
 "meta":{"resourceType":"User","created":"2017-05-25T00:00:00Z","lastModified":"2024-01-02T03:04:05Z","location":"https://h/Users/luke.skywalker@galaxy.local"}
}`

func fuzzUser(t *testing.T) Resource {
	t.Helper()
	r, err := DecodeResource([]byte(fuzzUserJSON))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// wantSCIMError fails unless err is a *Error with a 400 status and, when
// types are given, one of those scimTypes.
func wantSCIMError(t *testing.T, what string, err error, types ...ErrorType) {
	t.Helper()
	var se *Error
	if !errors.As(err, &se) {
		t.Fatalf("%s: error %T %v is not a *scim.Error", what, err, err)
	}
	if se.Status != 400 {
		t.Fatalf("%s: status %d, want 400: %v", what, se.Status, se)
	}
	if strings.TrimSpace(se.Detail) == "" {
		t.Fatalf("%s: error without a detail: %v", what, se)
	}
	if len(types) == 0 {
		return
	}
	for _, typ := range types {
		if se.Type == typ {
			return
		}
	}
	t.Fatalf("%s: scimType %q, want one of %v: %v", what, se.Type, types, se)
}

// gluedLogical reports the one form the library reads although RFC 7644
// forbids it: inside a value path it takes "and" or "or" glued to what is
// next to it ("[a eq 1 orB pr]", "[a eq ""AndA pr]") as the operator,
// while at the top level it refuses the same text. ParseFilter refuses
// both, as the grammar's SP ("and" / "or") SP says, so the oracle does not
// apply there. The test is wide on purpose: any word inside brackets that
// starts with and/or and touches something other than a space skips the
// oracle ("[order pr]" too), which costs a little coverage and no false
// failures.
func gluedLogical(s string) bool {
	depth, inString := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
			continue
		case '[':
			depth++
			continue
		case ']':
			depth--
			continue
		}
		if depth <= 0 || (i > 0 && isFilterNameByte(s[i-1])) {
			continue
		}
		for _, kw := range []string{"and", "or"} {
			end := i + len(kw)
			if end > len(s) || !strings.EqualFold(s[i:end], kw) {
				continue
			}
			if (i > 0 && !isFilterSpace(s[i-1])) || (end < len(s) && !isFilterSpace(s[end])) {
				return true
			}
		}
	}
	return false
}

func isFilterNameByte(c byte) bool {
	return c == '_' || c == '$' || c == '-' || c == ':' || c == '.' ||
		('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

func isFilterSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// FuzzParseFilter parses a filter and evaluates it on a sample user. It
// must never panic; a filter the filter-parser library reads must give the
// library's tree; a filter that parses must render (String) as a filter
// that parses again, renders the same, and means the same on the sample.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{
		`userName eq "bjensen"`,
		`emails[type eq "work" and value co "@galaxy"]`,
		`not (active eq false) and (title pr or nickName sw "Red")`,
	} {
		f.Add(s)
	}
	rs := fuzzSchema()
	f.Fuzz(func(t *testing.T, s string) {
		flt, err := ParseFilter(s)
		// Whatever the filter-parser library reads within the limits reads
		// the same here.
		if want, ok := libraryTree(s); ok && len(s) <= maxFilterLen && nesting(s) <= maxFilterNesting && !gluedLogical(s) {
			if err != nil {
				t.Fatalf("ParseFilter(%q): %v; the library reads it", s, err)
			}
			if !reflect.DeepEqual(flt.Expr(), want) {
				t.Fatalf("ParseFilter(%q) = %s; the library reads %s", s, exprString(flt.Expr()), exprString(want))
			}
		}
		if err != nil {
			wantSCIMError(t, "ParseFilter", err, InvalidFilter)
			return
		}
		if flt.Expr() == nil {
			t.Fatalf("ParseFilter(%q) returned a filter without an expression", s)
		}
		user := fuzzUser(t)
		before := user.Clone()
		got := flt.Matches(user, rs)
		_ = flt.Matches(user, nil)
		_ = flt.Matches(Resource{}, rs)
		_ = flt.Matches(Resource{"emails": "not a list", "name": []any{1}, "meta": 5}, rs)
		if !reflect.DeepEqual(user, before) {
			t.Fatalf("Matches changed the resource")
		}

		str := flt.String()
		if len(str) > maxFilterLen {
			// The canonical form can outgrow the length limit (escapes of
			// control characters are longer than the characters).
			return
		}
		again, err := ParseFilter(str)
		if err != nil {
			t.Fatalf("ParseFilter(%q).String() = %q does not parse: %v", s, str, err)
		}
		if str2 := again.String(); str2 != str {
			t.Fatalf("String is not stable:\n filter %q\n once   %q\n twice  %q", s, str, str2)
		}
		if again.Matches(user, rs) != got {
			t.Fatalf("filter %q and its rendering %q disagree on the sample user (%v, %v)", s, str, got, !got)
		}
	})
}

// FuzzApplyPatch parses a PATCH body and applies it to the sample user
// with the core, enterprise and database schemas. It must never panic; on
// error the user must be unchanged; on success id and meta must be as
// they were, at most one value of each multi-valued attribute may be
// primary, and the user must render as JSON.
func FuzzApplyPatch(f *testing.F) {
	for _, s := range []string{
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}`,
		`{"Operations":[{"op":"Add","path":"emails[type eq \"work\"].value","value":"a@b.c"}]}`,
		`{"Operations":[{"op":"remove","path":"entitlements[value eq \"1\"]"}]}`,
	} {
		f.Add([]byte(s))
	}
	rs := fuzzSchema()
	f.Fuzz(func(t *testing.T, body []byte) {
		ops, err := ParsePatch(body)
		if err != nil {
			wantSCIMError(t, "ParsePatch", err, InvalidSyntax, InvalidPath, InvalidValue, NoTarget)
			return
		}
		if len(ops) == 0 {
			t.Fatal("ParsePatch returned no operations and no error")
		}
		for _, schema := range []*ResourceSchema{rs, nil} {
			user := fuzzUser(t)
			before := user.Clone()
			if err := ApplyPatch(user, ops, schema); err != nil {
				wantSCIMError(t, "ApplyPatch", err)
				if !reflect.DeepEqual(user, before) {
					t.Fatalf("ApplyPatch failed (%v) but changed the user:\nbefore %v\nafter  %v", err, before, user)
				}
				continue
			}
			for _, name := range []string{"id", "meta"} {
				old, _ := before.Get(name)
				now, _ := user.Get(name)
				if reflect.DeepEqual(old, now) {
					continue
				}
				t.Fatalf("ApplyPatch changed %s: %v -> %v", name, old, now)
			}
			if schema != nil {
				checkOnePrimary(t, user)
			}
			if _, err := json.Marshal(user); err != nil {
				t.Fatalf("the patched user does not render: %v", err)
			}
		}
	})
}

// checkOnePrimary fails when a multi-valued attribute has more than one
// value with primary true (RFC 7643 §2.4).
func checkOnePrimary(t *testing.T, r Resource) {
	t.Helper()
	for k, v := range r {
		list, ok := asList(v)
		if !ok {
			continue
		}
		n := 0
		for _, el := range list {
			if isPrimary(el) {
				n++
			}
		}
		if n > 1 {
			t.Fatalf("%s has %d primary values: %v", k, n, v)
		}
	}
}
