package server

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"
	"go.uber.org/zap"

	"github.com/sqlscim/sqlscim/internal/logging"
	"github.com/sqlscim/sqlscim/internal/scim"
)

// tenant resolves the request's tenant through the backend.
func (s *Server) tenant(r *http.Request) (Tenant, error) {
	if s.backend == nil {
		return nil, scim.NotFound("No tenants are configured.")
	}
	app := pathParam(r, "app")
	t, err := s.backend.Tenant(r.Context(), app, r.Header.Get(HeaderName))
	if err != nil {
		return nil, err
	}
	setTenant(r, app)
	logging.From(r.Context()).Debug("tenant", zap.String("app", app))
	return t, nil
}

// baseURL is the SCIM base of the request: https://host/ws/rest/{app}/scim/v2.
func (s *Server) baseURL(r *http.Request) string {
	return "https://" + r.Host + s.contextPath() + "/" + chi.URLParam(r, "app") + "/scim/v2"
}

// withMeta adds meta.resourceType and meta.location to a resource.
func withMeta(res scim.Resource, resourceType, location string) scim.Resource {
	meta, _ := res["meta"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
	}
	meta["resourceType"] = resourceType
	meta["location"] = location
	res["meta"] = meta
	return res
}

// readBody reads a request body within the size limit, refusing content
// types other than SCIM's and plain JSON.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/scim+json" && mt != "application/json") {
			return nil, scim.Errorf(http.StatusUnsupportedMediaType, scim.InvalidSyntax, "Content-Type %q is not accepted; send application/scim+json or application/json.", ct)
		}
	}
	limit := s.cfg.MaxBodyBytes
	if limit <= 0 {
		limit = 1 << 20
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, scim.Errorf(http.StatusRequestEntityTooLarge, "", "The request body is larger than %d bytes (server.max_body_bytes).", limit)
		}
		return nil, scim.BadRequest(scim.InvalidSyntax, "The request body could not be read: %v", err)
	}
	return body, nil
}

// decodeUser reads a User from the body.
func (s *Server) decodeUser(w http.ResponseWriter, r *http.Request) (scim.Resource, error) {
	body, err := s.readBody(w, r)
	if err != nil {
		return nil, err
	}
	res, err := scim.DecodeResource(body)
	if err != nil {
		return nil, err
	}
	if raw, ok := res.Get("schemas"); ok {
		list, _ := raw.([]any)
		found := false
		for _, v := range list {
			if str, _ := v.(string); strings.EqualFold(str, scim.UserSchemaURN) {
				found = true
			}
		}
		if !found {
			return nil, scim.BadRequest(scim.InvalidSyntax, "schemas must include %s", scim.UserSchemaURN)
		}
	}
	return res, nil
}

// listParams are the query parameters of a list or search.
type listParams struct {
	filter, startIndex, count, attributes, excluded string
}

func (s *Server) getUsers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.listUsers(w, r, listParams{q.Get("filter"), q.Get("startIndex"), q.Get("count"), q.Get("attributes"), q.Get("excludedAttributes")})
}

