package scim

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
)

// ListResponse renders a SCIM list (RFC 7644 §3.4.2).
type ListResponse struct {
	TotalResults, StartIndex, ItemsPerPage int
	Resources                              []any
}

// MarshalJSON renders the list as {"schemas":[ListResponseSchema],
// "totalResults":..,"startIndex":..,"itemsPerPage":..,"Resources":[...]}.
// Resources is always present, as [] when empty. HTML characters are not
// escaped.
func (l ListResponse) MarshalJSON() ([]byte, error) {
	return l.appendJSON(make([]byte, 0, l.sizeHint()))
}

// sizeHint is about the size of l's JSON: a lab user is 1.7-2 KB.
func (l ListResponse) sizeHint() int { return 512 + 2048*len(l.Resources) }

// appendJSON appends l's JSON to dst.
func (l ListResponse) appendJSON(dst []byte) ([]byte, error) {
	dst = slices.Grow(dst, l.sizeHint())
	dst = append(dst, `{"schemas":["`+ListResponseSchema+`"],"totalResults":`...)
	dst = strconv.AppendInt(dst, int64(l.TotalResults), 10)
	dst = append(dst, `,"startIndex":`...)
	dst = strconv.AppendInt(dst, int64(l.StartIndex), 10)
	dst = append(dst, `,"itemsPerPage":`...)
	dst = strconv.AppendInt(dst, int64(l.ItemsPerPage), 10)
	dst = append(dst, `,"Resources":[`...)
	for i, r := range l.Resources {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = AppendJSON(dst, r); err != nil {
			return nil, err
		}
	}
	return append(dst, "]}"...), nil
}

// Page is a request's paging parameters (RFC 7644 §3.4.2.4).
type Page struct {
	// StartIndex is the 1-based index of the first result.
	StartIndex int
	// Count is the maximum number of results; -1 means all.
	Count int
}

// ParsePage reads the startIndex and count query parameters. An empty
// startIndex is 1 and one below 1 is taken as 1; an empty count is
// defaultCount (-1 meaning all), a negative count is 0 and one above
// maxCount is maxCount (maxCount <= 0: no maximum). Values that are not
// whole numbers are a 400 invalidValue error.
func ParsePage(startIndex, count string, defaultCount, maxCount int) (Page, error) {
	p := Page{StartIndex: 1, Count: defaultCount}
	if s := strings.TrimSpace(startIndex); s != "" {
		n, err := parseWhole("startIndex", startIndex)
		if err != nil {
			return Page{}, err
		}
		if n > 1 {
			p.StartIndex = n
		}
	}
	if s := strings.TrimSpace(count); s != "" {
		n, err := parseWhole("count", count)
		if err != nil {
			return Page{}, err
		}
		p.Count = max(n, 0)
	}
	if maxCount > 0 && p.Count > maxCount {
		p.Count = maxCount
	}
	return p, nil
}

// parseWhole parses an integer query parameter; values too large for an int
// are clamped.
func parseWhole(name, s string) (int, error) {
	t := strings.TrimSpace(s)
	n, err := strconv.Atoi(t)
	if err == nil {
		return n, nil
	}
	if errors.Is(err, strconv.ErrRange) {
		if strings.HasPrefix(t, "-") {
			return math.MinInt, nil
		}
		return math.MaxInt, nil
	}
	return 0, BadRequest(InvalidValue, "%s must be a whole number, got %q", name, s)
}

// AttributeSelection implements the attributes and excludedAttributes query
// parameters (RFC 7644 §3.4.2.5).
type AttributeSelection struct {
	include bool // attributes= given
	exclude bool // excludedAttributes= given
	paths   []selPath
}

// selPath is one entry of an attribute list.
type selPath struct {
	full           string // as written
	uri, name, sub string
}

// ParseAttributeSelection parses the comma-separated attribute paths of the
// attributes and excludedAttributes parameters; at most one may be given.
// Each path is an attribute (userName), a sub-attribute (name.givenName),
// either URN-qualified, or an extension's URN for all of its attributes.
// A malformed path is a 400 invalidValue error; an unknown attribute is not
// an error.
func ParseAttributeSelection(attributes, excluded string) (*AttributeSelection, error) {
	attributes, excluded = strings.TrimSpace(attributes), strings.TrimSpace(excluded)
	s := &AttributeSelection{}
	param, list := "", ""
	switch {
	case attributes != "" && excluded != "":
		return nil, BadRequest(InvalidSyntax, "use attributes or excludedAttributes, not both")
	case attributes != "":
		s.include, param, list = true, "attributes", attributes
	case excluded != "":
		s.exclude, param, list = true, "excludedAttributes", excluded
	default:
		return s, nil
	}
	for _, raw := range strings.Split(list, ",") {
		p := strings.TrimSpace(raw)
		if p == "" {
			continue
		}
		// emails[type eq "work"] is not an attribute path (RFC 7644 §3.10),
		// but Microsoft's reference tests send it: select the attribute.
		if open := strings.IndexByte(p, '['); open > 0 {
			if end := strings.LastIndexByte(p, ']'); end > open {
				p = p[:open] + p[end+1:]
			}
		}
		if !isAttrPath(p) {
			return nil, BadRequest(InvalidValue, "%s: %s is not an attribute path such as userName, name.givenName or %s:department", param, quoteForMessage(p), EnterpriseUserURN)
		}
		uri, name, sub := splitAttrPath(p)
		s.paths = append(s.paths, selPath{full: p, uri: uri, name: name, sub: sub})
	}
	if len(s.paths) == 0 {
		s.include, s.exclude = false, false
	}
	return s, nil
}

