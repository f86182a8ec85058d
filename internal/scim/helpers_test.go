package scim

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

// dbExtURN is a test extension whose attributes are named like database
// columns.
const dbExtURN = "urn:sqlscim:schemas:extension:db:1.0:User"

var dbExt = Schema{
	ID:   dbExtURN,
	Name: "DBUser",
	Attributes: []Attribute{
		{Name: "DEPARTMENT", Type: TypeString},
		{Name: "IS_ACTIVE", Type: TypeInteger},
		{Name: "USER_ID", Type: TypeString, CaseExact: true},
		{Name: "HIRED", Type: TypeDateTime},
		{Name: "SALARY", Type: TypeDecimal},
		{Name: "BADGE", Type: TypeString, Mutability: MutabilityImmutable},
		{Name: "CREATED_BY", Type: TypeString, Mutability: MutabilityReadOnly},
	},
}

func userRS() *ResourceSchema {
	return &ResourceSchema{Core: UserSchema, Extensions: []Schema{EnterpriseUserSchema, dbExt}}
}

func groupRS() *ResourceSchema {
	return &ResourceSchema{Core: GroupSchema}
}

// mustDecode decodes a JSON object the way requests are decoded.
func mustDecode(t *testing.T, s string) Resource {
	t.Helper()
	r, err := DecodeResource([]byte(s))
	if err != nil {
		t.Fatalf("DecodeResource(%s): %v", s, err)
	}
	return r
}

// mustJSON renders a resource.
func mustJSON(t *testing.T, r Resource) string {
	t.Helper()
	b, err := r.MarshalJSON()
	if err != nil {
		t.Fatalf("MarshalJSON: %v", err)
	}
	return string(b)
}

// checkError checks that err is a *Error with the given status 400, type
// and detail. A detail starting with "~" only needs to be contained.
func checkError(t *testing.T, err error, typ ErrorType, detail string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s %q", typ, detail)
	}
	var se *Error
	if !errors.As(err, &se) {
		t.Fatalf("got %T %v, want *scim.Error", err, err)
	}
	if se.Status != 400 || se.Type != typ {
		t.Errorf("got %d %s, want 400 %s (detail %q)", se.Status, se.Type, typ, se.Detail)
	}
	if re, ok := strings.CutPrefix(detail, "re:"); ok {
		if !regexp.MustCompile(re).MatchString(se.Detail) {
			t.Errorf("detail\n got %q\nwant it to match %s", se.Detail, re)
		}
	} else if d, ok := strings.CutPrefix(detail, "~"); ok {
		if !strings.Contains(se.Detail, d) {
			t.Errorf("detail\n got %q\nwant it to contain %q", se.Detail, d)
		}
	} else if se.Detail != detail {
		t.Errorf("detail\n got %q\nwant %q", se.Detail, detail)
	}
}
