// Package layering holds no code. Its test reads the dependencies of every
// package with go list and checks the import rules the package
// documentation states: the SCIM core imports only the standard library and
// the filter parser, the HTTP layer never reaches a database package, the
// database layer no driver, each dialect no other dialect, and no program
// code the test-support packages.
package layering