// Excludes reports whether the attribute path is left out of the response
// entirely, e.g. Excludes("entitlements") lets the caller skip loading
// them. A path without a URN matches a listed path with one and the other
// way round. Attributes that are always returned (id, schemas) are never
// excluded; attributes whose schema says "always" may still be reported as
// excluded, as the selection does not know the schema.
func (s *AttributeSelection) Excludes(path string) bool {
	if s == nil || (!s.include && !s.exclude) {
		return false
	}
	uri, name, sub := splitAttrPath(strings.TrimSpace(path))
	if uri == "" && (strings.EqualFold(name, "id") || strings.EqualFold(name, "schemas")) {
		return false
	}
	q := selPath{full: strings.TrimSpace(path), uri: uri, name: name, sub: sub}
	if s.exclude {
		for _, p := range s.paths {
			if strings.EqualFold(p.full, q.full) || strings.EqualFold(p.full, q.uri) ||
				(looseMatch(p, q.uri, q.name) && (p.sub == "" || strings.EqualFold(p.sub, q.sub))) {
				return true
			}
		}
		return false
	}
	if uri == "" && strings.EqualFold(name, "meta") {
		return false
	}
	for _, p := range s.paths {
		if strings.EqualFold(p.full, q.full) || strings.EqualFold(p.full, q.uri) || strings.EqualFold(p.uri, q.full) {
			return false
		}
		if looseMatch(p, q.uri, q.name) && (p.sub == "" || q.sub == "" || strings.EqualFold(p.sub, q.sub)) {
			return false
		}
	}
	return true
}

// looseMatch compares a listed path with an attribute: names must match;
// URNs only when both are given.
func looseMatch(p selPath, uri, name string) bool {
	if !strings.EqualFold(p.name, name) {
		return false
	}
	return p.uri == "" || uri == "" || strings.EqualFold(p.uri, uri)
}

// Apply returns a copy of r with only the selected attributes. id, schemas
// and attributes returned "always" are always kept, meta unless it is
// excluded, and attributes returned "never" (password) are always dropped,
// as are attributes returned "request" unless they are asked for. Paths may
// name sub-attributes (name.givenName, emails.value) and extension
// attributes (urn:...:User:department); an extension's URN alone selects
// the whole extension. rs may be nil.
func (s *AttributeSelection) Apply(r Resource, rs *ResourceSchema) Resource {
	if r == nil {
		return nil
	}
	if !s.include && !s.exclude && !hasNeverReturned(r, rs) {
		return r // nothing to select and nothing to hide
	}
	out := Resource{}
	for key, val := range r {
		if ext, ok := asMap(val); ok && strings.HasPrefix(strings.ToLower(key), "urn:") {
			extID := key
			var extSchema *Schema
			if rs != nil {
				if e, ok := rs.extension(key); ok {
					extID, extSchema = e.ID, &e
				}
			}
			if m := s.applyExtension(rs, extID, extSchema, ext); m != nil {
				out[key] = m
			}
			continue
		}
		var attr *Attribute
		if rs != nil {
			if a, ok := rs.Core.Attribute(key); ok {
				attr = &a
			}
		}
		if v, ok := s.applyAttr(rs, "", key, attr, val); ok {
			out[key] = v
		}
	}
	if list, ok := asList(out["schemas"]); ok {
		// schemas names the extensions the projected resource still has.
		kept := make([]any, 0, len(list))
		for _, id := range list {
			ids, _ := id.(string)
			if _, present := out.Key(ids); present || rs == nil || strings.EqualFold(ids, rs.Core.ID) {
				kept = append(kept, id)
			}
		}
		out["schemas"] = kept
	}
	return out
}

