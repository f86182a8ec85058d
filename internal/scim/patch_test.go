package scim

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
)

const patchUser = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","userName":"bjensen","active":true,
 "name":{"givenName":"Barbara","familyName":"Jensen"},
 "emails":[{"value":"bjensen@example.com","type":"work","primary":true}],
 "entitlements":[{"value":"1","display":"Admin"}],
 "meta":{"resourceType":"User","location":"https://h/Users/u1"}}`

const patchGroup = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"Admins",
 "members":[{"value":"u1","display":"Barbara"},{"value":"u2"}]}`

// patch parses body and applies it to a copy of start.
func patch(t *testing.T, start, body string, rs *ResourceSchema) (Resource, error) {
	t.Helper()
	ops, err := ParsePatch([]byte(body))
	if err != nil {
		return nil, err
	}
	r := mustDecode(t, start)
	if err := ApplyPatch(r, ops, rs); err != nil {
		return nil, err
	}
	return r, nil
}

func TestApplyPatch(t *testing.T) {
	const ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	for _, tc := range []struct {
		name   string
		start  string
		body   string
		want   string // the whole resource
		group  bool
		noUser bool
	}{
		{
			name: "Okta deactivate",
			body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}`,
			want: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","userName":"bjensen","name":{"familyName":"Jensen","givenName":"Barbara"},"active":false,"emails":[{"primary":true,"type":"work","value":"bjensen@example.com"}],"entitlements":[{"display":"Admin","value":"1"}],"meta":{"location":"https://h/Users/u1","resourceType":"User"}}`,
		},
		{
			name: "Entra active as a string",
			body: `{"Operations":[{"op":"Replace","path":"active","value":"False"}]}`,
			want: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","userName":"bjensen","name":{"familyName":"Jensen","givenName":"Barbara"},"active":false,"emails":[{"primary":true,"type":"work","value":"bjensen@example.com"}],"entitlements":[{"display":"Admin","value":"1"}],"meta":{"location":"https://h/Users/u1","resourceType":"User"}}`,
		},
		{
			name: "Entra add work email value, existing work email",
			body: `{"Operations":[{"op":"Add","path":"emails[type eq \"work\"].value","value":"a@b.c"}]}`,
			want: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","userName":"bjensen","name":{"familyName":"Jensen","givenName":"Barbara"},"active":true,"emails":[{"primary":true,"type":"work","value":"a@b.c"}],"entitlements":[{"display":"Admin","value":"1"}],"meta":{"location":"https://h/Users/u1","resourceType":"User"}}`,
		},
		{
			name:  "Entra add work email value, no emails yet",
			start: `{"userName":"x"}`,
			body:  `{"Operations":[{"op":"Add","path":"emails[type eq \"work\"].value","value":"a@b.c"}]}`,
			want:  `{"userName":"x","emails":[{"type":"work","value":"a@b.c"}]}`,
		},
		{
			name:  "Entra replace mobile phone, and-filter creates with both",
			start: `{"userName":"x","phoneNumbers":[{"type":"work","value":"1"}]}`,
			body:  `{"Operations":[{"op":"Replace","path":"phoneNumbers[type eq \"mobile\" and primary eq \"true\"].value","value":"555"}]}`,
			want:  `{"userName":"x","phoneNumbers":[{"type":"work","value":"1"},{"primary":true,"type":"mobile","value":"555"}]}`,
		},
		{
			name:  "Entra manager as a string",
			start: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x"}`,
			body:  `{"Operations":[{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"mgr-id"}]}`,
			want:  `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","` + ent + `"],"userName":"x","` + ent + `":{"manager":{"value":"mgr-id"}}}`,
		},
		{
			name:  "manager object keeps other members, drops read-only displayName",
			start: `{"userName":"x","` + ent + `":{"manager":{"value":"old","$ref":"../Users/old"}}}`,
			body:  `{"Operations":[{"op":"replace","path":"` + ent + `:manager","value":{"value":"new","displayName":"Boss"}}]}`,
			want:  `{"userName":"x","` + ent + `":{"manager":{"$ref":"../Users/old","value":"new"}}}`,
		},
		{
			name: "Okta add entitlement",
			body: `{"Operations":[{"op":"add","path":"entitlements","value":[{"value":"3","display":"AWS Console"}]}]}`,
			want: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","userName":"bjensen","name":{"familyName":"Jensen","givenName":"Barbara"},"active":true,"emails":[{"primary":true,"type":"work","value":"bjensen@example.com"}],"entitlements":[{"display":"Admin","value":"1"},{"display":"AWS Console","value":"3"}],"meta":{"location":"https://h/Users/u1","resourceType":"User"}}`,
		},
		{
			name:  "Okta remove entitlement",
			start: `{"userName":"x","entitlements":[{"value":"1"},{"value":"3","display":"AWS Console"}]}`,
			body:  `{"Operations":[{"op":"remove","path":"entitlements[value eq \"3\"]"}]}`,
			want:  `{"userName":"x","entitlements":[{"value":"1"}]}`,
		},
		{
			name:  "removing the last value removes the attribute",
			start: `{"userName":"x","entitlements":[{"value":"3"}]}`,
			body:  `{"Operations":[{"op":"remove","path":"entitlements[value eq \"3\"]"}]}`,
			want:  `{"userName":"x"}`,
		},
		{
			name: "replace name.givenName",
			body: `{"Operations":[{"op":"replace","path":"name.givenName","value":"Luke"}]}`,
			want: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","userName":"bjensen","name":{"familyName":"Jensen","givenName":"Luke"},"active":true,"emails":[{"primary":true,"type":"work","value":"bjensen@example.com"}],"entitlements":[{"display":"Admin","value":"1"}],"meta":{"location":"https://h/Users/u1","resourceType":"User"}}`,
		},
		{
			name:  "Entra no-path replace with dotted and URN-qualified names",
			start: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x","name":{"familyName":"J"}}`,
			body:  `{"Operations":[{"op":"replace","value":{"name.givenName":"Luke","displayName":"Luke J","` + ent + `:department":"R&D","urn:ietf:params:scim:schemas:core:2.0:User:title":"Boss"}}]}`,
			want:  `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","` + ent + `"],"userName":"x","name":{"familyName":"J","givenName":"Luke"},"displayName":"Luke J","title":"Boss","` + ent + `":{"department":"R&D"}}`,
		},
		{
			name:  "no-path value with an extension object, schemas and an unchanged id",
			start: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","userName":"x"}`,
			body:  `{"Operations":[{"op":"add","value":{"schemas":["x"],"id":"u1","meta":{"a":1},"` + ent + `":{"department":"D","manager":{"value":"m"}},"` + dbExtURN + `":{"IS_ACTIVE":"1"}}}]}`,
			want:  `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","` + ent + `","` + dbExtURN + `"],"id":"u1","userName":"x","` + ent + `":{"department":"D","manager":{"value":"m"}},"` + dbExtURN + `":{"IS_ACTIVE":1}}`,
		},
		{
			name:  "path naming an extension",
			start: `{"userName":"x","` + ent + `":{"department":"D"}}`,
			body:  `{"Operations":[{"op":"replace","path":"` + ent + `","value":{"division":"V"}}]}`,
			want:  `{"userName":"x","` + ent + `":{"department":"D","division":"V"}}`,
		},
		{
			name:  "remove an extension",
			start: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","` + ent + `"],"userName":"x","` + ent + `":{"department":"D"}}`,
			body:  `{"Operations":[{"op":"remove","path":"` + ent + `"}]}`,
			want:  `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x"}`,
		},
		{
			name:  "removing the last extension attribute removes the object and the schema",
			start: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","` + ent + `"],"userName":"x","` + ent + `":{"department":"D"}}`,
			body:  `{"Operations":[{"op":"remove","path":"` + ent + `:department"}]}`,
			want:  `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x"}`,
		},
		{
			name:  "database-style extension attributes, case-insensitive, coerced",
			start: `{"userName":"x","` + dbExtURN + `":{"department":"old"}}`,
			body:  `{"Operations":[{"op":"replace","path":"` + dbExtURN + `:DEPARTMENT","value":"new"},{"op":"add","path":"urn:sqlscim:schemas:extension:db:1.0:User:is_active","value":"0"},{"op":"add","path":"` + dbExtURN + `:SALARY","value":"12.50"},{"op":"add","path":"` + dbExtURN + `:HIRED","value":"2020-02-01"},{"op":"add","path":"` + dbExtURN + `:BADGE","value":"B1"},{"op":"replace","path":"` + dbExtURN + `:BADGE","value":"b1"}]}`,
			want:  `{"userName":"x","` + dbExtURN + `":{"BADGE":"B1","DEPARTMENT":"new","HIRED":"2020-02-01","IS_ACTIVE":0,"SALARY":12.5}}`,
		},
		{
			name:  "add appends, skips an equal value and moves primary",
			start: `{"userName":"x","emails":[{"value":"a@x.com","type":"work","primary":true},{"value":"b@x.com","type":"home"}]}`,
			body:  `{"Operations":[{"op":"add","path":"emails","value":[{"value":"A@X.COM","type":"work"},{"value":"c@x.com","type":"other","primary":"True"}]}]}`,
			want:  `{"userName":"x","emails":[{"primary":false,"type":"work","value":"a@x.com"},{"type":"home","value":"b@x.com"},{"primary":true,"type":"other","value":"c@x.com"}]}`,
		},
		{
			name:  "add merges into an existing equal value",
			start: `{"userName":"x","entitlements":[{"value":"3"}]}`,
			body:  `{"Operations":[{"op":"add","path":"entitlements","value":{"value":"3","display":"AWS"}}]}`,
			want:  `{"userName":"x","entitlements":[{"display":"AWS","value":"3"}]}`,
		},
		{
			name:  "add a single string to a multi-valued complex attribute",
			start: `{"userName":"x"}`,
			body:  `{"Operations":[{"op":"add","path":"roles","value":"admin"}]}`,
			want:  `{"userName":"x","roles":[{"value":"admin"}]}`,
		},
		{
			name:  "addresses have no value: equal ones are skipped",
			start: `{"userName":"x","addresses":[{"locality":"Oslo","country":"NO","type":"work"}]}`,
			body:  `{"Operations":[{"op":"add","path":"addresses","value":[{"LOCALITY":"oslo","country":"NO","type":"work","region":null},{"locality":"Bergen","country":"NO"}]}]}`,
			want:  `{"userName":"x","addresses":[{"country":"NO","locality":"Oslo","type":"work"},{"country":"NO","locality":"Bergen"}]}`,
		},
		{
			name:  "replace a whole list",
			start: `{"userName":"x","emails":[{"value":"a@x.com"},{"value":"b@x.com"}]}`,
			body:  `{"Operations":[{"op":"replace","path":"emails","value":[{"value":"c@x.com","primary":true}]}]}`,
			want:  `{"userName":"x","emails":[{"primary":true,"value":"c@x.com"}]}`,
		},
		{
			name:  "replace with an empty list removes",
			start: `{"userName":"x","emails":[{"value":"a@x.com"}]}`,
			body:  `{"Operations":[{"op":"replace","path":"emails","value":[]}]}`,
			want:  `{"userName":"x"}`,
		},
		{
			name:  "replace matching values",
			start: `{"userName":"x","emails":[{"value":"a@x.com","type":"work"},{"value":"b@x.com","type":"home"}]}`,
			body:  `{"Operations":[{"op":"replace","path":"emails[type eq \"work\"]","value":{"value":"w@x.com","type":"work","display":"W"}}]}`,
			want:  `{"userName":"x","emails":[{"display":"W","type":"work","value":"w@x.com"},{"type":"home","value":"b@x.com"}]}`,
		},
		{
			name:  "replace with a filter that matches nothing creates",
			start: `{"userName":"x","emails":[{"value":"a@x.com","type":"work"}]}`,
			body:  `{"Operations":[{"op":"replace","path":"emails[type eq \"home\"]","value":{"value":"h@x.com"}}]}`,
			want:  `{"userName":"x","emails":[{"type":"work","value":"a@x.com"},{"type":"home","value":"h@x.com"}]}`,
		},
		{
			name:  "sub-attribute on every matching value",
			start: `{"userName":"x","emails":[{"value":"a@x.com","type":"work"},{"value":"b@x.com","type":"WORK"},{"value":"c@x.com","type":"home"}]}`,
			body:  `{"Operations":[{"op":"replace","path":"emails[type eq \"work\"].display","value":"Work"}]}`,
			want:  `{"userName":"x","emails":[{"display":"Work","type":"work","value":"a@x.com"},{"display":"Work","type":"WORK","value":"b@x.com"},{"type":"home","value":"c@x.com"}]}`,
		},
		{
			name:  "setting primary through a filter clears the others",
			start: `{"userName":"x","emails":[{"value":"a@x.com","type":"work","primary":true},{"value":"c@x.com","type":"home"}]}`,
			body:  `{"Operations":[{"op":"replace","path":"emails[type eq \"home\"].primary","value":true}]}`,
			want:  `{"userName":"x","emails":[{"primary":false,"type":"work","value":"a@x.com"},{"primary":true,"type":"home","value":"c@x.com"}]}`,
		},
		{
			name:  "remove a sub-attribute of matching values",
			start: `{"userName":"x","emails":[{"value":"a@x.com","type":"work","display":"A"},{"value":"c@x.com","display":"C"}]}`,
			body:  `{"Operations":[{"op":"remove","path":"emails[type eq \"work\"].display"}]}`,
			want:  `{"userName":"x","emails":[{"type":"work","value":"a@x.com"},{"display":"C","value":"c@x.com"}]}`,
		},
		{
			name:  "remove a sub-attribute of a complex attribute",
			start: `{"userName":"x","name":{"givenName":"a","familyName":"b"}}`,
			body:  `{"Operations":[{"op":"remove","path":"name.givenName"},{"op":"remove","path":"name.middleName"}]}`,
			want:  `{"userName":"x","name":{"familyName":"b"}}`,
		},
		{
			name:  "remove an attribute, also when absent, and replace with null",
			start: `{"userName":"x","title":"t","nickName":"n"}`,
			body:  `{"Operations":[{"op":"remove","path":"title"},{"op":"remove","path":"locale"},{"op":"replace","path":"nickName","value":null}]}`,
			want:  `{"userName":"x"}`,
		},
		{
			name:  "add a complex value merges",
			start: `{"userName":"x","name":{"givenName":"a","familyName":"b"}}`,
			body:  `{"Operations":[{"op":"add","path":"name","value":{"givenName":"c","middleName":"m","formatted":null}}]}`,
			want:  `{"userName":"x","name":{"familyName":"b","givenName":"c","middleName":"m"}}`,
		},
		{
			name:  "case-insensitive names keep the schema's spelling",
			start: `{"USERNAME":"x","Name":{"GIVENNAME":"a"}}`,
			body:  `{"Operations":[{"op":"replace","path":"username","value":"y"},{"op":"replace","path":"NAME.givenname","value":"b"}]}`,
			want:  `{"userName":"y","name":{"givenName":"b"}}`,
		},
		{
			name:  "password can be set",
			start: `{"userName":"x"}`,
			body:  `{"Operations":[{"op":"replace","value":{"password":"s3cret"}}]}`,
			want:  `{"userName":"x","password":"s3cret"}`,
		},
		{
			name:  "numbers for strings",
			start: `{"userName":"x"}`,
			body:  `{"Operations":[{"op":"replace","path":"` + ent + `:employeeNumber","value":701984}]}`,
			want:  `{"userName":"x","` + ent + `":{"employeeNumber":"701984"}}`,
		},
		{
			name:  "Okta group rename with id",
			group: true,
			body:  `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"id":"g1","displayName":"Operators"}}]}`,
			want:  `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"Operators","members":[{"display":"Barbara","value":"u1"},{"value":"u2"}]}`,
		},
		{
			name:  "Okta group members add and remove",
			group: true,
			body:  `{"Operations":[{"op":"add","path":"members","value":[{"value":"u3","display":"Carl"},{"value":"U1"}]},{"op":"remove","path":"members[value eq \"u2\"]"}]}`,
			want:  `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"Admins","members":[{"display":"Barbara","value":"u1"},{"display":"Carl","value":"u3"}]}`,
		},
		{
			name:  "Entra group members remove with value",
			group: true,
			body:  `{"Operations":[{"op":"Remove","path":"members","value":[{"value":"u2"},{"value":"u9"}]}]}`,
			want:  `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"Admins","members":[{"display":"Barbara","value":"u1"}]}`,
		},
		{
			name:  "Entra group members add with null $ref",
			group: true,
			body:  `{"Operations":[{"op":"Add","path":"members","value":[{"$ref":null,"value":"u5"}]}]}`,
			want:  `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"Admins","members":[{"display":"Barbara","value":"u1"},{"value":"u2"},{"value":"u5"}]}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start, rs := patchUser, userRS()
			if tc.group {
				start, rs = patchGroup, groupRS()
			}
			if tc.start != "" {
				start = tc.start
			}
			r, err := patch(t, start, tc.body, rs)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := mustJSON(t, r), mustJSON(t, mustDecode(t, tc.want)); got != want {
				t.Errorf("\n got %s\nwant %s", got, want)
			}
		})
	}
}

func TestApplyPatchErrors(t *testing.T) {
	const ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	for _, tc := range []struct {
		name   string
		start  string
		body   string
		group  bool
		typ    ErrorType
		detail string
	}{
		{"remove with a filter that matches nothing", "",
			`{"Operations":[{"op":"remove","path":"entitlements[value eq \"9\"]"}]}`, false,
			NoTarget, `Operations[0]: no value of entitlements matches the filter [value eq "9"]`},
		{"remove with a filter, attribute absent", `{"userName":"x"}`,
			`{"Operations":[{"op":"remove","path":"emails[type eq \"work\"]"}]}`, false,
			NoTarget, `Operations[0]: no value of emails matches the filter [type eq "work"]`},
		{"Okta removes a member that is not there", "",
			`{"Operations":[{"op":"remove","path":"members[value eq \"u9\"]"}]}`, true,
			NoTarget, `Operations[0]: no value of members matches the filter [value eq "u9"]`},
		{"add with a non-eq filter that matches nothing", "",
			`{"Operations":[{"op":"add","path":"emails[value co \"zzz\"].type","value":"home"}]}`, false,
			NoTarget, `Operations[0]: no value of emails matches the filter [value co "zzz"]`},
		{"patching id", "",
			`{"Operations":[{"op":"replace","path":"id","value":"u2"}]}`, false,
			Mutability, "Operations[0]: attribute id is read-only"},
		{"patching id without path", "",
			`{"Operations":[{"op":"replace","value":{"id":"u2"}}]}`, false,
			Mutability, "Operations[0]: attribute id is read-only"},
		{"Okta group rename with a different id", "",
			`{"Operations":[{"op":"replace","value":{"id":"g2","displayName":"x"}}]}`, true,
			Mutability, "Operations[0]: attribute id is read-only"},
		{"patching meta", "",
			`{"Operations":[{"op":"replace","path":"meta.lastModified","value":"2020-01-01T00:00:00Z"}]}`, false,
			Mutability, "Operations[0]: attribute meta is read-only"},
		{"patching schemas", "",
			`{"Operations":[{"op":"add","path":"schemas","value":["urn:x"]}]}`, false,
			Mutability, "Operations[0]: attribute schemas cannot be patched; the server keeps it in step with the extensions the resource has"},
		{"patching groups", "",
			`{"Operations":[{"op":"add","path":"groups","value":[{"value":"g1"}]}]}`, false,
			Mutability, "Operations[0]: attribute groups is read-only; change group membership through the Group's members"},
		{"read-only sub-attribute", "",
			`{"Operations":[{"op":"replace","path":"` + ent + `:manager.displayName","value":"Boss"}]}`, false,
			Mutability, "Operations[0]: attribute " + ent + ":manager.displayName is read-only"},
		{"read-only extension attribute", "",
			`{"Operations":[{"op":"add","path":"` + dbExtURN + `:CREATED_BY","value":"me"}]}`, false,
			Mutability, "Operations[0]: attribute " + dbExtURN + ":CREATED_BY is read-only"},
		{"immutable attribute changed", `{"userName":"x","` + dbExtURN + `":{"BADGE":"B1"}}`,
			`{"Operations":[{"op":"replace","path":"` + dbExtURN + `:BADGE","value":"B2"}]}`, false,
			Mutability, "Operations[0]: attribute " + dbExtURN + ":BADGE is immutable: it can be set once but not changed"},
		{"immutable attribute removed", `{"userName":"x","` + dbExtURN + `":{"BADGE":"B1"}}`,
			`{"Operations":[{"op":"remove","path":"` + dbExtURN + `:BADGE"}]}`, false,
			Mutability, "Operations[0]: attribute " + dbExtURN + ":BADGE is immutable and cannot be removed"},
		{"unknown attribute", "",
			`{"Operations":[{"op":"add","path":"favoriteColor","value":"blue"}]}`, false,
			InvalidPath, `Operations[0]: attribute "favoriteColor" is unknown: it is not in urn:ietf:params:scim:schemas:core:2.0:User or its extensions`},
		{"unknown attribute without path", "",
			`{"Operations":[{"op":"replace","value":{"active":false,"favoriteColor":"blue"}}]}`, false,
			InvalidPath, `Operations[0]: attribute "favoriteColor" is unknown: it is not in urn:ietf:params:scim:schemas:core:2.0:User or its extensions`},
		{"unknown extension attribute", "",
			`{"Operations":[{"op":"add","path":"` + ent + `:shoeSize","value":"9"}]}`, false,
			InvalidPath, `Operations[0]: attribute "shoeSize" is unknown: it is not in ` + ent},
		{"unknown sub-attribute", "",
			`{"Operations":[{"op":"add","path":"name.nickName","value":"x"}]}`, false,
			InvalidPath, `Operations[0]: attribute name has no sub-attribute "nickName"; it has formatted, familyName, givenName, middleName, honorificPrefix, honorificSuffix`},
		{"sub-attribute of a simple attribute", "",
			`{"Operations":[{"op":"add","path":"userName.x","value":"x"}]}`, false,
			InvalidPath, `Operations[0]: attribute userName has no sub-attributes, so userName.x is not an attribute`},
		{"unknown sub-attribute in a value", "",
			`{"Operations":[{"op":"add","path":"emails","value":[{"value":"a@b.c","label":"x"}]}]}`, false,
			InvalidPath, `Operations[0]: attribute emails has no sub-attribute "label"`},
		{"unknown schema URN", "",
			`{"Operations":[{"op":"add","path":"urn:example:ext:1.0:User:x","value":"1"}]}`, false,
			InvalidPath, `Operations[0]: urn:example:ext:1.0:User is not a schema of this resource; its schemas are urn:ietf:params:scim:schemas:core:2.0:User and ` + ent + ` and ` + dbExtURN},
		{"filter on a single-valued attribute", "",
			`{"Operations":[{"op":"replace","path":"name[givenName eq \"x\"].familyName","value":"y"}]}`, false,
			InvalidPath, `Operations[0]: the path "name[givenName eq "x"].familyName" is invalid: a filter in brackets selects values of a multi-valued attribute, and name is single-valued`},
		{"boolean as maybe", "",
			`{"Operations":[{"op":"replace","path":"active","value":"maybe"}]}`, false,
			InvalidValue, `Operations[0]: attribute active must be a boolean (true or false), not the string "maybe"`},
		{"boolean as a number other than 0 and 1", "",
			`{"Operations":[{"op":"replace","value":{"active":2}}]}`, false,
			InvalidValue, `Operations[0]: attribute active must be a boolean (true or false), not the number 2`},
		{"integer as text", "",
			`{"Operations":[{"op":"add","path":"` + dbExtURN + `:IS_ACTIVE","value":"abc"}]}`, false,
			InvalidValue, `Operations[0]: attribute ` + dbExtURN + `:IS_ACTIVE must be an integer, not the string "abc"`},
		{"integer with a fraction", "",
			`{"Operations":[{"op":"add","path":"` + dbExtURN + `:IS_ACTIVE","value":1.5}]}`, false,
			InvalidValue, `Operations[0]: attribute ` + dbExtURN + `:IS_ACTIVE must be an integer, not the number 1.5`},
		{"decimal as a boolean", "",
			`{"Operations":[{"op":"add","path":"` + dbExtURN + `:SALARY","value":true}]}`, false,
			InvalidValue, `Operations[0]: attribute ` + dbExtURN + `:SALARY must be a number, not the boolean true`},
		{"bad dateTime", "",
			`{"Operations":[{"op":"add","path":"` + dbExtURN + `:HIRED","value":"last tuesday"}]}`, false,
			InvalidValue, `Operations[0]: attribute ` + dbExtURN + `:HIRED must be a dateTime such as "2024-01-31T12:00:00Z", not the string "last tuesday"`},
		{"string as an object", "",
			`{"Operations":[{"op":"replace","path":"title","value":{"a":1}}]}`, false,
			InvalidValue, `Operations[0]: attribute title must be a string, not an object`},
		{"single-valued given an array", "",
			`{"Operations":[{"op":"replace","path":"title","value":["a"]}]}`, false,
			InvalidValue, `Operations[0]: attribute title is single-valued; the value must be a string, not an array`},
		{"complex given an array", "",
			`{"Operations":[{"op":"replace","path":"name","value":["a"]}]}`, false,
			InvalidValue, `Operations[0]: attribute name must be a JSON object with the sub-attributes formatted, familyName, givenName, middleName, honorificPrefix, honorificSuffix, not an array`},
		{"two primaries", "",
			`{"Operations":[{"op":"add","path":"emails","value":[{"value":"a@x","primary":true},{"value":"b@x","primary":true}]}]}`, false,
			InvalidValue, `Operations[0]: only one value of emails can be primary`},
		{"remove a required attribute", "",
			`{"Operations":[{"op":"remove","path":"userName"}]}`, false,
			InvalidValue, `Operations[0]: attribute userName is required and cannot be removed`},
		{"no-path value not an object", "",
			`{"Operations":[{"op":"replace","value":"x"}]}`, false,
			InvalidValue, `Operations[0]: without a path, the value must be a JSON object of attributes, not a string`},
		{"error index", "",
			`{"Operations":[{"op":"replace","path":"title","value":"a"},{"op":"replace","path":"nickName","value":"b"},{"op":"replace","path":"active","value":"maybe"}]}`, false,
			InvalidValue, `Operations[2]: attribute active must be a boolean (true or false), not the string "maybe"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start, rs := patchUser, userRS()
			if tc.group {
				start, rs = patchGroup, groupRS()
			}
			if tc.start != "" {
				start = tc.start
			}
			_, err := patch(t, start, tc.body, rs)
			checkError(t, err, tc.typ, tc.detail)
		})
	}
}

