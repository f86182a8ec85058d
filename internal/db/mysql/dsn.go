package mysql

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/sqlscim/sqlscim/internal/db"

	// serverTimezone=Europe/Paris must work on hosts without a zoneinfo
	// database (distroless images, Windows).
	_ "time/tzdata"
)

// DSN builds a go-sql-driver/mysql DSN with mysql.Config and FormatDSN.
//
// Connector/J properties are translated (case-insensitively on the name):
//
//	Connector/J property        go-sql-driver setting
//	--------------------        ---------------------
//	useSSL=false                tls=false
//	useSSL=true                 tls=skip-verify  (Connector/J 8 treats useSSL=true as sslMode=REQUIRED:
//	                                             encrypted, certificate not verified)
//	sslMode=DISABLED            tls=false
//	sslMode=PREFERRED           tls=preferred    (TLS when the server offers it, unverified, else plaintext)
//	sslMode=REQUIRED            tls=skip-verify  (TLS required, certificate not verified)
//	sslMode=VERIFY_CA           tls=true         (Go always checks the host name too, so this is
//	                                             stricter than VERIFY_CA: it behaves as VERIFY_IDENTITY)
//	sslMode=VERIFY_IDENTITY     tls=true         (chain and host name verified)
//	serverTimezone=<zone>       loc=<zone>       (time.LoadLocation; an unknown zone is an error)
//	characterEncoding=UTF-8     charset=utf8mb4  (utf8, utf8mb3 and utf8mb4 too; any other encoding is refused, below)
//	connectTimeout=<ms>         timeout          (0 = no timeout)
//	socketTimeout=<ms>          readTimeout and writeTimeout (0 = no timeout)
//
// sslMode wins over useSSL, as in Connector/J, and a go-sql-driver
// parameter wins over the Connector/J property that translates to it.
//
// These Connector/J properties are accepted and ignored:
//
//	allowMultiQueries, multiStatements  sqlscim sends one statement at a time; multi-statement
//	                                    mode stays off
//	useUnicode                          the connection charset (utf8mb4 by default) is always Unicode
//	zeroDateTimeBehavior                a zero date reads as the zero time.Time
//	autoReconnect                       database/sql replaces broken connections itself
//	useLegacyDatetimeCode               no legacy date/time code path exists in Go
//	cachePrepStmts, prepStmtCacheSize,  sqlscim keeps up to 64 prepared statements per pool itself
//	prepStmtCacheSqlLimit,
//	useServerPrepStmts
//	rewriteBatchedStatements            sqlscim does not batch statements
//	allowPublicKeyRetrieval             go-sql-driver fetches the RSA key when it needs it
//
// go-sql-driver parameters pass through under their own names: tls,
// timeout, readTimeout, writeTimeout, charset, collation, loc, parseTime,
// allowCleartextPasswords, allowFallbackToPlaintext, allowNativePasswords,
// allowOldPasswords, checkConnLiveness, clientFoundRows, columnsWithAlias,
// compress, connectionAttributes, maxAllowedPacket, rejectReadOnly and
// timeTruncate. allowAllFiles, serverPubKey and strict are refused. Any
// other property is an error: go-sql-driver would send an unknown
// parameter to the server as a SET of a session variable.
//
// Text goes to the server as UTF-8 and nothing else. go-sql-driver sends
// Go's UTF-8 bytes as they are, labelled with the connection's character
// set, where Connector/J converts them: with ISO-8859-1, "中" would be
// stored as "ä¸­" after a successful write. So characterEncoding, charset
// and collation must name UTF-8 (utf8mb4, utf8, utf8mb3); the server
// converts to each column's own character set, as it does for Connector/J.
// interpolateParams=true is refused too: it makes the driver splice values
// into the SQL text, escaped with backslashes, whenever a statement runs
// unprepared, and a multibyte character set (GBK, Big5, SJIS) swallows a
// backslash into a character and ends the string: SQL injection. sqlscim
// binds every value; interpolateParams=false is accepted.
//
// parseTime is true unless the properties set it, so DATE, DATETIME and
// TIMESTAMP columns scan into time.Time.
func (d Dialect) DSN(c db.Conn) (string, error) {
	host, port, err := d.server(c)
	if err != nil {
		return "", err
	}
	user, pass := c.User, c.Password.Reveal()
	params, err := translate(c.Properties, &user, &pass)
	if err != nil {
		return "", err
	}
	if strings.Contains(user, ":") {
		return "", fmt.Errorf("MySQL user name %q contains ':', which go-sql-driver/mysql cannot express", user)
	}
	if user == "" && pass != "" {
		return "", errors.New("MySQL connection has a password but no user")
	}

	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var q []string
	for _, k := range keys {
		v := params[k]
		switch k {
		case "loc", "tls", "connectionAttributes":
			// The driver unescapes these.
			v = url.QueryEscape(v)
		default:
			if strings.ContainsAny(v, "&") {
				return "", fmt.Errorf("MySQL connection property %q: value must not contain '&'", k)
			}
		}
		q = append(q, k+"="+v)
	}
	base := "tcp(" + net.JoinHostPort(host, strconv.Itoa(port)) + ")/"
	if len(q) > 0 {
		base += "?" + strings.Join(q, "&")
	}
	// The driver's own parser validates every value (booleans, durations,
	// TLS modes, time zones) exactly as it will when the pool opens.
	cfg, err := mysql.ParseDSN(base)
	if err != nil {
		return "", fmt.Errorf("MySQL connection properties: %w", err)
	}
	cfg.User = user
	cfg.Passwd = pass
	cfg.DBName = c.Database
	if _, set := params["parseTime"]; !set {
		cfg.ParseTime = true
	}
	return cfg.FormatDSN(), nil
}

