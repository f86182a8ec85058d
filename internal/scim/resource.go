package scim

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"
)

// Resource is a SCIM resource as a JSON object. Keys are attribute names as
// written; SCIM attribute names are case-insensitive (RFC 7643 §2.1).
// Extension attributes live in a nested object under their schema URN key.
//
// Values are string, bool, json.Number, float64 or int64 (all three number
// kinds are accepted everywhere), nil, []any and map[string]any (complex
// values and extension objects).
type Resource map[string]any

// Get returns the value of the top-level attribute name, matched
// case-insensitively. An exact match wins over a case variant.
func (r Resource) Get(name string) (any, bool) {
	k, ok := r.Key(name)
	if !ok {
		return nil, false
	}
	return r[k], true
}

// Key returns the key of r that matches name case-insensitively. An exact
// match wins; among several case variants the lexically smallest is chosen so
// that the answer does not depend on map order.
func (r Resource) Key(name string) (string, bool) {
	if _, ok := r[name]; ok {
		return name, true
	}
	found, best := false, ""
	for k := range r {
		if strings.EqualFold(k, name) && (!found || k < best) {
			found, best = true, k
		}
	}
	return best, found
}

// Set sets the attribute name to v, first deleting every case variant of
// name, so that the key is afterwards spelled exactly as name.
func (r Resource) Set(name string, v any) {
	r.Delete(name)
	r[name] = v
}

// Delete deletes every case variant of the attribute name.
func (r Resource) Delete(name string) {
	for k := range r {
		if strings.EqualFold(k, name) {
			delete(r, k)
		}
	}
}

// ListsSchema reports whether r's "schemas" member lists urn
// (case-insensitively), and whether r has a "schemas" member at all. A
// request body may leave "schemas" out, as many clients do; one that lists
// schemas, but not the one its endpoint expects, is not what the endpoint
// takes.
func (r Resource) ListsSchema(urn string) (listed, present bool) {
	raw, present := r.Get("schemas")
	l, _ := asList(raw)
	for _, v := range l {
		if s, ok := v.(string); ok && strings.EqualFold(s, urn) {
			return true, present
		}
	}
	return false, present
}

// Clone returns a deep copy of r. Nested Resources become map[string]any.
func (r Resource) Clone() Resource {
	if r == nil {
		return nil
	}
	out := make(Resource, len(r))
	for k, v := range r {
		out[k] = cloneValue(v)
	}
	return out
}

// cloneValue deep-copies a JSON value. Maps and slices of any kind become
// map[string]any and []any.
func cloneValue(v any) any {
	switch x := v.(type) {
	case nil, string, bool, json.Number, float64, int64, int:
		return x
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = cloneValue(e)
		}
		return out
	case Resource:
		return map[string]any(x.Clone())
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cloneValue(e)
		}
		return out
	}
	if l, ok := asList(v); ok {
		out := make([]any, len(l))
		for i, e := range l {
			out[i] = cloneValue(e)
		}
		return out
	}
	return v
}

// asMap returns v as a map when it is a JSON object.
func asMap(v any) (map[string]any, bool) {
	switch x := v.(type) {
	case map[string]any:
		return x, x != nil
	case Resource:
		return map[string]any(x), x != nil
	}
	return nil, false
}

