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
	"unicode/utf8"

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

// baseURL is the SCIM base of the request's tenant:
// https://host:port/ws/rest/{app}/scim/v2, host and port from origin.
func (s *Server) baseURL(r *http.Request) string {
	return s.origin(r) + s.contextPath() + "/" + chi.URLParam(r, "app") + "/scim/v2"
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
// types other than SCIM's and plain JSON. The 415 carries no scimType: RFC
// 7644 §3.12 defines scimType for 400 responses only.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/scim+json" && mt != "application/json") {
			return nil, scim.Errorf(http.StatusUnsupportedMediaType, "", "Content-Type %q is not accepted; send application/scim+json or application/json.", ct)
		}
	}
	limit := s.maxBody()
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, tooLarge(limit)
		}
		return nil, scim.BadRequest(scim.InvalidSyntax, "The request body could not be read: %v", err)
	}
	if !utf8.Valid(body) {
		// encoding/json would store U+FFFD in place of the bytes sent.
		return nil, scim.BadRequest(scim.InvalidSyntax, "The request body is not valid UTF-8; JSON must be UTF-8 (RFC 8259 §8.1).")
	}
	return body, nil
}

// tooLarge is the 413 of a body over limit bytes.
func tooLarge(limit int64) error {
	return scim.Errorf(http.StatusRequestEntityTooLarge, "", "The request body is larger than %d bytes (server.max_body_bytes).", limit)
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
	if listed, present := res.ListsSchema(scim.UserSchemaURN); present && !listed {
		return nil, scim.BadRequest(scim.InvalidSyntax, "schemas must include %s", scim.UserSchemaURN)
	}
	return res, nil
}

// listParams are the query parameters of a list or search.
type listParams struct {
	filter, startIndex, count, attributes, excluded string
}

// queryListParams reads the list parameters of a GET.
func queryListParams(r *http.Request) listParams {
	q := r.URL.Query()
	return listParams{q.Get("filter"), q.Get("startIndex"), q.Get("count"), q.Get("attributes"), q.Get("excludedAttributes")}
}

func (s *Server) getUsers(w http.ResponseWriter, r *http.Request) {
	s.listUsers(w, r, queryListParams(r))
}

