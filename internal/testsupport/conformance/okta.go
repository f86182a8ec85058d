package conformance

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// OktaInitialVariables returns the initial variables of Okta's SCIM SPEC
// test: SCIMBaseURL and auth, which the tester types into Runscope's
// "Initial Variables", and the values Okta's "Initial Script" sets
// (Initial_Script_Spec.txt in Okta's setup guide):
//
//	randomGivenName        Runscope300            "Runscope" and three digits
//	randomFamilyName       Hfluaklab151           letters and three digits
//	randomUsername         Runscope300Hfluaklab151@example.com
//	randomEmail            the same address
//	randomUsernameCaps     RUNSCOPE300HFLUAKLAB151@example.com (case-sensitivity probe)
//	InvalidUserEmail       abcdefgh@example.com
//	UserIdThatDoesNotExist 010101001010101011001010101011
//
// authorization is the whole Authorization header value ("Bearer <token>").
// Every call draws new random names.
func OktaInitialVariables(baseURL, authorization string) map[string]string {
	given := fmt.Sprintf("Runscope%03d", 100+rand.IntN(900))
	const lower = "abcdefghijklmnopqrstuvwxyz"
	var fam strings.Builder
	fam.WriteByte(lower[rand.IntN(len(lower))] - 'a' + 'A')
	for range 8 {
		fam.WriteByte(lower[rand.IntN(len(lower))])
	}
	fmt.Fprintf(&fam, "%03d", rand.IntN(1000))
	family := fam.String()
	user := given + family + "@example.com"
	return map[string]string{
		"SCIMBaseURL":            strings.TrimRight(baseURL, "/"),
		"auth":                   authorization,
		"randomGivenName":        given,
		"randomFamilyName":       family,
		"randomUsername":         user,
		"randomEmail":            user,
		"randomUsernameCaps":     strings.ToUpper(given+family) + "@example.com",
		"InvalidUserEmail":       "abcdefgh@example.com",
		"UserIdThatDoesNotExist": "010101001010101011001010101011",
	}
}

// emulatedScripts are the post-response scripts of Okta's exports, keyed
// by their text with white space removed, each emulated in Go.
var emulatedScripts = map[string]func(rd *responseData) ScriptResult{
	squashSpace(`var data = JSON.parse(response.body);
var max = data.totalResults;
var res = data.Resources;
var exists = false;
if (max >= 1 && Array.isArray(res)) {
    exists = true;
}
    
assert.ok(exists, "Resources is of type Array");
log(exists);
`): groupsScript2016,
	squashSpace(`var data = JSON.parse(response.body);
var max = data.totalResults;
var res = data.Resources;
var exists = false;

if (max === 0)
	assert("nogroups", "No Groups found in the endpoint");
else if (max >= 1 && Array.isArray(res)) {
    exists = true;
    assert.ok(exists, "Resources is of type Array");
	log(exists);
}`): groupsScript2024,
}

// squashSpace removes all white space, so scripts match whatever their layout.
func squashSpace(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, s)
}

// runScript runs an emulated script, or fails when there is none.
func runScript(src string, rd *responseData) ScriptResult {
	if f, ok := emulatedScripts[squashSpace(src)]; ok {
		return f(rd)
	}
	return ScriptResult{Message: "script not emulated by this replayer, so it cannot pass: " + shorten(strings.TrimSpace(src), 200)}
}

// groupsData evaluates the lines the Groups scripts share:
//
//	var data = JSON.parse(response.body);
//	var max = data.totalResults;
//	var res = data.Resources;
//
// failing as JavaScript would on a body that is not JSON (SyntaxError) or
// is JSON null (TypeError reading a property of null).
func groupsData(rd *responseData) (maxV, res any, failure string) {
	if rd.jsonErr != nil {
		return nil, nil, "SyntaxError in JSON.parse(response.body): " + rd.jsonErr.Error()
	}
	if rd.json == nil {
		return nil, nil, "TypeError: Cannot read property 'totalResults' of null"
	}
	get := func(name string) any {
		if m, ok := rd.json.(map[string]any); ok {
			if v, ok := m[name]; ok {
				return v
			}
		}
		return undefined{}
	}
	return get("totalResults"), get("Resources"), ""
}

// groupsScript2016 emulates the 2016 export's Groups script: it asserts
// that totalResults >= 1 and that Resources is an array, so it fails for
// a server with no groups.
func groupsScript2016(rd *responseData) ScriptResult {
	maxV, res, failure := groupsData(rd)
	if failure != "" {
		return ScriptResult{Message: failure}
	}
	_, isArray := res.([]any)
	exists := jsNumber(maxV) >= 1 && isArray
	sr := ScriptResult{Passed: exists, Logs: []string{strconv.FormatBool(exists)}}
	sr.Message = fmt.Sprintf("assert.ok(max >= 1 && Array.isArray(Resources), \"Resources is of type Array\") with totalResults = %s, Resources %s", jsText(maxV), jsKind(res))
	if !exists {
		sr.Message = "AssertionError: Resources is of type Array – " + sr.Message
	}
	return sr
}

// groupsScript2024 emulates the 2024 export's Groups script: with
// totalResults === 0 it runs assert("nogroups", ...), which holds because
// a non-empty string is truthy; with totalResults >= 1 it asserts that
// Resources is an array (which the condition already ensured); otherwise
// it asserts nothing. So it fails only on a body that is not JSON.
func groupsScript2024(rd *responseData) ScriptResult {
	maxV, res, failure := groupsData(rd)
	if failure != "" {
		return ScriptResult{Message: failure}
	}
	_, isArray := res.([]any)
	n, isNum := maxV.(json.Number)
	switch {
	case isNum && jsNumber(n) == 0:
		return ScriptResult{Passed: true, Message: "totalResults === 0: assert(\"nogroups\", \"No Groups found in the endpoint\") holds"}
	case jsNumber(maxV) >= 1 && isArray:
		return ScriptResult{Passed: true, Message: fmt.Sprintf("totalResults = %s and Resources is an array: assert.ok(true, \"Resources is of type Array\") holds", jsText(maxV)), Logs: []string{"true"}}
	}
	return ScriptResult{Passed: true, Message: fmt.Sprintf("totalResults = %s, Resources %s: the script asserts nothing", jsText(maxV), jsKind(res))}
}

// jsNumber is JavaScript's ToNumber for a decoded JSON value (NaN for
// undefined, objects and text that is not a number).
func jsNumber(v any) float64 {
	switch x := v.(type) {
	case undefined:
		return math.NaN()
	case nil:
		return 0
	case bool:
		if x {
			return 1
		}
		return 0
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return math.NaN()
		}
		return f
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return 0
		}
		if f, ok := readNumber(s); ok {
			return f
		}
		return math.NaN()
	case []any:
		// ToPrimitive joins the elements' text: [] is "" (0), [5] is "5".
		switch len(x) {
		case 0:
			return 0
		case 1:
			switch e := x[0].(type) {
			case nil:
				return 0
			case json.Number:
				return jsNumber(string(e))
			case string:
				return jsNumber(e)
			}
		}
		return math.NaN()
	}
	return math.NaN()
}

// jsText shows a value the way a message should.
func jsText(v any) string {
	if _, ok := v.(undefined); ok {
		return "undefined"
	}
	return valueText(v)
}

// jsKind names a value's JavaScript kind.
func jsKind(v any) string {
	switch v.(type) {
	case undefined:
		return "is undefined"
	case []any:
		return "is an array"
	case nil:
		return "is null"
	}
	return "is not an array"
}
