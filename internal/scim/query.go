package scim

// Query is a list request: which resources, which page, and what the
// client does not need.
type Query struct {
	// Filter selects resources; nil selects all.
	Filter *Filter
	// StartIndex is the 1-based index of the first result.
	StartIndex int
	// Count is the page size; -1 means every match.
	Count int
	// SkipEntitlements is set when the client excluded entitlements, which
	// saves a query per user.
	SkipEntitlements bool
}
