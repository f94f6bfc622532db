# Build and test the apify.platform collection.  `make help` lists the targets.
#
# ansible-test must run from .../ansible_collections/<namespace>/<name>, so every test
# target first mirrors the work tree into $(COLLECTION) (see scripts/sync-collection.py)
# and runs there.  Everything is installed by this file: a fresh machine needs only
# python3.11, make and git.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules --no-print-directory

ROOT         := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
PYTHON       ?= python3.11
PY_VERSION   ?= 3.11
VENV         := $(ROOT)/.venv
VPY          := $(VENV)/bin/python
BUILD        := $(ROOT)/.build
COLLECTION   := $(BUILD)/ansible_collections/apify/platform
WHEELS       := $(ROOT)/.cache/wheels
LOGS         := $(ROOT)/.cache/logs
REQUIREMENTS := $(ROOT)/requirements-dev.txt
REQ_HASH     := $(shell cat $(REQUIREMENTS) 2>/dev/null | sha256sum | cut -c1-16)
VENV_STAMP   := $(VENV)/.installed-$(REQ_HASH)

# Apify's official OpenAPI spec, read (never copied) by the tests that check against it.
# It lies in ../shared beside the clone; tests skip, saying why, where it is absent.
export APIFY_OPENAPI_SPEC ?= $(abspath $(ROOT)/../shared/apify-openapi/openapi.bundled.json)

# The tools in .venv/bin (ansible-test, ansible-playbook, shellcheck, pytest) come first.
export PATH := $(VENV)/bin:$(PATH)
export PYTHONDONTWRITEBYTECODE := 1
unexport PYTHONPATH ANSIBLE_COLLECTIONS_PATH ANSIBLE_COLLECTIONS_PATHS ANSIBLE_CONFIG

# Extra arguments, e.g. `make sanity SANITY_ARGS='--test pylint'`,
# `make units PYTEST_ARGS='-k client -x'`, `make integration INTEGRATION_ARGS='apify_run_info'`.
SANITY_ARGS      ?=
PYTEST_ARGS      ?=
INTEGRATION_ARGS ?=
# ansible-test prints colour unless told otherwise; keep logs greppable in CI.
ANSIBLE_TEST_COLOR := $(if $(CI),--color no,)

.PHONY: help venv collection bootstrap sanity units integration test demo bench clean sanity-2.21 units-2.21 integration-2.21 matrix sanity-pythons ee

help: ## Show this help
	@echo 'apify.platform build targets (run from the repository root):'
	@grep -E '^[a-z][a-zA-Z_-]*:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | \
		awk -F'\t' '{ printf "  make %-12s %s\n", $$1, $$2 }'
	@echo 'Variables: SANITY_ARGS, PYTEST_ARGS, INTEGRATION_ARGS pass extra arguments through.'

venv: $(VENV_STAMP) ## Create .venv (python3.11) with the pinned requirements-dev.txt

$(VENV_STAMP): $(REQUIREMENTS)
	@if [[ -x "$(VPY)" ]] && ! "$(VPY)" -c 'import sys; sys.exit(sys.version_info[:2] != tuple(map(int, "$(PY_VERSION)".split("."))))'; then \
		echo "venv: $(VENV) is not Python $(PY_VERSION); recreating"; rm -rf "$(VENV)"; fi
	@if [[ ! -x "$(VPY)" ]]; then \
		py=$(PYTHON); \
		if ! "$$py" -c '' 2>/dev/null; then \
			py=$$(ls -d "$${PYENV_ROOT:-$$HOME/.pyenv}"/versions/$(PY_VERSION).*/bin/python$(PY_VERSION) 2>/dev/null | sort -V | tail -n 1); \
			[[ -n "$$py" ]] || { echo "venv: no working $(PYTHON) found (also looked in pyenv's versions)" >&2; exit 1; }; \
		fi; \
		echo "venv: creating $(VENV) with $$py"; "$$py" -m venv "$(VENV)"; \
	fi
	"$(VPY)" -m pip install --disable-pip-version-check --quiet --requirement "$(REQUIREMENTS)"
	@rm -f $(VENV)/.installed-*
	@touch "$@"

