package audit

import (
	"io"
	"testing"
	"time"
)

// BenchmarkRecord is what auditing adds to a request: a recorder filled
// the way a create fills it, finished and recorded, with the writer
// keeping up (writing to io.Discard) and with it stuck on a disk that never
// answers. The request's share must not grow when the writer is stuck.
func BenchmarkRecord(b *testing.B) {
	for _, c := range []struct {
		name string
		out  func() io.Writer
	}{
		{"writer=ok", func() io.Writer { return io.Discard }},
		{"writer=stuck", func() io.Writer { return &blockedSink{release: make(chan struct{})} }},
	} {
		b.Run(c.name, func(b *testing.B) {
			out := c.out()
			trail, err := Open(Config{Stdout: true}, out, nil)
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				r := trail.Begin(Write)
				r.User("ada@example.com", "ada@example.com")
				r.Operation("create_user", nil)
				r.Change("userName", "USERNAME", "ada@example.com", false)
				r.Change("name.givenName", "FIRSTNAME", "Ada", false)
				r.Operation("add_entitlement_to_user", nil)
				r.Entitlement(true, "1")
				r.Committed()
				trail.Record(r.Finish(Request{Start: start, ID: "0123456789abcdef", Tenant: "jdbc_on_prem", Client: "10.0.0.1",
					Method: "POST", Path: "/ws/rest/jdbc_on_prem/scim/v2/Users", Kind: Write, Status: 201, Duration: time.Millisecond}))
			}
			b.StopTimer()
			if s, ok := out.(*blockedSink); ok {
				close(s.release)
			}
			trail.Close(5 * time.Second)
		})
	}
}
