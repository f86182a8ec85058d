package audit

import (
	"fmt"
	"testing"
	"time"
)

func seqs(evs []*Event) string {
	s := ""
	for _, e := range evs {
		s += fmt.Sprint(e.Seq, " ")
	}
	return s
}

func TestRingQuery(t *testing.T) {
	base := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	r := NewRing(5)
	for i := 1; i <= 7; i++ { // 1 and 2 are evicted
		ev := &Event{Time: base.Add(time.Duration(i) * time.Minute), Tenant: "a", UserID: fmt.Sprintf("user%d@x", i), Status: 200, Outcome: Success}
		if i%2 == 0 {
			ev.Tenant, ev.Status, ev.Outcome = "b", 409, Failure
		}
		if i == 7 {
			ev.Status = 503
			ev.Outcome = Failure
			ev.UserName = "Ada.Lovelace"
		}
		r.Add(ev)
	}
	for _, c := range []struct {
		q    Query
		want string
	}{
		{Query{}, "7 6 5 4 3 "},
		{Query{Limit: 2}, "7 6 "},
		{Query{Tenant: "b"}, "6 4 "},
		{Query{User: "USER5"}, "5 "},
		{Query{User: "lovelace"}, "7 "},
		{Query{Outcome: "success"}, "5 3 "},
		{Query{Outcome: "failure"}, "7 6 4 "},
		{Query{Outcome: "4xx"}, "6 4 "},
		{Query{Outcome: "503"}, "7 "},
		{Query{After: 5}, "7 6 "},
		{Query{After: 7}, ""},
		{Query{Since: base.Add(6 * time.Minute)}, "7 6 "},
		{Query{Tenant: "a", After: 3, Outcome: "success"}, "5 "},
	} {
		if got := seqs(r.Query(c.q)); got != c.want {
			t.Errorf("%+v: %q, want %q", c.q, got, c.want)
		}
	}
}

func TestValidOutcome(t *testing.T) {
	for s, want := range map[string]bool{"": true, "success": true, "failure": true, "4xx": true, "5XX": true, "404": true,
		"6xx": false, "ok": false, "99": false, "600": false, "4x": false} {
		if ValidOutcome(s) != want {
			t.Errorf("ValidOutcome(%q) = %v", s, !want)
		}
	}
}
