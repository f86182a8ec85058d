package server

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/sqlscim/sqlscim/internal/scim"
)

// routes builds the router: every request is observed and authenticated,
// then dispatched under <context path>/{app}/scim/v2.
func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(s.observe, s.authenticate)
	r.NotFound(func(w http.ResponseWriter, req *http.Request) {
		s.writeError(w, req, scim.NotFound("No resource at %s. SCIM routes live under %s/{app}/scim/v2/.", req.URL.Path, s.contextPath()))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, req *http.Request) {
		allowed := allowedMethods(r, req.URL.Path)
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
	return r
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

// allowedMethods lists the methods routes has for path, for the Allow header.
func allowedMethods(routes chi.Routes, path string) []string {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if routes.Match(chi.NewRouteContext(), m, path) {
			allowed = append(allowed, m)
		}
	}
	return allowed
}