func TestApplyPatchAtomic(t *testing.T) {
	r := mustDecode(t, patchUser)
	before := mustJSON(t, r)
	ops := []PatchOp{
		{Op: "replace", Path: "displayName", Value: "Changed"},
		{Op: "add", Path: "emails", Value: []any{map[string]any{"value": "new@x.com"}}},
		{Op: "replace", Path: "name.givenName", Value: "Luke"},
		{Op: "remove", Path: "entitlements"},
		{Op: "replace", Path: "id", Value: "u2"},
	}
	err := ApplyPatch(r, ops, userRS())
	checkError(t, err, Mutability, "Operations[4]: attribute id is read-only")
	if after := mustJSON(t, r); after != before {
		t.Errorf("resource changed by a failed patch:\n%s\n%s", before, after)
	}
	// The same operations without the last one apply.
	if err := ApplyPatch(r, ops[:4], userRS()); err != nil {
		t.Fatal(err)
	}
	if v, _ := r.Get("displayName"); v != "Changed" {
		t.Errorf("displayName = %v", v)
	}
	if _, ok := r.Get("entitlements"); ok {
		t.Error("entitlements not removed")
	}
	// The patch does not alias the operation's value.
	val := map[string]any{"value": "alias@x.com"}
	if err := ApplyPatch(r, []PatchOp{{Op: "add", Path: "emails", Value: val}}, userRS()); err != nil {
		t.Fatal(err)
	}
	val["value"] = "mutated"
	if f, _ := ParseFilter(`emails eq "alias@x.com"`); !f.Matches(r, userRS()) {
		t.Error("resource aliases the op value")
	}
}

