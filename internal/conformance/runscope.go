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
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

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

// Option adjusts a run.
type Option func(*runner)

// WithHeader sets a header on every request, after the step's own headers
// (the Okta Provisioning Agent's X-OKTA-ONPREM-DATA, for instance).
func WithHeader(name, value string) Option {
	return func(r *runner) { r.extra = append(r.extra, Header{Name: name, Values: []string{value}}) }
}

// WithSecrets lists values that reports must never show (bearer tokens,
// header payloads); they are replaced by "<redacted>".
func WithSecrets(values ...string) Option {
	return func(r *runner) {
		for _, v := range values {
			if v != "" {
				r.secrets = append(r.secrets, v)
			}
		}
	}
}

// WithMaxBody bounds how much of each response body is read (default 16 MiB).
func WithMaxBody(n int64) Option {
	return func(r *runner) { r.maxBody = n }
}

// DefaultUserAgent is sent when a step sets no User-Agent.
const DefaultUserAgent = "sqlscim-conformance/1.0 (Runscope replay)"

type runner struct {
	client  *http.Client
	vars    map[string]string
	extra   []Header
	secrets []string
	maxBody int64
}

// Run replays the suite's steps in order with client, starting from the
// initial variables vars (which it does not modify), and returns one
// result per step. It stops early only when ctx ends; the remaining steps
// are then reported as errors.
func (s *Suite) Run(ctx context.Context, client *http.Client, vars map[string]string, opts ...Option) []StepResult {
	r := &runner{client: client, vars: map[string]string{}, maxBody: 16 << 20}
	for k, v := range vars {
		r.vars[k] = v
	}
	for _, o := range opts {
		o(r)
	}
	if r.client == nil {
		r.client = http.DefaultClient
	}
	results := make([]StepResult, 0, len(s.Steps))
	for _, st := range s.Steps {
		res := r.step(ctx, st)
		res.secrets = r.secrets
		results = append(results, res)
	}
	return results
}

// StepResult is what happened in one step.
type StepResult struct {
	// Index, Type and Name (the note) identify the step.
	Index      int
	Type, Name string
	// Skipped steps (pauses, steps marked skipped) were not run; Why says why.
	Skipped bool
	Why     string
	// Request is the request as sent, variables substituted.
	Request *RequestRecord
	// Response is the response, nil when none came.
	Response *ResponseRecord
	// Err is a failure that kept the step from running or completing.
	Err error
	// Unresolved lists {{variables}} that had no value and were sent as written.
	Unresolved []string
	// Variables are the extractions, in order.
	Variables []VariableResult
	// Scripts are the post-response scripts' outcomes.
	Scripts []ScriptResult
	// Assertions are the assertions' outcomes, in order.
	Assertions []AssertionResult

	secrets []string
}

// RequestRecord is a request as sent.
type RequestRecord struct {
	Method, URL string
	Header      http.Header
	Body        string
}

// ResponseRecord is a response as received.
type ResponseRecord struct {
	Status   int
	Header   http.Header
	Body     []byte
	Duration time.Duration
}

// VariableResult is one variable extraction.
type VariableResult struct {
	Extraction
	// Value is the extracted value when Err is "".
	Value string
	Err   string
}

// ScriptResult is the outcome of one emulated script.
type ScriptResult struct {
	// Index is the script's position in the step's scripts.
	Index  int
	Passed bool
	// Message says what the script asserted, or why it failed.
	Message string
	// Logs are what the script passed to log().
	Logs []string
}

// AssertionResult is the outcome of one assertion.
type AssertionResult struct {
	// Index is the assertion's position in the step.
	Index int
	Assertion
	// Expected is the target after variable substitution.
	Expected string
	// Actual is the response's value as compared; Found is false when
	// the property or header does not exist.
	Actual string
	Found  bool
	// Passed tells whether the assertion holds.
	Passed bool
	// Informational assertions (response_time) are recorded, never failed.
	Informational bool
	// Message explains a failure or an informational outcome.
	Message string
}

// Passed reports whether the step passed: it ran (or was skipped on
// purpose), and every assertion and script held. Failed variable
// extractions do not fail a step, as in Runscope; they are reported.
func (r StepResult) Passed() bool {
	if r.Err != nil {
		return false
	}
	if r.Skipped {
		return true
	}
	for _, a := range r.Assertions {
		if !a.Passed {
			return false
		}
	}
	for _, s := range r.Scripts {
		if !s.Passed {
			return false
		}
	}
	return true
}

