package sqlite

// identQuotes are the quotes SQLite reads around an identifier.
var identQuotes = map[rune]rune{'"': '"', '[': ']', '`': '`'}
