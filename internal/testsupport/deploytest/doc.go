// Package deploytest checks the files that deploy sqlscim against the code
// they deploy: the .deb/.rpm packaging and its systemd unit (deploy/), the
// container image and the Docker lab (docker/), the Kubernetes manifests
// (deploy/kubernetes/) and the migration guide (docs/migrate-from-ops.md).
//
// Everything is checked structurally, without Docker or Kubernetes. The
// package test, which builds the .deb, installs it on this machine and
// removes it again, runs only as root with CI=true or
// DEPLOYTEST_PACKAGE=1.
package deploytest
