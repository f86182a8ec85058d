// Package certs makes and loads the credentials an Okta On-Prem SCIM Server
// installation is made of: the bearer token, the self-signed RSA certificate
// with its PEM key, and the PKCS#12 keystore Spring Boot serves TLS from.
//
// It knows nothing of file layouts or configuration keys; the config package
// decides where the files live. It imports only the standard library and the
// PKCS#12 decoder.
package certs

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

// KeyAlias is the alias OPS gives the server key in its PKCS#12 keystore
// (server.ssl.key-alias).
const KeyAlias = "okscimservercert"

// DefaultKeyBits and DefaultValidity are the parameters OPS's installer uses.
const (
	DefaultKeyBits  = 4096
	DefaultValidity = 3650 * 24 * time.Hour
)

// NewToken returns a bearer token in the OPS format: 32 lower-case
// hexadecimal characters (16 random bytes, like `openssl rand -hex 16`).
func NewToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("read random bytes for the token: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// Subject describes the host a certificate is made for.
type Subject struct {
	// Hostname becomes the common name and a DNS name: the fully qualified
	// name when one is known, as OPS's installer takes it from `hostname -f`.
	Hostname string
	// OtherNames are further DNS names of the host, such as its short name
	// beside the fully qualified one, so that clients may use either.
	OtherNames []string
	// CustomerID, when set, adds the DNS name <CustomerID>.okta.com as OPS does.
	CustomerID string
	// PrimaryIPv4, when set, is added as an IP address.
	PrimaryIPv4 net.IP
}

// Options tune certificate generation; the zero value means the OPS defaults.
type Options struct {
	KeyBits  int
	Validity time.Duration
	Now      func() time.Time
}

// Credentials is a generated or loaded key pair.
type Credentials struct {
	Key  *rsa.PrivateKey
	Cert *x509.Certificate
	// Chain holds the certificates that vouch for Cert, issuer after subject:
	// the CA certificates a keystore or PEM file carries beside a CA-signed
	// certificate. Clients need them to reach their trusted root, so they
	// are served after Cert. A self-signed certificate has none.
	Chain []*x509.Certificate
}

// Generate makes an RSA key and a self-signed certificate with the subject
// and subject alternative names OPS's installer writes:
// C=US, ST=CA, L=San Francisco, O=Okta, OU=OktaOnPremScimServer, CN=<host>
// and SANs localhost, 127.0.0.1, <host>, <customer>.okta.com, <primary IPv4>.
func Generate(s Subject, o Options) (*Credentials, error) {
	bits := o.KeyBits
	if bits == 0 {
		bits = DefaultKeyBits
	}
	validity := o.Validity
	if validity == 0 {
		validity = DefaultValidity
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	if s.Hostname == "" {
		s.Hostname = "localhost"
	}

	key, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		return nil, fmt.Errorf("generate RSA-%d key: %w", bits, err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("generate serial number: %w", err)
	}
	notBefore := now().UTC().Truncate(time.Second)
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject: pkix.Name{
			Country:            []string{"US"},
			Province:           []string{"CA"},
			Locality:           []string{"San Francisco"},
			Organization:       []string{"Okta"},
			OrganizationalUnit: []string{"OktaOnPremScimServer"},
			CommonName:         s.Hostname,
		},
		NotBefore:             notBefore,
		NotAfter:              notBefore.Add(validity),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true, // self-signed: lets clients pin it as its own root
		DNSNames:              dnsNames(s),
		IPAddresses:           ipAddresses(s),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("create certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse new certificate: %w", err)
	}
	return &Credentials{Key: key, Cert: cert}, nil
}

func dnsNames(s Subject) []string {
	names := []string{"localhost"}
	add := func(n string) {
		for _, have := range names {
			if have == n {
				return
			}
		}
		names = append(names, n)
	}
	add(s.Hostname)
	for _, n := range s.OtherNames {
		add(n)
	}
	if s.CustomerID != "" {
		add(s.CustomerID + ".okta.com")
	}
	return names
}

func ipAddresses(s Subject) []net.IP {
	ips := []net.IP{net.IPv4(127, 0, 0, 1)}
	if ip := s.PrimaryIPv4.To4(); ip != nil && !ip.IsLoopback() {
		ips = append(ips, ip)
	}
	return ips
}

// CertPEM returns the certificate as a PEM block.
func (c *Credentials) CertPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Cert.Raw})
}

