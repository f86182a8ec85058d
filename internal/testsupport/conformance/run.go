package conformance

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// This file runs a suite: options, variables and their {{templates}}, and
// the request of each step. Extraction is in jsonpath.go, assertions in
// assert.go, results in report.go.

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

// maxResponseBody bounds how much of each response body is read.
const maxResponseBody = 16 << 20

// DefaultUserAgent is sent when a step sets no User-Agent.
const DefaultUserAgent = "sqlscim-conformance/1.0 (Runscope replay)"

type runner struct {
	client  *http.Client
	vars    map[string]string
	extra   []Header
	secrets []string
}

// Run replays the suite's steps in order with client, starting from the
// initial variables vars (which it does not modify), and returns one
// result per step. It stops early only when ctx ends; the remaining steps
// are then reported as errors.
func (s *Suite) Run(ctx context.Context, client *http.Client, vars map[string]string, opts ...Option) []StepResult {
	r := &runner{client: client, vars: map[string]string{}}
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
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody+1))
	resp.Body.Close()
	elapsed := time.Since(start)
	res.Response = &ResponseRecord{Status: resp.StatusCode, Header: resp.Header, Body: body, Duration: elapsed}
	if err != nil {
		res.Err = fmt.Errorf("reading the response body: %w", err)
		return res
	}
	if int64(len(body)) > maxResponseBody {
		res.Err = fmt.Errorf("the response body is larger than %d bytes", maxResponseBody)
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
