package certs

// A PKCS#12 (RFC 7292) writer. The PKCS#12 library we use decodes keystores
// but cannot name the key entry, and Spring Boot finds its key by that name
// (server.ssl.key-alias=okscimservercert), so the encoding lives here. It
// writes what Java 21 and OpenSSL 3 write by default: PBES2 with
// PBKDF2-HMAC-SHA-256 and AES-256-CBC for the key and the certificate, and an
// HMAC-SHA-256 integrity MAC.

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"io"
	"unicode/utf16"
)

const pkcs12Iterations = 10000

var (
	oidData            = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidEncryptedData   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 6}
	oidShroudedKeyBag  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 2}
	oidCertBag         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 3}
	oidX509Certificate = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 22, 1}
	oidFriendlyName    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 20}
	oidLocalKeyID      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 21}
	oidPBES2           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidHMACWithSHA256  = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidAES256CBC       = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
	oidSHA256          = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	// asn1NULL is the NULL parameter of the SHA-256 and HMAC algorithm
	// identifiers, given as its complete DER encoding (05 00).
	asn1NULL = asn1.RawValue{FullBytes: []byte{asn1.TagNull, 0}}
)

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"tag:0,explicit,optional"`
}

type encryptedData struct {
	Version              int
	EncryptedContentInfo encryptedContentInfo
}

type encryptedContentInfo struct {
	ContentType                asn1.ObjectIdentifier
	ContentEncryptionAlgorithm pkix.AlgorithmIdentifier
	EncryptedContent           []byte `asn1:"tag:0,optional"`
}

type safeBag struct {
	ID         asn1.ObjectIdentifier
	Value      asn1.RawValue     `asn1:"tag:0,explicit"`
	Attributes []pkcs12Attribute `asn1:"set,optional"`
}

type pkcs12Attribute struct {
	ID    asn1.ObjectIdentifier
	Value asn1.RawValue `asn1:"set"`
}

type certBag struct {
	ID   asn1.ObjectIdentifier
	Data []byte `asn1:"tag:0,explicit"`
}

type encryptedPrivateKeyInfo struct {
	Algorithm     pkix.AlgorithmIdentifier
	EncryptedData []byte
}

type pbes2Params struct {
	KeyDerivationFunc pkix.AlgorithmIdentifier
	EncryptionScheme  pkix.AlgorithmIdentifier
}

type pbkdf2Params struct {
	Salt       []byte
	Iterations int
	KeyLength  int `asn1:"optional"`
	PRF        pkix.AlgorithmIdentifier
}

type digestInfo struct {
	Algorithm pkix.AlgorithmIdentifier
	Digest    []byte
}

type macData struct {
	Mac        digestInfo
	MacSalt    []byte
	Iterations int
}

type pfx struct {
	Version  int
	AuthSafe contentInfo
	MacData  macData
}

// encodePKCS12 writes key and cert as one entry named alias, followed by
// the certificates of chain without a name, as openssl pkcs12 -export and
// keytool write a CA-signed entry.
func encodePKCS12(random io.Reader, key *rsa.PrivateKey, cert *x509.Certificate, chain []*x509.Certificate, alias, password string) ([]byte, error) {
	fingerprint := sha1.Sum(cert.Raw)
	attrs, err := bagAttributes(alias, fingerprint[:])
	if err != nil {
		return nil, err
	}

	// The certificates: cert bags inside an encrypted SafeContents.
	certBags := make([]safeBag, 0, 1+len(chain))
	for i, c := range append([]*x509.Certificate{cert}, chain...) {
		value, err := asn1.Marshal(certBag{ID: oidX509Certificate, Data: c.Raw})
		if err != nil {
			return nil, err
		}
		bag := safeBag{ID: oidCertBag, Value: explicit(value)}
		if i == 0 {
			bag.Attributes = attrs
		}
		certBags = append(certBags, bag)
	}
	certSafe, err := asn1.Marshal(certBags)
	if err != nil {
		return nil, err
	}
	alg, ciphertext, err := pbes2Encrypt(random, certSafe, password)
	if err != nil {
		return nil, err
	}
	encCerts, err := asn1.Marshal(encryptedData{EncryptedContentInfo: encryptedContentInfo{
		ContentType: oidData, ContentEncryptionAlgorithm: alg, EncryptedContent: ciphertext,
	}})
	if err != nil {
		return nil, err
	}

	// The key: a shrouded key bag inside a plain SafeContents.
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	alg, ciphertext, err = pbes2Encrypt(random, pkcs8, password)
	if err != nil {
		return nil, err
	}
	keyValue, err := asn1.Marshal(encryptedPrivateKeyInfo{Algorithm: alg, EncryptedData: ciphertext})
	if err != nil {
		return nil, err
	}
	keySafe, err := asn1.Marshal([]safeBag{{ID: oidShroudedKeyBag, Value: explicit(keyValue), Attributes: attrs}})
	if err != nil {
		return nil, err
	}
	keySafeOctets, err := asn1.Marshal(keySafe)
	if err != nil {
		return nil, err
	}

	authSafe, err := asn1.Marshal([]contentInfo{
		{ContentType: oidEncryptedData, Content: explicit(encCerts)},
		{ContentType: oidData, Content: explicit(keySafeOctets)},
	})
	if err != nil {
		return nil, err
	}
	authSafeOctets, err := asn1.Marshal(authSafe)
	if err != nil {
		return nil, err
	}

	salt := make([]byte, 16)
	if _, err := io.ReadFull(random, salt); err != nil {
		return nil, err
	}
	bmpPassword, err := bmpString(password)
	if err != nil {
		return nil, err
	}
	bmpPassword = append(bmpPassword, 0, 0) // a password is zero-terminated
	macKey := pkcs12KDF(salt, bmpPassword, pkcs12Iterations, 3, sha256.Size)
	mac := hmac.New(sha256.New, macKey)
	mac.Write(authSafe)

	return asn1.Marshal(pfx{
		Version:  3,
		AuthSafe: contentInfo{ContentType: oidData, Content: explicit(authSafeOctets)},
		MacData: macData{
			Mac: digestInfo{
				Algorithm: pkix.AlgorithmIdentifier{Algorithm: oidSHA256, Parameters: asn1NULL},
				Digest:    mac.Sum(nil),
			},
			MacSalt:    salt,
			Iterations: pkcs12Iterations,
		},
	})
}

// explicit wraps DER bytes as the content of an [0] EXPLICIT field.
func explicit(der []byte) asn1.RawValue {
	return asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: der}
}

func bagAttributes(alias string, localKeyID []byte) ([]pkcs12Attribute, error) {
	name, err := bmpString(alias)
	if err != nil {
		return nil, err
	}
	nameDER, err := asn1.Marshal(asn1.RawValue{Tag: asn1.TagBMPString, Bytes: name})
	if err != nil {
		return nil, err
	}
	idDER, err := asn1.Marshal(localKeyID)
	if err != nil {
		return nil, err
	}
	set := func(der []byte) asn1.RawValue {
		return asn1.RawValue{Tag: asn1.TagSet, IsCompound: true, Bytes: der}
	}
	return []pkcs12Attribute{
		{ID: oidFriendlyName, Value: set(nameDER)},
		{ID: oidLocalKeyID, Value: set(idDER)},
	}, nil
}

// pbes2Encrypt encrypts data with PBES2 (PBKDF2-HMAC-SHA-256, AES-256-CBC).
// As in OpenSSL and Java, the password enters PBKDF2 as UTF-8 bytes.
func pbes2Encrypt(random io.Reader, data []byte, password string) (pkix.AlgorithmIdentifier, []byte, error) {
	salt := make([]byte, 16)
	iv := make([]byte, aes.BlockSize)
	if _, err := io.ReadFull(random, salt); err != nil {
		return pkix.AlgorithmIdentifier{}, nil, err
	}
	if _, err := io.ReadFull(random, iv); err != nil {
		return pkix.AlgorithmIdentifier{}, nil, err
	}
	key, err := pbkdf2.Key(sha256.New, password, salt, pkcs12Iterations, 32)
	if err != nil {
		return pkix.AlgorithmIdentifier{}, nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return pkix.AlgorithmIdentifier{}, nil, err
	}
	pad := aes.BlockSize - len(data)%aes.BlockSize
	plain := make([]byte, len(data), len(data)+pad)
	copy(plain, data)
	for i := 0; i < pad; i++ {
		plain = append(plain, byte(pad))
	}
	ciphertext := make([]byte, len(plain))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(ciphertext, plain)

	kdfParams, err := asn1.Marshal(pbkdf2Params{
		Salt: salt, Iterations: pkcs12Iterations, KeyLength: 32,
		PRF: pkix.AlgorithmIdentifier{Algorithm: oidHMACWithSHA256, Parameters: asn1NULL},
	})
	if err != nil {
		return pkix.AlgorithmIdentifier{}, nil, err
	}
	ivDER, err := asn1.Marshal(iv)
	if err != nil {
		return pkix.AlgorithmIdentifier{}, nil, err
	}
	params, err := asn1.Marshal(pbes2Params{
		KeyDerivationFunc: pkix.AlgorithmIdentifier{Algorithm: oidPBKDF2, Parameters: asn1.RawValue{FullBytes: kdfParams}},
		EncryptionScheme:  pkix.AlgorithmIdentifier{Algorithm: oidAES256CBC, Parameters: asn1.RawValue{FullBytes: ivDER}},
	})
	if err != nil {
		return pkix.AlgorithmIdentifier{}, nil, err
	}
	return pkix.AlgorithmIdentifier{Algorithm: oidPBES2, Parameters: asn1.RawValue{FullBytes: params}}, ciphertext, nil
}

// bmpString encodes s as big-endian UTF-16, the form PKCS#12 uses for
// friendly names and (zero-terminated) passwords.
func bmpString(s string) ([]byte, error) {
	out := make([]byte, 0, 2*len(s)+2)
	for _, r := range s {
		if r > 0xFFFF || utf16.IsSurrogate(r) {
			return nil, fmt.Errorf("character %q cannot be stored in a PKCS#12 string", r)
		}
		out = append(out, byte(r>>8), byte(r))
	}
	return out, nil
}

// pkcs12KDF is the key derivation of RFC 7292 appendix B.2 with SHA-256,
// used here for the integrity MAC key (id 3).
func pkcs12KDF(salt, password []byte, iterations int, id byte, size int) []byte {
	const u, v = sha256.Size, sha256.BlockSize
	repeatTo := func(b []byte) []byte {
		if len(b) == 0 {
			return nil
		}
		n := v * ((len(b) + v - 1) / v)
		out := make([]byte, n)
		for i := range out {
			out[i] = b[i%len(b)]
		}
		return out
	}
	d := make([]byte, v)
	for i := range d {
		d[i] = id
	}
	in := append(repeatTo(salt), repeatTo(password)...)
	var out []byte
	for len(out) < size {
		h := sha256.Sum256(append(append([]byte{}, d...), in...))
		a := h[:]
		for r := 1; r < iterations; r++ {
			h = sha256.Sum256(a)
			a = h[:]
		}
		out = append(out, a...)
		// I_j = (I_j + B + 1) mod 2^v for every v-byte block of I,
		// where B is A repeated to v bytes.
		b := make([]byte, v)
		for i := range b {
			b[i] = a[i%u]
		}
		for j := 0; j < len(in); j += v {
			carry := 1
			for k := v - 1; k >= 0; k-- {
				sum := int(in[j+k]) + int(b[k]) + carry
				in[j+k] = byte(sum)
				carry = sum >> 8
			}
		}
	}
	return out[:size]
}

// PKCS12Alias returns the friendly name (the Java keystore alias) of the
// private key entry of a keystore, "" when the entry has none. Keystores
// keep that entry in a plain SafeContents, so no password is needed to read
// its name.
func PKCS12Alias(data []byte) (string, error) {
	raw, err := keyFriendlyName(data)
	if err != nil {
		return "", err
	}
	return decodeBMP(raw), nil
}

// keyFriendlyName returns the undecoded BMPString bytes of the private key
// entry's friendly name (nil when it has none).
func keyFriendlyName(data []byte) ([]byte, error) {
	var p pfx
	if _, err := asn1.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("not a PKCS#12 keystore: %w", err)
	}
	var authSafeOctets []byte
	if _, err := asn1.Unmarshal(p.AuthSafe.Content.Bytes, &authSafeOctets); err != nil {
		return nil, err
	}
	var infos []contentInfo
	if _, err := asn1.Unmarshal(authSafeOctets, &infos); err != nil {
		return nil, err
	}
	for _, ci := range infos {
		if !ci.ContentType.Equal(oidData) {
			continue
		}
		var safeOctets []byte
		if _, err := asn1.Unmarshal(ci.Content.Bytes, &safeOctets); err != nil {
			return nil, err
		}
		var bags []safeBag
		if _, err := asn1.Unmarshal(safeOctets, &bags); err != nil {
			return nil, err
		}
		for _, bag := range bags {
			if bag.ID.Equal(oidShroudedKeyBag) {
				return friendlyName(bag)
			}
		}
	}
	return nil, fmt.Errorf("the keystore holds no readable private key entry")
}

// friendlyName returns the raw friendly name attribute of bag, if any.
func friendlyName(bag safeBag) ([]byte, error) {
	for _, a := range bag.Attributes {
		if !a.ID.Equal(oidFriendlyName) {
			continue
		}
		var name asn1.RawValue
		if _, err := asn1.Unmarshal(a.Value.Bytes, &name); err != nil {
			return nil, err
		}
		return name.Bytes, nil
	}
	return nil, nil
}

// decodeBMP decodes big-endian UTF-16, keeping any zero characters: a
// terminator in a friendly name is part of the alias Java reads.
func decodeBMP(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
	}
	return string(utf16.Decode(u))
}
