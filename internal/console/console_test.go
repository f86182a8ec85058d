package console

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sqlscim/sqlscim/internal/audit"
)

func TestParseQuery(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		query, want, err string
	}{
		{"", `{Limit:50}`, ""}, // the default, 100, bounded by the ring
		{"tenant=a&user=ada&outcome=FAILURE&after=7&limit=5", `{Tenant:a User:ada Outcome:failure After:7 Limit:5}`, ""},
		{"since=15m", `{Since:2024-05-01T11:45:00Z Limit:50}`, ""},
		{"since=2024-05-01T10:00:00Z&outcome=4xx", `{Since:2024-05-01T10:00:00Z Outcome:4xx Limit:50}`, ""},
		{"limit=50", `{Limit:50}`, ""},
		{"limit=51", "", `limit "51": use a number from 1 to 50 (audit.ring_size)`},
		{"limit=0", "", `limit "0": use a number from 1 to 50 (audit.ring_size)`},
		{"outcome=ok", "", `outcome "ok": use success, failure, 4xx, 5xx or an HTTP status such as 409`},
		{"since=yesterday", "", `since "yesterday": use an RFC 3339 time (2024-05-01T12:00:00Z) or a duration (15m, 2h)`},
		{"after=-1", "", `after "-1": use the seq of the last event you have`},
		{"users=ada", "", `unknown parameter "users"; use tenant, user, since, outcome, after or limit`},
	} {
		v, _ := url.ParseQuery(c.query)
		q, err := ParseQuery(v, 50, now)
		switch {
		case c.err != "":
			if err == nil || err.Error() != c.err {
				t.Errorf("%q: error %v, want %s", c.query, err, c.err)
			}
		case err != nil:
			t.Errorf("%q: %v", c.query, err)
		default:
			if got := describeQuery(q); got != c.want {
				t.Errorf("%q: %s, want %s", c.query, got, c.want)
			}
		}
	}
}

// describeQuery prints the fields of q that are set.
func describeQuery(q audit.Query) string {
	var parts []string
	add := func(k, v string) { parts = append(parts, k+":"+v) }
	if q.Tenant != "" {
		add("Tenant", q.Tenant)
	}
	if q.User != "" {
		add("User", q.User)
	}
	if !q.Since.IsZero() {
		add("Since", q.Since.UTC().Format(time.RFC3339))
	}
	if q.Outcome != "" {
		add("Outcome", q.Outcome)
	}
	if q.After != 0 {
		add("After", jsonText(q.After))
	}
	add("Limit", jsonText(q.Limit))
	return "{" + strings.Join(parts, " ") + "}"
}

func jsonText(v any) string { b, _ := json.Marshal(v); return string(b) }

type noTenants struct{}

func (noTenants) Tenants(context.Context) []Tenant { return nil }

func newHandler(t *testing.T) (http.Handler, *audit.Trail) {
	trail, err := audit.Open(audit.Config{RingSize: 10}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { trail.Close(time.Second) })
	mux := http.NewServeMux()
	New(trail, noTenants{}, NewRates()).Register(mux)
	return mux, trail
}

func request(h http.Handler, method, target, host string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	req.Host = host
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// The console answers at localhost and IP addresses only (DNS rebinding),
// with headers that keep its page from loading anything foreign.
func TestConsoleAnswersOnlyLocalNames(t *testing.T) {
	h, _ := newHandler(t)
	for host, want := range map[string]int{
		"localhost:8081": 200, "127.0.0.1:8081": 200, "[::1]:8081": 200, "10.1.2.3": 200, "LOCALHOST": 200,
		"evil.example:8081": 421, "localhost.evil.example": 421, "127.0.0.1.nip.io:8081": 421,
	} {
		for _, path := range []string{"/", "/console.js", "/events", "/tenants"} {
			if got := request(h, "GET", path, host).Code; got != want {
				t.Errorf("GET %s with Host %s: %d, want %d", path, host, got, want)
			}
		}
	}
	rec := request(h, "GET", "/", "localhost:8081")
	csp := rec.Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'self'") || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers: %v", rec.Header())
	}
	if body := rec.Body.String(); !strings.Contains(body, `<script src="console.js" defer></script>`) || strings.Contains(body, "http") && strings.Contains(body, "://") {
		t.Errorf("the page loads something from elsewhere, or is not the console:\n%s", body)
	}
}

// Nothing on the console changes anything: only GET (and HEAD) answer.
func TestConsoleIsReadOnly(t *testing.T) {
	h, _ := newHandler(t)
	for _, method := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		for _, path := range []string{"/", "/events", "/tenants", "/console.js"} {
			if got := request(h, method, path, "localhost").Code; got != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: %d, want 405", method, path, got)
			}
		}
	}
}

func TestEventsEndpoint(t *testing.T) {
	h, trail := newHandler(t)
	for i, tenant := range []string{"a", "b", "a"} {
		trail.Record(&audit.Event{Tenant: tenant, UserID: "u" + jsonText(i), Status: 200, Outcome: audit.Success})
	}
	rec := request(h, "GET", "/events?tenant=a", "localhost")
	var resp struct {
		Events   []audit.Event
		RingSize int `json:"ring_size"`
	}
	json.Unmarshal(rec.Body.Bytes(), &resp)
	if rec.Code != 200 || len(resp.Events) != 2 || resp.Events[0].Seq != 3 || resp.Events[1].Seq != 1 || resp.RingSize != 10 {
		t.Errorf("%d %s", rec.Code, rec.Body)
	}
	rec = request(h, "GET", "/events?limit=11", "localhost")
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), `"error":"limit \"11\": use a number from 1 to 10`) {
		t.Errorf("%d %s", rec.Code, rec.Body)
	}
}

func TestRatesCountTheLastFiveMinutes(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	r := NewRates()
	r.now = func() time.Time { return now }
	for _, status := range []int{200, 201, 404, 409, 503} {
		r.Count(status, "a")
	}
	r.Count(200, "") // no tenant: not counted
	if got := r.Of("a"); got != (Counts{Requests: 5, ClientErrors: 2, ServerErrors: 1}) {
		t.Errorf("now: %+v", got)
	}
	now = now.Add(4 * time.Minute)
	r.Count(200, "a")
	if got := r.Of("a"); got.Requests != 6 {
		t.Errorf("4 minutes later: %+v", got)
	}
	now = now.Add(2 * time.Minute) // the first five are older than five minutes
	if got := r.Of("a"); got != (Counts{Requests: 1}) {
		t.Errorf("6 minutes later: %+v", got)
	}
	now = now.Add(time.Hour)
	if got := r.Of("a"); got != (Counts{}) {
		t.Errorf("an hour later: %+v", got)
	}
}
