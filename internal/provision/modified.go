package provision

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	filter "github.com/scim2/filter-parser/v2"

	"github.com/sqlscim/sqlscim/internal/scim"
)

// GetUsersModifiedSince is the optional operation that lists the users
// changed since a moment: what Okta's incremental import asks for with
// filter=meta.lastModified gt "…". sqlscim's own, not one of the Okta
// connector's ten. It returns rows like get_users; its DATABASE_FIELD
// parameter "since" binds the moment (UTC), and it returns the users
// modified at or after it.
const GetUsersModifiedSince OpName = "get_users_modified_since"

// SinceField is the field of get_users_modified_since that binds the moment.
const SinceField = "since"

// validateTimestamps checks created_column, last_modified_column and
// get_users_modified_since.
func (c *Config) validateTimestamps(add func(path, format string, args ...any)) {
	for _, col := range []struct{ key, value string }{{"created_column", c.CreatedColumn}, {"last_modified_column", c.LastModifiedColumn}} {
		if strings.ContainsAny(col.value, " \t\n,;()") {
			add("."+col.key, "%q is not a column name; name one column of the get_users result, e.g. LAST_MODIFIED", col.value)
		}
	}
	if op, ok := c.Op(GetUsersModifiedSince); ok && !bindsField(op, SinceField) {
		add(".operations.get_users_modified_since.parameters", "no DATABASE_FIELD parameter binds the field %q, the moment Okta's incremental import asks about; add {type: DATABASE_FIELD, field: since}", SinceField)
	}
}

// metaTime renders a timestamp column's value as meta.created and
// meta.lastModified want it: RFC 3339 in UTC. ok is false for a value that
// is not a moment.
func metaTime(v any) (string, bool) {
	s, isString := v.(string)
	if !isString || s == "" {
		return "", false
	}
	t, err := parseTime(s)
	if err != nil {
		return "", false
	}
	return t.UTC().Format(time.RFC3339), true
}

// setMeta fills meta.created and meta.lastModified from their columns.
// meta.version stays absent: the database keeps no version to give.
func (m *mapping) setMeta(res scim.Resource, r row) {
	meta := map[string]any{}
	if m.createdKey != "" {
		if s, ok := metaTime(r[m.createdKey]); ok {
			meta["created"] = s
		}
	}
	if m.modifiedKey != "" {
		if s, ok := metaTime(r[m.modifiedKey]); ok {
			meta["lastModified"] = s
		}
	}
	if len(meta) > 0 {
		res["meta"] = meta
	}
}

// isMetaPath reports a path to meta.<sub> of the core schema.
func isMetaPath(p filter.AttributePath, sub string) bool {
	uri := p.URI()
	return (uri == "" || strings.EqualFold(uri, scim.UserSchemaURN)) && strings.EqualFold(p.AttributeName, "meta") && strings.EqualFold(p.SubAttributeName(), sub)
}

// mentionsMeta reports whether a filter compares meta.<sub>.
func mentionsMeta(e filter.Expression, sub string) bool {
	switch x := e.(type) {
	case *filter.LogicalExpression:
		return mentionsMeta(x.Left, sub) || mentionsMeta(x.Right, sub)
	case *filter.NotExpression:
		return mentionsMeta(x.Expression, sub)
	case *filter.AttributeExpression:
		return isMetaPath(x.AttributePath, sub)
	}
	return false
}

