package sqlserver

import "github.com/sqlscim/sqlscim/internal/db"

// identQuotes maps the characters that open a quoted identifier part to the
// ones that close it.
var identQuotes = map[rune]rune{'"': '"', '[': ']'}

// checkProcName validates a procedure name with this dialect's quotes.
func checkProcName(name string) (string, error) { return db.CheckProcName(name, identQuotes) }
