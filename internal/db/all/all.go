// Package all registers every database dialect sqlscim supports: importing
// it for its side effects makes MySQL/MariaDB, PostgreSQL, SQL Server,
// Oracle and SQLite available through db.Lookup and db.ParseJDBC.
package all

import (
	// Each dialect registers itself with package db in init.
	_ "github.com/sqlscim/sqlscim/internal/db/mysql"
	_ "github.com/sqlscim/sqlscim/internal/db/oracle"
	_ "github.com/sqlscim/sqlscim/internal/db/postgres"
	_ "github.com/sqlscim/sqlscim/internal/db/sqlite"
	_ "github.com/sqlscim/sqlscim/internal/db/sqlserver"
)
