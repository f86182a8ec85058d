package scim

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"

	filter "github.com/scim2/filter-parser/v2"
)

// libraryTree parses s with github.com/scim2/filter-parser/v2 itself and
// unescapes its string values, which is the tree ParseFilter promises for
// every filter the library reads. ok is false when the library refuses s.
func libraryTree(s string) (e filter.Expression, ok bool) {
	e, err := filter.ParseFilterNumber([]byte(s))
	if err != nil {
		return nil, false
	}
	return e, unescapeLibrary(e)
}

// unescapeLibrary decodes the JSON escapes the library leaves in strings.
func unescapeLibrary(e filter.Expression) bool {
	switch x := e.(type) {
	case *filter.AttributeExpression:
		if s, ok := x.CompareValue.(string); ok {
			var u string
			if json.Unmarshal([]byte(`"`+s+`"`), &u) != nil {
				return false
			}
			x.CompareValue = u
		}
	case *filter.LogicalExpression:
		return unescapeLibrary(x.Left) && unescapeLibrary(x.Right)
	case *filter.NotExpression:
		return unescapeLibrary(x.Expression)
	case *filter.ValuePath:
		return unescapeLibrary(x.ValueFilter)
	}
	return true
}

// Filters in the library's own grammar give the library's tree: the
// operators, the grouping of and/or, URN prefixes, sub-attributes, value
// types, and "not", "and" and "or" as attribute names where the grammar
// reads them so.
func TestParseFilterGivesTheLibrarysTree(t *testing.T) {
	for _, s := range []string{
		`userName eq "bjensen"`,
		`userName EQ "b\"j\u00E9n\\sen"`,
		`title co ""`,
		`emails.value ew "@example.com"`,
		`USER_ID ne "x@y"`,
		`active eq "true"`,
		`active Eq TRUE`,
		`x eq null`,
		`n gt -1.5E+3`,
		`n le 12345678901234567890`,
		`a pr and b pr and c pr`,
		`a pr or b pr and c pr or d pr`,
		`a pr and (b pr or c pr)`,
		`not (a pr) or NOT(b pr)`,
		`emails[type eq "work" and value co "@x"]`,
		`emails [not (type eq "work")] or name[givenName sw "B"]`,
		`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "1"`,
		`members.$ref pr`,
		`not pr`,
		`a pr and and pr or or eq 1`,
		`a  pr   and   b pr`,
		`sqlscimValueFilter eq 1`,
	} {
		want, ok := libraryTree(s)
		if !ok {
			t.Fatalf("%s: the library refuses it; the test wants filters it reads", s)
		}
		f, err := ParseFilter(s)
		if err != nil {
			t.Errorf("%s: %v", s, err)
			continue
		}
		if !reflect.DeepEqual(f.Expr(), want) {
			t.Errorf("%s:\n got  %s\n want %s", s, exprString(f.Expr()), exprString(want))
		}
	}
}

// What RFC 7644 allows beyond the library's grammar, and the trees it
// gives.
func TestParseFilterBeyondTheLibrary(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"userName\teq\n\"a\"", `userName eq "a"`},
		{`(a pr)and(b pr)`, `a pr and b pr`},
		{`a eq "\u00e9"`, `a eq "é"`},
		{"a eq \"tab\there\"", `a eq "tab\there"`},
		{`emails[type eq "work" and value co "@x" and primary eq true]`, `emails[type eq "work" and value co "@x" and primary eq true]`},
		{`emails[(type eq "work" or type eq "home") and primary eq true]`, `emails[(type eq "work" or type eq "home") and primary eq true]`},
	} {
		f, err := ParseFilter(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if got := f.String(); got != tc.want {
			t.Errorf("%q: got %s, want %s", tc.in, got, tc.want)
		}
	}
}

// Text the library refuses because a space is missing is refused here too,
// with a message that says where the space goes; so are names with
// characters the grammar does not allow.
func TestParseFilterNeedsSpaces(t *testing.T) {
	for _, tc := range []struct{ in, detail string }{
		{`userName eq"bjensen"`, `the filter "userName eq"bjensen"" is invalid: the string "bjensen" at character 12 needs a space before it, as in userName eq "bjensen"`},
		{`a eq "x"and b pr`, `the filter "a eq "x"and b pr" is invalid: "and" at character 9 needs a space before it`},
		{`emails[type pr]or b pr`, `the filter "emails[type pr]or b pr" is invalid: "or" at character 16 needs a space before it`},
		{`a$b eq "x"`, `the filter "a$b eq "x"" is invalid: "a$b" at character 1 is not an attribute name; names start with a letter and contain letters, digits, "_" and "-", as in userName, name.givenName or urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`},
		{`a eq falſe`, `the filter "a eq falſe" is invalid: the value falſe at character 6 must be in double quotes, as in a eq "falſe"`},
	} {
		if _, ok := libraryTree(tc.in); ok {
			t.Errorf("%s: the library reads it", tc.in)
		}
		_, err := ParseFilter(tc.in)
		checkError(t, err, InvalidFilter, tc.detail)
	}
}

