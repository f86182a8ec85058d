// Changing what a path resolved to: put, remove and set, and the multi-valued helpers.

package scim

import (
	"maps"
	"slices"
	"strings"

	filter "github.com/scim2/filter-parser/v2"
)

// put stores the attribute's new value (nil or an empty array removes it),
// enforcing immutability and required.
func (p *patcher) put(t *target, v any) error {
	cur, _ := t.current()
	empty := !present(v)
	if l, ok := asList(v); ok && len(l) == 0 {
		empty = true
	}
	if t.attr.Mutability == MutabilityImmutable && present(cur) {
		if !valuesEqual(cur, v, &t.attr) {
			return BadRequest(Mutability, "attribute %s is immutable: it can be set once but not changed", t.name())
		}
		return nil // the same value: keep it as first written
	}
	if empty {
		if t.attr.Required && t.typed {
			return BadRequest(InvalidValue, "attribute %s is required and cannot be removed", t.name())
		}
		Resource(t.container).Delete(t.attr.Name)
		return nil
	}
	Resource(t.container).Set(t.attr.Name, v)
	return nil
}

// remove applies a remove operation. With lenient set (replace with null)
// a filter that matches nothing is not an error.
func (p *patcher) remove(t *target, val any, lenient bool) error {
	cur, exists := t.current()
	if t.filter != nil {
		if err := p.needMulti(t); err != nil {
			return err
		}
		elems := listOf(cur)
		keep := make([]any, 0, len(elems))
		matched := 0
		for _, el := range elems {
			if !matchElement(t.filter, el, &t.attr) {
				keep = append(keep, el)
				continue
			}
			matched++
			if t.sub != nil {
				if m, ok := asMap(el); ok {
					Resource(m).Delete(t.sub.Name)
					keep = append(keep, m)
				}
			}
		}
		if matched == 0 {
			if lenient {
				return nil
			}
			return BadRequest(NoTarget, "no value of %s matches the filter [%s]", t.name(), exprString(t.filter))
		}
		return p.put(t, keep)
	}
	if !exists {
		return nil
	}
	if t.sub != nil {
		if l, ok := asList(cur); ok {
			for _, el := range l {
				if m, ok := asMap(el); ok {
					Resource(m).Delete(t.sub.Name)
				}
			}
			return p.put(t, l)
		}
		if m, ok := asMap(cur); ok {
			if t.sub.Mutability == MutabilityImmutable && present(m[t.sub.Name]) {
				return BadRequest(Mutability, "attribute %s.%s is immutable and cannot be removed", t.name(), t.sub.Name)
			}
			Resource(m).Delete(t.sub.Name)
			return p.put(t, m)
		}
		return nil
	}
	if val != nil && !lenient && t.attr.MultiValued {
		// Remove the listed values (Microsoft Entra removes group members
		// with {"op":"Remove","path":"members","value":[{"value":"id"}]}).
		items := listOf(val)
		keep := []any{}
		for _, el := range listOf(cur) {
			drop := false
			for _, it := range items {
				if sameValue(el, it, &t.attr) {
					drop = true
				}
			}
			if !drop {
				keep = append(keep, el)
			}
		}
		return p.put(t, keep)
	}
	if t.attr.Mutability == MutabilityImmutable && present(cur) {
		return BadRequest(Mutability, "attribute %s is immutable and cannot be removed", t.name())
	}
	return p.put(t, nil)
}

// needMulti refuses a filter on a single-valued attribute.
func (p *patcher) needMulti(t *target) error {
	if t.typed && !t.attr.MultiValued {
		return BadRequest(InvalidPath, "the path %s is invalid: a filter in brackets selects values of a multi-valued attribute, and %s is single-valued", quoteForMessage(t.path), t.name())
	}
	return nil
}

// set applies add or replace with a non-null value. Each kind of target
// has its own step: values a filter selects, a sub-attribute, the values
// of a multi-valued attribute, a complex value, or a simple value.
func (p *patcher) set(op string, t *target, val any) error {
	cur, _ := t.current()
	switch {
	case t.filter != nil:
		return p.setFiltered(op, t, cur, val)
	case t.sub != nil:
		return p.setSub(t, cur, val)
	case t.attr.MultiValued:
		return p.setMulti(op, t, cur, val)
	case t.attr.Type == TypeComplex:
		return p.setComplex(t, cur, val)
	}
	nv, err := p.coerce(val, &t.attr, t.name())
	if err != nil {
		return err
	}
	return p.put(t, nv)
}