collection: venv ## Lay out the work tree as .build/ansible_collections/apify/platform
	@"$(VPY)" "$(ROOT)/scripts/sync-collection.py" "$(ROOT)" "$(COLLECTION)"

bootstrap: venv
	@"$(VPY)" "$(ROOT)/scripts/install-offline-get-pip.py" "$(WHEELS)"

sanity: collection bootstrap ## ansible-test sanity --venv --python 3.11 (fails on skipped tests / missing programs)
	@mkdir -p "$(LOGS)"
	@echo "sanity: ansible-test sanity --venv --python $(PY_VERSION) $(SANITY_ARGS)"
	@rc=0; start=$$(date +%s); \
	( cd "$(COLLECTION)" && ansible-test sanity --venv --python $(PY_VERSION) $(ANSIBLE_TEST_COLOR) $(SANITY_ARGS) ) \
		2>&1 | tee "$(LOGS)/sanity.log" || rc=$$?; \
	echo "sanity: ansible-test exited $$rc after $$(( $$(date +%s) - start ))s"; \
	if [[ -f "$(COLLECTION)/.ci/run" ]] && ! shellcheck "$(COLLECTION)/.ci/run"; then echo 'sanity: FAILED: shellcheck .ci/run'; rc=1; fi; \
	if grep -E 'Required program|Skipping sanity test .*(due to missing|could not be found)' "$(LOGS)/sanity.log"; then \
		echo 'sanity: FAILED: a sanity test was skipped or a required program is missing (see above)'; rc=1; fi; \
	exit $$rc

units: collection ## pytest over tests/unit in the laid-out copy
	@mkdir -p "$(LOGS)"; rm -f "$(LOGS)/units.status"
	@if [[ ! -d "$(COLLECTION)/tests/unit" ]] || ! find "$(COLLECTION)/tests/unit" -name 'test_*.py' | grep -q .; then \
		echo 'units: no tests/unit/**/test_*.py yet: nothing to run'; echo 'skipped (no unit tests)' >"$(LOGS)/units.status"; exit 0; fi; \
	rc=0; cd "$(COLLECTION)" && \
	PYTHONPATH="$(BUILD):$(COLLECTION)" \
	"$(VPY)" -m pytest tests/unit --rootdir "$(COLLECTION)" --confcutdir "$(COLLECTION)" \
		-p no:cacheprovider --import-mode=importlib -ra $(PYTEST_ARGS) || rc=$$?; \
	if [[ $$rc -eq 5 ]]; then echo 'units: pytest collected no tests'; echo 'skipped (no tests collected)' >"$(LOGS)/units.status"; rc=0; fi; \
	exit $$rc

integration: collection ## ansible-test integration --local against the Apify API emulator
	@mkdir -p "$(LOGS)"; rm -f "$(LOGS)/integration.status"
	@PYTHON="$(VPY)" STATUS_FILE="$(LOGS)/integration.status" bash "$(ROOT)/scripts/run-integration.sh" "$(COLLECTION)" \
		--local --python $(PY_VERSION) $(ANSIBLE_TEST_COLOR) $(INTEGRATION_ARGS)

# Tests that need test-only packages (apify-client, hypothesis, ansible-runner), in .venvs/proof
# from requirements-proof.txt: see scripts/proof.sh. `make proof PYTEST_ARGS='-k runner'` narrows it.
.PHONY: proof
proof: collection ## Proof tests (.venvs/proof): emulator and schemas vs the OpenAPI spec, apify-client, fuzzing, ansible-runner
	@mkdir -p "$(LOGS)"; rm -f "$(LOGS)/proof.status"
	@PYTHON="$(PYTHON)" PY_VERSION="$(PY_VERSION)" STATUS_FILE="$(LOGS)/proof.status" bash "$(ROOT)/scripts/proof.sh" "$(COLLECTION)" $(PYTEST_ARGS)

# lint and docs install their tools into their own venvs (.venvs/lint, .venvs/importer,
# .venvs/docs) from requirements-lint.txt, requirements-importer.txt, requirements-docs.txt.
# `make lint LINT_GATES='ruff yamllint'` runs a subset of the gates (see scripts/lint.sh).
.PHONY: lint docs

