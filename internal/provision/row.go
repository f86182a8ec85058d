package provision

// Rows of Get Users: reading them, and moving values between a row and a
// SCIM user along the mapping's targets.

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/sqlscim/sqlscim/internal/scim"
)

// row is one user row, keyed by upper-case column name.
type row map[string]any

// readRow scans the current row of rows into a row.
func readRow(rows *sql.Rows, cols []column) (row, error) {
	var sc rowScanner
	return sc.read(rows, cols)
}

// rowScanner reads the rows of one result, reusing its scan buffers from
// row to row.
type rowScanner struct {
	cells []cell
	ptrs  []any
}

// cell receives one column's value, normalized as the driver hands it
// over: a driver's []byte is read once into a string, never first copied
// by database/sql (which it does for a destination of type *any).
type cell struct {
	v any
	k kind
}

// Scan implements sql.Scanner.
func (c *cell) Scan(src any) error {
	c.v = normalize(src, c.k)
	return nil
}

// read scans the current row of rows into a row.
func (sc *rowScanner) read(rows *sql.Rows, cols []column) (row, error) {
	if len(sc.cells) != len(cols) {
		sc.cells, sc.ptrs = make([]cell, len(cols)), make([]any, len(cols))
		for i := range sc.cells {
			sc.ptrs[i] = &sc.cells[i]
		}
	}
	for i, c := range cols {
		sc.cells[i] = cell{k: c.kind}
	}
	if err := rows.Scan(sc.ptrs...); err != nil {
		return nil, err
	}
	r := make(row, len(cols))
	for i, c := range cols {
		r[c.key] = sc.cells[i].v
		sc.cells[i].v = nil
	}
	return r, nil
}

// normalize turns a driver value into a plain Go value: strings for text,
// int64/float64/json.Number for numbers, bool, a YYYY-MM-DD string for a
// date, an RFC 3339 string for a timestamp, nil for NULL.
func normalize(v any, k kind) any {
	switch x := v.(type) {
	case nil:
		return nil
	case []byte:
		s := string(x)
		switch k {
		case kindInt:
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				return n
			}
		case kindDecimal:
			if _, err := strconv.ParseFloat(s, 64); err == nil {
				return json.Number(s)
			}
		case kindBool:
			if b, ok := scim.ParseBoolean(s); ok {
				return b
			}
		}
		return s
	case time.Time:
		if k == kindDate || (k != kindTimestamp && x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0) {
			return x.Format("2006-01-02")
		}
		return x.Format(time.RFC3339)
	case float64:
		if k == kindInt && x == math.Trunc(x) {
			return int64(x)
		}
		return x
	case float32:
		return float64(x)
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case string:
		if k == kindBool {
			if b, ok := scim.ParseBoolean(x); ok {
				return b
			}
		}
		return v // as it came: boxing x again would allocate
	}
	return v
}

// text renders a normalized value as a string (ids, entitlement values).
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return x.String()
	case time.Time: // a value on its way to a date column
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("2006-01-02")
		}
		return x.Format(time.RFC3339)
	}
	return fmt.Sprint(v)
}

// toResource turns a user row into a SCIM user (without entitlements and meta).
func (m *mapping) toResource(r row) scim.Resource {
	id := text(r[m.idKey])
	res := scim.Resource{"id": id}
	schemas := []any{scim.UserSchemaURN}
	hasEnterprise := false
	ext := make(map[string]any, len(m.columns))
	for _, c := range m.columns {
		v := r[c.key]
		if v == nil || m.secret[c.key] { // a password is never returned, nor its hash, nor any secret
			continue
		}
		ext[c.name] = v
		t, ok := m.targets[c.key]
		if !ok {
			continue
		}
		if t.attr == "active" && t.urn == "" {
			if s, isText := v.(string); isText && t.spelling == (scim.BooleanSpelling{}) {
				if sp, ok := scim.SpellingOf(s); ok {
					if old := m.readSpelling.Load(); old == nil || *old != sp {
						m.readSpelling.Store(&sp)
					}
				}
			}
			if b, ok := scim.ParseBoolean(v); ok {
				v = b
			}
		} else {
			switch v.(type) {
			case bool, string: // kept as they are: boxing a string again costs an allocation
			default:
				v = text(v)
			}
		}
		if t.urn == scim.EnterpriseUserURN {
			hasEnterprise = true
		}
		setTarget(res, t, v)
	}
	if _, ok := res["userName"]; !ok {
		res["userName"] = id
	}
	if hasEnterprise {
		schemas = append(schemas, scim.EnterpriseUserURN)
	}
	schemas = append(schemas, m.extURN)
	res["schemas"] = schemas
	res[m.extURN] = ext
	m.setMeta(res, r)
	return res
}

