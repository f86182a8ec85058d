# Packages, container image and the Docker lab. Included by the Makefile,
# which defines GO, BIN, VERSION and the build target.

PKG_OUT     ?= dist
DOCKER      ?= docker
LAB_COMPOSE ?= $(DOCKER) compose -f docker/docker-compose.yml
IMAGE       ?= sqlscim

.PHONY: package image lab lab-down lab-reset lab-logs lab-test deploy-check

## package: dist/sqlscim_<version>_amd64.deb and .rpm (nfpm, run through go run)
package: build
	bash deploy/package.sh $(BIN) $(VERSION) $(PKG_OUT)

## image: the container image sqlscim:<version> from docker/Dockerfile (needs Docker)
image:
	$(DOCKER) build --build-arg VERSION=$(VERSION) -f docker/Dockerfile -t $(IMAGE):$(VERSION) -t $(IMAGE):latest .

## lab: MariaDB, PostgreSQL, DBGate (http://localhost:8090) and sqlscim (https://localhost:1443) in Docker
lab:
	LAB_VERSION=$(VERSION) $(LAB_COMPOSE) up -d --build

## lab-down: stop the lab, keeping its databases and credentials
lab-down:
	$(LAB_COMPOSE) down

## lab-reset: stop the lab and delete its databases and credentials
lab-reset:
	$(LAB_COMPOSE) down --volumes

lab-logs:
	$(LAB_COMPOSE) logs --follow --tail 200

## lab-test: the connector guide's four tests with curl against the lab (LAB_TEST_ARGS=--demo: against make run)
lab-test:
	bash docker/lab-test.sh $(LAB_TEST_ARGS)

## deploy-check: validate the packaging, Docker and Kubernetes files (no Docker needed)
deploy-check:
	$(GO) vet ./internal/testsupport/deploytest/
	$(GO) test -count=1 ./internal/testsupport/deploytest/
