package provision

// A user's entitlements: reading them (get_user_entitlements), the
// entitlements a request asks for, and changing them
// (add_entitlement_to_user, remove_entitlement_from_user).

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/sqlscim/sqlscim/internal/audit"
	"github.com/sqlscim/sqlscim/internal/scim"
)

// userEntitlements runs Get User Entitlements for a user.
func (t *Tenant) userEntitlements(ctx context.Context, s *session, user row) ([]any, error) {
	if _, ok := t.cfg.Op(GetUserEntitlements); !ok {
		return nil, nil
	}
	rows, err := t.query(ctx, s.q, GetUserEntitlements, rowValues(user))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := t.resultColumns(GetUserEntitlements, rows)
	if err != nil {
		return nil, t.opError(GetUserEntitlements, err)
	}
	read := t.entitlementReader(GetUserEntitlements)
	out := []any{}
	var sc rowScanner
	for rows.Next() {
		r, err := sc.read(rows, cols)
		if err != nil {
			return nil, t.opError(GetUserEntitlements, err)
		}
		e, err := read.entry(r)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, t.opError(GetUserEntitlements, err)
	}
	if err := read.fillDisplays(ctx, s); err != nil {
		return nil, err
	}
	return out, nil
}

// entitlementKeys are the upper-case entitlement id and display columns.
func (t *Tenant) entitlementKeys() (string, string) {
	idKey, displayKey := "ENT_ID", "ENT_NAME"
	if op, ok := t.cfg.Operations[GetAllEntitlements]; ok && op != nil {
		if op.EntitlementIDColumn != "" {
			idKey = strings.ToUpper(op.EntitlementIDColumn)
		}
		if op.EntitlementDisplayColumn != "" {
			displayKey = strings.ToUpper(op.EntitlementDisplayColumn)
		}
	}
	return idKey, displayKey
}

// requestedEntitlements reads the entitlement values of a user body.
// present is false when the body does not mention entitlements.
func requestedEntitlements(res scim.Resource) (values []string, present bool, err error) {
	raw, ok := res.Get("entitlements")
	if !ok {
		return nil, false, nil
	}
	if raw == nil {
		return nil, true, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, true, scim.BadRequest(scim.InvalidValue, "entitlements must be a list of {\"value\": ...} objects")
	}
	seen := map[string]bool{}
	for i, e := range list {
		var v any
		switch x := e.(type) {
		case map[string]any:
			v, _ = lookupCI(x, "value")
		case string:
			v = x
		}
		s := text(v)
		if s == "" {
			return nil, true, scim.BadRequest(scim.InvalidValue, "entitlements[%d] has no value; each entitlement needs the id of an entitlement, e.g. {\"value\": \"1\"}", i)
		}
		if !seen[s] {
			seen[s] = true
			values = append(values, s)
		}
	}
	return values, true, nil
}

// changeEntitlements adds the entitlements in want that are not in have and
// removes those in have that are not in want.
func (t *Tenant) changeEntitlements(ctx context.Context, s *session, user row, want, have []string) error {
	haveSet := map[string]bool{}
	for _, v := range have {
		haveSet[v] = true
	}
	wantSet := map[string]bool{}
	for _, v := range want {
		wantSet[v] = true
	}
	var add, remove []string
	for _, v := range want {
		if !haveSet[v] {
			add = append(add, v)
		}
	}
	for _, v := range have {
		if !wantSet[v] {
			remove = append(remove, v)
		}
	}
	if len(add) > 0 {
		if _, ok := t.cfg.Op(AddEntitlementToUser); !ok {
			return disabled(AddEntitlementToUser, "adding entitlements")
		}
		for _, v := range add {
			ok, err := t.entitlementExists(ctx, s, v)
			if err != nil {
				return err
			}
			if !ok {
				return scim.BadRequest(scim.InvalidValue, "entitlement %q does not exist; GET /Entitlements lists the entitlements and their ids", v)
			}
		}
	}
	if len(remove) > 0 {
		if _, ok := t.cfg.Op(RemoveEntitlementFromUser); !ok {
			return disabled(RemoveEntitlementFromUser, "removing entitlements")
		}
	}
	for _, v := range remove {
		if err := t.execEntitlement(ctx, s, RemoveEntitlementFromUser, user, v); err != nil {
			return err
		}
	}
	for _, v := range add {
		if err := t.execEntitlement(ctx, s, AddEntitlementToUser, user, v); err != nil {
			return err
		}
	}
	return nil
}

