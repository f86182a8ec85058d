// Package conformance replays Runscope API test exports – the format of
// Okta's "SCIM 2.0 SPEC Test" – against a SCIM server, and reports every
// assertion of every step with what was expected and what came back.
//
// The replayer follows Runscope's execution order for a request step:
// pre-request scripts, the request, variable extraction, post-response
// scripts, then assertions (so an assertion may use a variable the same
// step extracted). Pause steps are recorded but never slept.
//
// Runscope's semantics, as far as they matter here:
//
//   - {{name}} in a URL, header, body, form, auth field or assertion
//     target is replaced by the variable's value. An undefined variable is
//     left as written and noted in the result.
//   - A JSON property is a path in JavaScript notation: name.name,
//     name[0].name, ["a key"]. Nothing else: a path through an array
//     without an index (emails.value on an array) does not resolve, as in
//     JavaScript, where it is undefined. A property that does not resolve
//     fails every comparison except "empty", with Runscope's message
//     "Unable to locate X property in path 'P' in JSON."
//   - Text comparisons use the value's text: a string as it is, a number
//     as written in the response, true/false, and compact JSON for null,
//     arrays and objects.
//   - "contains" is a substring test on text, a membership test on an
//     array (an element whose text equals the target) and a key test on an
//     object; "has_value" asks for an element (or member value) whose text
//     equals the target, and a missing target (null in the export, an
//     empty box in Runscope's editor) is the empty string.
//   - "is_a_number" accepts a JSON number or text that reads as a decimal
//     number; the numeric comparisons read both sides that way.
//   - "empty" holds for a missing value, null, "", [] and {}; "not_empty"
//     for anything else, false and 0 included.
//
// Assertions on response_time are recorded but never fail a step: timings
// depend on the machine and belong in benchmarks, not in pass/fail tests.
//
// Scripts are JavaScript, which this package does not run. The scripts of
// Okta's exports are emulated in Go, recognised by their exact text (white
// space aside); any other script fails its step as "not emulated" rather
// than being silently ignored.
package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

// This file reads an export into a Suite. Running it is in run.go,
// reading responses in jsonpath.go, assertions in assert.go and results in
// report.go.

// Suite is one Runscope API test export.
type Suite struct {
	// Path is the file the suite was loaded from.
	Path string
	// Name, Description and Version are the export's.
	Name, Description, Version string
	// ExportedAt is the export's Unix time.
	ExportedAt int64
	// Steps are the steps in file order.
	Steps []Step
}

// Step is one step of a test: a request, a pause or another kind.
type Step struct {
	// Index is the step's position in the file, from 0.
	Index int
	// Type is step_type: "request", "pause", ...
	Type string
	// Note is the step's title in Runscope's editor.
	Note string
	// Skipped steps are not run.
	Skipped bool
	// Method, URL, Headers, Body and Form describe the request; they may
	// hold {{variables}}.
	Method, URL string
	Headers     []Header
	Body        string
	Form        []Header
	// Auth is Runscope's request authentication ({} for none).
	Auth map[string]string
	// Assertions are checked against the response.
	Assertions []Assertion
	// Variables are extracted from the response.
	Variables []Extraction
	// Scripts run after the response, BeforeScripts before the request.
	Scripts, BeforeScripts []string
	// Duration is a pause's length in seconds.
	Duration float64
}

// Header is a request header (or form field) with its values.
type Header struct {
	Name   string
	Values []string
}

// Assertion is one Runscope assertion.
type Assertion struct {
	// Source is response_status, response_json, response_headers,
	// response_text, response_size or response_time.
	Source string
	// Property is the JSON path or header name, "" when unused.
	Property string
	// Comparison is equal, equal_number, not_empty, has_value, ...
	Comparison string
	// Value is the target; nil when the export has null.
	Value *string
}

// String describes the assertion as Runscope's editor shows it.
func (a Assertion) String() string {
	var b strings.Builder
	b.WriteString(a.Source)
	if a.Property != "" {
		b.WriteString(" " + a.Property)
	}
	b.WriteString(" " + a.Comparison)
	if a.Value != nil {
		b.WriteString(" " + strconv.Quote(*a.Value))
	}
	return b.String()
}

// Extraction stores a value of the response in a variable.
type Extraction struct {
	Source, Property, Name string
}

// rawSuite and rawStep mirror the export's JSON.
type rawSuite struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Version     json.RawMessage `json:"version"`
	ExportedAt  json.Number     `json:"exported_at"`
	Steps       []rawStep       `json:"steps"`
}