// Failures lists the step's failed checks, one line each.
func (r StepResult) Failures() []string {
	var out []string
	if r.Err != nil {
		out = append(out, "error: "+r.redact(r.Err.Error()))
	}
	for _, a := range r.Assertions {
		if !a.Passed {
			out = append(out, "assertion "+a.line())
		}
	}
	for _, s := range r.Scripts {
		if !s.Passed {
			out = append(out, fmt.Sprintf("script %d: %s", s.Index, s.Message))
		}
	}
	return out
}

func (a AssertionResult) line() string {
	mark := "FAIL"
	switch {
	case a.Informational:
		mark = "INFO"
	case a.Passed:
		mark = "PASS"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "#%d [%s] %s %s", a.Index, mark, a.Source, a.Comparison)
	if a.Property != "" {
		fmt.Fprintf(&b, " (property %s)", a.Property)
	}
	if a.Value != nil {
		fmt.Fprintf(&b, ": expected %q", a.Expected)
	} else {
		b.WriteString(": no target")
	}
	if a.Found {
		fmt.Fprintf(&b, ", actual %s", shorten(a.Actual, 300))
	} else {
		b.WriteString(", actual <not found>")
	}
	if a.Message != "" {
		b.WriteString(" – " + a.Message)
	}
	return b.String()
}

// Report describes the step in full: request, response, every assertion,
// script and variable. Secrets given with WithSecrets are redacted.
func (r StepResult) Report() string {
	var b strings.Builder
	status := "PASS"
	switch {
	case !r.Passed():
		status = "FAIL"
	case r.Skipped:
		status = "SKIP"
	}
	fmt.Fprintf(&b, "step %d (%s) %q: %s\n", r.Index, r.Type, r.Name, status)
	if r.Skipped {
		fmt.Fprintf(&b, "  skipped: %s\n", r.Why)
	}
	if q := r.Request; q != nil {
		fmt.Fprintf(&b, "  request: %s %s\n", q.Method, r.redact(q.URL))
		names := make([]string, 0, len(q.Header))
		for k := range q.Header {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			for _, v := range q.Header[k] {
				fmt.Fprintf(&b, "    %s: %s\n", k, r.redact(v))
			}
		}
		if q.Body != "" {
			fmt.Fprintf(&b, "    body: %s\n", r.redact(shorten(q.Body, 2000)))
		}
	}
	if len(r.Unresolved) > 0 {
		fmt.Fprintf(&b, "  unresolved variables (sent as written): %s\n", strings.Join(r.Unresolved, ", "))
	}
	if p := r.Response; p != nil {
		fmt.Fprintf(&b, "  response: %d %s in %s, %d bytes, Content-Type %q\n", p.Status, http.StatusText(p.Status), p.Duration.Round(time.Millisecond), len(p.Body), p.Header.Get("Content-Type"))
		fmt.Fprintf(&b, "    body: %s\n", r.redact(shorten(string(p.Body), 4000)))
	}
	if r.Err != nil {
		fmt.Fprintf(&b, "  error: %s\n", r.redact(r.Err.Error()))
	}
	for _, v := range r.Variables {
		if v.Err != "" {
			fmt.Fprintf(&b, "  variable %s from %s %s: not extracted – %s\n", v.Name, v.Source, v.Property, v.Err)
		} else {
			fmt.Fprintf(&b, "  variable %s from %s %s = %q\n", v.Name, v.Source, v.Property, r.redact(v.Value))
		}
	}
	for _, s := range r.Scripts {
		mark := "FAIL"
		if s.Passed {
			mark = "PASS"
		}
		fmt.Fprintf(&b, "  script %d [%s] %s", s.Index, mark, s.Message)
		if len(s.Logs) > 0 {
			fmt.Fprintf(&b, " (log: %s)", strings.Join(s.Logs, "; "))
		}
		b.WriteString("\n")
	}
	for _, a := range r.Assertions {
		b.WriteString("  " + r.redact(a.line()) + "\n")
	}
	return b.String()
}

func (r StepResult) redact(s string) string {
	for _, sec := range r.secrets {
		s = strings.ReplaceAll(s, sec, "<redacted>")
	}
	return s
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + fmt.Sprintf("… (%d bytes)", len(s))
}

