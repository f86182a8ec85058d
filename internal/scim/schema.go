package scim

import (
	"strings"
)

// Schema URNs of the resources and discovery documents.
const (
	UserSchemaURN            = "urn:ietf:params:scim:schemas:core:2.0:User"
	EnterpriseUserURN        = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	GroupSchemaURN           = "urn:ietf:params:scim:schemas:core:2.0:Group"
	EntitlementSchemaURN     = "urn:okta:scim:schemas:core:1.0:Entitlement"
	ServiceProviderConfigURN = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
	ResourceTypeURN          = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
	SchemaURN                = "urn:ietf:params:scim:schemas:core:2.0:Schema"
)

// AttrType is an attribute's data type (RFC 7643 §2.3).
type AttrType string

// The attribute data types of RFC 7643 §2.3.
const (
	TypeString    AttrType = "string"
	TypeBoolean   AttrType = "boolean"
	TypeDecimal   AttrType = "decimal"
	TypeInteger   AttrType = "integer"
	TypeDateTime  AttrType = "dateTime"
	TypeReference AttrType = "reference"
	TypeComplex   AttrType = "complex"
	TypeBinary    AttrType = "binary"
)

// Attribute characteristics (RFC 7643 §2.2, §7). The empty string means the
// RFC default.
const (
	MutabilityReadOnly  = "readOnly"
	MutabilityReadWrite = "readWrite"
	MutabilityImmutable = "immutable"
	MutabilityWriteOnly = "writeOnly"

	ReturnedAlways  = "always"
	ReturnedNever   = "never"
	ReturnedDefault = "default"
	ReturnedRequest = "request"

	UniquenessNone   = "none"
	UniquenessServer = "server"
	UniquenessGlobal = "global"
)

// Attribute is an attribute definition of a schema (RFC 7643 §7).
type Attribute struct {
	Name        string
	Type        AttrType
	MultiValued bool
	Description string
	Required    bool
	CaseExact   bool
	// Mutability is "readOnly", "readWrite", "immutable" or "writeOnly";
	// empty means readWrite.
	Mutability string
	// Returned is "always", "never", "default" or "request"; empty means
	// default.
	Returned string
	// Uniqueness is "none", "server" or "global"; empty means none.
	Uniqueness      string
	CanonicalValues []string
	ReferenceTypes  []string
	SubAttributes   []Attribute
}

// Schema is a SCIM schema (RFC 7643 §7): a core resource schema or an
// extension.
type Schema struct {
	ID, Name, Description string
	Attributes            []Attribute
}

// Attribute returns the schema's top-level attribute called name, matched
// case-insensitively.
func (s Schema) Attribute(name string) (Attribute, bool) {
	return findAttr(s.Attributes, name)
}

// Sub returns a's sub-attribute called name, matched case-insensitively.
func (a Attribute) Sub(name string) (Attribute, bool) {
	return findAttr(a.SubAttributes, name)
}

func findAttr(attrs []Attribute, name string) (Attribute, bool) {
	for _, a := range attrs {
		if a.Name == name {
			return a, true
		}
	}
	for _, a := range attrs {
		if strings.EqualFold(a.Name, name) {
			return a, true
		}
	}
	return Attribute{}, false
}

// readOnly reports whether a can never be written by a client.
func (a Attribute) readOnly() bool { return a.Mutability == MutabilityReadOnly }

// returned is a's Returned characteristic with the default filled in.
func (a Attribute) returned() string { return orDefault(a.Returned, ReturnedDefault) }

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Document returns the schema's representation at /Schemas/{id} (RFC 7643
// §7), with every characteristic of every attribute present and the RFC
// defaults filled in. baseURL is the SCIM base URL without a trailing slash.
func (s Schema) Document(baseURL string) map[string]any {
	attrs := make([]any, len(s.Attributes))
	for i, a := range s.Attributes {
		attrs[i] = a.document()
	}
	return map[string]any{
		"schemas":     []any{SchemaURN},
		"id":          s.ID,
		"name":        s.Name,
		"description": s.Description,
		"attributes":  attrs,
		"meta": map[string]any{
			"resourceType": "Schema",
			"location":     strings.TrimRight(baseURL, "/") + "/Schemas/" + s.ID,
		},
	}
}