// PATCH paths give the library's tree; a sub-attribute must follow "]"
// directly, as in the grammar.
func TestParsePathText(t *testing.T) {
	for _, s := range []string{
		`userName`, `name.givenName`, `emails[type eq "work"]`, `emails[type eq "work"].value`,
		`emails [type eq "work" or primary eq true].display`, `members[value eq "1"].$ref`,
		`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`, `and`,
	} {
		want, err := filter.ParsePathNumber([]byte(s))
		if err != nil {
			t.Fatalf("%s: the library refuses it: %v", s, err)
		}
		if want.ValueExpression != nil && !unescapeLibrary(want.ValueExpression) {
			t.Fatal(s)
		}
		got, err := parsePathText(s)
		if err != nil {
			t.Errorf("%s: %v", s, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got  %#v\n want %#v", s, got, want)
		}
	}
	for _, tc := range []struct{ in, msg string }{
		{`emails[type pr] .value`, `".value" at character 17 must follow "]" without a space`},
		{`emails[type pr].value.x`, `".value.x" at character 16 is not a sub-attribute name`},
		{`emails[type pr][value pr]`, `unexpected "[" at character 16; a path is an attribute name, optionally followed by a filter in brackets and a sub-attribute, as in emails[type eq "work"].value`},
		{`emails[a[b pr]]`, `the "[" at character 9 opens a value filter inside the value filter at character 7; value filters cannot be nested`},
		{`  `, `the path is empty`},
	} {
		if got := diagnosePath(tc.in); got != tc.msg {
			t.Errorf("%s:\n got  %s\n want %s", tc.in, got, tc.msg)
		}
	}
}

// Filters at the length and nesting limits parse.
func TestParseFilterLongAndDeep(t *testing.T) {
	long := strings.TrimSuffix(strings.Repeat(`a eq "x" or `, 340), " or ")
	if _, err := ParseFilter(long); err != nil {
		t.Fatal(err)
	}
	deep := strings.Repeat("(", maxFilterNesting) + "a pr" + strings.Repeat(")", maxFilterNesting)
	if _, err := ParseFilter(deep); err != nil {
		t.Fatal(err)
	}
}

// isAttrPath, isAttrName and isNumberText accept exactly the texts of the
// grammar's rules, written here as regular expressions, for every string of
// up to five characters from the alphabet the rules use.
func TestWordRulesMatchTheGrammar(t *testing.T) {
	attrPath := regexp.MustCompile(`^(?:[A-Za-z0-9.\-]+:)*\$?[A-Za-z][A-Za-z0-9_\-]*(?:\.\$?[A-Za-z][A-Za-z0-9_\-]*)?$`)
	attrName := regexp.MustCompile(`^\$?[A-Za-z][A-Za-z0-9_\-]*$`)
	number := regexp.MustCompile(`^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$`)
	const alphabet = "aZ01.-_$:eE+"
	var walk func(prefix string)
	walk = func(s string) {
		if got, want := isAttrPath(s), attrPath.MatchString(s); got != want {
			t.Errorf("isAttrPath(%q) = %v", s, got)
		}
		if got, want := isAttrName(s), attrName.MatchString(s); got != want {
			t.Errorf("isAttrName(%q) = %v", s, got)
		}
		if got, want := isNumberText(s), number.MatchString(s); got != want {
			t.Errorf("isNumberText(%q) = %v", s, got)
		}
		if len(s) == 5 {
			return
		}
		for _, c := range alphabet {
			walk(s + string(c))
		}
	}
	walk("")
	for _, s := range []string{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", "members.$ref", "a:b:", "ä", "12345678901234567890", "-0.5e-7"} {
		if isAttrPath(s) != attrPath.MatchString(s) || isNumberText(s) != number.MatchString(s) {
			t.Errorf("%q", s)
		}
	}
}