// nativeParams are the go-sql-driver/mysql DSN parameters passed through,
// by lower-cased name.
var nativeParams = func() map[string]string {
	m := map[string]string{}
	for _, n := range []string{
		"tls", "timeout", "readTimeout", "writeTimeout", "charset", "collation", "loc", "parseTime",
		"allowCleartextPasswords", "allowFallbackToPlaintext", "allowNativePasswords", "allowOldPasswords",
		"checkConnLiveness", "clientFoundRows", "columnsWithAlias", "compress", "connectionAttributes",
		"maxAllowedPacket", "rejectReadOnly", "timeTruncate",
	} {
		m[strings.ToLower(n)] = n
	}
	return m
}()

// ignoredProps are Connector/J properties accepted without effect, by
// lower-cased name; DSN's comment gives the reasons.
var ignoredProps = map[string]bool{
	"allowmultiqueries": true, "multistatements": true, "useunicode": true, "zerodatetimebehavior": true,
	"autoreconnect": true, "uselegacydatetimecode": true, "cacheprepstmts": true, "prepstmtcachesize": true,
	"prepstmtcachesqllimit": true, "useserverprepstmts": true, "rewritebatchedstatements": true,
	"allowpublickeyretrieval": true,
}

// refusedParams are driver parameters sqlscim will not pass, with the reason.
var refusedParams = map[string]string{
	"allowallfiles": "it lets LOAD DATA LOCAL INFILE read any file of the sqlscim host",
	"serverpubkey":  "it names a key registered in code, which sqlscim does not do",
	"strict":        "go-sql-driver/mysql removed strict mode",
}

