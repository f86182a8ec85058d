package provision

import (
	"fmt"
	"testing"

	"github.com/sqlscim/sqlscim/internal/scim"
)

func TestCheckStorable(t *testing.T) {
	const hint = ". A column mapped to it would store it (mapping: {COLUMN: %s}); ignore_attributes: [%s] accepts and drops it."
	for _, tc := range []struct {
		name    string
		ignored []string
		res     scim.Resource
		refused string // the path refused, "" = accepted
		target  string
	}{
		{"mapped attributes", nil, scim.Resource{"userName": "u", "title": "t", "name": map[string]any{"givenName": "g"}, "emails": []any{map[string]any{"type": "work", "value": "a@x", "primary": true}}}, "", ""},
		{"handled elsewhere", nil, scim.Resource{"id": "x", "meta": map[string]any{"created": "x"}, "active": true, "entitlements": []any{map[string]any{"value": "1"}}, "groups": []any{map[string]any{"value": "g"}}, "password": "p"}, "", ""},
		{"null and empty values", nil, scim.Resource{"externalId": nil, "nickName": "", "ims": []any{}, "name": map[string]any{"formatted": nil}}, "", ""},
		{"unknown names", nil, scim.Resource{"adreses": []any{map[string]any{"country": "x"}}}, "", ""},
		{"externalId", nil, scim.Resource{"externalId": "e"}, "externalId", "externalId"},
		{"name.formatted", nil, scim.Resource{"name": map[string]any{"givenName": "g", "formatted": "f"}}, "name.formatted", "name.formatted"},
		{"an email of another type", nil, scim.Resource{"emails": []any{map[string]any{"type": "home", "value": "h@x"}}}, "emails[home].value", "emails[home].value"},
		{"an email without a type", nil, scim.Resource{"emails": []any{map[string]any{"value": "h@x"}}}, "", ""},
		{"a sub-attribute no type has", nil, scim.Resource{"emails": []any{map[string]any{"type": "work", "value": "a@x", "display": "A"}}}, "emails[work].display", "emails[work].display"},
		{"manager as a string", nil, scim.Resource{testEntURN: map[string]any{"manager": "m"}}, "", ""},
		{"enterprise attribute", nil, scim.Resource{testEntURN: map[string]any{"costCenter": "42"}}, "enterprise:costCenter", "enterprise:costCenter"},
		{"x509Certificates", nil, scim.Resource{"x509Certificates": []any{map[string]any{"value": "MII"}}}, "x509Certificates.value", "x509Certificates[work].value"},
		{"ignored", []string{"externalId", "name.formatted", "emails[home]", "enterprise:costCenter", "x509Certificates"},
			scim.Resource{"externalId": "e", "name": map[string]any{"formatted": "f"}, "emails": []any{map[string]any{"type": "home", "value": "h"}}, testEntURN: map[string]any{"costCenter": "1"}, "x509Certificates": []any{map[string]any{"value": "MII"}}}, "", ""},
		{"ignored by sub-attribute", []string{"emails.value"}, scim.Resource{"emails": []any{map[string]any{"type": "other", "value": "o"}}}, "", ""},
		{"ignored elsewhere", []string{"emails[home]"}, scim.Resource{"emails": []any{map[string]any{"type": "other", "value": "o"}}}, "emails[other].value", "emails[other].value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testMappingConfig(nil)
			cfg.IgnoreAttributes = tc.ignored
			m := mustMapping(t, cfg, labColumns(false))
			err := m.checkStorable(tc.res, "lab")
			if tc.refused == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			want := tc.refused + " cannot be stored: no column of tenant lab is mapped to it" + fmt.Sprintf(hint, tc.target, tc.refused)
			if e, ok := err.(*scim.Error); !ok || e.Status != 400 || e.Type != scim.InvalidValue || e.Detail != want {
				t.Fatalf("got %v\nwant 400 invalidValue %s", err, want)
			}
		})
	}
}

// /Schemas shows the attributes the lab stores, and those ignored.
func TestPublishedSchema(t *testing.T) {
	cfg := testMappingConfig(nil)
	cfg.IgnoreAttributes = []string{"externalId"}
	m := mustMapping(t, cfg, labColumns(false))
	has := func(s scim.Schema, name, sub string) bool {
		a, ok := s.Attribute(name)
		if !ok || sub == "" {
			return ok
		}
		_, ok = a.Sub(sub)
		return ok
	}
	core, ent := m.schema.Core, m.schema.Extensions[0]
	for _, c := range []struct {
		s         scim.Schema
		name, sub string
		want      bool
	}{
		{core, "userName", "", true}, {core, "id", "", true}, {core, "active", "", true}, {core, "entitlements", "", true},
		{core, "externalId", "", true}, {core, "title", "", true}, {core, "nickName", "", true},
		{core, "name", "givenName", true}, {core, "name", "formatted", false}, {core, "emails", "value", true}, {core, "emails", "type", true},
		{core, "emails", "display", false}, {core, "password", "", false}, {core, "groups", "", false}, {core, "ims", "", false},
		{core, "userType", "", false}, {core, "x509Certificates", "", false},
		{ent, "department", "", true}, {ent, "manager", "value", true}, {ent, "costCenter", "", false},
	} {
		if got := has(c.s, c.name, c.sub); got != c.want {
			t.Errorf("%s %s.%s published = %v, want %v", c.s.ID, c.name, c.sub, got, c.want)
		}
	}
	if _, ok := m.fullSchema.Core.Attribute("x509Certificates"); !ok {
		t.Error("the schema PATCH resolves with lacks x509Certificates")
	}
}