// modifiedSince finds the incremental import's form in a filter:
// meta.lastModified gt (or ge) a moment, alone or as one side of "and"s.
// rest is the filter without that comparison (nil when nothing is left).
func modifiedSince(e filter.Expression) (since time.Time, rest filter.Expression, ok bool) {
	switch x := e.(type) {
	case *filter.AttributeExpression:
		if !isMetaPath(x.AttributePath, "lastModified") || (x.Operator != filter.GT && x.Operator != filter.GE) {
			return time.Time{}, nil, false
		}
		s, isString := x.CompareValue.(string)
		if !isString {
			return time.Time{}, nil, false
		}
		t, err := parseTime(s)
		if err != nil {
			return time.Time{}, nil, false
		}
		return t.UTC(), nil, true
	case *filter.LogicalExpression:
		if x.Operator != filter.AND {
			return time.Time{}, nil, false
		}
		if t, r, ok := modifiedSince(x.Left); ok && !mentionsMeta(x.Right, "lastModified") {
			return t, and(r, x.Right), true
		}
		if t, r, ok := modifiedSince(x.Right); ok && !mentionsMeta(x.Left, "lastModified") {
			return t, and(x.Left, r), true
		}
	}
	return time.Time{}, nil, false
}

func and(a, b filter.Expression) filter.Expression {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return &filter.LogicalExpression{Left: a, Right: b, Operator: filter.AND}
}

// noModifiedTime is the 400 for a filter on meta.lastModified (or
// meta.created) that this tenant cannot answer.
func (t *Tenant) noModifiedTime(sub string) error {
	fix := "set last_modified_column to a column of get_users that holds it, or configure the operation get_users_modified_since"
	key := "last_modified_column"
	if sub == "created" {
		fix, key = "set created_column to a column of get_users that holds it", "created_column"
	}
	return &scim.Error{Status: http.StatusBadRequest, Type: scim.InvalidFilter,
		Detail: fmt.Sprintf("meta.%s: tenant %s records no %s time, so no user could match; %s (docs/configuration.md, \"Timestamps and incremental import\")", sub, t.cfg.Name, strings.TrimSuffix(strings.TrimSuffix(key, "_column"), "_"), fix)}
}

// checkMetaFilter refuses a filter on a meta time the tenant does not
// record, and says whether get_users_modified_since answers it.
func (l *lister) checkMetaFilter() (since time.Time, rest filter.Expression, viaOp bool, err error) {
	expr := l.q.Filter.Expr()
	if mentionsMeta(expr, "created") && l.m.createdKey == "" {
		return time.Time{}, nil, false, l.t.noModifiedTime("created")
	}
	if !mentionsMeta(expr, "lastModified") {
		return time.Time{}, nil, false, nil
	}
	if _, ok := l.t.cfg.Op(GetUsersModifiedSince); ok {
		if since, rest, ok := modifiedSince(expr); ok {
			return since, rest, true, nil
		}
		if l.m.modifiedKey == "" {
			return time.Time{}, nil, false, scim.BadRequest(scim.InvalidFilter, "get_users_modified_since answers meta.lastModified gt (or ge) a date-time, alone or joined with \"and\"; this filter compares meta.lastModified otherwise, which needs last_modified_column")
		}
		return time.Time{}, nil, false, nil
	}
	if l.m.modifiedKey == "" {
		return time.Time{}, nil, false, l.t.noModifiedTime("lastModified")
	}
	return time.Time{}, nil, false, nil
}

// modifiedUsers lists through get_users_modified_since: the operation
// returns the users changed at or after since; the rest of the filter (all
// of it when last_modified_column is set, so gt is exact) runs here.
func (l *lister) modifiedUsers(ctx context.Context, since time.Time, rest filter.Expression) (int, error) {
	t := l.t
	if l.m.modifiedKey == "" {
		l.q.Filter = nil
		if rest != nil {
			l.q.Filter = scim.FilterOf(rest)
		}
	}
	if l.q.Filter != nil {
		l.needsEntitlements = mentionsEntitlements(l.q.Filter.Expr())
	}
	s, err := t.openScan(ctx, t.needsTx(GetUsersModifiedSince))
	if err != nil {
		return 0, err
	}
	defer s.close()
	rows, err := t.query(ctx, s.q, GetUsersModifiedSince, func(field string) (any, bool) {
		if strings.EqualFold(field, SinceField) {
			return since, true
		}
		return nil, false
	})
	if err != nil {
		return 0, err
	}
	l.source = GetUsersModifiedSince
	return l.filterRows(ctx, rows)
}
