// Package console is the admin console of sqlscim: a read-only page at / of
// the admin port, and the JSON it reads, GET /events (the audit trail's
// recent events) and GET /tenants (each tenant's database, pool, last
// check and request rates).
//
// The page is plain HTML, CSS and JavaScript embedded in the binary: no
// build step, no CDN, so it works on a host without Internet access. It
// only reads; nothing on the admin port changes anything.
package console

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sqlscim/sqlscim/internal/audit"
)

//go:embed static
var static embed.FS

// Tenant is one tenant as the console shows it. Nothing in it is secret:
// the database is named by type, host, port and name only.
type Tenant struct {
	Name string `json:"name"`
	// Source says where the configuration comes from: the tenants file,
	// the demo, or the agent's header.
	Source   string   `json:"source"`
	Database Database `json:"database"`
	// Pool is the database's connection pool; nil when it has none now
	// (no request needed it yet, or it was closed to make room).
	Pool *Pool `json:"pool"`
	// Check is the last self-check; nil when the tenant is not checked
	// (header tenants are checked by the requests that use them).
	Check *Check `json:"check"`
	// Rates counts the tenant's requests over the last five minutes.
	Rates Counts `json:"rates"`
}

// Database names a tenant's database without secrets.
type Database struct {
	Type string `json:"type"`
	Host string `json:"host,omitempty"`
	Port int    `json:"port,omitempty"`
	Name string `json:"name,omitempty"`
}

// Pool is a connection pool's state.
type Pool struct {
	MaxOpen  int     `json:"max_open"`
	Open     int     `json:"open"`
	InUse    int     `json:"in_use"`
	Idle     int     `json:"idle"`
	Waits    int64   `json:"waits"`
	WaitedMS float64 `json:"waited_ms"`
}

// Check is the result of a tenant's last self-check.
type Check struct {
	Time  time.Time `json:"time"`
	OK    bool      `json:"ok"`
	Error string    `json:"error,omitempty"`
}

// Tenants lists the tenants for the console. The app implements it.
type Tenants interface {
	Tenants(ctx context.Context) []Tenant
}

// Events is the audit trail the console reads. *audit.Trail implements it.
type Events interface {
	Query(q audit.Query) []*audit.Event
	RingSize() int
	Writers() []*audit.Writer
}

// Console serves the page and its JSON.
type Console struct {
	events  Events
	tenants Tenants
	rates   *Rates
}

// New builds the console. rates may be nil.
func New(events Events, tenants Tenants, rates *Rates) *Console {
	return &Console{events: events, tenants: tenants, rates: rates}
}

// Register adds the console's routes to mux: GET / and its files, GET
// /events and GET /tenants.
func (c *Console) Register(mux *http.ServeMux) {
	files, _ := fs.Sub(static, "static")
	fileServer := http.FileServerFS(files)
	mux.Handle("GET /{$}", guard(fileServer))
	mux.Handle("GET /console.js", guard(fileServer))
	mux.Handle("GET /console.css", guard(fileServer))
	mux.Handle("GET /events", guard(http.HandlerFunc(c.serveEvents)))
	mux.Handle("GET /tenants", guard(http.HandlerFunc(c.serveTenants)))
}

// guard sets the console's security headers and answers only requests
// addressed to localhost or an IP address. A web page the admin visits
// could otherwise point a name it controls at 127.0.0.1 (DNS rebinding) and
// read the events from the admin's browser; such a request carries that
// name in its Host header.
func guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		if !allowedHost(r.Host) {
			http.Error(w, fmt.Sprintf("The admin console answers only at http://localhost:<port>/ or an IP address, not at %q (a defence against DNS rebinding). Reach it through an SSH tunnel: ssh -L 8081:127.0.0.1:8081 <server>, then open http://localhost:8081/.", r.Host), http.StatusMisdirectedRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// allowedHost accepts localhost and IP literals, with or without a port.
func allowedHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	return net.ParseIP(host) != nil
}

// eventsResponse is the answer of GET /events.
type eventsResponse struct {
	Events   []*audit.Event `json:"events"`
	RingSize int            `json:"ring_size"`
	Writers  []writerState  `json:"writers"`
}

type writerState struct {
	Name    string `json:"name"`
	Written uint64 `json:"written"`
	Dropped uint64 `json:"dropped"`
	Failed  uint64 `json:"failed"`
}

func (c *Console) serveEvents(w http.ResponseWriter, r *http.Request) {
	q, err := ParseQuery(r.URL.Query(), c.events.RingSize(), time.Now())
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	resp := eventsResponse{Events: c.events.Query(q), RingSize: c.events.RingSize(), Writers: []writerState{}}
	for _, wr := range c.events.Writers() {
		resp.Writers = append(resp.Writers, writerState{Name: wr.Name(), Written: wr.Written(), Dropped: wr.Dropped(), Failed: wr.Failed()})
	}
	writeJSON(w, http.StatusOK, resp)
}

// ParseQuery reads the parameters of GET /events: tenant, user, since (an
// RFC 3339 time, or a duration such as 15m meaning the last 15 minutes),
// outcome (success, failure, 4xx, 5xx or a status), after (a sequence
// number) and limit (1 to maxLimit).
func ParseQuery(v map[string][]string, maxLimit int, now time.Time) (audit.Query, error) {
	get := func(k string) string {
		if vs := v[k]; len(vs) > 0 {
			return strings.TrimSpace(vs[0])
		}
		return ""
	}
	for k := range v {
		switch k {
		case "tenant", "user", "since", "outcome", "after", "limit":
		default:
			return audit.Query{}, fmt.Errorf("unknown parameter %q; use tenant, user, since, outcome, after or limit", k)
		}
	}
	q := audit.Query{Tenant: get("tenant"), User: get("user"), Outcome: strings.ToLower(get("outcome"))}
	if !audit.ValidOutcome(q.Outcome) {
		return q, fmt.Errorf("outcome %q: use success, failure, 4xx, 5xx or an HTTP status such as 409", q.Outcome)
	}
	if s := get("since"); s != "" {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			q.Since = t
		} else if d, err := time.ParseDuration(s); err == nil && d > 0 {
			q.Since = now.Add(-d)
		} else {
			return q, fmt.Errorf("since %q: use an RFC 3339 time (2024-05-01T12:00:00Z) or a duration (15m, 2h)", s)
		}
	}
	if s := get("after"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return q, fmt.Errorf("after %q: use the seq of the last event you have", s)
		}
		q.After = n
	}
	q.Limit = min(audit.DefaultLimit, maxLimit)
	if s := get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLimit {
			return q, fmt.Errorf("limit %q: use a number from 1 to %d (audit.ring_size)", s, maxLimit)
		}
		q.Limit = n
	}
	return q, nil
}

// tenantsResponse is the answer of GET /tenants.
type tenantsResponse struct {
	Tenants []Tenant `json:"tenants"`
	// RateWindowSeconds is the span the rates count.
	RateWindowSeconds int `json:"rate_window_seconds"`
}

func (c *Console) serveTenants(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	list := c.tenants.Tenants(ctx)
	if list == nil {
		list = []Tenant{}
	}
	if c.rates != nil {
		for i := range list {
			list[i].Rates = c.rates.Of(list[i].Name)
		}
	}
	writeJSON(w, http.StatusOK, tenantsResponse{Tenants: list, RateWindowSeconds: int(Window / time.Second)})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
