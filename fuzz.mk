# fuzz.mk – the fuzz targets, included by the Makefile.
#
#   make fuzz                  every target for FUZZTIME each (default 30s)
#   make fuzz FUZZTIME=5s      briefly
#   make fuzz-FuzzParseJDBC    one target
#
# Each target's seed corpus is in <package>/testdata/fuzz/<Target>/ (see
# testdata/fuzz/README.md); plain `go test` runs every seed as a unit test.
# A failing input is written there as a new corpus file: keep it, it is the
# regression test, and fix the code.

GO       ?= go
FUZZTIME ?= 30s

# target:package
FUZZ_TARGETS := \
	FuzzParseFilter:./internal/scim \
	FuzzApplyPatch:./internal/scim \
	FuzzDecodeHeader:./internal/tenant \
	FuzzCaptureRedacts:./internal/tenant \
	FuzzPropertiesText:./internal/tenant \
	FuzzParseJDBC:./internal/db/all \
	FuzzEndpoints:./internal/db/all \
	FuzzReadProperties:./internal/config

FUZZ_NAMES := $(foreach t,$(FUZZ_TARGETS),$(firstword $(subst :, ,$(t))))

.PHONY: fuzz $(addprefix fuzz-,$(FUZZ_NAMES))

## fuzz: run every fuzz target for FUZZTIME (default 30s), one after the other
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		name=$${t%%:*}; pkg=$${t#*:}; \
		echo "== $$name ($$pkg, $(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) $$pkg; \
	done

$(addprefix fuzz-,$(FUZZ_NAMES)): fuzz-%:
	$(GO) test -run '^$$' -fuzz '^$*$$' -fuzztime $(FUZZTIME) $(word 2,$(subst :, ,$(filter $*:%,$(FUZZ_TARGETS))))
