// Package password turns the cleartext password a SCIM client sends into
// what a tenant's database stores: a bcrypt, Argon2id or SHA-512-crypt hash,
// or (only when the administrator opts in) the password itself.
//
// It imports only the standard library and golang.org/x/crypto. It never
// logs, and its errors never quote a password.
package password

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// The hash schemes a tenant may choose.
const (
	Bcrypt      = "bcrypt"
	Argon2id    = "argon2id"
	SHA512Crypt = "sha512-crypt"
	Plain       = "plain"
)

// Schemes lists the hash schemes, the default first.
var Schemes = []string{Bcrypt, Argon2id, SHA512Crypt, Plain}

// DefaultBcryptCost is bcrypt's work factor unless the tenant sets one.
const DefaultBcryptCost = 12

// The Argon2id parameters: OWASP's recommended minimum (19 MiB, two
// passes, one lane), a 16-byte salt and a 32-byte key.
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonSaltLen   = 16
	argonKeyLen    = 32
)

// SHA512CryptRounds is the rounds of a SHA-512-crypt hash; the scheme's
// own default (5000) is too cheap for today's hardware.
const SHA512CryptRounds = 100000

// Policy is how one tenant hashes passwords.
type Policy struct {
	// Scheme is one of Schemes; "" means Bcrypt.
	Scheme string
	// BcryptCost is the bcrypt work factor; 0 means DefaultBcryptCost.
	BcryptCost int
}

// ErrTooLong is returned for a password bcrypt cannot hash (over 72 bytes).
var ErrTooLong = errors.New("the password is longer than 72 bytes, which bcrypt cannot hash; send a shorter one")

// Validate reports a policy that cannot be used, with what to write.
func (p Policy) Validate() error {
	if !known(p.Scheme) && p.Scheme != "" {
		return fmt.Errorf("%q is not a hash scheme; use %s", p.Scheme, strings.Join(Schemes, ", "))
	}
	if p.BcryptCost != 0 {
		if p.scheme() != Bcrypt {
			return fmt.Errorf("bcrypt_cost applies to hash: bcrypt only, not %s", p.scheme())
		}
		if p.BcryptCost < bcrypt.MinCost || p.BcryptCost > bcrypt.MaxCost {
			return fmt.Errorf("bcrypt_cost %d is outside %d-%d (the default is %d)", p.BcryptCost, bcrypt.MinCost, bcrypt.MaxCost, DefaultBcryptCost)
		}
	}
	return nil
}

func known(s string) bool {
	for _, k := range Schemes {
		if s == k {
			return true
		}
	}
	return false
}

func (p Policy) scheme() string {
	if p.Scheme == "" {
		return Bcrypt
	}
	return p.Scheme
}

// Hash returns what the database stores for pw under the policy. A new
// random salt makes every hash different.
func (p Policy) Hash(pw string) (string, error) {
	switch p.scheme() {
	case Bcrypt:
		cost := p.BcryptCost
		if cost == 0 {
			cost = DefaultBcryptCost
		}
		if len(pw) > 72 {
			return "", ErrTooLong
		}
		h, err := bcrypt.GenerateFromPassword([]byte(pw), cost)
		if err != nil {
			return "", fmt.Errorf("bcrypt: %w", err)
		}
		return string(h), nil
	case Argon2id:
		salt := make([]byte, argonSaltLen)
		if _, err := rand.Read(salt); err != nil {
			return "", err
		}
		key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
		b64 := base64.RawStdEncoding
		return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
	case SHA512Crypt:
		salt, err := cryptSalt(16)
		if err != nil {
			return "", err
		}
		return sha512Crypt(pw, salt, SHA512CryptRounds), nil
	case Plain:
		return pw, nil
	}
	return "", p.Validate()
}
