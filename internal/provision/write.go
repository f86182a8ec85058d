package provision

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sqlscim/sqlscim/internal/scim"
)

// columnsFor computes the column values a write should bind, from the new
// SCIM user and, for updates, the current row.
//
// A column can be reached two ways: through its core or enterprise
// attribute (title) and through the tenant extension (…:TITLE). When both
// are in the body and only one differs from the database, that one is the
// change. An attribute the body does not mention keeps its value (to clear
// it, send null or ""), except in PATCH, whose result is a whole user: there
// an attribute that disappeared was removed. On create, the id column
// defaults to userName.
func (m *mapping) columnsFor(res scim.Resource, current row, isPatch bool, fields []string) (row, error) {
	var currentRes scim.Resource
	if current != nil {
		currentRes = m.toResource(current)
	}
	return m.columnsForUpdate(res, current, currentRes, isPatch, fields)
}

// columnsForUpdate is columnsFor with the current row already mapped to a
// user (currentRes, as toResource made it; extra attributes are ignored).
func (m *mapping) columnsForUpdate(res scim.Resource, current row, currentRes scim.Resource, isPatch bool, fields []string) (row, error) {
	ext := container(res, m.extURN, false)
	oldRes := currentRes
	var oldExt map[string]any
	if current != nil {
		oldExt = container(oldRes, m.extURN, false)
	}
	out := row{}
	// Columns in result order, then the fields only the statement names:
	// a stable order, so the first problem found is always the same one.
	var keys []string
	seen := map[string]bool{}
	for _, c := range m.columns {
		keys, seen[c.key] = append(keys, c.key), true
	}
	for _, f := range fields {
		if k := strings.ToUpper(f); !seen[k] {
			keys, seen[k] = append(keys, k), true
		}
	}
	for _, key := range keys {
		col, known := m.column(key)
		name := key
		if known {
			name = col.name
		}
		cur := current[key]

		extVal, extPresent := lookupCI(ext, name)
		t, mapped := m.targets[key]
		var coreVal any
		var corePresent bool
		if mapped {
			coreVal, corePresent = getTarget(res, t)
		}
		if key == m.idKey && current != nil {
			out[key] = current[key] // the id never changes
			continue
		}
		if key == m.idKey && !extPresent {
			// A new user's id: the id column, else userName.
			if un, ok := res.Get("userName"); ok {
				extVal, extPresent = un, true
			}
		}

		var value any
		switch {
		case current == nil:
			switch {
			case extPresent:
				value = extVal
			case corePresent:
				value = coreVal
			}
		default:
			extChanged := extPresent && !sameValue(extVal, cur)
			coreChanged := corePresent && !sameValue(coreVal, cur)
			if isPatch {
				// A removed extension attribute clears its column; removing
				// the whole extension object says nothing about the columns,
				// which the core attributes still describe.
				if _, was := lookupCI(oldExt, name); was && !extPresent && ext != nil {
					extChanged, extVal = true, nil
				}
				if mapped {
					if _, was := getTarget(oldRes, t); was && !corePresent {
						coreChanged, coreVal = true, nil
					}
				}
			}
			switch {
			case coreChanged && !extChanged:
				value = coreVal
			case extChanged:
				value = extVal
			default:
				value = cur
			}
		}
		if known && mapped && t.attr == "active" && t.urn == "" {
			if b, ok := scim.ParseBoolean(value); ok {
				value = b
				if col.kind == kindString { // a Y/N column gets Y or N, as it reads
					value = m.activeSpelling(t, cur).Format(b)
				}
			}
		}
		v, err := toDB(value, col, known)
		if err != nil {
			attr := name
			if mapped {
				attr = t.String()
			}
			return nil, scim.BadRequest(scim.InvalidValue, "%s: %v", attr, err)
		}
		out[key] = v
	}
	if text(out[m.idKey]) == "" {
		return nil, scim.BadRequest(scim.InvalidValue, "a user needs userName (or %s:%s), which becomes its id", m.extURN, m.columns[m.byKey[m.idKey]].name)
	}
	return out, nil
}

