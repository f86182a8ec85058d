package certs

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"math/big"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"software.sslmate.com/src/go-pkcs12"
)

func TestNewTokenIsThirtyTwoLowerHex(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 20; i++ {
		tok, err := NewToken()
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(tok) {
			t.Fatalf("token %q is not 32 lower-case hex characters", tok)
		}
		if seen[tok] {
			t.Fatalf("token %q repeated", tok)
		}
		seen[tok] = true
	}
}

func TestGenerateHasOPSSubjectAndSANs(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c, err := Generate(Subject{Hostname: "scim.example.internal", CustomerID: "acme", PrimaryIPv4: net.IPv4(10, 1, 2, 3)},
		Options{KeyBits: 2048, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Cert.Subject.String(), "CN=scim.example.internal,OU=OktaOnPremScimServer,O=Okta,L=San Francisco,ST=CA,C=US"; got != want {
		t.Errorf("subject = %q, want %q", got, want)
	}
	if got := c.Cert.DNSNames; len(got) != 3 || got[0] != "localhost" || got[1] != "scim.example.internal" || got[2] != "acme.okta.com" {
		t.Errorf("DNS names = %v", got)
	}
	if got := c.Cert.IPAddresses; len(got) != 2 || !got[0].Equal(net.IPv4(127, 0, 0, 1)) || !got[1].Equal(net.IPv4(10, 1, 2, 3)) {
		t.Errorf("IP addresses = %v", got)
	}
	if got := c.Cert.NotAfter.Sub(c.Cert.NotBefore); got != DefaultValidity {
		t.Errorf("validity = %v, want %v", got, DefaultValidity)
	}
	if err := c.Cert.CheckSignatureFrom(c.Cert); err != nil {
		t.Errorf("not self-signed: %v", err)
	}
}

func TestPKCS12RoundTripKeepsAliasAndRefusesWrongPassword(t *testing.T) {
	c, err := Generate(Subject{Hostname: "h"}, Options{KeyBits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	for _, password := range []string{"0123456789abcdef", "pässwörd with spaces", ""} {
		p12, err := c.PKCS12(password)
		if err != nil {
			t.Fatal(err)
		}
		back, err := LoadPKCS12(p12, password)
		if err != nil {
			t.Fatalf("password %q: %v", password, err)
		}
		if !back.Key.Equal(c.Key) || !back.Cert.Equal(c.Cert) {
			t.Fatalf("password %q: the keystore did not give back the same pair", password)
		}
		alias, err := PKCS12Alias(p12)
		if err != nil {
			t.Fatal(err)
		}
		if alias != KeyAlias {
			t.Errorf("alias = %q, want %q", alias, KeyAlias)
		}
		if _, err := LoadPKCS12(p12, password+"x"); err != ErrWrongPassword {
			t.Errorf("wrong password: err = %v, want ErrWrongPassword", err)
		}
	}
}

func TestPEMRoundTrip(t *testing.T) {
	c, err := Generate(Subject{Hostname: "h"}, Options{KeyBits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, err := c.KeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	back, err := LoadPEM(c.CertPEM(), keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Key.Equal(c.Key) {
		t.Fatal("key changed")
	}
	other, err := Generate(Subject{Hostname: "h"}, Options{KeyBits: 1024})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadPEM(other.CertPEM(), keyPEM); err == nil {
		t.Fatal("a certificate with a foreign key was accepted")
	}
}

// utf16BE spells s in big-endian UTF-16 without a terminator, written out
// independently of bmpString so that the test does not share its mistakes.
func utf16BE(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u>>8), byte(u))
	}
	return b
}

// A zero terminator after the friendly name becomes part of the alias Java
// reads ("okscimservercert\u0000"), and Spring Boot then cannot find
// server.ssl.key-alias: the name must be exactly the alias's characters.
func TestPKCS12FriendlyNameIsTheBareAlias(t *testing.T) {
	c, err := Generate(Subject{Hostname: "h"}, Options{KeyBits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	p12, err := c.PKCS12("secret")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := keyFriendlyName(p12)
	if err != nil {
		t.Fatal(err)
	}
	if want := utf16BE("okscimservercert"); !bytes.Equal(raw, want) {
		t.Errorf("key entry friendlyName = % x, want % x", raw, want)
	}
	// The certificate bag carries the same attributes.
	attrs, err := bagAttributes(KeyAlias, []byte{1})
	if err != nil {
		t.Fatal(err)
	}
	var name asn1.RawValue
	if _, err := asn1.Unmarshal(attrs[0].Value.Bytes, &name); err != nil {
		t.Fatal(err)
	}
	if name.Tag != asn1.TagBMPString || !bytes.Equal(name.Bytes, utf16BE(KeyAlias)) {
		t.Errorf("friendlyName attribute = tag %d % x", name.Tag, name.Bytes)
	}
}

func TestDecodeBMPKeepsZeroCharacters(t *testing.T) {
	if got := decodeBMP(append(utf16BE("ab"), 0, 0)); got != "ab\x00" {
		t.Errorf("decodeBMP = %q, want %q", got, "ab\x00")
	}
}

// caChain makes a root CA, an intermediate CA it signed and a server
// certificate the intermediate signed, with its key.
func caChain(t *testing.T) (leaf *Credentials, intermediate, root *x509.Certificate) {
	t.Helper()
	issue := func(tmpl *x509.Certificate, parent *x509.Certificate, parentKey *rsa.PrivateKey) (*x509.Certificate, *rsa.PrivateKey) {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		if parent == nil {
			parent, parentKey = tmpl, key
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
		if err != nil {
			t.Fatal(err)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		return cert, key
	}
	now := time.Now()
	ca := func(serial int64, cn string) *x509.Certificate {
		return &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
			KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true,
		}
	}
	root, rootKey := issue(ca(1, "Test Root CA"), nil, nil)
	intermediate, interKey := issue(ca(2, "Test Issuing CA"), root, rootKey)
	cert, key := issue(&x509.Certificate{
		SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "scim.example.internal"},
		DNSNames: []string{"scim.example.internal"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, intermediate, interKey)
	return &Credentials{Key: key, Cert: cert}, intermediate, root
}

// checkChain asserts that c serves want (the leaf) first and then its
// issuers in order.
func checkChain(t *testing.T, c *Credentials, want ...*x509.Certificate) {
	t.Helper()
	if !c.Cert.Equal(want[0]) {
		t.Fatalf("leaf = %s, want %s", c.Cert.Subject, want[0].Subject)
	}
	served := c.TLSCertificate().Certificate
	if len(served) != len(want) {
		t.Fatalf("serves %d certificates, want %d", len(served), len(want))
	}
	for i, w := range want {
		if !bytes.Equal(served[i], w.Raw) {
			got, _ := x509.ParseCertificate(served[i])
			t.Errorf("certificate %d served is %s, want %s", i, got.Subject, w.Subject)
		}
	}
}

func TestPKCS12WithCACertificatesServesTheChainLeafFirst(t *testing.T) {
	leaf, intermediate, root := caChain(t)
	unrelated, err := Generate(Subject{Hostname: "another-ca"}, Options{KeyBits: 2048})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("as written by this package", func(t *testing.T) {
		c := &Credentials{Key: leaf.Key, Cert: leaf.Cert, Chain: []*x509.Certificate{intermediate, root}}
		p12, err := c.PKCS12("pw")
		if err != nil {
			t.Fatal(err)
		}
		back, err := LoadPKCS12(p12, "pw")
		if err != nil {
			t.Fatal(err)
		}
		checkChain(t, back, leaf.Cert, intermediate, root)
		if alias, err := PKCS12Alias(p12); err != nil || alias != KeyAlias {
			t.Errorf("alias = %q, %v", alias, err)
		}
	})
	t.Run("leaf not first, with an unrelated CA", func(t *testing.T) {
		// go-pkcs12 writes its "certificate" argument first; put the root
		// there, so that only the key can tell which is the leaf.
		p12, err := pkcs12.Modern.Encode(leaf.Key, root, []*x509.Certificate{unrelated.Cert, leaf.Cert, intermediate}, "pw")
		if err != nil {
			t.Fatal(err)
		}
		back, err := LoadPKCS12(p12, "pw")
		if err != nil {
			t.Fatal(err)
		}
		checkChain(t, back, leaf.Cert, intermediate, root)
	})
	t.Run("PEM certificate file with its chain", func(t *testing.T) {
		keyPEM, err := leaf.KeyPEM()
		if err != nil {
			t.Fatal(err)
		}
		chainPEM := append(leaf.CertPEM(), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: intermediate.Raw})...)
		back, err := LoadPEM(chainPEM, keyPEM)
		if err != nil {
			t.Fatal(err)
		}
		checkChain(t, back, leaf.Cert, intermediate)
	})
	t.Run("no certificate for the key", func(t *testing.T) {
		p12, err := pkcs12.Modern.Encode(leaf.Key, root, []*x509.Certificate{intermediate}, "pw")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := LoadPKCS12(p12, "pw"); err == nil || !strings.Contains(err.Error(), "belongs to the private key") {
			t.Errorf("err = %v, want one saying no certificate belongs to the key", err)
		}
	})
}

func TestGenerateAddsOtherNamesAfterTheHostName(t *testing.T) {
	c, err := Generate(Subject{Hostname: "scim.example.internal", OtherNames: []string{"scim", "localhost"}, CustomerID: "acme"},
		Options{KeyBits: 2048})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(c.Cert.DNSNames, ","), "localhost,scim.example.internal,scim,acme.okta.com"; got != want {
		t.Errorf("DNS names = %s, want %s", got, want)
	}
	if c.Cert.Subject.CommonName != "scim.example.internal" {
		t.Errorf("CN = %s", c.Cert.Subject.CommonName)
	}
}