type rawStep struct {
	StepType      string            `json:"step_type"`
	Note          string            `json:"note"`
	Skipped       bool              `json:"skipped"`
	Method        string            `json:"method"`
	URL           string            `json:"url"`
	Headers       map[string]any    `json:"headers"`
	Body          *string           `json:"body"`
	Form          map[string]any    `json:"form"`
	Auth          map[string]any    `json:"auth"`
	Assertions    []rawAssertion    `json:"assertions"`
	RawVariables  []json.RawMessage `json:"variables"`
	Scripts       []string          `json:"scripts"`
	BeforeScripts []string          `json:"before_scripts"`
	Duration      json.Number       `json:"duration"`
}

type rawAssertion struct {
	Source     string `json:"source"`
	Property   string `json:"property"`
	Comparison string `json:"comparison"`
	Value      any    `json:"value"`
}

// Load reads a Runscope API test export.
func Load(path string) (*Suite, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s.Path = path
	return s, nil
}

// Parse decodes a Runscope API test export.
func Parse(data []byte) (*Suite, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var raw rawSuite
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("not a Runscope export: %w", err)
	}
	if raw.Steps == nil {
		return nil, errors.New("not a Runscope export: no steps")
	}
	s := &Suite{Name: raw.Name, Description: raw.Description, Version: scalarText(raw.Version)}
	if raw.ExportedAt != "" {
		s.ExportedAt, _ = raw.ExportedAt.Int64()
	}
	for i, rs := range raw.Steps {
		st, err := convertStep(i, rs)
		if err != nil {
			return nil, fmt.Errorf("steps[%d]: %w", i, err)
		}
		s.Steps = append(s.Steps, st)
	}
	return s, nil
}

// scalarText turns a JSON scalar ("1.0" or 1.0) into its text.
func scalarText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return strings.TrimSpace(string(raw))
}

func convertStep(i int, rs rawStep) (Step, error) {
	st := Step{
		Index: i, Type: rs.StepType, Note: rs.Note, Skipped: rs.Skipped,
		Method: strings.ToUpper(rs.Method), URL: rs.URL,
		Scripts: rs.Scripts, BeforeScripts: rs.BeforeScripts,
	}
	if rs.Body != nil {
		st.Body = *rs.Body
	}
	if rs.Duration != "" {
		st.Duration, _ = rs.Duration.Float64()
	}
	var err error
	if st.Headers, err = headerList("headers", rs.Headers); err != nil {
		return st, err
	}
	if st.Form, err = headerList("form", rs.Form); err != nil {
		return st, err
	}
	if len(rs.Auth) > 0 {
		st.Auth = map[string]string{}
		for k, v := range rs.Auth {
			st.Auth[k] = valueText(v)
		}
	}
	for j, a := range rs.Assertions {
		as := Assertion{Source: a.Source, Property: a.Property, Comparison: a.Comparison}
		if a.Value != nil {
			v := valueText(a.Value)
			as.Value = &v
		}
		if as.Source == "" || as.Comparison == "" {
			return st, fmt.Errorf("assertions[%d]: source and comparison are required", j)
		}
		st.Assertions = append(st.Assertions, as)
	}
	for j, rv := range rs.RawVariables {
		var e Extraction
		if err := json.Unmarshal(rv, &e); err != nil {
			return st, fmt.Errorf("variables[%d]: %w", j, err)
		}
		if e.Name == "" || e.Source == "" {
			return st, fmt.Errorf("variables[%d]: name and source are required", j)
		}
		st.Variables = append(st.Variables, e)
	}
	return st, nil
}

// headerList reads Runscope's header map, whose values are a list of
// strings or a single string, in name order.
func headerList(what string, m map[string]any) ([]Header, error) {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []Header
	for _, k := range names {
		h := Header{Name: k}
		switch v := m[k].(type) {
		case nil:
		case []any:
			for _, e := range v {
				h.Values = append(h.Values, valueText(e))
			}
		case string, json.Number, bool:
			h.Values = []string{valueText(v)}
		default:
			return nil, fmt.Errorf("%s %q: a value must be a string or a list of strings", what, k)
		}
		out = append(out, h)
	}
	return out, nil
}

// valueText is the text of a decoded JSON value: strings as they are,
// numbers as written, true/false, and compact JSON for the rest.
func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return fmt.Sprint(x)
		}
		return string(b)
	}
}
