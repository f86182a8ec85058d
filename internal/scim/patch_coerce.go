// Checking and converting PATCH values against the attributes they are for.

package scim

import (
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strconv"
)

// coerceMulti turns the value for a multi-valued attribute (an array, or a
// single value) into its list of values.
func (p *patcher) coerceMulti(val any, a *Attribute) ([]any, error) {
	out := []any{}
	for _, el := range listOf(val) {
		if el == nil {
			continue
		}
		v, err := p.coerceElement(el, a)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// coerceElement coerces one value of a multi-valued attribute.
func (p *patcher) coerceElement(val any, a *Attribute) (any, error) {
	if _, ok := asList(val); ok {
		return nil, BadRequest(InvalidValue, "attribute %s: each value must be %s, not an array", a.Name, typeWords(a, false))
	}
	if a.Type == TypeComplex {
		m, err := p.coerceComplex(val, a, a.Name)
		if err != nil {
			return nil, err
		}
		for k, v := range m {
			if v == nil {
				delete(m, k)
			}
		}
		return m, nil
	}
	one := *a
	one.MultiValued = false
	return p.coerce(val, &one, a.Name)
}

// coerceComplex checks a complex value. A simple value stands for
// {"value": ...} when the attribute has a value sub-attribute (Entra sends
// the manager's id as a string). Read-only sub-attributes are dropped; null
// members are kept as nil so that merging deletes them.
func (p *patcher) coerceComplex(val any, a *Attribute, name string) (map[string]any, error) {
	m, ok := asMap(val)
	if !ok {
		if vs, hasValue := a.Sub("value"); hasValue && !isMapValue(val) {
			if _, isList := asList(val); !isList {
				v, err := p.coerce(val, &vs, name+".value")
				if err != nil {
					return nil, err
				}
				return map[string]any{vs.Name: v}, nil
			}
		}
		if len(a.SubAttributes) == 0 && a.Type == "" {
			return nil, BadRequest(InvalidValue, "attribute %s must be a JSON object, not %s", name, jsonKind(val))
		}
		return nil, BadRequest(InvalidValue, "attribute %s must be %s, not %s", name, typeWords(a, false), jsonKind(val))
	}
	out := make(map[string]any, len(m))
	// In name order, so that a value with two mistakes always gets the
	// same answer.
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		sa, ok := a.Sub(k)
		if !ok {
			if len(a.SubAttributes) == 0 {
				out[k] = cloneValue(v)
				continue
			}
			return nil, BadRequest(InvalidPath, "attribute %s has no sub-attribute %q", name, k)
		}
		if sa.readOnly() {
			continue
		}
		if v == nil {
			out[sa.Name] = nil
			continue
		}
		cv, err := p.coerce(v, &sa, name+"."+sa.Name)
		if err != nil {
			return nil, err
		}
		out[sa.Name] = cv
	}
	return out, nil
}

// coerce checks a single (not multi-valued) value against its attribute's
// type and converts what clients send in place of the right type: "True" /
// "False" for booleans, numeric strings for numbers, numbers for strings.
func (p *patcher) coerce(val any, a *Attribute, name string) (any, error) {
	if val == nil {
		return nil, nil
	}
	if a.MultiValued {
		return p.coerceMulti(val, a)
	}
	if a.Type == "" {
		return cloneValue(val), nil
	}
	if a.Type == TypeComplex {
		m, err := p.coerceComplex(val, a, name)
		if err != nil {
			return nil, err
		}
		return m, nil
	}
	bad := func() error {
		what := describeValue(val)
		if a.Mutability == MutabilityWriteOnly { // a password is never repeated
			what = jsonKind(val)
		}
		return BadRequest(InvalidValue, "attribute %s must be %s, not %s", name, typeWords(a, true), what)
	}
	if _, ok := asList(val); ok {
		return nil, BadRequest(InvalidValue, "attribute %s is single-valued; the value must be %s, not an array", name, typeWords(a, true))
	}
	if isMapValue(val) {
		return nil, bad()
	}
	switch a.Type {
	case TypeBoolean:
		if b, ok := ParseBoolean(val); ok {
			return b, nil
		}
		return nil, bad()
	case TypeInteger:
		if _, isBool := val.(bool); isBool {
			return nil, bad()
		}
		n, ok := toNum(val)
		if !ok {
			return nil, bad()
		}
		if n.isInt {
			return json.Number(strconv.FormatInt(n.i, 10)), nil
		}
		if n.f == math.Trunc(n.f) && math.Abs(n.f) < 1<<63 {
			return json.Number(strconv.FormatInt(int64(n.f), 10)), nil
		}
		return nil, bad()
	case TypeDecimal:
		if _, isBool := val.(bool); isBool {
			return nil, bad()
		}
		n, ok := toNum(val)
		if !ok {
			return nil, bad()
		}
		if n.isInt {
			return json.Number(strconv.FormatInt(n.i, 10)), nil
		}
		return json.Number(strconv.FormatFloat(n.f, 'g', -1, 64)), nil
	case TypeDateTime:
		s, ok := val.(string)
		if !ok {
			return nil, bad()
		}
		if _, ok := parseDateTime(s); !ok {
			return nil, bad()
		}
		return s, nil
	default: // string, reference, binary
		switch x := val.(type) {
		case string:
			return x, nil
		case bool:
			return nil, bad()
		}
		if isNumber(val) {
			return textOf(val), nil
		}
		return nil, bad()
	}
}
