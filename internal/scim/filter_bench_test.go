package scim

import "testing"

// BenchmarkParseFilter parses the filters clients send: Okta's lookup
// before a create, a typical search, and a long nested one.
func BenchmarkParseFilter(b *testing.B) {
	for _, bc := range []struct{ name, filter string }{
		{"okta_username_eq", `userName eq "bench0001234@example.com"`},
		{"and_or", `title sw "Eng" and (emails.value co "@example.com" or active eq true)`},
		{"nested_value_path", `emails[type eq "work" and value ew "@example.com"] and not (urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Sales") and meta.lastModified gt "2024-01-01T00:00:00Z"`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseFilter(bc.filter); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
