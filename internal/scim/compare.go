package scim

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	filter "github.com/scim2/filter-parser/v2"
)

// compareValues evaluates "have op want" for one simple value. attr is the
// definition of the attribute have belongs to, or nil. ne is not handled
// here: callers negate eq.
func compareValues(have any, op filter.CompareOperator, want any, attr *Attribute) bool {
	var typ AttrType
	if attr != nil {
		typ = attr.Type
	}

	// Booleans: only eq (and ne by negation). Filter.Validate refuses the
	// ordering operators on boolean attributes and values; a comparison that
	// gets here anyway (no schema, a string "true") matches nothing.
	_, haveBool := have.(bool)
	_, wantBool := want.(bool)
	if typ == TypeBoolean || haveBool || wantBool {
		hb, ok1 := ParseBoolean(have)
		wb, ok2 := ParseBoolean(want)
		if ok1 && ok2 {
			return op == filter.EQ && hb == wb
		}
		if typ == TypeBoolean || wantBool {
			return false
		}
	}

	// Numbers.
	if typ == TypeInteger || typ == TypeDecimal || isNumber(have) || isNumber(want) {
		hn, ok1 := toNum(have)
		wn, ok2 := toNum(want)
		if ok1 && ok2 {
			switch op {
			case filter.CO, filter.SW, filter.EW:
				// Substring operators work on the written form.
			default:
				return ordered(op, cmpNum(hn, wn))
			}
		}
	}

	hs, ws := textOf(have), textOf(want)

	// Instants.
	if op != filter.CO && op != filter.SW && op != filter.EW {
		if typ == TypeDateTime || (attr == nil && looksLikeDateTime(hs) && looksLikeDateTime(ws)) {
			ht, ok1 := parseDateTime(hs)
			wt, ok2 := parseDateTime(ws)
			if ok1 && ok2 {
				return ordered(op, ht.Compare(wt))
			}
		}
	}

	// Strings.
	if attr == nil || !attr.CaseExact {
		if op == filter.EQ {
			return strings.EqualFold(hs, ws)
		}
		hs, ws = foldCase(hs), foldCase(ws)
	}
	switch op {
	case filter.EQ:
		return hs == ws
	case filter.CO:
		return strings.Contains(hs, ws)
	case filter.SW:
		return strings.HasPrefix(hs, ws)
	case filter.EW:
		return strings.HasSuffix(hs, ws)
	}
	return ordered(op, strings.Compare(hs, ws))
}

// ordered turns a three-way comparison into the answer for op.
func ordered(op filter.CompareOperator, c int) bool {
	switch op {
	case filter.EQ:
		return c == 0
	case filter.GT:
		return c > 0
	case filter.GE:
		return c >= 0
	case filter.LT:
		return c < 0
	case filter.LE:
		return c <= 0
	}
	return false
}

// foldCase is the case folding used for case-insensitive ordering and
// substring tests.
func foldCase(s string) string { return strings.ToLower(s) }

func isNumber(v any) bool {
	switch v.(type) {
	case json.Number, float64, float32, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return true
	}
	return false
}

// num is a number that keeps integers exact.
type num struct {
	i     int64
	f     float64
	isInt bool
}

// toNum reads a number, or a string holding one.
func toNum(v any) (num, bool) {
	switch x := v.(type) {
	case json.Number:
		return parseNum(string(x))
	case string:
		return parseNum(x)
	case float64:
		return num{f: x}, !math.IsNaN(x) && !math.IsInf(x, 0)
	case float32:
		return num{f: float64(x)}, true
	case int:
		return num{i: int64(x), isInt: true}, true
	case int8:
		return num{i: int64(x), isInt: true}, true
	case int16:
		return num{i: int64(x), isInt: true}, true
	case int32:
		return num{i: int64(x), isInt: true}, true
	case int64:
		return num{i: x, isInt: true}, true
	case uint:
		return num{f: float64(x), i: int64(x), isInt: x <= math.MaxInt64}, true
	case uint8:
		return num{i: int64(x), isInt: true}, true
	case uint16:
		return num{i: int64(x), isInt: true}, true
	case uint32:
		return num{i: int64(x), isInt: true}, true
	case uint64:
		return num{f: float64(x), i: int64(x), isInt: x <= math.MaxInt64}, true
	}
	return num{}, false
}

func parseNum(s string) (num, bool) {
	s = strings.TrimSpace(s)
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return num{i: i, isInt: true}, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return num{}, false
	}
	return num{f: f}, true
}

func (n num) float() float64 {
	if n.isInt {
		return float64(n.i)
	}
	return n.f
}

func cmpNum(a, b num) int {
	if a.isInt && b.isInt {
		switch {
		case a.i < b.i:
			return -1
		case a.i > b.i:
			return 1
		}
		return 0
	}
	af, bf := a.float(), b.float()
	switch {
	case af < bf:
		return -1
	case af > bf:
		return 1
	}
	return 0
}

// textOf is the written form of a simple value.
func textOf(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return string(x)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// dateTimeLayouts are the forms of dateTime values accepted: RFC 3339 (the
// xsd:dateTime of RFC 7643 §2.3.5), without a zone (taken as UTC), and a
// bare date (midnight UTC).
var dateTimeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
}

// parseDateTime parses a dateTime value.
func parseDateTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, l := range dateTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// looksLikeDateTime is a cheap test for values of unknown attributes.
func looksLikeDateTime(s string) bool {
	return len(s) >= 10 && s[4] == '-' && s[7] == '-'
}

// valuesEqual reports whether two JSON values are equal in SCIM terms:
// strings case-insensitively unless the attribute is caseExact, numbers
// numerically, booleans also when written as strings, objects member by
// member (names case-insensitive, null members ignored) and arrays element
// by element.
func valuesEqual(a, b any, attr *Attribute) bool {
	if !present(a) || !present(b) {
		return !present(a) && !present(b)
	}
	am, aIsMap := asMap(a)
	bm, bIsMap := asMap(b)
	if aIsMap || bIsMap {
		if !aIsMap || !bIsMap {
			return false
		}
		return mapsEqual(am, bm, attr) && mapsEqual(bm, am, attr)
	}
	al, aIsList := asList(a)
	bl, bIsList := asList(b)
	if aIsList || bIsList {
		if !aIsList || !bIsList || len(al) != len(bl) {
			return false
		}
		for i := range al {
			if !valuesEqual(al[i], bl[i], attr) {
				return false
			}
		}
		return true
	}
	return compareValues(a, filter.EQ, b, attr)
}

// mapsEqual reports whether every present member of a is equal in b.
func mapsEqual(a, b map[string]any, attr *Attribute) bool {
	for k, v := range a {
		if !present(v) {
			continue
		}
		w, _ := getCI(b, k)
		if !valuesEqual(v, w, subAttrOf(attr, k)) {
			return false
		}
	}
	return true
}