// Summary counts passed, failed and skipped steps.
func Summary(results []StepResult) (passed, failed, skipped int) {
	for _, r := range results {
		switch {
		case !r.Passed():
			failed++
		case r.Skipped:
			skipped++
		default:
			passed++
		}
	}
	return
}

var templateRE = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

// render substitutes {{name}} with the variables; unknown names stay as
// written and are returned.
func (r *runner) render(s string, unresolved *[]string) string {
	return templateRE.ReplaceAllStringFunc(s, func(m string) string {
		name := templateRE.FindStringSubmatch(m)[1]
		if v, ok := r.vars[name]; ok {
			return v
		}
		if unresolved != nil && !hasString(*unresolved, name) {
			*unresolved = append(*unresolved, name)
		}
		return m
	})
}

// hasString reports whether list holds s.
func hasString(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// TemplateNames lists the variable names a text refers to.
func TemplateNames(s string) []string {
	var out []string
	for _, m := range templateRE.FindAllStringSubmatch(s, -1) {
		if !hasString(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// VariableUse is a variable a step refers to, and whether it is defined
// by then: given initially or extracted by an earlier step.
type VariableUse struct {
	Step    int
	Name    string
	Where   string
	Defined bool
}

// Uses lists every {{variable}} the request steps refer to (in URLs,
// headers, bodies, forms, auth and assertion targets; notes are titles
// and are not rendered), and whether initial variables plus the earlier
// steps' extractions define it.
func (s *Suite) Uses(initial map[string]string) []VariableUse {
	defined := map[string]bool{}
	for k := range initial {
		defined[k] = true
	}
	var out []VariableUse
	for _, st := range s.Steps {
		if st.Type != "request" {
			continue
		}
		add := func(where, text string) {
			for _, n := range TemplateNames(text) {
				out = append(out, VariableUse{Step: st.Index, Name: n, Where: where, Defined: defined[n]})
			}
		}
		add("url", st.URL)
		add("body", st.Body)
		for _, h := range st.Headers {
			for _, v := range h.Values {
				add("header "+h.Name, v)
			}
		}
		for _, h := range st.Form {
			for _, v := range h.Values {
				add("form "+h.Name, v)
			}
		}
		for k, v := range st.Auth {
			add("auth "+k, v)
		}
		// Extractions run before assertions, so a step's assertions see
		// its own variables.
		for _, e := range st.Variables {
			defined[e.Name] = true
		}
		for i, a := range st.Assertions {
			if a.Value != nil {
				add(fmt.Sprintf("assertion %d", i), *a.Value)
			}
		}
	}
	return out
}

func (r *runner) step(ctx context.Context, st Step) StepResult {
	res := StepResult{Index: st.Index, Type: st.Type, Name: st.Note}
	switch {
	case st.Type == "pause":
		res.Skipped, res.Why = true, fmt.Sprintf("pause of %gs, not slept", st.Duration)
		return res
	case st.Skipped:
		res.Skipped, res.Why = true, "marked skipped in the export"
		return res
	case st.Type != "request":
		res.Err = fmt.Errorf("step type %q is not supported by this replayer", st.Type)
		return res
	}
	if err := ctx.Err(); err != nil {
		res.Err = err
		return res
	}
	for i, sc := range st.BeforeScripts {
		if strings.TrimSpace(sc) != "" {
			res.Err = fmt.Errorf("pre-request script %d is not emulated, so the request cannot be built as Runscope would: %s", i, shorten(sc, 200))
			return res
		}
	}
	req, rec, err := r.buildRequest(ctx, st, &res.Unresolved)
	res.Request = rec
	if err != nil {
		res.Err = err
		return res
	}
	start := time.Now()
	resp, err := r.client.Do(req)
	if err != nil {
		res.Err = fmt.Errorf("request failed: %w", err)
		return res
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, r.maxBody+1))
	resp.Body.Close()
	elapsed := time.Since(start)
	res.Response = &ResponseRecord{Status: resp.StatusCode, Header: resp.Header, Body: body, Duration: elapsed}
	if err != nil {
		res.Err = fmt.Errorf("reading the response body: %w", err)
		return res
	}
	if int64(len(body)) > r.maxBody {
		res.Err = fmt.Errorf("the response body is larger than %d bytes", r.maxBody)
		return res
	}
	rd := newResponseData(res.Response)

	for _, e := range st.Variables {
		vr := VariableResult{Extraction: e}
		if v, err := rd.extract(e); err != nil {
			vr.Err = err.Error()
		} else {
			vr.Value = v
			r.vars[e.Name] = v
		}
		res.Variables = append(res.Variables, vr)
	}
	for i, sc := range st.Scripts {
		if strings.TrimSpace(sc) == "" {
			continue
		}
		sr := runScript(sc, rd)
		sr.Index = i
		res.Scripts = append(res.Scripts, sr)
	}
	for i, a := range st.Assertions {
		var expected string
		if a.Value != nil {
			expected = r.render(*a.Value, &res.Unresolved)
		}
		ar := rd.assert(a, expected)
		ar.Index = i
		res.Assertions = append(res.Assertions, ar)
	}
	return res
}

// buildRequest renders the step's request.
func (r *runner) buildRequest(ctx context.Context, st Step, unresolved *[]string) (*http.Request, *RequestRecord, error) {
	method := st.Method
	if method == "" {
		method = http.MethodGet
	}
	rawURL := r.render(st.URL, unresolved)
	rec := &RequestRecord{Method: method, URL: rawURL, Header: http.Header{}}
	u, err := buildURL(rawURL)
	if err != nil {
		return nil, rec, fmt.Errorf("URL %q: %w", rawURL, err)
	}
	rec.URL = u
	for _, h := range st.Headers {
		for _, v := range h.Values {
			rec.Header.Add(h.Name, r.render(v, unresolved))
		}
	}
	body := r.render(st.Body, unresolved)
	if body == "" && len(st.Form) > 0 {
		form := url.Values{}
		for _, f := range st.Form {
			for _, v := range f.Values {
				form.Add(f.Name, r.render(v, unresolved))
			}
		}
		body = form.Encode()
		if rec.Header.Get("Content-Type") == "" {
			rec.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	rec.Body = body
	switch strings.ToLower(st.Auth["auth_type"]) {
	case "":
		if len(st.Auth) > 0 {
			return nil, rec, fmt.Errorf("auth %v has no auth_type", st.Auth)
		}
	case "basic":
		req := &http.Request{Header: http.Header{}}
		req.SetBasicAuth(r.render(st.Auth["username"], unresolved), r.render(st.Auth["password"], unresolved))
		rec.Header.Set("Authorization", req.Header.Get("Authorization"))
	default:
		return nil, rec, fmt.Errorf("auth type %q is not supported by this replayer", st.Auth["auth_type"])
	}
	for _, h := range r.extra {
		rec.Header.Del(h.Name)
		for _, v := range h.Values {
			rec.Header.Add(h.Name, v)
		}
	}
	if rec.Header.Get("User-Agent") == "" {
		rec.Header.Set("User-Agent", DefaultUserAgent)
	}
	var rdr io.Reader = http.NoBody
	if body != "" {
		rdr = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rdr)
	if err != nil {
		return nil, rec, err
	}
	req.Header = rec.Header.Clone()
	return req, rec, nil
}

// buildURL turns a rendered URL, which may hold spaces and quotes in its
// query (filter=userName eq "x"), into a valid one: each query parameter
// is decoded and re-encoded, spaces as %20, and the path is escaped where
// it must be.
func buildURL(raw string) (string, error) {
	base, query, hasQuery := strings.Cut(raw, "?")
	base, _, _ = strings.Cut(base, "#")
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	if u.Scheme == "" || u.Host == "" {
		return "", errors.New("not an absolute URL (is SCIMBaseURL set?)")
	}
	if !hasQuery {
		return u.String(), nil
	}
	query, _, _ = strings.Cut(query, "#")
	var parts []string
	for _, pair := range strings.Split(query, "&") {
		if pair == "" {
			continue
		}
		k, v, hasValue := strings.Cut(pair, "=")
		p := queryEscape(queryUnescape(k))
		if hasValue {
			p += "=" + queryEscape(queryUnescape(v))
		}
		parts = append(parts, p)
	}
	u.RawQuery = strings.Join(parts, "&")
	return u.String(), nil
}

func queryUnescape(s string) string {
	if d, err := url.QueryUnescape(s); err == nil {
		return d
	}
	return s
}

func queryEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// responseData is a response prepared for extraction and assertions.
type responseData struct {
	rec     *ResponseRecord
	json    any
	jsonErr error
}

// undefined stands for JavaScript's undefined in script emulation.
type undefined struct{}

func newResponseData(rec *ResponseRecord) *responseData {
	rd := &responseData{rec: rec}
	rd.json, rd.jsonErr = decodeJSON(rec.Body)
	return rd
}

func decodeJSON(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		if len(bytes.TrimSpace(body)) == 0 {
			return nil, errors.New("the response body is empty, not JSON")
		}
		return nil, fmt.Errorf("the response body is not JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("the response body is not JSON: data after the JSON value")
	}
	return v, nil
}

// pathToken is one step of a JSON property path.
type pathToken struct {
	key   string
	index int
	isIdx bool
}

// parsePath reads JavaScript notation: a.b, a[0].b, ["a b"], [0].
func parsePath(p string) ([]pathToken, error) {
	var out []pathToken
	i := 0
	for i < len(p) {
		switch p[i] {
		case '.':
			if i == 0 || i == len(p)-1 || p[i+1] == '.' {
				return nil, fmt.Errorf("misplaced '.' at %d", i)
			}
			i++
		case '[':
			end := strings.IndexByte(p[i:], ']')
			if end < 0 {
				return nil, fmt.Errorf("unclosed '[' at %d", i)
			}
			inner := strings.TrimSpace(p[i+1 : i+end])
			switch {
			case len(inner) >= 2 && (inner[0] == '"' || inner[0] == '\'') && inner[len(inner)-1] == inner[0]:
				out = append(out, pathToken{key: inner[1 : len(inner)-1]})
			default:
				n, err := strconv.Atoi(inner)
				if err != nil || n < 0 {
					return nil, fmt.Errorf("[%s] is not an index", inner)
				}
				out = append(out, pathToken{index: n, isIdx: true, key: inner})
			}
			i += end + 1
		default:
			j := i
			for j < len(p) && p[j] != '.' && p[j] != '[' {
				j++
			}
			out = append(out, pathToken{key: p[i:j]})
			i = j
		}
	}
	return out, nil
}

// lookupPath resolves a property path in a decoded JSON document. found is
// false when it does not resolve; msg then says where it stopped.
func lookupPath(doc any, path string) (v any, found bool, msg string) {
	if strings.TrimSpace(path) == "" {
		return doc, true, ""
	}
	toks, err := parsePath(path)
	if err != nil {
		return nil, false, fmt.Sprintf("property path %q is not valid: %v", path, err)
	}
	cur := doc
	for _, t := range toks {
		next, ok := follow(cur, t)
		if !ok {
			return nil, false, fmt.Sprintf("Unable to locate %s property in path '%s' in JSON.", t.key, path)
		}
		cur = next
	}
	return cur, true, ""
}

// follow follows one token as JavaScript would: an object's member (a
// numeric index names the member "0"), an array's element by index only.
func follow(cur any, t pathToken) (any, bool) {
	switch c := cur.(type) {
	case map[string]any:
		v, ok := c[t.key]
		return v, ok
	case []any:
		n := t.index
		if !t.isIdx {
			var err error
			if n, err = strconv.Atoi(t.key); err != nil || n < 0 || strconv.Itoa(n) != t.key {
				return nil, false
			}
		}
		if n >= len(c) {
			return nil, false
		}
		return c[n], true
	}
	return nil, false
}

// extract computes a variable's value.
func (rd *responseData) extract(e Extraction) (string, error) {
	switch e.Source {
	case "response_json":
		if rd.jsonErr != nil {
			return "", rd.jsonErr
		}
		v, ok, msg := lookupPath(rd.json, e.Property)
		if !ok {
			return "", errors.New(msg)
		}
		if v == nil {
			return "", nil
		}
		return valueText(v), nil
	case "response_headers":
		vals := rd.rec.Header.Values(e.Property)
		if len(vals) == 0 {
			return "", fmt.Errorf("no %s header in the response", e.Property)
		}
		return strings.Join(vals, ", "), nil
	case "response_status":
		return strconv.Itoa(rd.rec.Status), nil
	case "response_text":
		return string(rd.rec.Body), nil
	}
	return "", fmt.Errorf("variable source %q is not supported by this replayer", e.Source)
}

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
