package scim

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"testing"
	"unicode/utf8"
)

// benchUser is a lab user as GET /Users/{id} answers it: core and
// enterprise attributes, the tenant extension with 21 columns, three
// entitlements and meta.
func benchUser() Resource {
	ext := map[string]any{
		"USER_ID": "bench0001234@example.com", "USERNAME": "bench0001234", "FIRSTNAME": "Grace", "LASTNAME": "Hopper",
		"EMAIL": "bench0001234@example.com", "DISPLAYNAME": "Grace Hopper", "MOBILEPHONE": "+1-555-0001234",
		"STREETADDRESS": "238 Main Street", "CITY": "Springfield", "STATE": "CA", "ZIPCODE": "91234", "COUNTRYCODE": "US",
		"TIMEZONE": "America/Los_Angeles", "ORGANIZATION": "Example Corp", "DEPARTMENT": "Research",
		"MANAGERID": "bench0001231@example.com", "MANAGER": "Manager 1231", "TITLE": "Engineer",
		"EMPLOYEENUMBER": "E0001234", "HIREDATE": "2013-05-19", "IS_ACTIVE": int64(1),
	}
	return Resource{
		"schemas":      []any{UserSchemaURN, EnterpriseUserURN, "urn:sqlscim:schemas:extension:database:2.0:User"},
		"id":           "bench0001234@example.com",
		"userName":     "bench0001234",
		"name":         map[string]any{"givenName": "Grace", "familyName": "Hopper"},
		"displayName":  "Grace Hopper",
		"emails":       []any{map[string]any{"type": "work", "value": "bench0001234@example.com", "primary": true}},
		"phoneNumbers": []any{map[string]any{"type": "mobile", "value": "+1-555-0001234", "primary": true}},
		"addresses": []any{map[string]any{"type": "work", "primary": true, "streetAddress": "238 Main Street",
			"locality": "Springfield", "region": "CA", "postalCode": "91234", "country": "US"}},
		"timezone": "America/Los_Angeles",
		"title":    "Engineer",
		"active":   true,
		EnterpriseUserURN: map[string]any{"organization": "Example Corp", "department": "Research", "employeeNumber": "E0001234",
			"manager": map[string]any{"value": "bench0001231@example.com", "displayName": "Manager 1231"}},
		"urn:sqlscim:schemas:extension:database:2.0:User": ext,
		"entitlements": []any{
			map[string]any{"value": "1", "display": "VPN Access", "type": "Entitlement"},
			map[string]any{"value": "4", "display": "Jira Admin", "type": "Entitlement"},
			map[string]any{"value": "7", "display": "Database Write", "type": "Entitlement"},
		},
		"meta": map[string]any{"resourceType": "User", "location": "https://127.0.0.1:1443/ws/rest/jdbc_on_prem/scim/v2/Users/bench0001234@example.com"},
	}
}

// benchMarshalOneEncoder is the change proposed for Resource.MarshalJSON:
// the same key order and bytes, but one buffer and one json.Encoder for
// the whole resource instead of a new buffer and encoder for every key and
// every value. Callers would write its bytes directly rather than through
// json.Encoder.Encode, which re-validates and compacts a Marshaler's output.
func benchMarshalOneEncoder(r Resource) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(2048)
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	buf.WriteByte('{')
	for i, k := range r.sortedKeys() {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := enc.Encode(k); err != nil {
			return nil, err
		}
		buf.Truncate(buf.Len() - 1) // Encode's newline
		buf.WriteByte(':')
		if err := enc.Encode(r[k]); err != nil {
			return nil, err
		}
		buf.Truncate(buf.Len() - 1)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// benchAppendJSON is a further step: a type switch over the values a
// Resource holds (what DecodeResource and the row mapping produce) instead
// of encoding/json's reflection, falling back to json.Marshal for any other
// type. It writes the same bytes as json.Marshal without HTML escaping.
func benchAppendJSON(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case string:
		return benchAppendString(dst, x), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case json.Number:
		if x == "" {
			return append(dst, '0'), nil
		}
		return append(dst, x...), nil
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = benchAppendJSON(dst, e); err != nil {
				return nil, err
			}
		}
		return append(dst, ']'), nil
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(benchAppendString(dst, k), ':')
			var err error
			if dst, err = benchAppendJSON(dst, x[k]); err != nil {
				return nil, err
			}
		}
		return append(dst, '}'), nil
	case Resource:
		return benchAppendResource(dst, x)
	}
	b, err := marshalNoEscape(v)
	if err != nil {
		return nil, err
	}
	return append(dst, b...), nil
}

func benchAppendResource(dst []byte, r Resource) ([]byte, error) {
	dst = append(dst, '{')
	for i, k := range r.sortedKeys() {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(benchAppendString(dst, k), ':')
		var err error
		if dst, err = benchAppendJSON(dst, r[k]); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

// benchAppendString quotes s as encoding/json does with SetEscapeHTML(false):
// \" \\ \n \r \t, \u00XX for other control characters, \u2028 and \u2029,
// and U+FFFD for invalid UTF-8.
func benchAppendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(append(dst, s[start:]...), '"')
}

// BenchmarkResourceJSON compares how a user is written today (json.Marshal
// of a Resource, which calls Resource.MarshalJSON and then compacts its
// output) with the one-encoder version; both give the same bytes.
func BenchmarkResourceJSON(b *testing.B) {
	r := benchUser()
	want, err := json.Marshal(r)
	if err != nil {
		b.Fatal(err)
	}
	got, err := benchMarshalOneEncoder(r)
	if err != nil {
		b.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		b.Fatalf("the one-encoder version differs:\n%s\n%s", got, want)
	}
	if got, err = benchAppendResource(nil, r); err != nil || !bytes.Equal(got, want) {
		b.Fatalf("the appending version differs (%v):\n%s\n%s", err, got, want)
	}
	b.Run("json.Marshal(Resource)", func(b *testing.B) {
		b.SetBytes(int64(len(want)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Resource.MarshalJSON", func(b *testing.B) {
		b.SetBytes(int64(len(want)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := r.MarshalJSON(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("proposed_one_encoder", func(b *testing.B) {
		b.SetBytes(int64(len(want)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := benchMarshalOneEncoder(r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("proposed_append_type_switch", func(b *testing.B) {
		b.SetBytes(int64(len(want)))
		b.ReportAllocs()
		buf := make([]byte, 0, 4096)
		for b.Loop() {
			var err error
			if buf, err = benchAppendResource(buf[:0], r); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAttributeSelectionApply is what every GET does with no
// attributes or excludedAttributes parameter: Apply copies the resource.
func BenchmarkAttributeSelectionApply(b *testing.B) {
	sel, err := ParseAttributeSelection("", "")
	if err != nil {
		b.Fatal(err)
	}
	rs := &ResourceSchema{Core: UserSchema, Extensions: []Schema{EnterpriseUserSchema}}
	r := benchUser()
	b.ReportAllocs()
	for b.Loop() {
		_ = sel.Apply(r, rs)
	}
}
