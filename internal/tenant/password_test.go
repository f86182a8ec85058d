package tenant

import (
	"reflect"
	"strings"
	"testing"

	"github.com/sqlscim/sqlscim/internal/provision"
)

func TestDecodePasswordSync(t *testing.T) {
	for _, doc := range []string{
		`{"password_sync": {"column": "PASSWORD_HASH", "hash": "bcrypt", "bcrypt_cost": 10}}`,
		`{"passwordSync": {"passwordColumn": "PASSWORD_HASH", "scheme": "BCRYPT", "cost": "10"}}`,
		`{"sync-password": {"hash_column": "PASSWORD_HASH", "algorithm": " bcrypt ", "bcryptCost": 10, "allowPlain": "no"}}`,
	} {
		got := decodeOK(t, doc).PasswordSync
		want := provision.PasswordSync{Column: "PASSWORD_HASH", Hash: "bcrypt", BcryptCost: 10}
		if got != want {
			t.Errorf("%s: %+v, want %+v", doc, got, want)
		}
	}
	if got := decodeOK(t, `{"password_sync": {"column": "PWD", "hash": "plain", "allow_plain": true}}`).PasswordSync; !got.AllowPlain || got.Hash != "plain" {
		t.Errorf("plain: %+v", got)
	}
}

func TestDecodePasswordSyncBadValues(t *testing.T) {
	const h = HeaderName
	for _, tc := range []struct {
		json string
		want []string
	}{
		{`{"password_sync": "bcrypt"}`, []string{h + ".password_sync: must be an object, e.g. {column: PASSWORD_HASH, hash: bcrypt}"}},
		{`{"password_sync": {"salt": "x"}}`, []string{h + ".password_sync.salt: unknown field; the fields here are allow_plain, bcrypt_cost, column, hash"}},
		{`{"password_sync": {"bcrypt_cost": "high"}}`, []string{h + `.password_sync.bcrypt_cost: "high" is not a whole number`}},
		{`{"password_sync": {"allow_plain": "perhaps"}}`, []string{h + ".password_sync.allow_plain: must be true or false"}},
		{`{"password_sync": {"column": ["A", "B"]}}`, []string{h + ".password_sync.column: must be a text value, not a list"}},
	} {
		_, err := Decode(jsonDoc(t, tc.json), Source{Path: HeaderName})
		if err == nil {
			t.Fatalf("%s decoded", tc.json)
		}
		if got := problemsOf(t, err); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %s\nwant %s", tc.json, strings.Join(got, "; "), strings.Join(tc.want, "; "))
		}
	}
}