// translate turns the properties into go-sql-driver parameters, by their
// driver names. user and password properties fill empty fields.
func translate(props map[string]string, user, pass *string) (map[string]string, error) {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	translated := map[string]string{}
	native := map[string]string{}
	var useSSL, sslMode string
	for _, k := range keys {
		v := strings.TrimSpace(props[k])
		lk := strings.ToLower(strings.TrimSpace(k))
		switch {
		case lk == "user":
			if *user == "" {
				*user = v
			}
		case lk == "password":
			if *pass == "" {
				*pass = props[k]
			}
		case lk == "usessl":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return nil, fmt.Errorf("MySQL connection property %s=%q: want true or false", k, v)
			}
			useSSL = "false"
			if b {
				useSSL = "skip-verify"
			}
		case lk == "sslmode":
			switch strings.ToUpper(v) {
			case "DISABLED":
				sslMode = "false"
			case "PREFERRED":
				sslMode = "preferred"
			case "REQUIRED":
				sslMode = "skip-verify"
			case "VERIFY_CA", "VERIFY_IDENTITY":
				sslMode = "true"
			default:
				return nil, fmt.Errorf("MySQL connection property %s=%q: want DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY", k, v)
			}
		case lk == "servertimezone":
			if _, err := time.LoadLocation(v); err != nil || v == "" {
				return nil, fmt.Errorf("MySQL connection property %s=%q: unknown time zone", k, v)
			}
			translated["loc"] = v
		case lk == "characterencoding":
			if !isUTF8(v) {
				return nil, fmt.Errorf("MySQL connection property %s=%q is not supported: %s; remove it or set it to UTF-8", k, v, utf8Only)
			}
			translated["charset"] = "utf8mb4"
		case lk == "charset":
			for _, cs := range strings.Split(v, ",") {
				if !isUTF8(cs) {
					return nil, fmt.Errorf("MySQL connection property %s=%q is not supported: %s; remove it or set it to utf8mb4", k, v, utf8Only)
				}
			}
			native["charset"] = v
		case lk == "collation":
			cs, _, _ := strings.Cut(strings.ToLower(v), "_")
			if !isUTF8(cs) {
				return nil, fmt.Errorf("MySQL connection property %s=%q is not supported: %s; remove it or name a utf8mb4 collation (utf8mb4_unicode_ci)", k, v, utf8Only)
			}
			native["collation"] = v
		case lk == "interpolateparams":
			on, err := strconv.ParseBool(v)
			if err != nil {
				return nil, fmt.Errorf("MySQL connection property %s=%q: want true or false", k, v)
			}
			if on {
				return nil, fmt.Errorf("MySQL connection property %s=%q is not allowed: it makes the driver splice values into the SQL text instead of binding them, which a multibyte character set turns into SQL injection; sqlscim binds every value, remove it", k, v)
			}
		case lk == "connecttimeout":
			d, err := millis(k, v)
			if err != nil {
				return nil, err
			}
			if d != "" {
				translated["timeout"] = d
			}
		case lk == "sockettimeout":
			d, err := millis(k, v)
			if err != nil {
				return nil, err
			}
			if d != "" {
				translated["readTimeout"] = d
				translated["writeTimeout"] = d
			}
		case ignoredProps[lk]:
		case refusedParams[lk] != "":
			return nil, fmt.Errorf("MySQL connection property %q is not allowed: %s", k, refusedParams[lk])
		case nativeParams[lk] != "":
			native[nativeParams[lk]] = v
		default:
			return nil, fmt.Errorf("unknown MySQL connection property %q; use a Connector/J property sqlscim translates (useSSL, sslMode, serverTimezone, characterEncoding, connectTimeout, socketTimeout) or a go-sql-driver/mysql parameter (tls, timeout, readTimeout, writeTimeout, charset, collation, loc, parseTime, ...)", k)
		}
	}
	switch {
	case sslMode != "":
		translated["tls"] = sslMode
	case useSSL != "":
		translated["tls"] = useSSL
	}
	for k, v := range native {
		translated[k] = v
	}
	return translated, nil
}

// millis turns a Connector/J millisecond count into a Go duration text,
// "" for 0 (no timeout).
func millis(key, v string) (string, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return "", fmt.Errorf("MySQL connection property %s=%q: want a number of milliseconds", key, v)
	}
	if n == 0 {
		return "", nil
	}
	return (time.Duration(n) * time.Millisecond).String(), nil
}

// utf8Only says why only UTF-8 is accepted.
const utf8Only = "go-sql-driver/mysql sends text as UTF-8 without converting it, so sqlscim speaks UTF-8 (utf8mb4) only, and the server converts to each column's own character set"

// isUTF8 reports a Java or MySQL name of UTF-8.
func isUTF8(enc string) bool {
	switch strings.ToLower(strings.NewReplacer("-", "", "_", "").Replace(strings.TrimSpace(enc))) {
	case "utf8", "utf8mb4", "utf8mb3":
		return true
	}
	return false
}
