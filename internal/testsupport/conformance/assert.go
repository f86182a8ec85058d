package conformance

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// This file evaluates assertions: the value an assertion looks at and
// Runscope's comparisons of it with the expected text.

// actual finds the value an assertion compares.
func (rd *responseData) actual(a Assertion) (v any, found bool, msg string) {
	switch a.Source {
	case "response_status":
		return json.Number(strconv.Itoa(rd.rec.Status)), true, ""
	case "response_json":
		if rd.jsonErr != nil {
			return nil, false, rd.jsonErr.Error()
		}
		return lookupPath(rd.json, a.Property)
	case "response_headers":
		vals := rd.rec.Header.Values(a.Property)
		if len(vals) == 0 {
			return nil, false, fmt.Sprintf("no %s header in the response", a.Property)
		}
		return strings.Join(vals, ", "), true, ""
	case "response_text":
		return string(rd.rec.Body), true, ""
	case "response_size":
		return json.Number(strconv.Itoa(len(rd.rec.Body))), true, ""
	case "response_time":
		return json.Number(strconv.FormatInt(rd.rec.Duration.Milliseconds(), 10)), true, ""
	}
	return nil, false, fmt.Sprintf("assertion source %q is not supported by this replayer", a.Source)
}

// assert evaluates one assertion against the response.
func (rd *responseData) assert(a Assertion, expected string) AssertionResult {
	ar := AssertionResult{Assertion: a, Expected: expected}
	v, found, msg := rd.actual(a)
	ar.Found = found
	if found {
		ar.Actual = valueText(v)
		if _, isStr := v.(string); isStr && a.Source == "response_json" {
			ar.Actual = strconv.Quote(ar.Actual)
		}
	}
	ok, why := compare(a.Comparison, v, found, expected)
	if !found && why == "" {
		why = msg
	}
	ar.Passed, ar.Message = ok, why
	if a.Source == "response_time" {
		// Timings are not asserted: see the package documentation.
		verdict := "would fail"
		if ok {
			verdict = "would pass"
		}
		ar.Informational, ar.Passed = true, true
		ar.Message = fmt.Sprintf("response time %sms; Runscope's %s %s %sms %s; not asserted (timings belong in benchmarks)", ar.Actual, a.Source, a.Comparison, expected, verdict)
	}
	return ar
}

var decimalRE = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)

// readNumber reads a value as a decimal number: a JSON number, or text that
// is one.
func readNumber(v any) (float64, bool) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case string:
		s = strings.TrimSpace(x)
	default:
		return 0, false
	}
	if !decimalRE.MatchString(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// isEmpty is Runscope's emptiness: null, "", [] and {}.
func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// compare applies a comparison. It returns whether it holds and, when it
// does not, why.
func compare(cmp string, v any, found bool, expected string) (bool, string) {
	if cmp == "empty" {
		if !found || isEmpty(v) {
			return true, ""
		}
		return false, "the value is not empty"
	}
	if !found {
		if _, known := comparisons[cmp]; !known {
			return false, fmt.Sprintf("comparison %q is not supported by this replayer", cmp)
		}
		return false, ""
	}
	f, known := comparisons[cmp]
	if !known {
		return false, fmt.Sprintf("comparison %q is not supported by this replayer", cmp)
	}
	return f(v, expected)
}

var comparisons = map[string]func(v any, expected string) (bool, string){
	"not_empty": func(v any, _ string) (bool, string) {
		if isEmpty(v) {
			return false, "the value is empty"
		}
		return true, ""
	},
	"equal": func(v any, exp string) (bool, string) {
		if valueText(v) == exp {
			return true, ""
		}
		return false, "not equal"
	},
	"not_equal": func(v any, exp string) (bool, string) {
		if valueText(v) != exp {
			return true, ""
		}
		return false, "equal"
	},
	"contains": func(v any, exp string) (bool, string) {
		if containsValue(v, exp) {
			return true, ""
		}
		return false, "does not contain the target"
	},
	"does_not_contain": func(v any, exp string) (bool, string) {
		if !containsValue(v, exp) {
			return true, ""
		}
		return false, "contains the target"
	},
	"is_a_number": func(v any, _ string) (bool, string) {
		if _, ok := readNumber(v); ok {
			return true, ""
		}
		return false, "not a number"
	},
	"is_null": func(v any, _ string) (bool, string) {
		if v == nil {
			return true, ""
		}
		return false, "not null"
	},
	"equal_number":             numeric(func(a, b float64) bool { return a == b }),
	"is_less_than":             numeric(func(a, b float64) bool { return a < b }),
	"is_less_than_or_equal":    numeric(func(a, b float64) bool { return a <= b }),
	"is_greater_than":          numeric(func(a, b float64) bool { return a > b }),
	"is_greater_than_or_equal": numeric(func(a, b float64) bool { return a >= b }),
	"has_key": func(v any, exp string) (bool, string) {
		m, ok := v.(map[string]any)
		if !ok {
			return false, "the value is not an object"
		}
		if _, ok := m[exp]; ok {
			return true, ""
		}
		return false, "no such key"
	},
	"has_value": func(v any, exp string) (bool, string) {
		var items []any
		switch x := v.(type) {
		case []any:
			items = x
		case map[string]any:
			for _, e := range x {
				items = append(items, e)
			}
		default:
			return false, "the value is not a list"
		}
		for _, e := range items {
			if valueText(e) == exp {
				return true, ""
			}
		}
		return false, "no element has the target value"
	},
}

func numeric(op func(a, b float64) bool) func(v any, exp string) (bool, string) {
	return func(v any, exp string) (bool, string) {
		a, ok := readNumber(v)
		if !ok {
			return false, "the value is not a number"
		}
		b, ok := readNumber(exp)
		if !ok {
			return false, "the target is not a number"
		}
		if op(a, b) {
			return true, ""
		}
		return false, "the comparison does not hold"
	}
}

// containsValue is Runscope's "contains": a substring of text, an
// element of an array, a key of an object.
func containsValue(v any, exp string) bool {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if valueText(e) == exp {
				return true
			}
		}
		return false
	case map[string]any:
		_, ok := x[exp]
		return ok
	}
	return strings.Contains(valueText(v), exp)
}
