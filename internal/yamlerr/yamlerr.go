// Package yamlerr puts the right line number into YAML syntax errors.
//
// The YAML parser (gopkg.in/yaml.v3, also under viper) reports a syntax
// error at the line where the enclosing block began, counted from zero for
// parser errors: "level: info\n  - x" on lines 2 and 3 is reported as
// "line 1: did not find expected key". An admin looking at line 1 of the
// file finds nothing wrong there. Locate finds the line where the document
// first fails the same way – the shortest prefix of whole lines that gives
// the same message – which is the line to look at.
package yamlerr

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"

	"gopkg.in/yaml.v3"
)

// lineMessage splits the parser's "yaml: line N: message".
var lineMessage = regexp.MustCompile(`yaml: line (\d+): (.*)$`)

// Error is a YAML syntax error with the line an admin should look at.
type Error struct {
	Line    int
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Message) }

// Locate returns a syntax error of data with its line found again, or err
// as it is when it is not one the parser gives a line for.
func Locate(data []byte, err error) error {
	if err == nil {
		return nil
	}
	m := lineMessage.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	msg := m[2]
	lines := bytes.SplitAfter(data, []byte("\n"))
	for n := 1; n <= len(lines); n++ {
		prefix := bytes.Join(lines[:n], nil)
		var doc yaml.Node
		perr := yaml.Unmarshal(prefix, &doc)
		if perr == nil {
			continue
		}
		if pm := lineMessage.FindStringSubmatch(perr.Error()); pm != nil && pm[2] == msg {
			return &Error{Line: n, Message: msg}
		}
	}
	return err
}

// As reports whether err is (or wraps) a located syntax error.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