// searchUsers answers POST /Users/.search (RFC 7644 §3.4.3). Like a PATCH
// body, a search body may leave out "schemas", but one that lists other
// schemas is not a SearchRequest.
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
	if listed, present := req.ListsSchema(scim.SearchRequestSchema); present && !listed {
		s.writeError(w, r, scim.BadRequest(scim.InvalidSyntax, "the request's schemas must be [%q] for a search", scim.SearchRequestSchema))
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
	setList(r, p)
	t, err := s.tenant(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	schema, err := t.UserSchema(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	lq, err := s.parseList(p, schema)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	query := scim.Query{Filter: lq.filter, StartIndex: lq.page.StartIndex, Count: lq.page.Count, SkipEntitlements: lq.sel.Excludes("entitlements")}
	base := s.baseURL(r)
	prepare := func(res scim.Resource) scim.Resource {
		id, _ := res["id"].(string)
		return lq.sel.Apply(withMeta(res, "User", base+"/Users/"+url.PathEscape(id)), schema)
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

// listQuery is a list request's parsed parameters.
type listQuery struct {
	page   scim.Page
	filter *scim.Filter // nil: every resource
	sel    *scim.AttributeSelection
}

// parseList reads filter, paging and attribute selection, the same way for
// every list endpoint. The filter is also checked against rs, the schema of
// the listed resources, so that a comparison that can never work (active gt
// true) is refused instead of matching nothing.
func (s *Server) parseList(p listParams, rs *scim.ResourceSchema) (listQuery, error) {
	var lq listQuery
	var err error
	// Without count, a client gets the first page of the largest size and
	// the true totalResults, and pages on (RFC 7644 §3.4.2.4 lets the
	// service provider bound the results); stream-everything is opt-in.
	unpaged := s.maxResults()
	if s.cfg.StreamUnpaged {
		unpaged = -1
	}
	if lq.page, err = scim.ParsePage(p.startIndex, p.count, unpaged, s.maxResults()); err != nil {
		return lq, err
	}
	if strings.TrimSpace(p.filter) != "" {
		if lq.filter, err = scim.ParseFilter(p.filter); err != nil {
			return lq, err
		}
		if err = lq.filter.Validate(rs); err != nil {
			return lq, err
		}
	}
	lq.sel, err = scim.ParseAttributeSelection(p.attributes, p.excluded)
	return lq, err
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

// userRequest is what a request for one user needs before it touches the
// user: the tenant, its user schema and the attributes the response is to
// show. All of it is read first, so that a malformed attributes parameter
// is refused before a write happens rather than after.
type userRequest struct {
	t      Tenant
	schema *scim.ResourceSchema
	sel    *scim.AttributeSelection
}

func (s *Server) userRequest(r *http.Request) (userRequest, error) {
	t, err := s.tenant(r)
	if err != nil {
		return userRequest{}, err
	}
	q := r.URL.Query()
	sel, err := scim.ParseAttributeSelection(q.Get("attributes"), q.Get("excludedAttributes"))
	if err != nil {
		return userRequest{}, err
	}
	schema, err := t.UserSchema(r.Context())
	if err != nil {
		return userRequest{}, err
	}
	return userRequest{t: t, schema: schema, sel: sel}, nil
}

// writeUser answers with one user, meta added, trimmed to the selection.
// Every response that carries a user goes through here, writes included
// (RFC 7644 §3.9 allows attributes and excludedAttributes on POST, PUT and
// PATCH), so an attribute returned "never" such as password never leaves.
func (s *Server) writeUser(w http.ResponseWriter, r *http.Request, ur userRequest, status int, location string, res scim.Resource) {
	writeJSON(w, status, ur.sel.Apply(withMeta(res, "User", location), ur.schema))
}

// userLocation is the URL of the user with the given id.
func (s *Server) userLocation(r *http.Request, id string) string {
	return s.baseURL(r) + "/Users/" + url.PathEscape(id)
}

// decodeWrite reads the body of a POST or PUT and drops what the client
// cannot set (id, meta, read-only attributes), which RFC 7643 §2.2 says a
// service provider SHALL ignore.
func (s *Server) decodeWrite(w http.ResponseWriter, r *http.Request, ur userRequest) (scim.Resource, error) {
	in, err := s.decodeUser(w, r)
	if err != nil {
		return nil, err
	}
	ur.schema.DropReadOnly(in)
	return in, nil
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) {
	ur, err := s.userRequest(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	id := pathParam(r, "id")
	res, err := ur.t.GetUser(r.Context(), id, !ur.sel.Excludes("entitlements"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeUser(w, r, ur, http.StatusOK, s.userLocation(r, id), res)
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	ur, err := s.userRequest(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	in, err := s.decodeWrite(w, r, ur)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	noteBody(r, in)
	setUser(r, "", in)
	res, err := ur.t.CreateUser(r.Context(), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	id, _ := res["id"].(string)
	setUser(r, id, res)
	location := s.userLocation(r, id)
	w.Header().Set("Location", location)
	s.writeUser(w, r, ur, http.StatusCreated, location, res)
}

func (s *Server) replaceUser(w http.ResponseWriter, r *http.Request) {
	ur, err := s.userRequest(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	in, err := s.decodeWrite(w, r, ur)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	noteBody(r, in)
	id := pathParam(r, "id")
	setUser(r, id, in)
	res, err := ur.t.ReplaceUser(r.Context(), id, in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeUser(w, r, ur, http.StatusOK, s.userLocation(r, id), res)
}

func (s *Server) patchUser(w http.ResponseWriter, r *http.Request) {
	ur, err := s.userRequest(r)
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
	notePatch(r, ops)
	id := pathParam(r, "id")
	setUser(r, id, nil)
	res, err := ur.t.PatchUser(r.Context(), id, ops)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	setUser(r, id, res)
	s.writeUser(w, r, ur, http.StatusOK, s.userLocation(r, id), res)
}

func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request) {
	t, err := s.tenant(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	setUser(r, pathParam(r, "id"), nil)
	if err := t.DeleteUser(r.Context(), pathParam(r, "id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