lint: collection ## ruff, yamllint, ansible-lint, antsibull-docs/-changelog lint, galaxy-importer (scripts/lint.sh)
	@mkdir -p "$(LOGS)"; rm -f "$(LOGS)/lint.status"
	@BASE_PYTHON="$(VPY)" LOGS="$(LOGS)" bash "$(ROOT)/scripts/lint.sh" "$(COLLECTION)"

docs: collection ## Build the HTML docs (guides and plugin reference) into .build/docs/html (scripts/docs.sh)
	@BASE_PYTHON="$(VPY)" bash "$(ROOT)/scripts/docs.sh" "$(COLLECTION)" "$(BUILD)/docs"

# Version matrix: sanity-2.21, units-2.21 and integration-2.21 are the sanity, units and
# integration targets above, unchanged, on ansible-core 2.21 with Python 3.13
# (requirements-dev-2.21.txt) in .venvs/core-2.21 and .build/2.21: scripts/matrix.sh
# overrides VENV, BUILD, LOGS, PYTHON, PY_VERSION and REQUIREMENTS. Without Python 3.13
# they print "SKIPPED: ..." and count as skipped.
sanity-2.21 units-2.21 integration-2.21:
	@STATUS_FILE="$(LOGS)/$@.status" MAKE="$(MAKE)" bash "$(ROOT)/scripts/matrix.sh" leg 2.21 $(@:-2.21=)

matrix: sanity-2.21 units-2.21 integration-2.21 ## sanity, units and integration on ansible-core 2.21 / Python 3.13

sanity-pythons: collection bootstrap ## ansible-test sanity: compile on Python 3.8-3.13, import on 3.12 and 3.13
	@STATUS_FILE="$(LOGS)/$@.status" bash "$(ROOT)/scripts/matrix.sh" pythons "$(COLLECTION)"

ee: collection ## Execution environment: ansible-builder introspect and create (scripts/ee-check.sh, .venvs/ee)
	@PYTHON="$(VPY)" ANSIBLE_GALAXY="$(VENV)/bin/ansible-galaxy" \
		bash "$(ROOT)/scripts/ee-check.sh" "$(COLLECTION)" "$(ROOT)/.cache/ee"

# The stages of `make test`, in order. Each is a target of this file that may write
# "skipped (...)" into $(LOGS)/<stage>.status when it had nothing to do.
TEST_STAGES ?= lint sanity units integration sanity-pythons sanity-2.21 units-2.21 integration-2.21 ee proof

test: ## all stages of TEST_STAGES (sanity, units, integration, ...); stops at the first failure, prints a summary
	@mkdir -p "$(LOGS)"; results=(); passed=0; failed=0; skipped=0; rc=0; \
	for t in $(TEST_STAGES); do \
		start=$$(date +%s); \
		echo "=================== make $$t ==================="; \
		if $(MAKE) $$t; then status=$$(cat "$(LOGS)/$$t.status" 2>/dev/null || echo passed); \
		else rc=$$?; status=FAILED; fi; \
		results+=("$$t: $$status ($$(( $$(date +%s) - start ))s)"); \
		case $$status in passed) passed=$$((passed + 1));; skipped*) skipped=$$((skipped + 1));; *) failed=$$((failed + 1)); break;; esac; \
	done; \
	for t in $(TEST_STAGES); do \
		[[ " $${results[*]} " == *" $$t: "* ]] || results+=("$$t: not run (an earlier stage failed)"); \
	done; \
	echo "=================== summary ==================="; printf '  %s\n' "$${results[@]}"; \
	echo "stages: $$passed passed, $$failed failed, $$skipped skipped"; \
	exit $$rc

demo: venv ## Run the demo (scripts/demo.sh)
	@bash "$(ROOT)/scripts/demo.sh"

# Extra arguments for `make bench`, e.g. BENCH_ARGS='--slow-n 50 --memory-n 0' (benchmarks/bench.py --help).
BENCH_ARGS ?=

bench: venv ## Benchmark rebooting many runs (uri loop, the module, apify-client) against the emulator; ~10 min, not in `make test`
	@bash "$(ROOT)/benchmarks/bench.sh" $(BENCH_ARGS)

clean: ## Remove .build, .cache and .venv (ansible-test's venvs in ~/.ansible/test stay)
	rm -rf "$(BUILD)" "$(ROOT)/.cache" "$(VENV)" "$(ROOT)/tests/output"