// checkWritten refuses a value the write operation op does not bind
// (fields): a column it leaves alone would be answered with 200 and never
// stored. cur is the current row, nil on create, where only values are
// refused. The id column, the active column (activate/deactivate_user) and
// attributes ignore_attributes lists are not op's to write. Columns are
// checked in result order, so the same request gets the same answer.
func (m *mapping) checkWritten(op OpName, tenant string, next, cur row, fields []string) error {
	bound := make(map[string]bool, len(fields))
	for _, f := range fields {
		bound[strings.ToUpper(f)] = true
	}
	for _, c := range m.columns {
		k := c.key
		if bound[k] || k == m.idKey {
			continue
		}
		if cur == nil && empty(next[k]) || cur != nil && sameValue(next[k], cur[k]) {
			continue
		}
		attr, ignore := m.extURN+":"+c.name, ""
		if t, ok := m.targets[k]; ok {
			if t.attr == "active" && t.urn == "" || m.ignoredPath(t.urn, t.attr, t.typ, t.sub) {
				continue
			}
			attr, ignore = t.String(), pathKey(t.urn, t.attr, t.typ, t.sub)
		}
		how := fmt.Sprintf("An administrator can add %s to the parameters of %s", c.name, op)
		if ignore != "" {
			how += fmt.Sprintf(", or accept and drop such values with ignore_attributes: [%s]", ignore)
		}
		return &scim.Error{Status: http.StatusBadRequest, Type: scim.Mutability,
			Detail: fmt.Sprintf("%s cannot be stored: %s of tenant %s does not write column %s, so the value would be lost. %s.", attr, op, tenant, c.name, how)}
	}
	return nil
}

// sameValue compares a SCIM value with a column value, loosely: "1" and 1,
// true and 1, "2024-01-02" and a date.
func sameValue(a, b any) bool {
	if a == nil || b == nil {
		return (a == nil || a == "") && (b == nil || b == "")
	}
	if ab, ok := a.(bool); ok {
		bb, ok := scim.ParseBoolean(b)
		return ok && ab == bb
	}
	if bb, ok := b.(bool); ok {
		ab, ok := scim.ParseBoolean(a)
		return ok && ab == bb
	}
	return text(a) == text(b)
}

// toDB converts a SCIM value into what the column's driver expects.
func toDB(v any, c column, known bool) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch v.(type) {
	case map[string]any, []any:
		return nil, fmt.Errorf("a column holds a single value, not %s", jsonKind(v))
	}
	if !known {
		if n, ok := v.(json.Number); ok {
			return n.String(), nil
		}
		return v, nil
	}
	s := text(v)
	switch c.kind {
	case kindBool:
		if s == "" {
			return nil, nil
		}
		b, ok := scim.ParseBoolean(v)
		if !ok {
			return nil, fmt.Errorf("%q is not a boolean", s)
		}
		return b, nil
	case kindInt:
		if b, ok := v.(bool); ok {
			if b {
				return int64(1), nil
			}
			return int64(0), nil
		}
		if s == "" {
			return nil, nil
		}
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			if b, ok := scim.ParseBoolean(s); ok { // "true" into a TINYINT(1) flag
				if b {
					return int64(1), nil
				}
				return int64(0), nil
			}
			return nil, fmt.Errorf("%q is not a whole number", s)
		}
		return n, nil
	case kindDecimal:
		if s == "" {
			return nil, nil
		}
		if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("%q is not a number", s)
		}
		return strings.TrimSpace(s), nil
	case kindDate, kindTimestamp:
		if s == "" {
			return nil, nil
		}
		t, err := parseTime(s)
		if err != nil {
			return nil, err
		}
		if c.kind == kindTimestamp {
			// The instant, as UTC: drivers that write a zone-less column
			// (PostgreSQL's pgx for timestamp, SQL Server's datetime2) keep
			// the wall clock the value carries, so "03:04:05+02:00" was
			// stored, and read back, as 03:04:05Z – two hours off – where
			// MariaDB's driver stored 01:04:05. Reads treat such columns as
			// UTC, as meta.lastModified filters do.
			return t.UTC(), nil
		}
		return t, nil
	}
	return s, nil
}

// parseTime reads the date and time forms SCIM clients send.
func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02", time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD) or date-time (RFC 3339)", s)
}

func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	return fmt.Sprintf("%T", v)
}