// container returns the object a target's attribute lives in, creating it.
func container(res scim.Resource, urn string, create bool) map[string]any {
	if urn == "" {
		return res
	}
	if obj, ok := res.Get(urn); ok {
		if m, ok := obj.(map[string]any); ok {
			return m
		}
	}
	if !create {
		return nil
	}
	m := map[string]any{}
	res[urn] = m
	return m
}

// setTarget writes v where t says, in a user toResource builds: its keys
// are spelled as the targets spell them, so no lookup needs to ignore case.
func setTarget(res scim.Resource, t target, v any) {
	obj := map[string]any(res)
	if t.urn != "" {
		if obj, _ = res[t.urn].(map[string]any); obj == nil {
			obj = map[string]any{}
			res[t.urn] = obj
		}
	}
	switch {
	case t.typ != "":
		list, _ := obj[t.attr].([]any)
		for _, e := range list {
			if el, ok := e.(map[string]any); ok && el["type"] == t.typ {
				el[t.sub] = v
				return
			}
		}
		el := map[string]any{"type": t.typ, t.sub: v}
		if len(list) == 0 && (t.attr == "emails" || t.attr == "phoneNumbers" || t.attr == "addresses") {
			el["primary"] = true
		}
		obj[t.attr] = append(list, el)
	case t.sub != "":
		sub, _ := obj[t.attr].(map[string]any)
		if sub == nil {
			sub = map[string]any{}
			obj[t.attr] = sub
		}
		sub[t.sub] = v
	default:
		obj[t.attr] = v
	}
}

// lookupCI finds a key of a JSON object case-insensitively.
func lookupCI(obj map[string]any, name string) (any, bool) {
	if v, ok := obj[name]; ok {
		return v, true
	}
	for k, v := range obj {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

// getTarget reads the value at t, reporting whether the body holds it.
func getTarget(res scim.Resource, t target) (any, bool) {
	obj := container(res, t.urn, false)
	if obj == nil {
		return nil, false
	}
	raw, ok := lookupCI(obj, t.attr)
	if !ok {
		return nil, false
	}
	switch {
	case t.typ != "":
		list, isList := raw.([]any)
		if raw == nil || isList && len(list) == 0 {
			return nil, true // "emails": null or [] clears the column
		}
		el := pickElement(list, t.typ)
		if el == nil {
			return nil, false
		}
		return lookupCI(el, t.sub)
	case t.sub != "":
		if raw == nil {
			return nil, true
		}
		if s, isString := raw.(string); isString && t.sub == "value" {
			return s, true // Entra sends manager as a bare id
		}
		sub, _ := raw.(map[string]any)
		if sub == nil {
			return nil, false
		}
		return lookupCI(sub, t.sub)
	}
	return raw, true
}

// pickElement chooses the element of a multi-valued attribute a column
// holds: the one of the column's type, else the primary one, else the only one.
func pickElement(list []any, typ string) map[string]any {
	var primary, only map[string]any
	for _, e := range list {
		el, ok := e.(map[string]any)
		if !ok {
			continue
		}
		if t, _ := lookupCI(el, "type"); t != nil && strings.EqualFold(text(t), typ) {
			return el
		}
		if p, _ := lookupCI(el, "primary"); p == true {
			primary = el
		}
		only = el
	}
	if primary != nil {
		return primary
	}
	if len(list) == 1 {
		return only
	}
	return nil
}