// execEntitlement runs an entitlement operation for user and value.
func (t *Tenant) execEntitlement(ctx context.Context, s *session, name OpName, user row, value string) error {
	vals, err := t.entitlementValues(ctx, s, user, value)
	if err != nil {
		return err
	}
	if err := t.exec(ctx, s.q, name, vals); err != nil {
		return err
	}
	audit.From(ctx).Entitlement(name == AddEntitlementToUser, value)
	return nil
}

// entitlementValues binds an entitlement operation: the user id column and
// other user columns from the user; any other field is the entitlement's id,
// typed as the entitlement catalogue types it.
func (t *Tenant) entitlementValues(ctx context.Context, s *session, user row, value string) (values, error) {
	var typed any = value
	cat, err := t.catalogue(ctx, s, false)
	if err != nil {
		return nil, err
	}
	if v, ok := cat.lookupID(value); ok {
		typed = v
	}
	return func(field string) (any, bool) {
		if v, ok := user[strings.ToUpper(field)]; ok {
			return v, true
		}
		return typed, true
	}, nil
}

// entitlementReader turns rows of an operation that returns assignments
// into SCIM entitlements, and fills in display names a row lacks from the
// catalogue of get_all_entitlements.
type entitlementReader struct {
	t                 *Tenant
	op                OpName
	idKey, displayKey string
	undisplayed       []map[string]any
}

func (t *Tenant) entitlementReader(op OpName) *entitlementReader {
	idKey, displayKey := t.entitlementKeys()
	return &entitlementReader{t: t, op: op, idKey: idKey, displayKey: displayKey}
}

// entry is the entitlement of one row.
func (er *entitlementReader) entry(r row) (map[string]any, error) {
	v, ok := r[er.idKey]
	if !ok {
		return nil, er.t.entitlementColumnMissing(er.op, er.idKey, "entitlement id column")
	}
	e := map[string]any{"value": text(v), "type": EntitlementType}
	if d, ok := r[er.displayKey]; ok && d != nil {
		e["display"] = text(d)
	} else {
		er.undisplayed = append(er.undisplayed, e)
	}
	return e, nil
}

// fillDisplays names the entitlements whose rows had no display column.
func (er *entitlementReader) fillDisplays(ctx context.Context, s *session) error {
	if len(er.undisplayed) == 0 {
		return nil
	}
	cat, err := er.t.catalogue(ctx, s, false)
	if err != nil || cat == nil {
		return err
	}
	for _, e := range er.undisplayed {
		if ent, ok := cat.byValue[e["value"].(string)]; ok {
			e["display"] = ent["displayName"]
		}
	}
	return nil
}

// entitlementColumnMissing is the configuration error of an operation
// whose rows lack a column it must return: key, its what (the entitlement
// id column of get_all_entitlements, the user id column).
func (t *Tenant) entitlementColumnMissing(op OpName, key, what string) error {
	return &scim.Error{Status: http.StatusInternalServerError,
		Cause:  fmt.Errorf("tenant %s: %s returns no %s column (the %s); add it to its SELECT", t.cfg.Name, op, key, what),
		Detail: fmt.Sprintf("The configuration of tenant %s cannot read users' entitlements: %s returns no %s. An administrator must correct it (sqlscim check names the problem; the sqlscim log has it too).", t.cfg.Name, op, what)}
}
