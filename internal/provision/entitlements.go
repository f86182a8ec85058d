package provision

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/sqlscim/sqlscim/internal/scim"
)

// catalogue returns the entitlements of Get All Entitlements, cached for a
// minute (refresh forces a reload), read on the session's connection; nil
// when the tenant has no Get All Entitlements. A failed read is an error:
// inside a transaction (PostgreSQL aborts it on any error) nothing after it
// could succeed, and the client should learn the real cause.
//
// No lock is held while the database is read: a caller that holds the last
// connection in its transaction would otherwise wait for a loader that
// waits for that connection. Requests that find the cache stale at the
// same time each read it once.
func (t *Tenant) catalogue(ctx context.Context, s *session, refresh bool) (*catalogueSnapshot, error) {
	if _, ok := t.cfg.Op(GetAllEntitlements); !ok {
		return nil, nil
	}
	c := t.ents
	c.mu.Lock()
	snap, fresh := c.snap, time.Since(c.loaded) < entitlementTTL
	c.mu.Unlock()
	if snap != nil && fresh && !refresh {
		return snap, nil
	}
	list, ids, err := t.loadEntitlements(ctx, s)
	if err != nil {
		return nil, err
	}
	snap = &catalogueSnapshot{byValue: make(map[string]scim.Resource, len(list)), ids: ids}
	for _, e := range list {
		snap.byValue[e["id"].(string)] = e
	}
	c.mu.Lock()
	c.snap, c.loaded = snap, time.Now()
	c.mu.Unlock()
	return snap, nil
}

// entitlementExists looks value up in the catalogue, reloading it once when
// the value is missing, since it may have been added since the last load.
// Without a catalogue the database decides.
func (t *Tenant) entitlementExists(ctx context.Context, s *session, value string) (bool, error) {
	cat, err := t.catalogue(ctx, s, false)
	if cat == nil || err != nil {
		return true, err
	}
	if _, ok := cat.byValue[value]; ok {
		return true, nil
	}
	if cat, err = t.catalogue(ctx, s, true); err != nil {
		return false, err
	}
	_, ok := cat.byValue[value]
	return ok, nil
}

// loadEntitlements runs Get All Entitlements and returns the entitlements in
// database order, with each id as the database typed it.
func (t *Tenant) loadEntitlements(ctx context.Context, s *session) ([]scim.Resource, map[string]any, error) {
	op, ok := t.cfg.Op(GetAllEntitlements)
	if !ok {
		return nil, nil, disabled(GetAllEntitlements, "listing entitlements")
	}
	rows, err := t.query(ctx, s.q, GetAllEntitlements, func(string) (any, bool) { return nil, false })
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	cols, err := t.resultColumns(GetAllEntitlements, rows)
	if err != nil {
		return nil, nil, t.opError(GetAllEntitlements, err)
	}
	idKey, displayKey := t.entitlementKeys()
	descKey := ""
	found := map[string]bool{}
	for _, c := range cols {
		found[c.key] = true
		if descKey == "" && c.key != idKey && c.key != displayKey && strings.Contains(c.key, "DESC") {
			descKey = c.key
		}
	}
	for _, k := range []string{idKey, displayKey} {
		if !found[k] {
			return nil, nil, &scim.Error{Status: http.StatusBadRequest, Type: scim.InvalidValue,
				Detail: fmt.Sprintf("get_all_entitlements returns no column %s; set entitlement_id_column and entitlement_display_column to columns of its result (%s)", k, op.Statement)}
		}
	}
	var list []scim.Resource
	ids := map[string]any{}
	var sc rowScanner
	for rows.Next() {
		r, err := sc.read(rows, cols)
		if err != nil {
			return nil, nil, t.opError(GetAllEntitlements, err)
		}
		id := text(r[idKey])
		e := scim.Resource{
			"schemas":     []any{scim.EntitlementSchemaURN},
			"id":          id,
			"displayName": text(r[displayKey]),
			"type":        EntitlementType,
		}
		if descKey != "" && r[descKey] != nil {
			e["description"] = text(r[descKey])
		}
		list = append(list, e)
		ids[id] = r[idKey]
	}
	if err := rows.Err(); err != nil {
		return nil, nil, t.opError(GetAllEntitlements, err)
	}
	return list, ids, nil
}

// Entitlements returns every entitlement, fresh from the database.
func (t *Tenant) Entitlements(ctx context.Context) (_ []scim.Resource, err error) {
	ctx, _, stop := t.guard(ctx)
	defer stop()
	defer func() { err = t.settle(ctx, err) }()
	s, err := t.open(ctx, t.needsTx(GetAllEntitlements))
	if err != nil {
		return nil, err
	}
	defer s.close()
	list, _, err := t.loadEntitlements(ctx, s)
	return list, err
}

// GetEntitlement returns one entitlement by id.
func (t *Tenant) GetEntitlement(ctx context.Context, id string) (scim.Resource, error) {
	list, err := t.Entitlements(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range list {
		if e["id"] == id {
			return e, nil
		}
	}
	return nil, scim.NotFound("Entitlement %s not found.", id)
}