// setFiltered writes val into the values of cur that t's filter selects
// or, when it selects none, into a new value the filter describes.
func (p *patcher) setFiltered(op string, t *target, cur, val any) error {
	if err := p.needMulti(t); err != nil {
		return err
	}
	var nv any
	var err error
	if t.sub != nil {
		nv, err = p.coerce(val, t.sub, t.name()+"."+t.sub.Name)
	} else {
		nv, err = p.coerceElement(val, &t.attr)
	}
	if err != nil {
		return err
	}
	elems := listOf(cur)
	touched, made := writeMatches(op, t, elems, nv)
	if len(touched) == 0 {
		m, err := p.newFromFilter(t, nv)
		if err != nil {
			return err
		}
		elems = append(elems, m)
		if isPrimary(m) {
			made = []int{len(elems) - 1}
		}
	}
	if err := checkPrimary(elems, made, t.name()); err != nil {
		return err
	}
	return p.put(t, elems)
}

// writeMatches writes nv, in place, into each value of elems that t's
// filter selects: into its sub-attribute t.sub, merged into it (add of an
// object to an object), or instead of it. It returns the indexes of the
// values it wrote, and of those it made primary.
func writeMatches(op string, t *target, elems []any, nv any) (touched, made []int) {
	subPrimary := t.sub != nil && strings.EqualFold(t.sub.Name, "primary") && isTrue(nv)
	for i, el := range elems {
		if !matchElement(t.filter, el, &t.attr) {
			continue
		}
		touched = append(touched, i)
		if subPrimary || (t.sub == nil && isPrimary(nv)) {
			made = append(made, i)
		}
		m, ok := asMap(el)
		switch {
		case t.sub != nil && ok:
			setMember(m, t.sub.Name, nv)
		case t.sub != nil:
			// A simple value has no sub-attributes.
		case op == "add" && ok && isMapValue(nv):
			nm, _ := asMap(nv)
			mergeMembers(m, nm)
		default:
			elems[i] = cloneValue(nv)
		}
	}
	return touched, made
}

// newFromFilter builds the value that add or replace creates when t's
// filter selects nothing: the filter's eq comparisons (type eq "work") with
// nv written into it. Any other filter, or an nv that is neither for a
// sub-attribute nor an object, is a noTarget error.
func (p *patcher) newFromFilter(t *target, nv any) (map[string]any, error) {
	m, ok, err := p.simpleEq(t.filter, &t.attr)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, BadRequest(NoTarget, "no value of %s matches the filter [%s]", t.name(), exprString(t.filter))
	}
	if t.sub != nil {
		setMember(m, t.sub.Name, nv)
	} else if nm, ok := asMap(nv); ok {
		mergeMembers(m, nm)
	} else {
		return nil, BadRequest(NoTarget, "no value of %s matches the filter [%s]", t.name(), exprString(t.filter))
	}
	return m, nil
}

// setSub writes val into the sub-attribute t.sub: of every value of a
// multi-valued attribute, or of the single complex value.
func (p *patcher) setSub(t *target, cur, val any) error {
	nv, err := p.coerce(val, t.sub, t.name()+"."+t.sub.Name)
	if err != nil {
		return err
	}
	if t.attr.MultiValued {
		return p.setSubOfEach(t, cur, nv)
	}
	m, ok := asMap(cur)
	if !ok {
		m = map[string]any{}
	}
	if old, ok := getCI(m, t.sub.Name); ok && t.sub.Mutability == MutabilityImmutable && present(old) && !valuesEqual(old, nv, t.sub) {
		return BadRequest(Mutability, "attribute %s.%s is immutable: it can be set once but not changed", t.name(), t.sub.Name)
	}
	setMember(m, t.sub.Name, nv)
	return p.put(t, m)
}