func (a Attribute) document() map[string]any {
	m := map[string]any{
		"name":        a.Name,
		"type":        string(orDefault(string(a.Type), string(TypeString))),
		"multiValued": a.MultiValued,
		"description": a.Description,
		"required":    a.Required,
		"caseExact":   a.CaseExact,
		"mutability":  orDefault(a.Mutability, MutabilityReadWrite),
		"returned":    orDefault(a.Returned, ReturnedDefault),
		"uniqueness":  orDefault(a.Uniqueness, UniquenessNone),
	}
	if len(a.CanonicalValues) > 0 {
		m["canonicalValues"] = stringsToAny(a.CanonicalValues)
	}
	if a.Type == TypeReference || len(a.ReferenceTypes) > 0 {
		m["referenceTypes"] = stringsToAny(a.ReferenceTypes)
	}
	if a.Type == TypeComplex {
		subs := make([]any, len(a.SubAttributes))
		for i, sa := range a.SubAttributes {
			subs[i] = sa.document()
		}
		m["subAttributes"] = subs
	}
	return m
}

func stringsToAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// ResourceSchema is the set of schemas of one resource type: a core schema
// and its extensions, used to resolve attribute paths.
type ResourceSchema struct {
	Core       Schema
	Extensions []Schema
}

// Resolve resolves an attribute path like "userName", "name.givenName",
// "emails", "urn:ietf:params:scim:schemas:core:2.0:User:name.givenName",
// "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
// "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value".
// It returns the schema URN the attribute belongs to ("" for core), the
// attribute, and its sub-attribute when the path names one.
//
// uri, attr and sub are the parts of a parsed path (filter.AttributePath);
// a whole path may also be passed in attr with uri and sub empty. Names are
// case-insensitive. An attribute without a URN that is not in the core
// schema is looked up in the extensions, in order. The returned URN is
// spelled as in the schema.
func (rs ResourceSchema) Resolve(uri, attr, sub string) (schemaURN string, a Attribute, s *Attribute, ok bool) {
	if uri == "" && sub == "" {
		uri, attr, sub = splitAttrPath(attr)
	}
	var found bool
	switch {
	case uri == "" || strings.EqualFold(uri, rs.Core.ID):
		a, found = rs.Core.Attribute(attr)
		if !found && uri == "" {
			for _, ext := range rs.Extensions {
				if a, found = ext.Attribute(attr); found {
					schemaURN = ext.ID
					break
				}
			}
		}
	default:
		ext, known := rs.extension(uri)
		if !known {
			return "", Attribute{}, nil, false
		}
		a, found = ext.Attribute(attr)
		schemaURN = ext.ID
	}
	if !found {
		return "", Attribute{}, nil, false
	}
	if sub == "" {
		return schemaURN, a, nil, true
	}
	sa, found := a.Sub(sub)
	if !found {
		return "", Attribute{}, nil, false
	}
	return schemaURN, a, &sa, true
}

// extension returns the extension schema whose ID is uri (case-insensitive).
func (rs ResourceSchema) extension(uri string) (Schema, bool) {
	for _, ext := range rs.Extensions {
		if strings.EqualFold(ext.ID, uri) {
			return ext, true
		}
	}
	return Schema{}, false
}

// isSchemaID reports whether uri is the ID of the core schema or of an
// extension, and returns its spelling in the schema and whether it is core.
func (rs *ResourceSchema) isSchemaID(uri string) (id string, core, ok bool) {
	if rs == nil {
		return "", false, false
	}
	if strings.EqualFold(uri, rs.Core.ID) {
		return rs.Core.ID, true, true
	}
	if ext, ok := rs.extension(uri); ok {
		return ext.ID, false, true
	}
	return "", false, false
}

// splitAttrPath splits "urn:...:name.sub" into its URN, attribute and
// sub-attribute. The URN is everything before the last colon.
func splitAttrPath(p string) (uri, attr, sub string) {
	if i := strings.LastIndexByte(p, ':'); i >= 0 {
		uri, p = p[:i], p[i+1:]
	}
	if i := strings.IndexByte(p, '.'); i >= 0 {
		return uri, p[:i], p[i+1:]
	}
	return uri, p, ""
}

// metaAttribute describes the common attribute meta (RFC 7643 §3.1), which
// is not part of any schema but can be filtered on.
var metaAttribute = Attribute{
	Name: "meta", Type: TypeComplex, Mutability: MutabilityReadOnly,
	Description: "Resource metadata.",
	SubAttributes: []Attribute{
		{Name: "resourceType", Type: TypeString, CaseExact: true, Mutability: MutabilityReadOnly, Description: "The name of the resource type of the resource."},
		{Name: "created", Type: TypeDateTime, Mutability: MutabilityReadOnly, Description: "When the resource was added to the service provider."},
		{Name: "lastModified", Type: TypeDateTime, Mutability: MutabilityReadOnly, Description: "When the resource was last modified."},
		{Name: "location", Type: TypeReference, CaseExact: true, Mutability: MutabilityReadOnly, Description: "The URI of the resource."},
		{Name: "version", Type: TypeString, CaseExact: true, Mutability: MutabilityReadOnly, Description: "The version (ETag) of the resource."},
	},
}

// Helpers that keep the schema tables below readable.