// applyExtension filters the members of an extension object. rs is passed
// on so that an unqualified path (title) selects the core attribute and not
// an extension attribute of the same name (TITLE) as well.
func (s *AttributeSelection) applyExtension(rs *ResourceSchema, extID string, schema *Schema, ext map[string]any) map[string]any {
	whole := false
	for _, p := range s.paths {
		if strings.EqualFold(p.full, extID) {
			whole = true
		}
	}
	if whole && s.exclude {
		return nil
	}
	out := map[string]any{}
	for k, v := range ext {
		var attr *Attribute
		if schema != nil {
			if a, ok := schema.Attribute(k); ok {
				attr = &a
			}
		}
		if whole {
			if attr == nil || attr.returned() != ReturnedNever {
				out[k] = cloneValue(dropNever(v, attr))
			}
			continue
		}
		if nv, ok := s.applyAttr(rs, extID, k, attr, v); ok {
			out[k] = nv
		}
	}
	if len(out) == 0 && !whole {
		return nil
	}
	return out
}

// applyAttr filters one attribute; ok is false when it is dropped.
func (s *AttributeSelection) applyAttr(rs *ResourceSchema, uri, name string, attr *Attribute, val any) (any, bool) {
	returned := ReturnedDefault
	if attr != nil {
		returned = attr.returned()
	}
	if returned == ReturnedNever {
		return nil, false
	}
	if uri == "" && (strings.EqualFold(name, "id") || strings.EqualFold(name, "schemas")) || returned == ReturnedAlways {
		return cloneValue(dropNever(val, attr)), true
	}
	listed, subs := s.listed(rs, uri, name)
	switch {
	case s.include:
		if listed {
			return cloneValue(dropNever(val, attr)), true
		}
		if len(subs) > 0 {
			return keepSubs(val, attr, subs, true)
		}
		return nil, false
	case s.exclude:
		if listed {
			return nil, false
		}
		if returned == ReturnedRequest {
			return nil, false
		}
		if len(subs) > 0 {
			return keepSubs(val, attr, subs, false)
		}
	default:
		if returned == ReturnedRequest {
			return nil, false
		}
	}
	return cloneValue(dropNever(val, attr)), true
}

// listed reports whether the attribute uri:name is listed as a whole, or
// which of its sub-attributes are.
func (s *AttributeSelection) listed(rs *ResourceSchema, uri, name string) (whole bool, subs []string) {
	for _, p := range s.paths {
		if !s.pathNames(rs, p, uri, name) {
			continue
		}
		if p.sub == "" {
			whole = true
		} else {
			subs = append(subs, p.sub)
		}
	}
	return whole, subs
}

// pathNames reports whether the listed path p names the attribute name of
// the schema uri ("" for core).
func (s *AttributeSelection) pathNames(rs *ResourceSchema, p selPath, uri, name string) bool {
	if !strings.EqualFold(p.name, name) {
		return false
	}
	if p.uri == "" {
		if uri == "" || rs == nil {
			return true
		}
		// An unqualified name means a core attribute, or an extension
		// attribute the core schema does not have.
		_, inCore := rs.Core.Attribute(name)
		return !inCore
	}
	if uri != "" {
		return strings.EqualFold(p.uri, uri)
	}
	// Core attribute: the listed URN must be the core schema's (or unknown
	// to us, when there is no schema).
	if rs == nil {
		return true
	}
	return strings.EqualFold(p.uri, rs.Core.ID)
}

// keepSubs keeps (keep) or drops (!keep) the named sub-attributes of a
// complex value or of every value of a multi-valued complex attribute.
func keepSubs(val any, attr *Attribute, subs []string, keep bool) (any, bool) {
	filterOne := func(v any) (any, bool) {
		m, ok := asMap(v)
		if !ok {
			return cloneValue(v), !keep
		}
		out := map[string]any{}
		for k, e := range m {
			named := false
			for _, s := range subs {
				if strings.EqualFold(s, k) {
					named = true
				}
			}
			if sa := subAttrOf(attr, k); sa != nil && sa.returned() == ReturnedNever {
				continue
			}
			if named == keep {
				out[k] = cloneValue(e)
			}
		}
		return out, len(out) > 0
	}
	if l, ok := asList(val); ok {
		out := []any{}
		for _, e := range l {
			if v, ok := filterOne(e); ok {
				out = append(out, v)
			}
		}
		return out, len(out) > 0 || !keep
	}
	return filterOne(val)
}

// dropNever removes sub-attributes returned "never" from a value.
func dropNever(val any, attr *Attribute) any {
	if attr == nil || len(attr.SubAttributes) == 0 {
		return val
	}
	never := false
	for _, sa := range attr.SubAttributes {
		if sa.returned() == ReturnedNever {
			never = true
		}
	}
	if !never {
		return val
	}
	v, _ := keepSubs(val, attr, nil, false)
	return v
}

// hasNeverReturned reports a top-level attribute that is never returned
// (password), which Apply must drop even without a selection.
func hasNeverReturned(r Resource, rs *ResourceSchema) bool {
	for key := range r {
		var a Attribute
		var ok bool
		if rs != nil {
			a, ok = rs.Core.Attribute(key)
		} else {
			a, ok = UserSchema.Attribute(key)
		}
		if ok && a.returned() == ReturnedNever {
			return true
		}
	}
	return false
}
