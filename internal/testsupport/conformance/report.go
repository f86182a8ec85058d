package conformance

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// This file holds what a run produces: per-step results, their one-line
// failures and full reports (with secrets redacted), and the summary.

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