// asList returns v as a []any when it is a JSON array (any slice type except
// []byte).
func asList(v any) ([]any, bool) {
	switch x := v.(type) {
	case []any:
		return x, true
	case nil, string, bool, json.Number, float64, int64, int, map[string]any, Resource, []byte:
		return nil, false
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return nil, false
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out, true
}

// getCI looks up name in a JSON object case-insensitively.
func getCI(m map[string]any, name string) (any, bool) {
	return Resource(m).Get(name)
}

// coreKeyOrder is the order of well-known top-level keys in rendered
// resources: the common attributes, then RFC 7643 §4.1 order.
var coreKeyOrder = func() map[string]int {
	names := []string{
		"schemas", "id", "externalId", "userName", "name", "displayName",
		"nickName", "profileUrl", "title", "userType", "preferredLanguage",
		"locale", "timezone", "active", "password", "emails", "phoneNumbers",
		"ims", "photos", "addresses", "groups", "entitlements", "roles",
		"x509Certificates",
	}
	m := make(map[string]int, len(names))
	for i, n := range names {
		m[strings.ToLower(n)] = i
	}
	return m
}()

// coreKeyExact is coreKeyOrder by the attributes' own spelling, which is
// how resources hold them: no key needs lower-casing to be found.
var coreKeyExact = func() map[string]int {
	m := make(map[string]int, len(coreKeyOrder))
	for i, n := range []string{
		"schemas", "id", "externalId", "userName", "name", "displayName",
		"nickName", "profileUrl", "title", "userType", "preferredLanguage",
		"locale", "timezone", "active", "password", "emails", "phoneNumbers",
		"ims", "photos", "addresses", "groups", "entitlements", "roles",
		"x509Certificates",
	} {
		m[n] = i
	}
	return m
}()

// keyClass sorts keys: 0 well-known, 1 other attributes, 2 extension URNs,
// 3 meta.
func keyClass(k string) (class, rank int) {
	if r, ok := coreKeyExact[k]; ok {
		return 0, r
	}
	switch {
	case strings.EqualFold(k, "meta"):
		return 3, 0
	case len(k) >= 4 && strings.EqualFold(k[:4], "urn:"):
		return 2, 0
	}
	if r, ok := coreKeyOrder[strings.ToLower(k)]; ok {
		return 0, r
	}
	return 1, 0
}

// renderKey is a key with what orders it, worked out once per key.
type renderKey struct {
	key         string
	class, rank int
}

// appendSortedKeys appends the keys of r to keys in rendering order: by
// class and rank, then without regard to case, then as written.
func (r Resource) appendSortedKeys(keys []string) []string {
	var buf [24]renderKey
	rk := buf[:0]
	for k := range r {
		c, n := keyClass(k)
		rk = append(rk, renderKey{k, c, n})
	}
	slices.SortFunc(rk, func(a, b renderKey) int {
		if a.class != b.class {
			return cmp.Compare(a.class, b.class)
		}
		if a.rank != b.rank {
			return cmp.Compare(a.rank, b.rank)
		}
		if c := compareFold(a.key, b.key); c != 0 {
			return c
		}
		return strings.Compare(a.key, b.key)
	})
	for _, k := range rk {
		keys = append(keys, k.key)
	}
	return keys
}

// compareFold compares a and b as strings.ToLower would make them, without
// making them when both are ASCII.
func compareFold(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		ca, cb := a[i], b[i]
		if ca >= utf8.RuneSelf || cb >= utf8.RuneSelf {
			return strings.Compare(strings.ToLower(a), strings.ToLower(b))
		}
		if 'A' <= ca && ca <= 'Z' {
			ca += 'a' - 'A'
		}
		if 'A' <= cb && cb <= 'Z' {
			cb += 'a' - 'A'
		}
		if ca != cb {
			return cmp.Compare(ca, cb)
		}
	}
	// One is a prefix of the other, and lower-casing the rest of the
	// longer one leaves it longer.
	return cmp.Compare(len(a), len(b))
}

// MarshalJSON renders r with its keys in a stable, friendly order: schemas,
// id, externalId, userName, the other core attributes in RFC 7643 §4.1
// order, remaining attributes alphabetically, extension objects (URN keys)
// alphabetically and meta last. Nested objects have their keys in
// alphabetical order. HTML characters are not escaped.
func (r Resource) MarshalJSON() ([]byte, error) {
	return AppendJSON(make([]byte, 0, 1024), r)
}

// marshalNoEscape is json.Marshal without HTML escaping.
func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// MaxJSONDepth is how deeply objects and arrays may nest in a request body.
const MaxJSONDepth = 32

// DecodeResource decodes a request body that must be a single JSON object.
// Numbers become json.Number. Anything else – invalid JSON, an array, null,
// data after the object, nesting deeper than MaxJSONDepth levels or an
// attribute name that appears twice in one object (names are
// case-insensitive) – is a 400 invalidSyntax error.
func DecodeResource(data []byte) (Resource, error) {
	d := jsonDecoder{dec: json.NewDecoder(bytes.NewReader(data)), size: len(data)}
	d.dec.UseNumber()
	tok, err := d.dec.Token()
	if errors.Is(err, io.EOF) {
		return nil, BadRequest(InvalidSyntax, "the request body is empty; it must be a JSON object")
	}
	if err != nil {
		return nil, d.syntaxError(err)
	}
	if delim, ok := tok.(json.Delim); !ok || delim != '{' {
		return nil, BadRequest(InvalidSyntax, "the request body must be a JSON object, not %s", jsonKind(tok))
	}
	obj, err := d.object(1)
	if err != nil {
		return nil, err
	}
	end := int(d.dec.InputOffset())
	if _, err := d.dec.Token(); !errors.Is(err, io.EOF) {
		for end < len(data) && strings.IndexByte(" \t\r\n", data[end]) >= 0 {
			end++
		}
		return nil, BadRequest(InvalidSyntax, "the request body has unexpected data after the JSON object at byte %d; send exactly one JSON object", end)
	}
	return Resource(obj), nil
}

