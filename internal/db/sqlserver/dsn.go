package sqlserver

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/sqlscim/sqlscim/internal/db"
)

// DSN builds a go-mssqldb URL with url.URL:
// sqlserver://user:password@host:port/instance?database=...&k=v. Without a
// port, a named instance is found through the SQL Browser service, as in
// mssql-jdbc; without either, port 1433 is used.
//
// mssql-jdbc properties are translated (case-insensitively on the name):
//
//	mssql-jdbc property             go-mssqldb parameter
//	-------------------             --------------------
//	encrypt=true|false|strict|mandatory|optional   encrypt (same values; go-mssqldb knows them all)
//	trustServerCertificate=<bool>   trustservercertificate
//	hostNameInCertificate=<name>    hostnameincertificate
//	databaseName, database          database
//	instanceName                    the instance (URL path)
//	serverName, portNumber, port, user, userName, password  the host, port and credentials
//	applicationName                 app name
//	loginTimeout=<s>                dial timeout and connection timeout (seconds)
//	applicationIntent=ReadOnly|ReadWrite  applicationintent
//	multiSubnetFailover=<bool>      multisubnetfailover
//	workstationID                   workstation id
//	packetSize=<bytes>              packet size (0 or -1: server default)
//	failoverPartner                 failoverpartner
//	serverSpn                       serverspn
//	sslProtocol=TLSv1.2 ...         tlsmin=1.2 ... (TLS: no minimum)
//	authentication=SqlPassword|NotSpecified  accepted (SQL login is what go-mssqldb does)
//	integratedSecurity=false        accepted
//
// These are accepted and ignored: sendStringParametersAsUnicode (strings
// are sent as nvarchar), socketTimeout and queryTimeout (deadlines come
// from the request context), lockTimeout, selectMethod, responseBuffering,
// sendTimeAsDatetime, disableStatementPooling, statementPoolingCacheSize,
// serverPreparedStatementDiscardThreshold,
// enablePrepareOnFirstPreparedStatementCall, lastUpdateCount, xopenStates
// and cancelQueryTimeout (driver-internal behaviour with no go-mssqldb
// counterpart).
//
// integratedSecurity=true, other authentication methods and the Java
// trustStore properties are errors naming the alternative. go-mssqldb
// parameters pass through under their own names: database, encrypt,
// trustservercertificate, certificate, hostnameincertificate, tlsmin,
// packet size, connection timeout, dial timeout, keepalive, app name,
// applicationintent, failoverpartner, failoverport, multisubnetfailover,
// serverspn, workstation id, disableretry. A go-mssqldb parameter wins over
// the mssql-jdbc property that translates to it. Anything else is an error.
//
// Without encrypt, go-mssqldb encrypts the login only (mssql-jdbc 10+
// would default to encrypt=true); set encrypt=true to encrypt everything.
func (d Dialect) DSN(c db.Conn) (string, error) {
	s, params, err := resolve(c)
	if err != nil {
		return "", err
	}
	if s.user == "" {
		return "", errors.New("SQL Server connection has no user: sqlscim signs in with SQL Server authentication")
	}
	u := url.URL{Scheme: "sqlserver", User: url.UserPassword(s.user, s.pass)}
	switch {
	case s.port != 0:
		u.Host = net.JoinHostPort(s.host, strconv.Itoa(s.port))
	case s.instance == "":
		u.Host = net.JoinHostPort(s.host, strconv.Itoa(info.DefaultPort))
	case strings.Contains(s.host, ":"):
		u.Host = "[" + s.host + "]"
	default:
		u.Host = s.host
	}
	if s.instance != "" {
		u.Path = "/" + s.instance
	}
	q := url.Values{}
	if s.database != "" {
		q.Set("database", s.database)
	}
	for k, v := range params {
		q.Set(k, v)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// resolve merges the connection fields with the properties that may fill
// them (serverName, portNumber, instanceName ...) and translates the rest.
func resolve(c db.Conn) (settings, map[string]string, error) {
	s := settings{host: c.Host, instance: c.Instance, port: c.Port, database: c.Database, user: c.User, pass: c.Password.Reveal()}
	if s.instance == "" {
		if h, inst, ok := strings.Cut(s.host, `\`); ok {
			s.host, s.instance = h, inst
		}
	}
	params, err := s.translate(c.Properties)
	if err != nil {
		return settings{}, nil, err
	}
	if s.host == "" {
		return settings{}, nil, errors.New("SQL Server connection has no host")
	}
	if s.host == "." || strings.EqualFold(s.host, "(local)") {
		s.host = "localhost" // as go-mssqldb reads them
	}
	if strings.ContainsAny(s.host, "/?#@;\\ [],") {
		return settings{}, nil, fmt.Errorf("SQL Server host %q is not a host name or address", s.host)
	}
	if s.port < 0 || s.port > 65535 {
		return settings{}, nil, fmt.Errorf("port %d is out of range (1-65535)", s.port)
	}
	return s, params, nil
}

// settings are the connection fields, which properties may fill.
type settings struct {
	host, instance, database, user, pass string
	port                                 int
}

// nativeParams are the go-mssqldb parameters passed through.
var nativeParams = map[string]bool{
	"database": true, "encrypt": true, "trustservercertificate": true, "certificate": true, "hostnameincertificate": true,
	"tlsmin": true, "packet size": true, "connection timeout": true, "dial timeout": true, "keepalive": true,
	"app name": true, "applicationintent": true, "failoverpartner": true, "failoverport": true,
	"multisubnetfailover": true, "serverspn": true, "workstation id": true, "disableretry": true,
}

// ignoredProps are mssql-jdbc properties accepted without effect.
var ignoredProps = map[string]bool{
	"sendstringparametersasunicode": true, "sockettimeout": true, "querytimeout": true, "locktimeout": true,
	"selectmethod": true, "responsebuffering": true, "sendtimeasdatetime": true, "disablestatementpooling": true,
	"statementpoolingcachesize": true, "serverpreparedstatementdiscardthreshold": true,
	"enableprepareonfirstpreparedstatementcall": true, "lastupdatecount": true, "xopenstates": true,
	"cancelquerytimeout": true,
}

var encryptValues = map[string]bool{"true": true, "false": true, "strict": true, "mandatory": true, "optional": true, "disable": true}

// translate turns the properties into go-mssqldb parameters and fills
// empty connection fields from serverName, portNumber, user ...
func (s *settings) translate(props map[string]string) (map[string]string, error) {
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
			return "", fmt.Errorf("SQL Server connection property %s=%q: want true or false", k, v)
		}
		return strconv.FormatBool(b), nil
	}
	seconds := func(k, v string) (string, error) {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return "", fmt.Errorf("SQL Server connection property %s=%q: want a number of seconds", k, v)
		}
		return strconv.Itoa(n), nil
	}
	for _, k := range keys {
		v := strings.TrimSpace(props[k])
		lk := strings.ToLower(strings.TrimSpace(k))
		var err error
		switch lk {
		case "user", "username":
			if s.user == "" {
				s.user = v
			}
		case "password":
			if s.pass == "" {
				s.pass = props[k]
			}
		case "servername":
			if s.host == "" {
				var inst string
				var port int
				if s.host, inst, port, err = parseServer(v); err != nil {
					return nil, fmt.Errorf("SQL Server connection property serverName: %w", err)
				}
				if s.instance == "" {
					s.instance = inst
				}
				if s.port == 0 {
					s.port = port
				}
			}
		case "portnumber", "port":
			if s.port == 0 {
				if s.port, err = db.ParsePort(v); err != nil {
					return nil, fmt.Errorf("SQL Server connection property %s: %w", k, err)
				}
			}
		case "databasename":
			if s.database == "" {
				s.database = v
			}
		case "instancename":
			if s.instance == "" {
				s.instance = v
			}
		case "encrypt":
			if !encryptValues[strings.ToLower(v)] {
				return nil, fmt.Errorf("SQL Server connection property %s=%q: want true, false, strict, mandatory or optional", k, v)
			}
			native["encrypt"] = strings.ToLower(v)
		case "trustservercertificate":
			if native[lk], err = boolean(k, v); err != nil {
				return nil, err
			}
		case "multisubnetfailover":
			if native[lk], err = boolean(k, v); err != nil {
				return nil, err
			}
		case "applicationname":
			translated["app name"] = v
		case "workstationid":
			translated["workstation id"] = v
		case "logintimeout":
			if translated["dial timeout"], err = seconds(k, v); err != nil {
				return nil, err
			}
			translated["connection timeout"] = translated["dial timeout"]
		case "applicationintent":
			switch strings.ToLower(v) {
			case "readonly":
				native["applicationintent"] = "ReadOnly"
			case "readwrite":
				native["applicationintent"] = "ReadWrite"
			default:
				return nil, fmt.Errorf("SQL Server connection property %s=%q: want ReadOnly or ReadWrite", k, v)
			}
		case "packetsize":
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, fmt.Errorf("SQL Server connection property %s=%q: want a number of bytes", k, v)
			}
			if n > 0 {
				translated["packet size"] = strconv.Itoa(n)
			}
		case "sslprotocol":
			switch strings.ToUpper(v) {
			case "TLS":
			case "TLSV1", "TLSV1.0":
				translated["tlsmin"] = "1.0"
			case "TLSV1.1", "TLSV1.2", "TLSV1.3":
				translated["tlsmin"] = v[len("TLSv"):]
			default:
				return nil, fmt.Errorf("SQL Server connection property %s=%q: want TLS, TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3", k, v)
			}
		case "authentication":
			if !strings.EqualFold(v, "SqlPassword") && !strings.EqualFold(v, "NotSpecified") {
				return nil, fmt.Errorf("SQL Server connection property authentication=%q is not supported: sqlscim signs in with a SQL Server login (SqlPassword)", v)
			}
		case "integratedsecurity":
			if b, err := strconv.ParseBool(v); err != nil || b {
				return nil, fmt.Errorf("SQL Server connection property integratedSecurity=%q is not supported: sqlscim signs in with a SQL Server login; remove it and set user and password", v)
			}
		case "truststore", "truststorepassword", "truststoretype":
			return nil, fmt.Errorf("SQL Server connection property %q is not supported: Java trust stores do not apply; set certificate=<PEM file of the server certificate or its CA>", k)
		case "connection timeout", "dial timeout", "keepalive":
			if native[lk], err = seconds(k, v); err != nil {
				return nil, err
			}
		default:
			switch {
			case ignoredProps[lk]:
			case nativeParams[lk]:
				native[lk] = v
			default:
				return nil, fmt.Errorf("unknown SQL Server connection property %q; use an mssql-jdbc property sqlscim translates (encrypt, trustServerCertificate, hostNameInCertificate, databaseName, instanceName, applicationName, loginTimeout, applicationIntent, multiSubnetFailover, ...) or a go-mssqldb parameter (certificate, tlsmin, dial timeout, app name, ...)", k)
			}
		}
	}
	for k, v := range native {
		translated[k] = v
	}
	if native["database"] != "" {
		s.database = native["database"]
		delete(translated, "database")
	}
	return translated, nil
}
