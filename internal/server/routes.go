package server

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/sqlscim/sqlscim/internal/scim"
)

// routes builds the router: every request is observed and authenticated,
// writes are audited, then requests are dispatched under
// <context path>/{app}/scim/v2.
func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	s.router = r
	r.Use(s.observe, s.limitHeaders, s.protocolEdges, s.authenticate, s.auditRequests, middleware.GetHead)
	r.NotFound(func(w http.ResponseWriter, req *http.Request) {
		s.writeError(w, req, scim.NotFound("No resource at %s. SCIM routes live under %s/{app}/scim/v2/.", req.URL.Path, s.contextPath()))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, req *http.Request) {
		allowed := allowedMethods(r, req.URL.EscapedPath())
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		s.writeError(w, req, scim.Errorf(http.StatusMethodNotAllowed, "", "%s is not allowed on %s; use %s.", req.Method, req.URL.Path, strings.Join(allowed, " or ")))
	})

	r.Route(s.contextPath()+"/{app}/scim/v2", func(r chi.Router) {
		r.Get("/Status", s.status)
		r.Get("/ServiceProviderConfig", s.serviceProviderConfig)
		r.Get("/ResourceTypes", s.resourceTypes)
		r.Get("/ResourceTypes/{id}", s.resourceType)
		r.Get("/Schemas", s.schemas)
		r.Get("/Schemas/{id}", s.schema)

		r.Get("/Users", s.getUsers)
		r.Post("/Users", s.createUser)
		r.Post("/Users/.search", s.searchUsers)
		r.Get("/Users/{id}", s.getUser)
		r.Put("/Users/{id}", s.replaceUser)
		r.Patch("/Users/{id}", s.patchUser)
		r.Delete("/Users/{id}", s.deleteUser)

		r.Get("/Entitlements", s.entitlements)
		r.Get("/Entitlements/{id}", s.entitlement)

		r.Get("/Groups", s.groups)
		r.Post("/Groups", s.groupsNotSupported)
		r.Get("/Groups/{id}", s.group)
		r.Put("/Groups/{id}", s.groupsNotSupported)
		r.Patch("/Groups/{id}", s.groupsNotSupported)
		r.Delete("/Groups/{id}", s.groupsNotSupported)
	})
	return canonicalPaths(r)
}

// resourceNames spells each endpoint the way the routes do. Clients differ:
// Microsoft's reference tests ask for /users and the old
// /serviceConfiguration, some add a trailing slash.
var resourceNames = map[string]string{
	"status": "Status", "users": "Users", "groups": "Groups", "entitlements": "Entitlements",
	"schemas": "Schemas", "resourcetypes": "ResourceTypes", "serviceproviderconfig": "ServiceProviderConfig",
	"serviceproviderconfigs": "ServiceProviderConfig", "serviceconfiguration": "ServiceProviderConfig",
}

// canonicalPaths matches endpoint names case-insensitively and ignores a
// trailing slash, before the router sees the path.
//
// It also makes the router always match the escaped path. chi routes on
// URL.RawPath when it is set and on the decoded URL.Path otherwise, and Go
// sets RawPath only when the client escaped the path differently from Go's
// own escaping; so the same id would otherwise reach a handler escaped or
// decoded depending on how it was written (a%2Fb escaped, a%2541 decoded to
// a%41). With RawPath always set, every route parameter arrives escaped and
// pathParam decodes it exactly once.
func canonicalPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw := canonicalPath(r.URL.EscapedPath())
		if path, err := url.PathUnescape(raw); err == nil {
			r.URL.Path, r.URL.RawPath = path, raw
		}
		next.ServeHTTP(w, r)
	})
}

// canonicalPath spells the endpoint name of an escaped path the way the
// routes do and drops a trailing slash.
func canonicalPath(p string) string {
	i := strings.Index(p, "/scim/v2/")
	if i < 0 {
		return p
	}
	head, rest := p[:i+len("/scim/v2/")], p[i+len("/scim/v2/"):]
	seg, tail, _ := strings.Cut(rest, "/")
	if name, ok := resourceNames[strings.ToLower(seg)]; ok {
		seg = name
	}
	p = head + seg
	if tail != "" {
		p += "/" + tail
	}
	return strings.TrimSuffix(p, "/")
}

func (s *Server) contextPath() string {
	p := "/" + strings.Trim(s.cfg.ContextPath, "/")
	if p == "/" {
		return ""
	}
	return p
}

// status is OPS's liveness answer, byte for byte.
func (s *Server) status(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
	_, _ = w.Write([]byte(StatusBody))
}

// UnmatchedRoute is the route label of requests whose path matches no route.
const UnmatchedRoute = "unmatched"

// routeLabel is the route pattern under <context path>/{app}/scim/v2 that
// the request's path matches ("/Users/{id}"), or UnmatchedRoute. It is
// found from the path alone, so that a request refused before routing (401,
// 429, 431) or with a method the route lacks (405) is labelled like the
// requests the route serves. Patterns are the router's own, a closed set
// whatever the client sends.
func (s *Server) routeLabel(r *http.Request) string {
	path := r.URL.EscapedPath()
	for _, m := range append([]string{r.Method}, routeMethods...) {
		if p := s.router.Find(chi.NewRouteContext(), m, path); p != "" {
			if route, ok := strings.CutPrefix(p, s.contextPath()+"/{app}/scim/v2"); ok && route != "" && !strings.HasSuffix(route, "*") {
				return route
			}
		}
	}
	return UnmatchedRoute
}

// routeMethods are the methods routes are registered for.
var routeMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// allowedMethods lists the methods routes has for path, for the Allow
// header; HEAD wherever GET is (GetHead answers it).
func allowedMethods(routes chi.Routes, path string) []string {
	var allowed []string
	for _, m := range routeMethods {
		if routes.Match(chi.NewRouteContext(), m, path) {
			allowed = append(allowed, m)
			if m == http.MethodGet {
				allowed = append(allowed, http.MethodHead)
			}
		}
	}
	return allowed
}

// pathParam is a route parameter, unescaped. Parameters always arrive
// escaped, because canonicalPaths makes the router match the escaped path,
// so this is the one place an id is decoded.
func pathParam(r *http.Request, name string) string {
	raw := chi.URLParam(r, name)
	if v, err := url.PathUnescape(raw); err == nil {
		return v
	}
	return raw
}