// searchUsers answers POST /Users/.search (RFC 7644 §3.4.3).
func (s *Server) searchUsers(w http.ResponseWriter, r *http.Request) {
	body, err := s.readBody(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	req, err := scim.DecodeResource(body)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	str := func(name string) (string, error) {
		v, ok := req.Get(name)
		switch x := v.(type) {
		case nil:
			return "", nil
		case string:
			return x, nil
		case json.Number:
			return x.String(), nil
		case []any:
			parts := make([]string, 0, len(x))
			for _, e := range x {
				if es, ok := e.(string); ok {
					parts = append(parts, es)
				}
			}
			return strings.Join(parts, ","), nil
		default:
			if ok {
				return "", scim.BadRequest(scim.InvalidValue, "%s has the wrong type", name)
			}
			return "", nil
		}
	}
	var p listParams
	for _, f := range []struct {
		name string
		dst  *string
	}{{"filter", &p.filter}, {"startIndex", &p.startIndex}, {"count", &p.count}, {"attributes", &p.attributes}, {"excludedAttributes", &p.excluded}} {
		if *f.dst, err = str(f.name); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	s.listUsers(w, r, p)
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, p listParams) {
	t, err := s.tenant(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	query, sel, schema, err := s.parseList(r, t, p)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	base := s.baseURL(r)
	prepare := func(res scim.Resource) scim.Resource {
		id, _ := res["id"].(string)
		return sel.Apply(withMeta(res, "User", base+"/Users/"+url.PathEscape(id)), schema)
	}
	if query.Count >= 0 {
		// A page is small: answer it whole, in the usual member order.
		var items []any
		total, err := t.ListUsers(r.Context(), query, func(res scim.Resource) error {
			items = append(items, prepare(res))
			return nil
		})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, scim.ListResponse{TotalResults: total, StartIndex: query.StartIndex, ItemsPerPage: len(items), Resources: items})
		return
	}
	s.streamList(w, r, query.StartIndex, func(emit func(scim.Resource) error) (int, error) {
		return t.ListUsers(r.Context(), query, func(res scim.Resource) error { return emit(prepare(res)) })
	})
}

// parseList reads filter, paging and attribute selection.
func (s *Server) parseList(r *http.Request, t Tenant, p listParams) (scim.Query, *scim.AttributeSelection, *scim.ResourceSchema, error) {
	var q scim.Query
	page, err := scim.ParsePage(p.startIndex, p.count, -1, s.maxResults())
	if err != nil {
		return q, nil, nil, err
	}
	q.StartIndex, q.Count = page.StartIndex, page.Count
	if strings.TrimSpace(p.filter) != "" {
		if q.Filter, err = scim.ParseFilter(p.filter); err != nil {
			return q, nil, nil, err
		}
	}
	sel, err := scim.ParseAttributeSelection(p.attributes, p.excluded)
	if err != nil {
		return q, nil, nil, err
	}
	q.SkipEntitlements = sel.Excludes("entitlements")
	schema, err := t.UserSchema(r.Context())
	if err != nil {
		return q, nil, nil, err
	}
	return q, sel, schema, nil
}

// maxResults is the largest page a client may ask for.
func (s *Server) maxResults() int {
	if s.cfg.MaxResults > 0 {
		return s.cfg.MaxResults
	}
	return DefaultMaxResults
}

// DefaultMaxResults is the largest page served when not configured.
const DefaultMaxResults = 1000

// streamList writes a ListResponse whose resources are produced one by one,
// so a list of any length never sits in memory: the members come first and
// the counts, known only at the end, last. An error before the first
// resource is an ordinary SCIM error; one after it cuts the response short,
// so the client cannot mistake a partial list for a complete one.
func (s *Server) streamList(w http.ResponseWriter, r *http.Request, startIndex int, produce func(emit func(scim.Resource) error) (int, error)) {
	bw := bufio.NewWriterSize(w, 32<<10)
	started := false
	n := 0
	start := func() {
		w.Header().Set("Content-Type", ContentType)
		w.WriteHeader(http.StatusOK)
		bw.WriteString(`{"schemas":["` + scim.ListResponseSchema + `"],"Resources":[`)
		started = true
	}
	var buf []byte
	total, err := produce(func(res scim.Resource) error {
		if !started {
			start()
		}
		if n > 0 {
			bw.WriteByte(',')
		}
		n++
		var err error
		if buf, err = scim.AppendJSON(buf[:0], res); err != nil {
			return err
		}
		if _, err := bw.Write(buf); err != nil {
			return err
		}
		if bw.Buffered() > 16<<10 {
			return bw.Flush()
		}
		return nil
	})
	if err != nil {
		if !started {
			s.writeError(w, r, err)
			return
		}
		logging.From(r.Context()).Error("list failed after the response started; cutting it short", zap.Error(err))
		_ = bw.Flush()
		panic(http.ErrAbortHandler)
	}
	if !started {
		start()
	}
	body, _ := json.Marshal(map[string]int{"totalResults": total, "startIndex": startIndex, "itemsPerPage": n})
	bw.WriteString("],")
	bw.Write(body[1:])
	_ = bw.Flush()
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) {
	t, err := s.tenant(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	sel, err := scim.ParseAttributeSelection(q.Get("attributes"), q.Get("excludedAttributes"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	id := pathParam(r, "id")
	res, err := t.GetUser(r.Context(), id, !sel.Excludes("entitlements"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	schema, err := t.UserSchema(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sel.Apply(withMeta(res, "User", s.baseURL(r)+"/Users/"+url.PathEscape(id)), schema))
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	t, err := s.tenant(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	in, err := s.decodeUser(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := t.CreateUser(r.Context(), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	id, _ := res["id"].(string)
	location := s.baseURL(r) + "/Users/" + url.PathEscape(id)
	w.Header().Set("Location", location)
	writeJSON(w, http.StatusCreated, withMeta(res, "User", location))
}

func (s *Server) replaceUser(w http.ResponseWriter, r *http.Request) {
	t, err := s.tenant(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	in, err := s.decodeUser(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	id := pathParam(r, "id")
	res, err := t.ReplaceUser(r.Context(), id, in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, withMeta(res, "User", s.baseURL(r)+"/Users/"+url.PathEscape(id)))
}

func (s *Server) patchUser(w http.ResponseWriter, r *http.Request) {
	t, err := s.tenant(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	body, err := s.readBody(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ops, err := scim.ParsePatch(body)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	id := pathParam(r, "id")
	res, err := t.PatchUser(r.Context(), id, ops)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, withMeta(res, "User", s.baseURL(r)+"/Users/"+url.PathEscape(id)))
}

func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request) {
	t, err := s.tenant(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := t.DeactivateUser(r.Context(), pathParam(r, "id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
