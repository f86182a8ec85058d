package server

import (
	"context"

	"github.com/sqlscim/sqlscim/internal/scim"
)

// Backend finds the tenant that serves a request. The provisioning engine
// implements it; the server only sees this interface.
type Backend interface {
	// Tenant returns the tenant for the {app} of the URL. header is the
	// X-OKTA-ONPREM-DATA value, "" when the request has none.
	Tenant(ctx context.Context, app, header string) (Tenant, error)
}

// Tenant serves the SCIM resources of one tenant database.
type Tenant interface {
	// UserSchema returns the schemas of the tenant's users, extensions included.
	UserSchema(ctx context.Context) (*scim.ResourceSchema, error)
	// ListUsers emits the users of the requested page and returns the
	// number of matches.
	ListUsers(ctx context.Context, q scim.Query, emit func(scim.Resource) error) (int, error)
	// GetUser returns one user.
	GetUser(ctx context.Context, id string, withEntitlements bool) (scim.Resource, error)
	// CreateUser creates a user and returns it as stored.
	CreateUser(ctx context.Context, res scim.Resource) (scim.Resource, error)
	// ReplaceUser applies a PUT and returns the user as stored.
	ReplaceUser(ctx context.Context, id string, res scim.Resource) (scim.Resource, error)
	// PatchUser applies PATCH operations and returns the user as stored.
	PatchUser(ctx context.Context, id string, ops []scim.PatchOp) (scim.Resource, error)
	// DeleteUser answers DELETE: the user is deleted, or deactivated when
	// the tenant does not delete users.
	DeleteUser(ctx context.Context, id string) error
	// Entitlements returns every entitlement.
	Entitlements(ctx context.Context) ([]scim.Resource, error)
	// GetEntitlement returns one entitlement.
	GetEntitlement(ctx context.Context, id string) (scim.Resource, error)
}

// HeaderName is the header the Okta Provisioning Agent puts the connector
// configuration in.
const HeaderName = "X-OKTA-ONPREM-DATA"
