package scim

import (
	"encoding/json"
	"strconv"
	"strings"
)

// This file is the value model for booleans: the one rule by which a client's
// value (POST, PUT, PATCH, a filter) and a database column's value (a BOOLEAN,
// a 0/1 flag, a Y/N text) are read as true or false, and the one rule by
// which a boolean is written back into a text column in that column's own
// spelling.

// booleanWords are the texts read as a boolean, in lower case, each with the
// word of the opposite value in the same family.
var booleanWords = map[string]struct {
	value    bool
	opposite string
}{
	"true": {true, "false"}, "false": {false, "true"},
	"t": {true, "f"}, "f": {false, "t"},
	"1": {true, "0"}, "0": {false, "1"},
	"y": {true, "n"}, "n": {false, "y"},
	"yes": {true, "no"}, "no": {false, "yes"},
	"active": {true, "inactive"}, "inactive": {false, "active"},
}

// BooleanWords lists the texts ParseBoolean accepts, for messages.
const BooleanWords = "true/false, t/f, 1/0, y/n, yes/no or active/inactive (any case)"

// ParseBoolean reads v as a boolean: a JSON boolean, the number 0 or 1, or
// one of the texts in BooleanWords, case-insensitive and trimmed. ok is false
// for anything else (nil, other numbers, other texts, objects, lists).
func ParseBoolean(v any) (b, ok bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		w, found := booleanWords[strings.ToLower(strings.TrimSpace(x))]
		return w.value, found
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return false, false
		}
		return numberBoolean(f)
	case int:
		return numberBoolean(float64(x))
	case int64:
		return numberBoolean(float64(x))
	case int32:
		return numberBoolean(float64(x))
	case float64:
		return numberBoolean(x)
	}
	return false, false
}

func numberBoolean(f float64) (bool, bool) {
	return f == 1, f == 0 || f == 1
}

// BooleanSpelling is how a text column writes true and false ("Y" and "N").
type BooleanSpelling struct {
	True, False string
}

// Format writes b in the spelling.
func (s BooleanSpelling) Format(b bool) string {
	if b {
		return s.True
	}
	return s.False
}

// String is the spelling as a mapping writes it: Y/N.
func (s BooleanSpelling) String() string { return s.True + "/" + s.False }

// SpellingOf returns the spelling family of a text that reads as a boolean,
// keeping its case: "Y" gives Y/N, "no" gives yes/no, "Active" gives
// Active/Inactive. ok is false when the text is not a boolean.
func SpellingOf(text string) (BooleanSpelling, bool) {
	text = strings.TrimSpace(text)
	w, ok := booleanWords[strings.ToLower(text)]
	if !ok {
		return BooleanSpelling{}, false
	}
	other := sameCase(w.opposite, text)
	if w.value {
		return BooleanSpelling{True: text, False: other}, true
	}
	return BooleanSpelling{True: other, False: text}, true
}

// ParseSpelling reads a spelling written as TRUE/FALSE ("Y/N", "1/0"). Both
// texts must read as booleans of opposite values, true first.
func ParseSpelling(s string) (BooleanSpelling, bool) {
	t, f, found := strings.Cut(s, "/")
	t, f = strings.TrimSpace(t), strings.TrimSpace(f)
	if !found || t == "" || f == "" {
		return BooleanSpelling{}, false
	}
	tb, ok1 := ParseBoolean(t)
	fb, ok2 := ParseBoolean(f)
	if !ok1 || !ok2 || !tb || fb {
		return BooleanSpelling{}, false
	}
	return BooleanSpelling{True: t, False: f}, true
}

// sameCase writes word (lower case) in the case of like: all upper, a
// capital first letter, or lower.
func sameCase(word, like string) string {
	switch {
	case like == strings.ToUpper(like) && like != strings.ToLower(like):
		return strings.ToUpper(word)
	case len(like) > 1 && like[:1] == strings.ToUpper(like[:1]) && like[1:] == strings.ToLower(like[1:]) && like != strings.ToLower(like):
		return strings.ToUpper(word[:1]) + word[1:]
	}
	return word
}

// The wording of type errors, shared by type checking (POST, PUT) and PATCH.

// typeWords describes the values an attribute takes, for messages.
func typeWords(a *Attribute, single bool) string {
	switch a.Type {
	case TypeBoolean:
		return "a boolean (true or false)"
	case TypeInteger:
		return "an integer"
	case TypeDecimal:
		return "a number"
	case TypeDateTime:
		return "a dateTime such as \"2024-01-31T12:00:00Z\""
	case TypeReference:
		return "a reference (a string)"
	case TypeBinary:
		return "base64-encoded binary data (a string)"
	case TypeComplex:
		names := make([]string, len(a.SubAttributes))
		for i, s := range a.SubAttributes {
			names[i] = s.Name
		}
		return "a JSON object with the sub-attributes " + strings.Join(names, ", ")
	}
	return "a string"
}

// describeValue names a value for messages: the string "x", the number 3.
func describeValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		if len(x) > 40 { // a message names a value, it does not echo it
			x = x[:40] + "..."
		}
		b, _ := marshalNoEscape(x)
		return "the string " + string(b)
	case bool:
		return "the boolean " + strconv.FormatBool(x)
	}
	if isNumber(v) {
		return "the number " + textOf(v)
	}
	return jsonKind(v)
}
