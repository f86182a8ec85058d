package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// This file reads responses: the JSON body, Runscope's JavaScript-notation
// property paths (a.b, a[0].b, ["a b"]) and variable extraction.

// responseData is a response prepared for extraction and assertions.
type responseData struct {
	rec     *ResponseRecord
	json    any
	jsonErr error
}

// undefined stands for JavaScript's undefined in script emulation.
type undefined struct{}

func newResponseData(rec *ResponseRecord) *responseData {
	rd := &responseData{rec: rec}
	rd.json, rd.jsonErr = decodeJSON(rec.Body)
	return rd
}

func decodeJSON(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		if len(bytes.TrimSpace(body)) == 0 {
			return nil, errors.New("the response body is empty, not JSON")
		}
		return nil, fmt.Errorf("the response body is not JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("the response body is not JSON: data after the JSON value")
	}
	return v, nil
}

// pathToken is one step of a JSON property path.
type pathToken struct {
	key   string
	index int
	isIdx bool
}

// parsePath reads JavaScript notation: a.b, a[0].b, ["a b"], [0].
func parsePath(p string) ([]pathToken, error) {
	var out []pathToken
	i := 0
	for i < len(p) {
		switch p[i] {
		case '.':
			if i == 0 || i == len(p)-1 || p[i+1] == '.' {
				return nil, fmt.Errorf("misplaced '.' at %d", i)
			}
			i++
		case '[':
			end := strings.IndexByte(p[i:], ']')
			if end < 0 {
				return nil, fmt.Errorf("unclosed '[' at %d", i)
			}
			inner := strings.TrimSpace(p[i+1 : i+end])
			switch {
			case len(inner) >= 2 && (inner[0] == '"' || inner[0] == '\'') && inner[len(inner)-1] == inner[0]:
				out = append(out, pathToken{key: inner[1 : len(inner)-1]})
			default:
				n, err := strconv.Atoi(inner)
				if err != nil || n < 0 {
					return nil, fmt.Errorf("[%s] is not an index", inner)
				}
				out = append(out, pathToken{index: n, isIdx: true, key: inner})
			}
			i += end + 1
		default:
			j := i
			for j < len(p) && p[j] != '.' && p[j] != '[' {
				j++
			}
			out = append(out, pathToken{key: p[i:j]})
			i = j
		}
	}
	return out, nil
}

// lookupPath resolves a property path in a decoded JSON document. found is
// false when it does not resolve; msg then says where it stopped.
func lookupPath(doc any, path string) (v any, found bool, msg string) {
	if strings.TrimSpace(path) == "" {
		return doc, true, ""
	}
	toks, err := parsePath(path)
	if err != nil {
		return nil, false, fmt.Sprintf("property path %q is not valid: %v", path, err)
	}
	cur := doc
	for _, t := range toks {
		next, ok := follow(cur, t)
		if !ok {
			return nil, false, fmt.Sprintf("Unable to locate %s property in path '%s' in JSON.", t.key, path)
		}
		cur = next
	}
	return cur, true, ""
}

// follow follows one token as JavaScript would: an object's member (a
// numeric index names the member "0"), an array's element by index only.
func follow(cur any, t pathToken) (any, bool) {
	switch c := cur.(type) {
	case map[string]any:
		v, ok := c[t.key]
		return v, ok
	case []any:
		n := t.index
		if !t.isIdx {
			var err error
			if n, err = strconv.Atoi(t.key); err != nil || n < 0 || strconv.Itoa(n) != t.key {
				return nil, false
			}
		}
		if n >= len(c) {
			return nil, false
		}
		return c[n], true
	}
	return nil, false
}

// extract computes a variable's value.
func (rd *responseData) extract(e Extraction) (string, error) {
	switch e.Source {
	case "response_json":
		if rd.jsonErr != nil {
			return "", rd.jsonErr
		}
		v, ok, msg := lookupPath(rd.json, e.Property)
		if !ok {
			return "", errors.New(msg)
		}
		if v == nil {
			return "", nil
		}
		return valueText(v), nil
	case "response_headers":
		vals := rd.rec.Header.Values(e.Property)
		if len(vals) == 0 {
			return "", fmt.Errorf("no %s header in the response", e.Property)
		}
		return strings.Join(vals, ", "), nil
	case "response_status":
		return strconv.Itoa(rd.rec.Status), nil
	case "response_text":
		return string(rd.rec.Body), nil
	}
	return "", fmt.Errorf("variable source %q is not supported by this replayer", e.Source)
}