func TestApplyPatchWithoutSchema(t *testing.T) {
	r := Resource{"id": "1", "Color": "red", "tags": []any{"a"}, "ext": map[string]any{"k": "v"}}
	ops := []PatchOp{
		{Op: "replace", Path: "color", Value: "blue"},
		{Op: "add", Path: "tags", Value: "b"},
		{Op: "add", Path: "ext.j", Value: json.Number("1")},
		{Op: "Add", Value: map[string]any{"new": true}},
	}
	if err := ApplyPatch(r, ops, nil); err != nil {
		t.Fatal(err)
	}
	want := Resource{"id": "1", "color": "blue", "tags": []any{"a", "b"}, "ext": map[string]any{"k": "v", "j": json.Number("1")}, "new": true}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("got %v\nwant %v", r, want)
	}
	err := ApplyPatch(r, []PatchOp{{Op: "replace", Path: "id", Value: "2"}}, nil)
	checkError(t, err, Mutability, "Operations[0]: attribute id is read-only")
}

func TestParsePatch(t *testing.T) {
	ops, err := ParsePatch([]byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"operations":[
		{"OP":"Replace","Path":"active","Value":"False"},
		{"op":"REMOVE","path":"emails[type eq \"work\"]"},
		{"op":"add","value":{"n":1}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []PatchOp{
		{Op: "replace", Path: "active", Value: "False"},
		{Op: "remove", Path: `emails[type eq "work"]`},
		{Op: "add", Value: map[string]any{"n": json.Number("1")}},
	}
	// Paths are parsed once, here, and not again when the ops are applied.
	for i, op := range ops {
		if (op.parsed != nil) != (op.Path != "") {
			t.Errorf("op %d: path %q, parsed %v", i, op.Path, op.parsed)
		}
		ops[i].parsed = nil
	}
	if !reflect.DeepEqual(ops, want) {
		t.Errorf("got %#v\nwant %#v", ops, want)
	}

	for _, tc := range []struct {
		body   string
		typ    ErrorType
		detail string
	}{
		{`{"Operations":[`, InvalidSyntax, "the request body is not valid JSON: unexpected end of input at byte 15"},
		{`[]`, InvalidSyntax, "the request body must be a JSON object, not an array"},
		{`{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"Operations":[{"op":"add","value":{}}]}`, InvalidSyntax,
			`the request's schemas must be ["urn:ietf:params:scim:api:messages:2.0:PatchOp"] for a PATCH`},
		{`{"schemas":"x","Operations":[{"op":"add","value":{}}]}`, InvalidSyntax,
			`the request's schemas must be ["urn:ietf:params:scim:api:messages:2.0:PatchOp"] for a PATCH`},
		{`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}`, InvalidSyntax,
			`the PATCH request has no "Operations"; send {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}`},
		{`{"Operations":{"op":"add"}}`, InvalidSyntax, `"Operations" must be an array of operations, not an object`},
		{`{"Operations":[]}`, InvalidSyntax, `"Operations" is empty; send at least one operation`},
		{`{"Operations":["add"]}`, InvalidSyntax, `Operations[0]: each operation must be a JSON object, not a string`},
		{`{"Operations":[{"path":"title","value":"x"}]}`, InvalidSyntax, `Operations[0]: "op" is missing; use add, remove or replace`},
		{`{"Operations":[{"op":1}]}`, InvalidSyntax, `Operations[0]: "op" must be a string (add, remove or replace), not a number`},
		{`{"Operations":[{"op":"add","path":"title","value":"x"},{"op":"delete","path":"title"}]}`, InvalidSyntax,
			`Operations[1]: op "delete" is not supported; use add, remove or replace`},
		{`{"Operations":[{"op":"add","path":"title","value":"x"},{"op":"remove"}]}`, NoTarget,
			`Operations[1]: remove needs a "path" naming what to remove`},
		{`{"Operations":[{"op":"remove","path":"  "}]}`, NoTarget, `Operations[0]: remove needs a "path" naming what to remove`},
		{`{"Operations":[{"op":"replace","path":"title"}]}`, InvalidSyntax, `Operations[0]: replace needs a "value"`},
		{`{"Operations":[{"op":"add"}]}`, InvalidSyntax, `Operations[0]: add needs a "value"`},
		{`{"Operations":[{"op":"add","path":5,"value":1}]}`, InvalidSyntax, `Operations[0]: "path" must be a string, not a number`},
		{`{"Operations":[{"op":"add","path":"title","value":1},{"op":"add","path":"x","value":1},{"op":"add","path":"emails[type eq \"work\"","value":"x"}]}`, InvalidPath,
			`Operations[2]: the path "emails[type eq "work"" is invalid: the "[" at character 7 is never closed; add "]"`},
		{`{"Operations":[{"op":"add","path":"name givenName","value":"x"}]}`, InvalidPath,
			`Operations[0]: the path "name givenName" is invalid: unexpected "givenName" at character 6; a path is an attribute name, optionally followed by a filter in brackets and a sub-attribute, as in emails[type eq "work"].value`},
		{`{"Operations":[{"op":"remove","path":"members[value eq u1]"}]}`, InvalidPath,
			`Operations[0]: the path "members[value eq u1]" is invalid: the value u1 at character 18 must be in double quotes, as in value eq "u1"`},
		{`{"Operations":[{"op":"remove","path":"emails[]"}]}`, InvalidPath,
			`Operations[0]: the path "emails[]" is invalid: the brackets at character 7 are empty; put a filter inside, as in emails[type eq "work"]`},
	} {
		_, err := ParsePatch([]byte(tc.body))
		checkError(t, err, tc.typ, tc.detail)
	}
}

// TestApplyPatchImmutableMultiValued: adding to an immutable multi-valued
// attribute that has values changes it, and is refused; adding a value it
// already has changes nothing, and is accepted (RFC 7643 §2.2). Merging
// into an immutable complex value, or into a member's immutable
// sub-attribute, is refused as well.
func TestApplyPatchImmutableMultiValued(t *testing.T) {
	core := UserSchema
	core.Attributes = append(slices.Clone(UserSchema.Attributes),
		Attribute{Name: "badges", Type: TypeString, MultiValued: true, Mutability: MutabilityImmutable},
		Attribute{Name: "origin", Type: TypeComplex, Mutability: MutabilityImmutable,
			SubAttributes: []Attribute{{Name: "city", Type: TypeString}, {Name: "year", Type: TypeString}}},
		Attribute{Name: "seals", Type: TypeComplex, MultiValued: true, Mutability: MutabilityReadWrite,
			SubAttributes: []Attribute{
				{Name: "value", Type: TypeString, Mutability: MutabilityReadWrite},
				{Name: "type", Type: TypeString, Mutability: MutabilityImmutable},
			}})
	rs := &ResourceSchema{Core: core}
	start := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","userName":"b",
	 "badges":["gold"],"origin":{"city":"Oslo"},"seals":[{"value":"s1","type":"wax"}]}`

	_, err := patch(t, start, `{"Operations":[{"op":"add","path":"badges","value":["silver"]}]}`, rs)
	checkError(t, err, Mutability, "Operations[0]: attribute badges is immutable: it can be set once but not changed")

	got, err := patch(t, start, `{"Operations":[{"op":"add","path":"badges","value":["gold"]}]}`, rs)
	if err != nil {
		t.Fatalf("adding a value the attribute has: %v", err)
	}
	if b, _ := got.Get("badges"); !reflect.DeepEqual(b, []any{"gold"}) {
		t.Errorf("badges = %v, want [gold]", b)
	}

	_, err = patch(t, start, `{"Operations":[{"op":"add","path":"seals","value":[{"value":"s1","type":"paper"}]}]}`, rs)
	checkError(t, err, Mutability, "Operations[0]: attribute seals.type is immutable: it can be set once but not changed")

	_, err = patch(t, start, `{"Operations":[{"op":"add","path":"origin","value":{"year":"1900"}}]}`, rs)
	checkError(t, err, Mutability, "Operations[0]: attribute origin is immutable: it can be set once but not changed")
}

// A value with two unknown sub-attributes named either one, at random (a
// map's order): the same request must always get the same answer.
func TestPatchNamesTheSameProblemEveryTime(t *testing.T) {
	const body = `{"Operations":[{"op":"add","path":"emails","value":[{"value":"a@b.c","zlabel":"x","label":"y","mlabel":"z"}]}]}`
	for i := 0; i < 30; i++ {
		_, err := patch(t, patchUser, body, userRS())
		if err == nil || err.Error() != `400 invalidPath: Operations[0]: attribute emails has no sub-attribute "label"` {
			t.Fatalf("try %d: %v", i, err)
		}
	}
}