// setSubOfEach writes the coerced nv into the sub-attribute t.sub of every
// complex value of cur, or of a new value when cur has none.
func (p *patcher) setSubOfEach(t *target, cur, nv any) error {
	elems := listOf(cur)
	var touched, made []int
	for i, el := range elems {
		if m, ok := asMap(el); ok {
			setMember(m, t.sub.Name, nv)
			touched = append(touched, i)
		}
	}
	if len(touched) == 0 {
		elems = append(elems, map[string]any{t.sub.Name: nv})
		touched = []int{len(elems) - 1}
	}
	if strings.EqualFold(t.sub.Name, "primary") && isTrue(nv) {
		made = touched
	}
	if err := checkPrimary(elems, made, t.name()); err != nil {
		return err
	}
	return p.put(t, elems)
}

// setMulti applies add or replace to a whole multi-valued attribute:
// replace puts val's values instead of cur's, add adds them to cur's.
func (p *patcher) setMulti(op string, t *target, cur, val any) error {
	items, err := p.coerceMulti(val, &t.attr)
	if err != nil {
		return err
	}
	var elems []any
	var made []int
	if op == "replace" {
		elems = items
		for i, it := range items {
			if isPrimary(it) {
				made = append(made, i)
			}
		}
	} else if elems, made, err = addValues(t, cur, items); err != nil {
		return err
	}
	if err := checkPrimary(elems, made, t.name()); err != nil {
		return err
	}
	return p.put(t, elems)
}

// addValues returns a copy of cur, the values of the multi-valued target t,
// with items added: an item cur has already (by sameValue) is not repeated
// but updates the value it equals. It also returns the indexes of the
// items that are primary.
func addValues(t *target, cur any, items []any) ([]any, []int, error) {
	a := &t.attr
	// A copy: put compares the old value with the new one.
	elems := slices.Clone(listOf(cur))
	var made []int
	for _, it := range items {
		idx := indexOfSame(elems, it, a)
		if idx < 0 {
			elems = append(elems, it)
			idx = len(elems) - 1
		} else if m, ok := asMap(elems[idx]); ok {
			if nm, ok := asMap(it); ok && present(nm["value"]) {
				// Same "value": the value stays as written, the
				// other members are updated. (Values without
				// "value" are equal in every member: skipped.)
				merged, err := mergeSameValue(a, t.name(), m, nm)
				if err != nil {
					return nil, nil, err
				}
				elems[idx] = merged
			}
		}
		if isPrimary(it) {
			made = append(made, idx)
		}
	}
	return elems, made, nil
}

// indexOfSame returns the index of the first value of elems that is the
// same value as it, or -1.
func indexOfSame(elems []any, it any, a *Attribute) int {
	for i, el := range elems {
		if sameValue(el, it, a) {
			return i
		}
	}
	return -1
}

// mergeSameValue returns a copy of m, a value of the complex multi-valued
// attribute a (called name), with the members of nm other than "value"
// written into it, unless that would change an immutable sub-attribute.
func mergeSameValue(a *Attribute, name string, m, nm map[string]any) (map[string]any, error) {
	if err := checkImmutableMembers(a, name, m, nm); err != nil {
		return nil, err
	}
	merged := maps.Clone(m)
	for k, v := range nm {
		if !strings.EqualFold(k, "value") {
			setMember(merged, k, v)
		}
	}
	return merged, nil
}

// setComplex merges val into the single complex value cur.
func (p *patcher) setComplex(t *target, cur, val any) error {
	a := &t.attr
	nv, err := p.coerceComplex(val, a, t.name())
	if err != nil {
		return err
	}
	m, ok := asMap(cur)
	if !ok {
		m = map[string]any{}
	}
	m = maps.Clone(m) // put compares the old value with the new one
	if err := checkImmutableMembers(a, t.name(), m, nv); err != nil {
		return err
	}
	mergeMembers(m, nv)
	return p.put(t, m)
}

// checkImmutableMembers refuses a merge of nv into the value old of the
// complex attribute a (called name) that would change an immutable
// sub-attribute old already has.
func checkImmutableMembers(a *Attribute, name string, old, nv map[string]any) error {
	for k, v := range nv {
		sa := subAttrOf(a, k)
		if sa == nil || sa.Mutability != MutabilityImmutable {
			continue
		}
		if was, ok := getCI(old, k); ok && present(was) && !valuesEqual(was, v, sa) {
			return BadRequest(Mutability, "attribute %s.%s is immutable: it can be set once but not changed", name, sa.Name)
		}
	}
	return nil
}

