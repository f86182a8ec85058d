package tenant

// The operations of a tenant configuration and their parameters.

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/sqlscim/sqlscim/internal/provision"
)

func (d *decoder) operations(cfg *provision.Config, path string, v any) {
	if list, ok := v.([]any); ok {
		for i, e := range list {
			p := fmt.Sprintf("%s[%d]", path, i)
			obj, ok := asObject(e)
			if !ok {
				d.problem(p, "must be an object naming the operation")
				continue
			}
			var name provision.OpName
			found := false
			for _, k := range sortedKeys(obj) {
				if operationFields[norm(k)] == "name" {
					n, known := opNames[norm(d.str(p+"."+k, obj[k]))]
					if !known {
						d.problem(p+"."+k, "%q is not an operation; the operations are %s", obj[k], opList())
					}
					name, found = n, known
				}
			}
			if !found {
				if !d.hasProblemAt(p) {
					d.problem(p, "missing the operation's name (e.g. \"name\": \"get_users\")")
				}
				continue
			}
			d.operation(cfg, name, p, obj)
		}
		return
	}
	obj, ok := asObject(v)
	if !ok {
		d.problem(path, "must be an object keyed by operation name (get_users, create_user, ...)")
		return
	}
	for _, k := range sortedKeys(obj) {
		name, known := opNames[norm(k)]
		if !known {
			if !d.src.IgnoreUnknown {
				d.problem(path+"."+k, "unknown operation; the operations are %s", opList())
			}
			continue
		}
		d.operation(cfg, name, path+"."+k, obj[k])
	}
}

func (d *decoder) hasProblemAt(prefix string) bool {
	for _, p := range d.problems {
		if strings.HasPrefix(p.Path, d.src.Path+prefix) {
			return true
		}
	}
	return false
}

func opList() string {
	names := make([]string, len(provision.AllOps))
	for i, o := range provision.AllOps {
		names[i] = string(o)
	}
	return strings.Join(names, ", ")
}

func (d *decoder) operation(cfg *provision.Config, name provision.OpName, path string, v any) {
	obj, ok := asObject(v)
	if !ok {
		d.problem(path, "must be an object with type, statement and parameters")
		return
	}
	if _, dup := cfg.Operations[name]; dup {
		d.problem(path, "%s is configured twice", name)
		return
	}
	op := &provision.Operation{Enabled: true}
	typeGiven := false
	for _, k := range sortedKeys(obj) {
		val := obj[k]
		p := path + "." + k
		field, known := operationFields[norm(k)]
		if !known {
			d.unknown(path, k, operationFields)
			continue
		}
		switch field {
		case "name":
		case "enabled":
			op.Enabled = d.boolean(p, val)
		case "type":
			typeGiven = true
			s := d.str(p, val)
			t, ok := opTypes[norm(s)]
			if !ok {
				d.problem(p, "%q is not an operation type; use sql (\"SQL Statement\") or stored_procedure (\"Execute Stored Procedure\")", s)
			}
			op.Type = t
		case "statement":
			op.Statement = d.str(p, val)
		case "parameters":
			op.Parameters = d.parameters(p, val)
		case "user_id_column":
			op.UserIDColumn = d.str(p, val)
		case "entitlement_id_column":
			op.EntitlementIDColumn = d.str(p, val)
		case "entitlement_display_column":
			op.EntitlementDisplayColumn = d.str(p, val)
		case "id_column":
			if name == provision.GetAllEntitlements {
				op.EntitlementIDColumn = d.str(p, val)
			} else {
				op.UserIDColumn = d.str(p, val)
			}
		}
	}
	if !typeGiven && op.Enabled {
		d.problem(path+".type", "missing: set sql (\"SQL Statement\") or stored_procedure (\"Execute Stored Procedure\")")
	}
	cfg.Operations[name] = op
}

func (d *decoder) parameters(path string, v any) []provision.Param {
	type indexed struct {
		p   provision.Param
		idx int
	}
	var list []indexed
	add := func(p string, e any, defaultIdx int) {
		param, idx := d.parameter(p, e)
		if idx == 0 {
			idx = defaultIdx
		}
		list = append(list, indexed{param, idx})
	}
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		for i, e := range x {
			add(fmt.Sprintf("%s[%d]", path, i), e, i+1)
		}
	case string:
		if strings.TrimSpace(x) == "" {
			return nil
		}
		for i, f := range strings.Split(x, ",") {
			add(fmt.Sprintf("%s[%d]", path, i), strings.TrimSpace(f), i+1)
		}
	default:
		obj, ok := asObject(v)
		if !ok {
			d.problem(path, "must be a list of parameters")
			return nil
		}
		for _, k := range sortedKeys(obj) {
			idx, err := strconv.Atoi(strings.TrimSpace(k))
			if err != nil || idx < 1 {
				d.problem(path+"."+k, "parameters keyed by position must use 1, 2, 3 ...")
				continue
			}
			add(path+"."+k, obj[k], idx)
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].idx < list[j].idx })
	out := make([]provision.Param, len(list))
	for i, e := range list {
		if e.idx != i+1 {
			d.problem(path, "parameter positions must run 1, 2, 3 ... without gaps or repeats; position %d is missing or repeated", i+1)
			return nil
		}
		out[i] = e.p
	}
	return out
}

// parameter reads one parameter: a bare column name, or an object.
func (d *decoder) parameter(path string, v any) (provision.Param, int) {
	if s, ok := v.(string); ok {
		if t, isType := paramTypes[norm(s)]; isType && t == provision.Cursor {
			return provision.Param{Type: provision.Cursor}, 0
		}
		if s == "" {
			d.problem(path, "empty parameter; name a column such as USER_ID")
		}
		return provision.Param{Type: provision.DatabaseField, Field: s}, 0
	}
	obj, ok := asObject(v)
	if !ok {
		d.problem(path, "must be a column name or {type, field}")
		return provision.Param{}, 0
	}
	var p provision.Param
	idx := 0
	typeGiven := false
	for _, k := range sortedKeys(obj) {
		val := obj[k]
		field, known := paramFields[norm(k)]
		if !known {
			d.unknown(path, k, paramFields)
			continue
		}
		switch field {
		case "type":
			typeGiven = true
			s := d.str(path+"."+k, val)
			t, ok := paramTypes[norm(s)]
			if !ok {
				d.problem(path+"."+k, "%q is not a parameter type; use DATABASE_FIELD, CURSOR or CONSTANT", s)
			}
			p.Type = t
		case "field":
			p.Field = d.str(path+"."+k, val)
		case "value":
			p.Value = d.str(path+"."+k, val)
		case "index":
			idx = d.integer(path+"."+k, val)
		}
	}
	if p.Type == "" && !typeGiven {
		switch {
		case p.Field != "":
			p.Type = provision.DatabaseField
		case p.Value != "":
			p.Type = provision.Constant
		default:
			d.problem(path, "missing type; use DATABASE_FIELD with a field, CURSOR, or CONSTANT with a value")
		}
	}
	return p, idx
}