// KeyPEM returns the private key as a PKCS#8 PEM block, as openssl writes it.
func (c *Credentials) KeyPEM() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(c.Key)
	if err != nil {
		return nil, fmt.Errorf("encode private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// PKCS12 returns a keystore holding the key, the certificate and its chain
// under KeyAlias, protected by password.
func (c *Credentials) PKCS12(password string) ([]byte, error) {
	return encodePKCS12(rand.Reader, c.Key, c.Cert, c.Chain, KeyAlias, password)
}

// TLSCertificate returns the pair as a tls.Certificate that presents the
// certificate first and then its chain, the order TLS requires.
func (c *Credentials) TLSCertificate() tls.Certificate {
	der := make([][]byte, 0, 1+len(c.Chain))
	der = append(der, c.Cert.Raw)
	for _, ca := range c.Chain {
		der = append(der, ca.Raw)
	}
	return tls.Certificate{Certificate: der, PrivateKey: c.Key, Leaf: c.Cert}
}

// ErrWrongPassword reports a keystore whose password does not open it.
var ErrWrongPassword = errors.New("the keystore password is wrong")

// LoadPKCS12 opens a PKCS#12 keystore and returns its key, the certificate
// that belongs to the key and that certificate's chain. A keystore replaced
// with a CA-signed certificate usually carries the CA certificates too.
func LoadPKCS12(data []byte, password string) (*Credentials, error) {
	key, cert, caCerts, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		if errors.Is(err, pkcs12.ErrIncorrectPassword) {
			return nil, ErrWrongPassword
		}
		return nil, fmt.Errorf("not a readable PKCS#12 keystore: %w", err)
	}
	return newCredentials(key, append([]*x509.Certificate{cert}, caCerts...))
}

// LoadPEM reads a PEM certificate, optionally followed by its chain, and its
// PEM private key (PKCS#1 or PKCS#8).
func LoadPEM(certPEM, keyPEM []byte) (*Credentials, error) {
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, err
	}
	all := make([]*x509.Certificate, 0, len(pair.Certificate))
	for _, der := range pair.Certificate {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("parse certificate: %w", err)
		}
		all = append(all, c)
	}
	return newCredentials(pair.PrivateKey, all)
}

// newCredentials finds, among the certificates found with key, the one that
// belongs to it, whatever their order in the file, and builds its chain.
func newCredentials(key crypto.PrivateKey, all []*x509.Certificate) (*Credentials, error) {
	rsaKey, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("the private key is %T; OPS keystores hold RSA keys", key)
	}
	for i, cert := range all {
		if pub, ok := cert.PublicKey.(*rsa.PublicKey); ok && pub.Equal(&rsaKey.PublicKey) {
			others := append(append([]*x509.Certificate{}, all[:i]...), all[i+1:]...)
			return &Credentials{Key: rsaKey, Cert: cert, Chain: chainOf(cert, others)}, nil
		}
	}
	if len(all) == 0 {
		return nil, errors.New("no certificate found")
	}
	return nil, errors.New("no certificate belongs to the private key")
}

// chainOf follows issuers from cert through pool, as Java does when it
// builds a keystore entry's chain. Certificates that are not cert's issuers
// (other CAs kept in the same keystore) are left out: serving them would
// only lengthen every handshake.
func chainOf(cert *x509.Certificate, pool []*x509.Certificate) []*x509.Certificate {
	var chain []*x509.Certificate
	for cur := cert; !bytes.Equal(cur.RawIssuer, cur.RawSubject); {
		i := issuerIndex(cur, pool)
		if i < 0 {
			break
		}
		cur = pool[i]
		chain = append(chain, cur)
		pool = append(pool[:i:i], pool[i+1:]...)
	}
	return chain
}

// issuerIndex returns the position in pool of the certificate that issued
// cert, or -1. One whose key verifies cert's signature is preferred to one
// that only bears the issuer's name, which a renewed CA shares with its
// predecessor.
func issuerIndex(cert *x509.Certificate, pool []*x509.Certificate) int {
	named := -1
	for i, c := range pool {
		if !bytes.Equal(c.RawSubject, cert.RawIssuer) {
			continue
		}
		if cert.CheckSignatureFrom(c) == nil {
			return i
		}
		if named < 0 {
			named = i
		}
	}
	return named
}
