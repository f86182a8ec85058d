package oracle

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/sqlscim/sqlscim/internal/db"
)

// DSN builds a go-ora URL, oracle://user:password@host:port/service?OPTION=value,
// with url.URL and url.Values rather than go_ora.BuildUrl: BuildUrl splits
// every option value at commas and writes the options in map order. A SID
// goes into the SID option; a connect descriptor into connStr, with the
// empty address ":0" that go_ora.BuildJDBC uses too.
//
// Oracle JDBC properties are translated (case-insensitively on the name):
//
//	JDBC property                              go-ora option
//	-------------                              -------------
//	ssl=true|false                             SSL (also set by a tcps:// URL)
//	sslVerify                                  SSL VERIFY
//	wallet, oracle.net.wallet_location,        WALLET (a directory; the DIRECTORY of a
//	wallet_location, TNS_ADMIN                 (SOURCE=(METHOD=FILE)(METHOD_DATA=(DIRECTORY=...))) is used)
//	walletPassword                             WALLET PASSWORD
//	oracle.net.CONNECT_TIMEOUT=<ms>            CONNECTION TIMEOUT (seconds, rounded up)
//	connect_timeout=<s>                        CONNECTION TIMEOUT
//	defaultRowPrefetch, oracle.jdbc.defaultRowPrefetch   PREFETCH_ROWS
//	v$session.program                          PROGRAM
//	internal_logon=sysdba|sysoper              DBA PRIVILEGE
//
// Accepted and ignored: oracle.jdbc.timezoneAsRegion,
// oracle.jdbc.fanEnabled, oracle.jdbc.implicitStatementCacheSize,
// oracle.net.disableOob, oracle.jdbc.ReadTimeout, oracle.net.READ_TIMEOUT
// (deadlines come from the request context), oracle.net.ssl_server_dn_match
// (go-ora verifies the certificate and host name unless SSL VERIFY=false),
// retry_count and retry_delay.
//
// go-ora options pass through under their own names (case-insensitive):
// SSL, SSL VERIFY, WALLET, WALLET PASSWORD, AUTH TYPE, CONNECTION TIMEOUT,
// CONNECT TIMEOUT, TIMEOUT, PREFETCH_ROWS, LOB FETCH, LANGUAGE, TERRITORY,
// CHARSET, CLIENT CHARSET, PROGRAM, ENCRYPTION, DATA INTEGRITY,
// DBA PRIVILEGE, INSTANCE NAME, PROXY CLIENT NAME, CID, SERVER. A go-ora
// option wins over the JDBC property that translates to it. Anything else
// is an error.
func (d Dialect) DSN(c db.Conn) (string, error) {
	user, pass := c.User, c.Password.Reveal()
	opts, err := translate(c.Properties, &user, &pass)
	if err != nil {
		return "", err
	}
	if user == "" {
		return "", errors.New("Oracle connection has no user")
	}
	u := url.URL{Scheme: "oracle", User: url.UserPassword(user, pass), Path: "/"}
	switch {
	case c.Descriptor != "":
		if !strings.HasPrefix(strings.TrimSpace(c.Descriptor), "(") {
			return "", errors.New("Oracle connect descriptor must start with (DESCRIPTION=")
		}
		u.Host = ":0"
		opts["connStr"] = strings.TrimSpace(c.Descriptor)
	default:
		host, port, err := d.server(c)
		if err != nil {
			return "", err
		}
		u.Host = net.JoinHostPort(host, strconv.Itoa(port))
		switch {
		case c.SID != "" && c.Database != "":
			return "", errors.New("Oracle connection has both a service name and a SID; keep one")
		case c.SID != "":
			opts["SID"] = c.SID
		case c.Database != "":
			u.Path = "/" + c.Database
		default:
			return "", errors.New("Oracle connection needs a service name (database), a SID or a connect descriptor")
		}
	}
	q := url.Values{}
	for k, v := range opts {
		q.Set(k, v)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// nativeOptions are the go-ora URL options passed through, upper-cased.
var nativeOptions = map[string]bool{
	"SSL": true, "SSL VERIFY": true, "WALLET": true, "WALLET PASSWORD": true, "AUTH TYPE": true,
	"CONNECTION TIMEOUT": true, "CONNECT TIMEOUT": true, "TIMEOUT": true, "PREFETCH_ROWS": true, "LOB FETCH": true,
	"LANGUAGE": true, "TERRITORY": true, "CHARSET": true, "CLIENT CHARSET": true, "PROGRAM": true,
	"ENCRYPTION": true, "DATA INTEGRITY": true, "DBA PRIVILEGE": true, "INSTANCE NAME": true,
	"PROXY CLIENT NAME": true, "CID": true, "SERVER": true,
}

// ignoredProps are Oracle JDBC properties accepted without effect, lower-cased.
var ignoredProps = map[string]bool{
	"oracle.jdbc.timezoneasregion": true, "oracle.jdbc.fanenabled": true, "oracle.jdbc.implicitstatementcachesize": true,
	"oracle.net.disableoob": true, "oracle.jdbc.readtimeout": true, "oracle.net.read_timeout": true,
	"oracle.net.ssl_server_dn_match": true, "retry_count": true, "retry_delay": true,
}

var reDirectory = regexp.MustCompile(`(?i)\(\s*DIRECTORY\s*=\s*([^)]*?)\s*\)`)

// translate turns the properties into go-ora options and fills empty user
// and password fields from user and password properties.
func translate(props map[string]string, user, pass *string) (map[string]string, error) {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	translated := map[string]string{}
	native := map[string]string{}
	boolean := func(k, v string) (string, error) {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return "", fmt.Errorf("Oracle connection property %s=%q: want true or false", k, v)
		}
		return strconv.FormatBool(b), nil
	}
	for _, k := range keys {
		v := strings.TrimSpace(props[k])
		lk := strings.ToLower(strings.TrimSpace(k))
		var err error
		switch {
		case lk == "user":
			if *user == "" {
				*user = v
			}
		case lk == "password":
			if *pass == "" {
				*pass = props[k]
			}
		case lk == "ssl":
			if translated["SSL"], err = boolean(k, v); err != nil {
				return nil, err
			}
		case lk == "sslverify":
			if translated["SSL VERIFY"], err = boolean(k, v); err != nil {
				return nil, err
			}
		case lk == "wallet" || lk == "oracle.net.wallet_location" || lk == "wallet_location" || lk == "tns_admin":
			dir := v
			if strings.HasPrefix(v, "(") {
				m := reDirectory.FindStringSubmatch(v)
				if m == nil {
					return nil, fmt.Errorf("Oracle connection property %s: no (DIRECTORY=...) in %q", k, v)
				}
				dir = m[1]
			}
			translated["WALLET"] = dir
		case lk == "walletpassword":
			translated["WALLET PASSWORD"] = props[k]
		case lk == "oracle.net.connect_timeout":
			ms, err := strconv.Atoi(v)
			if err != nil || ms < 0 {
				return nil, fmt.Errorf("Oracle connection property %s=%q: want a number of milliseconds", k, v)
			}
			if ms > 0 {
				translated["CONNECTION TIMEOUT"] = strconv.Itoa((ms + 999) / 1000)
			}
		case lk == "connect_timeout":
			s, err := strconv.Atoi(v)
			if err != nil || s < 0 {
				return nil, fmt.Errorf("Oracle connection property %s=%q: want a number of seconds", k, v)
			}
			if s > 0 {
				translated["CONNECTION TIMEOUT"] = strconv.Itoa(s)
			}
		case lk == "defaultrowprefetch" || lk == "oracle.jdbc.defaultrowprefetch":
			if n, err := strconv.Atoi(v); err != nil || n < 1 {
				return nil, fmt.Errorf("Oracle connection property %s=%q: want a positive number of rows", k, v)
			}
			translated["PREFETCH_ROWS"] = v
		case lk == "v$session.program":
			translated["PROGRAM"] = v
		case lk == "internal_logon":
			switch strings.ToLower(v) {
			case "sysdba", "sysoper":
				translated["DBA PRIVILEGE"] = strings.ToUpper(v)
			default:
				return nil, fmt.Errorf("Oracle connection property %s=%q: want sysdba or sysoper", k, v)
			}
		case ignoredProps[lk]:
		case nativeOptions[strings.ToUpper(lk)]:
			uk := strings.ToUpper(lk)
			switch uk {
			case "SSL", "SSL VERIFY":
				if native[uk], err = boolean(k, v); err != nil {
					return nil, err
				}
			case "CONNECTION TIMEOUT", "CONNECT TIMEOUT", "TIMEOUT", "PREFETCH_ROWS":
				if n, err := strconv.Atoi(v); err != nil || n < 0 {
					return nil, fmt.Errorf("Oracle connection property %s=%q: want a number", k, v)
				}
				native[uk] = v
			case "WALLET PASSWORD":
				native[uk] = props[k]
			default:
				native[uk] = v
			}
		default:
			return nil, fmt.Errorf("unknown Oracle connection property %q; use an Oracle JDBC property sqlscim translates (ssl, wallet, oracle.net.wallet_location, TNS_ADMIN, oracle.net.CONNECT_TIMEOUT, defaultRowPrefetch, ...) or a go-ora option (SSL, SSL VERIFY, WALLET, WALLET PASSWORD, CONNECTION TIMEOUT, PREFETCH_ROWS, ...)", k)
		}
	}
	for k, v := range native {
		translated[k] = v
	}
	// The three spellings of the timeout are one setting.
	for _, alias := range []string{"CONNECT TIMEOUT", "TIMEOUT"} {
		if v, ok := translated[alias]; ok {
			delete(translated, alias)
			if _, set := native["CONNECTION TIMEOUT"]; !set {
				translated["CONNECTION TIMEOUT"] = v
			}
		}
	}
	return translated, nil
}