// jsonDecoder builds JSON values token by token so that it can limit depth
// and find duplicate names.
type jsonDecoder struct {
	dec  *json.Decoder
	size int
}

func (d *jsonDecoder) syntaxError(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return BadRequest(InvalidSyntax, "the request body is not valid JSON: %s at byte %d", se.Error(), se.Offset)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return BadRequest(InvalidSyntax, "the request body is not valid JSON: unexpected end of input at byte %d", d.size)
	}
	return BadRequest(InvalidSyntax, "the request body is not valid JSON: %v", err)
}

func (d *jsonDecoder) depthError() error {
	return BadRequest(InvalidSyntax, "the request body nests objects and arrays more than %d levels deep", MaxJSONDepth)
}

// object reads the members of an object whose '{' was just read.
func (d *jsonDecoder) object(depth int) (map[string]any, error) {
	if depth > MaxJSONDepth {
		return nil, d.depthError()
	}
	out := map[string]any{}
	var names memberNames
	for {
		tok, err := d.dec.Token()
		if err != nil {
			return nil, d.syntaxError(err)
		}
		if delim, ok := tok.(json.Delim); ok && delim == '}' {
			return out, nil
		}
		key, ok := tok.(string)
		if !ok {
			// The decoder's state machine never yields this; be safe.
			return nil, BadRequest(InvalidSyntax, "the request body is not valid JSON: expected a member name at byte %d", d.dec.InputOffset())
		}
		if prev, dup := names.add(key); dup {
			if prev == key {
				return nil, BadRequest(InvalidSyntax, "the request body has the member %q twice in one object", key)
			}
			return nil, BadRequest(InvalidSyntax, "the request body has the member %q twice in one object (as %q and %q; attribute names are case-insensitive)", key, prev, key)
		}
		tok, err = d.dec.Token()
		if err != nil {
			return nil, d.syntaxError(err)
		}
		v, err := d.value(tok, depth)
		if err != nil {
			return nil, err
		}
		out[key] = v
	}
}

// memberNames are the names of an object's members so far, compared
// without regard to case: in a list while there are few (a SCIM object has
// a few dozen at most), in a map of lower-cased names beyond, so that a
// body with thousands of members is not compared pair by pair.
type memberNames struct {
	list []string
	set  map[string]string
}

const memberListMax = 32

// add records name and reports an earlier member with the same name.
func (m *memberNames) add(name string) (prev string, dup bool) {
	if m.set != nil {
		lower := strings.ToLower(name)
		if prev, dup = m.set[lower]; !dup {
			m.set[lower] = name
		}
		return prev, dup
	}
	for _, p := range m.list {
		if strings.EqualFold(p, name) {
			return p, true
		}
	}
	m.list = append(m.list, name)
	if len(m.list) > memberListMax {
		m.set = make(map[string]string, 2*len(m.list))
		for _, p := range m.list {
			m.set[strings.ToLower(p)] = p
		}
		m.list = nil
	}
	return "", false
}

// array reads the elements of an array whose '[' was just read.
func (d *jsonDecoder) array(depth int) ([]any, error) {
	if depth > MaxJSONDepth {
		return nil, d.depthError()
	}
	out := []any{}
	for {
		tok, err := d.dec.Token()
		if err != nil {
			return nil, d.syntaxError(err)
		}
		if delim, ok := tok.(json.Delim); ok && delim == ']' {
			return out, nil
		}
		v, err := d.value(tok, depth)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
}

// value turns tok, read inside a container at depth, into a value.
func (d *jsonDecoder) value(tok json.Token, depth int) (any, error) {
	if delim, ok := tok.(json.Delim); ok {
		switch delim {
		case '{':
			return d.object(depth + 1)
		case '[':
			return d.array(depth + 1)
		}
		return nil, BadRequest(InvalidSyntax, "the request body is not valid JSON: unexpected %q at byte %d", string(delim), d.dec.InputOffset())
	}
	return tok, nil
}

// jsonKind names the kind of a JSON token or value for error messages.
func jsonKind(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case json.Delim:
		if x == '[' {
			return "an array"
		}
		return "an object"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number, float64, float32, int, int64, int32:
		return "a number"
	case map[string]any, Resource:
		return "an object"
	}
	if _, ok := asList(v); ok {
		return "an array"
	}
	return fmt.Sprintf("a %T", v)
}