func strAttr(name, desc string) Attribute {
	return Attribute{Name: name, Type: TypeString, Description: desc}
}

func idAttr(desc string) Attribute {
	return Attribute{
		Name: "id", Type: TypeString, CaseExact: true, Description: desc,
		Mutability: MutabilityReadOnly, Returned: ReturnedAlways, Uniqueness: UniquenessServer,
	}
}

func externalIDAttr() Attribute {
	return Attribute{
		Name: "externalId", Type: TypeString, CaseExact: true,
		Description: "An identifier for the resource as defined by the provisioning client.",
	}
}

// multiComplex is the usual value/display/type/primary multi-valued
// attribute of RFC 7643 §2.4.
func multiComplex(name, desc string, valueType AttrType, types []string, refTypes []string) Attribute {
	value := Attribute{Name: "value", Type: valueType, Description: "The value of the " + name + " entry."}
	if valueType == TypeReference {
		value.ReferenceTypes = refTypes
	}
	return Attribute{
		Name: name, Type: TypeComplex, MultiValued: true, Description: desc,
		SubAttributes: []Attribute{
			value,
			strAttr("display", "A human-readable name, primarily used for display purposes."),
			{Name: "type", Type: TypeString, CanonicalValues: types, Description: "A label indicating the attribute's function."},
			{Name: "primary", Type: TypeBoolean, Description: "Whether this is the primary or preferred value; at most one value can be primary."},
		},
	}
}

// UserSchema is the core User schema of RFC 7643 §4.1 and §8.7.1, plus the
// common attributes id and externalId (RFC 7643 §3.1).
var UserSchema = Schema{
	ID:          UserSchemaURN,
	Name:        "User",
	Description: "User Account",
	Attributes: []Attribute{
		idAttr("Unique identifier for the User, assigned by the service provider."),
		externalIDAttr(),
		{Name: "userName", Type: TypeString, Required: true, Uniqueness: UniquenessServer,
			Description: "Unique identifier for the User, typically used by the user to directly authenticate to the service provider. Each User MUST include a non-empty userName value. This identifier MUST be unique across the service provider's entire set of Users."},
		{Name: "name", Type: TypeComplex, Description: "The components of the user's real name.",
			SubAttributes: []Attribute{
				strAttr("formatted", "The full name, including all middle names, titles, and suffixes as appropriate, formatted for display."),
				strAttr("familyName", "The family name of the User, or last name."),
				strAttr("givenName", "The given name of the User, or first name."),
				strAttr("middleName", "The middle name(s) of the User."),
				strAttr("honorificPrefix", "The honorific prefix(es) of the User, or title, e.g. 'Ms.'."),
				strAttr("honorificSuffix", "The honorific suffix(es) of the User, or suffix, e.g. 'III'."),
			}},
		strAttr("displayName", "The name of the User, suitable for display to end-users."),
		strAttr("nickName", "The casual way to address the user in real life."),
		{Name: "profileUrl", Type: TypeReference, ReferenceTypes: []string{"external"}, Description: "A fully qualified URL pointing to a page representing the User's online profile."},
		strAttr("title", "The user's title, such as \"Vice President\"."),
		strAttr("userType", "Used to identify the relationship between the organization and the user, e.g. 'Contractor', 'Employee'."),
		strAttr("preferredLanguage", "Indicates the User's preferred written or spoken language, e.g. 'en-US'."),
		strAttr("locale", "Used to indicate the User's default location for localizing items such as currency, date time format, or numerical representations, e.g. 'en-US'."),
		strAttr("timezone", "The User's time zone in the 'Olson' time zone database format, e.g. 'America/Los_Angeles'."),
		{Name: "active", Type: TypeBoolean, Description: "A Boolean value indicating the User's administrative status."},
		{Name: "password", Type: TypeString, Mutability: MutabilityWriteOnly, Returned: ReturnedNever, Description: "The User's cleartext password, used to set or change it; it is never returned."},
		multiComplex("emails", "Email addresses for the user.", TypeString, []string{"work", "home", "other"}, nil),
		multiComplex("phoneNumbers", "Phone numbers for the User.", TypeString, []string{"work", "home", "mobile", "fax", "pager", "other"}, nil),
		multiComplex("ims", "Instant messaging addresses for the User.", TypeString, []string{"aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"}, nil),
		multiComplex("photos", "URLs of photos of the User.", TypeReference, []string{"photo", "thumbnail"}, []string{"external"}),
		{Name: "addresses", Type: TypeComplex, MultiValued: true, Description: "A physical mailing address for this User.",
			SubAttributes: []Attribute{
				strAttr("formatted", "The full mailing address, formatted for display or use with a mailing label."),
				strAttr("streetAddress", "The full street address component, which may include house number, street name, P.O. box, and multi-line extended street address information."),
				strAttr("locality", "The city or locality component."),
				strAttr("region", "The state or region component."),
				strAttr("postalCode", "The zip code or postal code component."),
				strAttr("country", "The country name component, in ISO 3166-1 alpha-2 code format."),
				{Name: "type", Type: TypeString, CanonicalValues: []string{"work", "home", "other"}, Description: "A label indicating the attribute's function."},
				{Name: "primary", Type: TypeBoolean, Description: "Whether this is the primary or preferred address; at most one address can be primary."},
			}},
		{Name: "groups", Type: TypeComplex, MultiValued: true, Mutability: MutabilityReadOnly,
			Description: "A list of groups to which the user belongs, either through direct membership or through nested groups.",
			SubAttributes: []Attribute{
				{Name: "value", Type: TypeString, Mutability: MutabilityReadOnly, Description: "The identifier of the User's group."},
				{Name: "$ref", Type: TypeReference, ReferenceTypes: []string{"User", "Group"}, Mutability: MutabilityReadOnly, Description: "The URI of the corresponding 'Group' resource to which the user belongs."},
				{Name: "display", Type: TypeString, Mutability: MutabilityReadOnly, Description: "A human-readable name, primarily used for display purposes."},
				{Name: "type", Type: TypeString, CanonicalValues: []string{"direct", "indirect"}, Mutability: MutabilityReadOnly, Description: "A label indicating the attribute's function, e.g. 'direct' or 'indirect'."},
			}},
		multiComplex("entitlements", "A list of entitlements for the User that represent a thing the User has.", TypeString, nil, nil),
		multiComplex("roles", "A list of roles for the User that collectively represent who the User is, e.g. 'Student', 'Faculty'.", TypeString, nil, nil),
		multiComplex("x509Certificates", "A list of certificates issued to the User.", TypeBinary, nil, nil),
	},
}

