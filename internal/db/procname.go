package db

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CheckProcName validates a configured procedure name before it is spliced
// into a statement: one to four dot-separated parts, each either a plain
// identifier (letters, digits, _, $ and #) or a quoted identifier holding
// no closing quote and no control character. It returns the trimmed name.
//
// quotes maps the characters that open a quoted identifier part in the
// dialect to the ones that close it.
func CheckProcName(name string, quotes map[rune]rune) (string, error) {
	if _, err := ParseProcName(name, quotes); err != nil {
		return "", err
	}
	return strings.TrimSpace(name), nil
}

// NamePart is one dot-separated part of a procedure name.
type NamePart struct {
	// Text is the part without its quotes.
	Text string
	// Quoted parts keep their case; unquoted ones fold as the database folds them.
	Quoted bool
}

// ParseProcName splits a procedure name into its parts, validating it as
// CheckProcName does.
func ParseProcName(name string, quotes map[rune]rune) ([]NamePart, error) {
	var parts []NamePart
	n := strings.TrimSpace(name)
	if n == "" {
		return nil, fmt.Errorf("procedure name is empty")
	}
	bad := func(why string) error {
		return fmt.Errorf("procedure name %q is not a valid identifier (%s): use letters, digits, _, $ and #, a dot between schema and name, or a quoted name", n, why)
	}
	rest := n
	for count := 1; ; count++ {
		if count > 4 {
			return nil, bad("too many dots")
		}
		if rest == "" || rest[0] == '.' {
			return nil, bad("empty part")
		}
		first, _ := utf8.DecodeRuneInString(rest)
		if closing, quoted := quotes[first]; quoted {
			end := strings.IndexRune(rest[1:], closing)
			if end < 0 {
				return nil, bad("unterminated quote")
			}
			inner := rest[1 : 1+end]
			if inner == "" {
				return nil, bad("empty quoted part")
			}
			for _, r := range inner {
				if unicode.IsControl(r) {
					return nil, bad("control character")
				}
			}
			parts = append(parts, NamePart{Text: inner, Quoted: true})
			rest = rest[1+end+utf8.RuneLen(closing):]
		} else {
			i := 0
			for i < len(rest) {
				r, size := utf8.DecodeRuneInString(rest[i:])
				if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != '$' && r != '#' {
					break
				}
				i += size
			}
			if i == 0 {
				r, _ := utf8.DecodeRuneInString(rest)
				return nil, bad(fmt.Sprintf("unexpected %q", r))
			}
			parts = append(parts, NamePart{Text: rest[:i]})
			rest = rest[i:]
		}
		if rest == "" {
			return parts, nil
		}
		if rest[0] != '.' {
			r, _ := utf8.DecodeRuneInString(rest)
			return nil, bad(fmt.Sprintf("unexpected %q", r))
		}
		rest = rest[1:]
	}
}