// simpleEq turns a filter of eq comparisons joined by and (type eq "work")
// into the sub-attributes of a new value.
func (p *patcher) simpleEq(e filter.Expression, a *Attribute) (map[string]any, bool, error) {
	switch x := e.(type) {
	case *filter.AttributeExpression:
		ap := x.AttributePath
		if !strings.EqualFold(string(x.Operator), string(filter.EQ)) || ap.URIPrefix != nil || ap.SubAttribute != nil || x.CompareValue == nil {
			return nil, false, nil
		}
		name, v := ap.AttributeName, x.CompareValue
		if len(a.SubAttributes) > 0 {
			sa, ok := a.Sub(name)
			if !ok {
				return nil, false, BadRequest(InvalidPath, "attribute %s has no sub-attribute %q", a.Name, name)
			}
			name = sa.Name
			var err error
			if v, err = p.coerce(v, &sa, a.Name+"."+sa.Name); err != nil {
				return nil, false, err
			}
		}
		return map[string]any{name: v}, true, nil
	case *filter.LogicalExpression:
		if x.Operator != filter.AND {
			return nil, false, nil
		}
		l, ok, err := p.simpleEq(x.Left, a)
		if !ok || err != nil {
			return nil, ok, err
		}
		r, ok, err := p.simpleEq(x.Right, a)
		if !ok || err != nil {
			return nil, ok, err
		}
		mergeMembers(l, r)
		return l, true, nil
	}
	return nil, false, nil
}

// listOf returns v as a list: nil is empty, a single value a list of one.
func listOf(v any) []any {
	if v == nil {
		return []any{}
	}
	if l, ok := asList(v); ok {
		return l
	}
	return []any{v}
}

// setMember sets m[name] (replacing case variants); nil deletes it.
func setMember(m map[string]any, name string, v any) {
	if v == nil {
		Resource(m).Delete(name)
		return
	}
	Resource(m).Set(name, cloneValue(v))
}

// mergeMembers copies the members of src into dst; null members delete.
func mergeMembers(dst, src map[string]any) {
	for k, v := range src {
		setMember(dst, k, v)
	}
}

// sameValue reports whether two values of a multi-valued attribute are the
// same value: complex values by their "value" sub-attribute when the new
// one has it, otherwise by equality.
func sameValue(el, it any, a *Attribute) bool {
	em, ok1 := asMap(el)
	im, ok2 := asMap(it)
	if ok1 && ok2 {
		if iv, ok := getCI(im, "value"); ok && present(iv) {
			ev, _ := getCI(em, "value")
			return valuesEqual(ev, iv, subAttrOf(a, "value"))
		}
		return valuesEqual(em, im, a)
	}
	if ok1 && !ok2 {
		ev, _ := getCI(em, "value")
		return valuesEqual(ev, it, subAttrOf(a, "value"))
	}
	return valuesEqual(el, it, a)
}

// checkPrimary makes sure at most one value is primary (RFC 7643 §2.4).
// made lists the values the operation wrote with primary true: more than
// one is an error, and one makes the others lose primary.
func checkPrimary(elems []any, made []int, name string) error {
	which := -1
	for _, i := range made {
		if which >= 0 && which != i {
			return BadRequest(InvalidValue, "only one value of %s can be primary", name)
		}
		which = i
	}
	if which < 0 {
		return nil
	}
	for i, el := range elems {
		if i == which {
			continue
		}
		if m, ok := asMap(el); ok && isPrimary(m) {
			Resource(m).Set("primary", false)
		}
	}
	return nil
}

// isPrimary reports whether a value has primary true.
func isPrimary(v any) bool {
	m, ok := asMap(v)
	if !ok {
		return false
	}
	p, _ := getCI(m, "primary")
	b, ok := ParseBoolean(p)
	return ok && b
}

func isMapValue(v any) bool { _, ok := asMap(v); return ok }

// isTrue reports whether v is true, or "true" in any case.
func isTrue(v any) bool {
	b, ok := ParseBoolean(v)
	return ok && b
}
