package scim

import (
	"encoding/json"
	"strconv"
	"strings"
)

// CheckTypes checks the shape of a resource a client sent (POST, PUT)
// against the schemas: a multi-valued attribute must be a list, a complex
// one an object, a simple one a single value of its type. Attributes the
// schemas do not know are left alone (RFC 7644 lets a service provider
// ignore them), and so are meta and the attributes the schemas mark
// readOnly (id, groups, manager.displayName): RFC 7643 §2.2 says a service
// provider SHALL ignore them in a request, so an "id": 5 a client echoes
// back is no error (DropReadOnly removes them). The first mismatch is a 400
// invalidValue that names the attribute and what it should be.
//
// Two leniencies match what Microsoft Entra sends: booleans may be the
// strings "True"/"False", and a complex attribute with a value
// sub-attribute (manager) may be given as its bare value.
func (rs *ResourceSchema) CheckTypes(r Resource) error {
	for key, v := range r {
		if strings.EqualFold(key, "schemas") || strings.EqualFold(key, "meta") {
			continue
		}
		if ext, ok := rs.extension(key); ok {
			obj, isObj := v.(map[string]any)
			if v != nil && !isObj {
				return BadRequest(InvalidValue, "%s must be an object of that extension's attributes", key)
			}
			for name, ev := range obj {
				if a, ok := ext.Attribute(name); ok && !a.readOnly() {
					if err := checkValue(a, ev, key+":"+name, false); err != nil {
						return err
					}
				}
			}
			continue
		}
		if a, ok := rs.Core.Attribute(key); ok && !a.readOnly() {
			if err := checkValue(a, v, a.Name, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// DropReadOnly removes from a request body what a client cannot set: meta,
// and the attributes and sub-attributes the schemas mark readOnly, in the
// core object and in the extension objects. RFC 7643 §2.2 says a service
// provider SHALL ignore such values; removing them before the body goes any
// further makes sure nothing writes them.
func (rs *ResourceSchema) DropReadOnly(r Resource) {
	r.Delete("meta")
	dropReadOnly(rs.Core.Attributes, r)
	for _, ext := range rs.Extensions {
		if key, ok := r.Key(ext.ID); ok {
			if obj, ok := asMap(r[key]); ok {
				dropReadOnly(ext.Attributes, obj)
			}
		}
	}
}

// dropReadOnly removes the readOnly members of obj, whose members attrs
// defines, and the readOnly sub-attributes of its complex values.
func dropReadOnly(attrs []Attribute, obj map[string]any) {
	for k, v := range obj {
		a, ok := findAttr(attrs, k)
		switch {
		case !ok:
		case a.readOnly():
			delete(obj, k)
		case a.Type == TypeComplex:
			elems, isList := asList(v)
			if !isList {
				elems = []any{v}
			}
			for _, e := range elems {
				if m, ok := asMap(e); ok {
					dropReadOnly(a.SubAttributes, m)
				}
			}
		}
	}
}

// checkValue checks a value's shape; strict also checks scalar types (the
// core schemas' are fixed, an extension's come from database columns, whose
// values are converted, and refused, when they are written).
func checkValue(a Attribute, v any, path string, strict bool) error {
	if v == nil {
		return nil
	}
	if a.MultiValued {
		list, ok := v.([]any)
		if !ok {
			return BadRequest(InvalidValue, "%s must be a list%s, not %s", path, elementWords(a), jsonKind(v))
		}
		for i, e := range list {
			if err := checkSingle(a, e, path+"["+strconv.Itoa(i)+"]", strict); err != nil {
				return err
			}
		}
		return nil
	}
	return checkSingle(a, v, path, strict)
}

func elementWords(a Attribute) string {
	if a.Type == TypeComplex {
		return " of objects"
	}
	return " of " + string(a.Type) + " values"
}

// checkSingle checks one value (or one element of a list).
func checkSingle(a Attribute, v any, path string, strict bool) error {
	if v == nil {
		return nil
	}
	if a.Type == TypeComplex {
		obj, ok := v.(map[string]any)
		if !ok {
			if _, hasValue := a.Sub("value"); hasValue && !a.MultiValued {
				if _, isList := v.([]any); !isList {
					return nil // manager: "id"
				}
			}
			return BadRequest(InvalidValue, "%s must be an object, not %s", path, jsonKind(v))
		}
		for name, sv := range obj {
			if sa, ok := a.Sub(name); ok && !sa.readOnly() {
				if err := checkSingle(sa, sv, path+"."+sa.Name, strict); err != nil {
					return err
				}
			}
		}
		return nil
	}
	switch v.(type) {
	case map[string]any, []any:
		return BadRequest(InvalidValue, "%s must be a single %s value, not %s", path, a.Type, jsonKind(v))
	}
	if !strict {
		return nil
	}
	switch a.Type {
	case TypeBoolean:
		if _, ok := ParseBoolean(v); ok {
			return nil
		}
		return BadRequest(InvalidValue, "%s must be %s, not %s", path, typeWords(&a, true), describeFor(a, v))
	case TypeInteger, TypeDecimal:
		switch x := v.(type) {
		case json.Number, float64, int64, int:
			return nil
		case string:
			if _, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil {
				return nil
			}
		}
		return BadRequest(InvalidValue, "%s must be a number, not %s", path, describeFor(a, v))
	case TypeString, TypeReference, TypeDateTime, TypeBinary:
		if _, ok := v.(string); !ok {
			return BadRequest(InvalidValue, "%s must be a string, not %s", path, describeFor(a, v))
		}
	}
	return nil
}

// describeFor names a value for a message about attribute a: by its kind
// only when a is write-only (a password is never repeated, not even in an
// error), else as describeValue does.
func describeFor(a Attribute, v any) string {
	if a.Mutability == MutabilityWriteOnly {
		return jsonKind(v)
	}
	return describeValue(v)
}
