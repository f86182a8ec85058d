package server

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/sqlscim/sqlscim/internal/scim"
)

// serviceProviderConfig answers /ServiceProviderConfig (RFC 7643 §5). It
// needs no tenant, so the agent's connection test passes as soon as the
// token and certificate are right.
func (s *Server) serviceProviderConfig(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"schemas":          []string{scim.ServiceProviderConfigURN},
		"documentationUri": "https://github.com/sqlscim/sqlscim",
		"patch":            map[string]any{"supported": true},
		"bulk":             map[string]any{"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
		"filter":           map[string]any{"supported": true, "maxResults": s.maxResults()},
		"changePassword":   map[string]any{"supported": false},
		"sort":             map[string]any{"supported": false},
		"etag":             map[string]any{"supported": false},
		"authenticationSchemes": []map[string]any{{
			"type":        "oauthbearertoken",
			"name":        "OAuth Bearer Token",
			"description": "Authorization: Bearer <token>, with the token printed by sqlscim credentials",
			"specUri":     "https://www.rfc-editor.org/info/rfc6750",
			"primary":     true,
		}},
		"meta": map[string]any{"resourceType": "ServiceProviderConfig", "location": s.baseURL(r) + "/ServiceProviderConfig"},
	})
}

// schemasFor returns the schemas a request can see: the tenant's user
// schemas when a tenant resolves, the standard ones otherwise.
func (s *Server) schemasFor(r *http.Request) ([]scim.Schema, *scim.ResourceSchema, error) {
	userSchema := &scim.ResourceSchema{Core: scim.UserSchema, Extensions: []scim.Schema{scim.EnterpriseUserSchema}}
	if r.Header.Get(HeaderName) != "" || s.backend != nil {
		t, err := s.tenant(r)
		switch {
		case err == nil:
			if userSchema, err = t.UserSchema(r.Context()); err != nil {
				return nil, nil, err
			}
		case r.Header.Get(HeaderName) != "":
			return nil, nil, err // a header that does not decode is an error
		}
	}
	all := append([]scim.Schema{userSchema.Core}, userSchema.Extensions...)
	// No Group: the connector has no groups, and a client that finds the
	// Group schema advertised would try to push them (issue 12, defect 4).
	// /Groups still answers an empty list for clients that ask.
	all = append(all, scim.EntitlementSchema)
	return all, userSchema, nil
}

func (s *Server) resourceTypeDocs(r *http.Request, userSchema *scim.ResourceSchema) []map[string]any {
	base := s.baseURL(r)
	var ext []map[string]any
	for _, e := range userSchema.Extensions {
		ext = append(ext, map[string]any{"schema": e.ID, "required": false})
	}
	doc := func(id, endpoint, description, schema string, extensions []map[string]any) map[string]any {
		d := map[string]any{
			"schemas":     []string{scim.ResourceTypeURN},
			"id":          id,
			"name":        id,
			"endpoint":    endpoint,
			"description": description,
			"schema":      schema,
			"meta":        map[string]any{"resourceType": "ResourceType", "location": base + "/ResourceTypes/" + id},
		}
		if extensions != nil {
			d["schemaExtensions"] = extensions
		}
		return d
	}
	return []map[string]any{
		doc("User", "/Users", "A row of the tenant's users", scim.UserSchemaURN, ext),
		doc("Entitlement", "/Entitlements", "A row of the tenant's entitlements", scim.EntitlementSchemaURN, nil),
	}
}

func (s *Server) resourceTypes(w http.ResponseWriter, r *http.Request) {
	_, userSchema, err := s.schemasFor(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	docs := s.resourceTypeDocs(r, userSchema)
	items := make([]any, len(docs))
	for i, d := range docs {
		items[i] = d
	}
	writeJSON(w, http.StatusOK, scim.ListResponse{TotalResults: len(items), StartIndex: 1, ItemsPerPage: len(items), Resources: items})
}

func (s *Server) resourceType(w http.ResponseWriter, r *http.Request) {
	_, userSchema, err := s.schemasFor(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	id := pathParam(r, "id")
	for _, d := range s.resourceTypeDocs(r, userSchema) {
		if strings.EqualFold(d["id"].(string), id) {
			writeJSON(w, http.StatusOK, d)
			return
		}
	}
	s.writeError(w, r, scim.NotFound("No resource type %q; the resource types are User, Entitlement and Group.", id))
}

func (s *Server) schemas(w http.ResponseWriter, r *http.Request) {
	all, _, err := s.schemasFor(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	base := s.baseURL(r)
	items := make([]any, len(all))
	for i, sc := range all {
		items[i] = sc.Document(base)
	}
	writeJSON(w, http.StatusOK, scim.ListResponse{TotalResults: len(items), StartIndex: 1, ItemsPerPage: len(items), Resources: items})
}

func (s *Server) schema(w http.ResponseWriter, r *http.Request) {
	all, _, err := s.schemasFor(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	id := pathParam(r, "id")
	for _, sc := range all {
		if strings.EqualFold(sc.ID, id) {
			writeJSON(w, http.StatusOK, sc.Document(s.baseURL(r)))
			return
		}
	}
	s.writeError(w, r, scim.NotFound("No schema %q.", id))
}

// groups answers /Groups with an empty list: the database connector has no
// groups, and clients that probe the endpoint expect a list. The query is
// still checked, so that a mistake in it is reported here as on /Users.
func (s *Server) groups(w http.ResponseWriter, r *http.Request) {
	lq, err := s.parseList(queryListParams(r), &scim.ResourceSchema{Core: scim.GroupSchema})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, scim.ListResponse{StartIndex: lq.page.StartIndex, Resources: []any{}})
}

func (s *Server) group(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, scim.NotFound("Group %s not found: the database connector has no groups.", pathParam(r, "id")))
}

func (s *Server) groupsNotSupported(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, scim.Errorf(http.StatusNotImplemented, "", "Groups cannot be created or changed: the database connector manages users and entitlements only."))
}

// entitlements answers GET /Entitlements with filter and paging.
func (s *Server) entitlements(w http.ResponseWriter, r *http.Request) {
	t, err := s.tenant(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	schema := &scim.ResourceSchema{Core: scim.EntitlementSchema}
	lq, err := s.parseList(queryListParams(r), schema)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := t.Entitlements(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	base := s.baseURL(r)
	total := 0
	items := []any{}
	for _, e := range list {
		if lq.filter != nil && !lq.filter.Matches(e, schema) {
			continue
		}
		total++
		if total < lq.page.StartIndex || (lq.page.Count >= 0 && len(items) >= lq.page.Count) {
			continue
		}
		id, _ := e["id"].(string)
		items = append(items, lq.sel.Apply(withMeta(e, "Entitlement", base+"/Entitlements/"+url.PathEscape(id)), schema))
	}
	writeJSON(w, http.StatusOK, scim.ListResponse{TotalResults: total, StartIndex: lq.page.StartIndex, ItemsPerPage: len(items), Resources: items})
}

func (s *Server) entitlement(w http.ResponseWriter, r *http.Request) {
	t, err := s.tenant(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	id := pathParam(r, "id")
	e, err := t.GetEntitlement(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, withMeta(e, "Entitlement", s.baseURL(r)+"/Entitlements/"+url.PathEscape(id)))
}