// EnterpriseUserSchema is the enterprise User extension of RFC 7643 §4.3.
var EnterpriseUserSchema = Schema{
	ID:          EnterpriseUserURN,
	Name:        "EnterpriseUser",
	Description: "Enterprise User",
	Attributes: []Attribute{
		strAttr("employeeNumber", "Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization."),
		strAttr("costCenter", "Identifies the name of a cost center."),
		strAttr("organization", "Identifies the name of an organization."),
		strAttr("division", "Identifies the name of a division."),
		strAttr("department", "Identifies the name of a department."),
		{Name: "manager", Type: TypeComplex, Description: "The User's manager.",
			SubAttributes: []Attribute{
				strAttr("value", "The id of the SCIM resource representing the User's manager."),
				{Name: "$ref", Type: TypeReference, ReferenceTypes: []string{"User"}, Description: "The URI of the SCIM resource representing the User's manager."},
				{Name: "displayName", Type: TypeString, Mutability: MutabilityReadOnly, Description: "The displayName of the User's manager."},
			}},
	},
}

// GroupSchema is the core Group schema of RFC 7643 §4.2 and §8.7.1, plus the
// common attributes id and externalId.
var GroupSchema = Schema{
	ID:          GroupSchemaURN,
	Name:        "Group",
	Description: "Group",
	Attributes: []Attribute{
		idAttr("Unique identifier for the Group, assigned by the service provider."),
		externalIDAttr(),
		{Name: "displayName", Type: TypeString, Required: true, Description: "A human-readable name for the Group."},
		{Name: "members", Type: TypeComplex, MultiValued: true, Description: "A list of members of the Group.",
			SubAttributes: []Attribute{
				{Name: "value", Type: TypeString, Mutability: MutabilityImmutable, Description: "Identifier of the member of this Group."},
				{Name: "$ref", Type: TypeReference, ReferenceTypes: []string{"User", "Group"}, Mutability: MutabilityImmutable, Description: "The URI corresponding to a SCIM resource that is a member of this Group."},
				strAttr("display", "A human-readable name, primarily used for display purposes."),
				{Name: "type", Type: TypeString, CanonicalValues: []string{"User", "Group"}, Mutability: MutabilityImmutable, Description: "A label indicating the type of resource, e.g. 'User' or 'Group'."},
			}},
	},
}

// EntitlementSchema describes the entitlements the Okta On-Prem SCIM Server
// serves at /Entitlements.
var EntitlementSchema = Schema{
	ID:          EntitlementSchemaURN,
	Name:        "Entitlement",
	Description: "Entitlement",
	Attributes: []Attribute{
		idAttr("Unique identifier for the entitlement, assigned by the service provider."),
		{Name: "displayName", Type: TypeString, Required: true, Description: "A human-readable name for the entitlement."},
		strAttr("type", "The kind of entitlement, e.g. 'Role' or 'License'."),
		strAttr("description", "A description of the entitlement."),
	},
}
