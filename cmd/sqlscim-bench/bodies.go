package main

import (
	"encoding/json"
	"strconv"
	"strings"
)

// The bodies of POST (d) and PUT (e): a template user's attributes – those
// of generated user 0, who does not exist – with each request's own id,
// userName and email (and for PUT the changed title, department and
// entitlements) in slots, so that wrk fills them in (wrk.lua) and the Go
// client and the baseline send and bind the same values.

var templateUser = genUser(0)

// PUT changes the title and the department by appending putSuffix, and
// changes them back on the next visit.
const putSuffix = " II"

var (
	putTitle = templateUser["TITLE"].(string)
	putDept  = templateUser["DEPARTMENT"].(string)
	// postEntitlements are the two entitlements POST assigns.
	postEntitlements = []int{1, 3}
)

const extensionSchema = "urn:sqlscim:schemas:extension:database:2.0:User"

// userDoc is a SCIM user of the template's attributes; ext are the
// extension's columns.
func userDoc(id, name, title string, ents any, ext map[string]any) map[string]any {
	return map[string]any{
		"schemas":       []any{"urn:ietf:params:scim:schemas:core:2.0:User", extensionSchema},
		"userName":      name,
		"name":          map[string]any{"givenName": templateUser["FIRSTNAME"], "familyName": templateUser["LASTNAME"]},
		"displayName":   templateUser["DISPLAYNAME"],
		"emails":        []any{map[string]any{"value": id, "type": "work", "primary": true}},
		"title":         title,
		"active":        true,
		"entitlements":  ents,
		extensionSchema: ext,
	}
}

// postTemplate is the SCIM user Okta sends to create a user with two
// entitlements (the lab guide's test 2, with more attributes); slots ID and
// NAME.
func postTemplate() *bodyTemplate {
	ents := make([]any, len(postEntitlements))
	for i, e := range postEntitlements {
		ents[i] = map[string]any{"value": strconv.Itoa(e), "type": "Entitlement"}
	}
	ext := map[string]any{"USER_ID": "@@ID@@", "USERNAME": "@@NAME@@", "EMAIL": "@@ID@@"}
	for _, c := range postColumns {
		ext[c] = templateUser[c]
	}
	doc, _ := json.Marshal(userDoc("@@ID@@", "@@NAME@@", putTitle, ents, ext))
	return newBodyTemplate(doc)
}

// postColumns are the template's columns a POST sends besides the id,
// userName and email.
var postColumns = []string{"FIRSTNAME", "LASTNAME", "DISPLAYNAME", "TITLE", "DEPARTMENT", "CITY", "MOBILEPHONE", "EMPLOYEENUMBER"}

// postCols are the columns sqlscim binds for a POST (the rest are NULL).
func postCols(id, name string) map[string]any {
	cols := map[string]any{}
	for _, c := range userColumns {
		cols[c] = nil
	}
	cols["USER_ID"], cols["USERNAME"], cols["EMAIL"] = id, name, id
	for _, c := range postColumns {
		cols[c] = templateUser[c]
	}
	return cols
}

// putTemplate is the SCIM user Okta sends to update a user: the whole user
// with slots ID, NAME, TITLE, DEPT and ENTS (a JSON list's elements).
func putTemplate() *bodyTemplate {
	ext := map[string]any{}
	for _, c := range userColumns {
		if templateUser[c] != nil {
			ext[c] = templateUser[c]
		}
	}
	ext["USER_ID"], ext["USERNAME"], ext["EMAIL"], ext["TITLE"], ext["DEPARTMENT"] = "@@ID@@", "@@NAME@@", "@@ID@@", "@@TITLE@@", "@@DEPT@@"
	doc := userDoc("@@ID@@", "@@NAME@@", "@@TITLE@@", "@@ENTS@@", ext)
	doc["id"] = "@@ID@@"
	out, _ := json.Marshal(doc)
	// The list's brackets stay; its elements go into the slot.
	return newBodyTemplate([]byte(strings.Replace(string(out), `"entitlements":"@@ENTS@@"`, `"entitlements":["@@ENTS@@"]`, 1)))
}

// putValues fills putTemplate for user i, changed or changed back. wrk.lua
// computes the same values.
func putValues(i int, changed bool) map[string]string {
	title, dept := putTitle, putDept
	if changed {
		title, dept = title+putSuffix, dept+putSuffix
	}
	return map[string]string{"ID": userID(i), "NAME": userName(i), "TITLE": title, "DEPT": dept, "ENTS": entsJSON(putEnts(i, changed))}
}

// putEnts are user i's entitlements after a PUT: userEnts(i), the first
// swapped (swapEnt) when changed.
func putEnts(i int, changed bool) []int {
	ents := userEnts(i)
	if changed {
		_, ents[0] = swapEnt(i)
	}
	return ents
}

// entsJSON spells entitlement ids as the elements of a SCIM list.
func entsJSON(ents []int) string {
	l := make([]string, len(ents))
	for i, e := range ents {
		l[i] = `{"value":"` + strconv.Itoa(e) + `","type":"Entitlement"}`
	}
	return strings.Join(l, ",")
}

// putCols are the columns the baseline's update_user binds for a PUT of
// user i, as sqlscim binds them from putTemplate.
func putCols(i int, changed bool) map[string]any {
	cols := map[string]any{}
	for _, c := range userColumns {
		cols[c] = templateUser[c]
	}
	v := putValues(i, changed)
	cols["USER_ID"], cols["USERNAME"], cols["EMAIL"], cols["TITLE"], cols["DEPARTMENT"] = v["ID"], v["NAME"], v["ID"], v["TITLE"], v["DEPT"]
	return cols
}

// putState says, per generated user, whether the last PUT of the Go
// client or the baseline changed it (1) or changed it back (0). Each
// worker has its own users, so no two goroutines touch one element.
type putState []uint8

// toggle flips user i's state and says whether this PUT changes it.
func (ps putState) toggle(i int) bool {
	ps[i] ^= 1
	return ps[i] == 1
}
