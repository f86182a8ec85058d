package scim

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// AppendJSON appends the JSON of v to dst, with no HTML escaping. It knows
// the values resources hold (strings, numbers, booleans, lists, objects,
// Resources) and writes them directly, which is several times cheaper than
// encoding/json's reflection; other types go through encoding/json. The
// bytes are the ones json.Marshal would write without HTML escaping, with a
// Resource's keys in rendering order and other objects' keys sorted.
func AppendJSON(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case string:
		return appendString(dst, x), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("%v cannot be written as JSON", x)
		}
	case json.Number:
		if x == "" {
			return append(dst, '0'), nil
		}
		if !json.Valid([]byte(x)) {
			return nil, fmt.Errorf("%q is not a JSON number", string(x))
		}
		return append(dst, x...), nil
	case []any:
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = AppendJSON(dst, e); err != nil {
				return nil, err
			}
		}
		return append(dst, ']'), nil
	case map[string]any:
		var buf [16]string
		keys := buf[:0]
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return appendMap(dst, keys, x)
	case Resource:
		if x == nil {
			return append(dst, "null"...), nil
		}
		var buf [24]string
		return appendMap(dst, x.appendSortedKeys(buf[:0]), x)
	case ListResponse:
		return x.appendJSON(dst)
	}
	b, err := marshalNoEscape(v)
	if err != nil {
		return nil, err
	}
	return append(dst, b...), nil
}

// appendMap writes the object m with its keys in the order of keys.
func appendMap(dst []byte, keys []string, m map[string]any) ([]byte, error) {
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(appendString(dst, k), ':')
		var err error
		if dst, err = AppendJSON(dst, m[k]); err != nil {
			return nil, fmt.Errorf("attribute %s: %w", k, err)
		}
	}
	return append(dst, '}'), nil
}

// appendString quotes s as encoding/json does without HTML escaping:
// \" \\ \n \r \t, \u00XX for other control characters, \u2028 and \u2029
// escaped, and U+FFFD for invalid UTF-8.
func appendString(dst []byte, s string) []byte {
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
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(append(dst, s[start:]...), '"')
}
