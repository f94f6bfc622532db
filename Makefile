# Build and test the apify.platform collection: `make help` lists the targets.
#
# The checks are nox sessions (noxfile.py, antsibull-nox.toml); this file installs nox and
# antsibull-nox into .venvs/nox, runs the sessions as the stages that users and CI know, and sums
# them up. Every tool version is pinned in constraints.txt. A fresh machine needs make, git,
# Python 3.13 (and 3.11 for the ansible-core 2.16 leg; pyenv's builds are found) and a package index.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules --no-print-directory

ROOT     := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
# Python 3.13 for nox, the tools and .venv: python3.13 if it runs (a pyenv shim may not), else pyenv's newest.
PYTHON   ?= $(shell for p in python3.13 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.13.*/bin/python3.13 2>/dev/null | sort -rV); do \
	"$$p" -c '' 2>/dev/null && { command -v "$$p"; break; }; done)
VENV     := $(ROOT)/.venv
NOX_VENV := $(ROOT)/.venvs/nox
LOGS     := $(ROOT)/.cache/logs
NOX      := $(NOX_VENV)/bin/nox --reuse-existing-virtualenvs
# The version matrix (noxfile.py's MATRIX): ansible-core 2.16 on Python 3.11, 2.21 on Python 3.13.
CORES    ?= 2.16 2.21
# Extra arguments for a single session, e.g. `make units-2.21 ARGS='tests/unit/plugins/filter'`.
ARGS     ?=

export PYTHONDONTWRITEBYTECODE := 1
unexport PYTHONPATH ANSIBLE_COLLECTIONS_PATH ANSIBLE_COLLECTIONS_PATHS ANSIBLE_CONFIG

# A stage passes only if its sessions pass and its output has none of these lines: a sanity test
# skipped or a program missing (ansible-test), a profile downgrade (ansible-lint), an error that
# galaxy-importer reports without failing, a session skipped for want of its Python (nox).
FORBIDDEN := Required program .* not found|Skipping sanity test .*(due to missing|could not be found)|was required, but .* profile passed|Galaxy importer emitted|Python interpreter .* not found

# $(call nox,STAGE,SESSIONS[,ENV[,MORE]]): run the nox sessions (with ENV, e.g. CI=true), tee the
# output to $(LOGS)/STAGE.log, check it against FORBIDDEN and the regular expression MORE.
define nox
	@mkdir -p "$(LOGS)"
	@rc=0; $(3) $(NOX) -e $(2) $(if $(ARGS),-- $(ARGS)) 2>&1 | tee "$(LOGS)/$(1).log" || rc=$$?; \
	if grep -nE "$(FORBIDDEN)$(if $(4),|$(4))" "$(LOGS)/$(1).log"; then echo "$(1): FAILED: a check was skipped or weakened (the lines above)"; rc=1; fi; \
	exit $$rc
endef

.PHONY: help venv nox lint format sanity units integration ee proof events docs demo demo-events emulator bench bench-events test clean clean-all

help: ## Show this help
	@echo 'apify.platform: make TARGET (from the repository root)'
	@grep -hE '^[a-z][a-zA-Z0-9_%.-]*:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | \
		awk -F'\t' '{ printf "  make %-16s %s\n", $$1, $$2 }'
	@echo "Legs (CORE): $(CORES). ARGS='...' passes arguments to a single session's tool."
	@echo 'More sessions: $(NOX_VENV)/bin/nox --list'

$(NOX_VENV)/.installed: constraints.txt
	@[[ -n "$(PYTHON)" ]] || { echo 'make: no working Python 3.13 (python3.13, or pyenv versions/3.13.*)' >&2; exit 1; }
	rm -rf "$(NOX_VENV)" && "$(PYTHON)" -m venv "$(NOX_VENV)"
	"$(NOX_VENV)/bin/python" -m pip install --quiet -c constraints.txt nox antsibull-nox
	@touch "$@"

nox: $(NOX_VENV)/.installed

$(VENV)/.installed: constraints.txt requirements.txt
	@[[ -n "$(PYTHON)" ]] || { echo 'make: no working Python 3.13 (python3.13, or pyenv versions/3.13.*)' >&2; exit 1; }
	rm -rf "$(VENV)" && "$(PYTHON)" -m venv "$(VENV)"
	"$(VENV)/bin/python" -m pip install --quiet -c constraints.txt ansible-core requests -r requirements.txt
	@touch "$@"

venv: $(VENV)/.installed ## .venv for the demo and the benchmarks: ansible-core 2.21, Python 3.13

lint: nox ## ruff, yamllint, docs-check, extra-checks, galaxy-importer, ansible-lint, actionlint (shellcheck and changelog: in sanity)
	@# CI=true: antsibull-nox's formatters check instead of rewriting (`make format` rewrites).
	@# Lines that start with WARNING:, ERROR: or CRITICAL: are galaxy-importer's: Galaxy would show them.
	$(call nox,lint,lint docs-check extra-checks build-import-check ansible-lint actionlint,CI=true,^(WARNING|ERROR|CRITICAL): |^Traceback)

format: nox ## Reformat the Python code (ruff format, as `make lint` checks it)
	@CI=false $(NOX) -e formatters

sanity-%: nox ## ansible-test sanity on one leg, e.g. sanity-2.16
	$(call nox,$@,ansible-test-sanity-$*)
units-%: nox ## ansible-test units on one leg, e.g. units-2.21
	$(call nox,$@,ansible-test-units-$*)
integration-%: nox ## ansible-test integration against the emulator on one leg
	$(call nox,$@,ansible-test-integration-$*)

sanity: $(addprefix sanity-,$(CORES)) ## ansible-test sanity on every leg
units: $(addprefix units-,$(CORES)) ## ansible-test units on every leg
# The legs' integration tests side by side: they mostly wait (on the emulator, on timeouts and
# watch windows), so both take little longer than one. Each leg's output is printed whole at the end.
integration: nox ## ansible-test integration on every leg, side by side
	@MAKE="$(MAKE)" bash scripts/side-by-side.sh "$(LOGS)" $(addprefix integration-,$(CORES))

ee: nox ## The execution environment: ansible-builder introspect and create (no container engine)
	$(call nox,ee,ee)

# In CI (CI=true) a skipped test fails the proof stage: pytest's -ra summary names each (SKIPPED [n] ...).
proof: nox ## OpenAPI conformance, apify-client against the emulator, fuzzing, ansible-runner, decoding bounds per urllib3
	$(call nox,proof,proof decoding,,$(if $(filter true 1 yes,$(CI)),^SKIPPED \[))

events: nox ## Event-Driven Ansible: the event source's tests, the rulebook in ansible-rulebook (Java 17)
	$(call nox,events,events,,^SKIPPED|[0-9]+ skipped)

docs: nox ## Build the HTML docs (guides and plugin reference) into .build/docs/html
	$(call nox,docs,docs)

demo: venv ## Run examples/demo.yml against the Apify API emulator
	@scripts/install-collection.sh "$(ROOT)/.build/demo"
	@PYTHON="$(VENV)/bin/python" EMULATOR_ARGS='--seed demo' EMULATOR_LOG=- \
	ANSIBLE_COLLECTIONS_PATH="$(ROOT)/.build/demo/collections" ANSIBLE_CALLBACK_RESULT_FORMAT=yaml \
	ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false ANSIBLE_NOCOLOR="$${CI:+1}" \
		scripts/with-emulator.sh "$(VENV)/bin/ansible-playbook" examples/demo.yml
	@echo '== Next: use the collection yourself (README.md, "Your own playbook against the emulator")'
	@echo '   source .build/demo/env.sh              # ansible-playbook and ansible-doc of .venv, with this collection'
	@echo '   ansible-doc apify.platform.apify_run_reboot'
	@echo '   make emulator RUNS=my-runs.yml         # the emulator with runs of your own; prints what to export'

# `make emulator`: where it listens, its token, and a runs file (without one: the demo's runs).
EMULATOR_PORT  ?= 8765
EMULATOR_TOKEN ?= emulator-token
RUNS           ?=
emulator: venv ## The Apify API emulator in the foreground, with the runs of RUNS=FILE (YAML); Ctrl-C stops it
	@scripts/install-collection.sh "$(ROOT)/.build/demo"
	@echo '== In another shell: source .build/demo/env.sh, then the two export lines below; Ctrl-C stops the emulator'
	@cd "$(ROOT)" && exec "$(VENV)/bin/python" -m tests.emulator --host 127.0.0.1 --port "$(EMULATOR_PORT)" \
		--token "$(EMULATOR_TOKEN)" --print-env $(if $(RUNS),--runs "$(abspath $(RUNS))",--seed demo)

EVENTS_VENV := $(ROOT)/.venvs/events
$(EVENTS_VENV)/.installed: constraints.txt requirements.txt
	@[[ -n "$(PYTHON)" ]] || { echo 'make: no working Python 3.13 (python3.13, or pyenv versions/3.13.*)' >&2; exit 1; }
	rm -rf "$(EVENTS_VENV)" && "$(PYTHON)" -m venv "$(EVENTS_VENV)"
	"$(EVENTS_VENV)/bin/python" -m pip install --quiet -c constraints.txt ansible-core ansible-rulebook requests -r requirements.txt
	@touch "$@"

demo-events: $(EVENTS_VENV)/.installed ## A run fails, ansible-rulebook resurrects it (emulator; needs Java 17)
	@command -v java >/dev/null || { echo 'make demo-events: java not found: ansible-rulebook needs Java 17' >&2; exit 1; }
	@"$(EVENTS_VENV)/bin/python" scripts/demo-events.py

# Extra arguments for `make bench`, e.g. BENCH_ARGS='--slow-n 20' (benchmarks/bench.py --help).
BENCH_ARGS ?=
bench: venv ## Benchmark rebooting many runs, and the event source; ~12 min, not in `make test`
	@bash benchmarks/bench.sh $(BENCH_ARGS)

bench-events: venv ## Only the event source's benchmark (benchmarks/results_events.md); ~2 min
	@bash benchmarks/bench_events.sh

# The stages of `make test`, in order; `make test TEST_STAGES='lint units-2.21'` runs a subset.
TEST_STAGES ?= lint $(foreach c,$(CORES),sanity-$(c) units-$(c)) integration ee proof events

test: ## Every stage of TEST_STAGES; stops at the first failure, prints a summary
	@mkdir -p "$(LOGS)"; results=(); passed=0; rc=0; \
	for t in $(TEST_STAGES); do \
		start=$$(date +%s); echo "=================== make $$t ==================="; \
		if $(MAKE) $$t; then status=passed; passed=$$((passed + 1)); else rc=$$?; status=FAILED; fi; \
		results+=("$$t: $$status ($$(( $$(date +%s) - start ))s)"); \
		[[ $$rc -eq 0 ]] || break; \
	done; \
	for t in $(TEST_STAGES); do \
		[[ " $${results[*]} " == *" $$t: "* ]] || results+=("$$t: not run (an earlier stage failed)"); \
	done; \
	echo "=================== summary ==================="; printf '  %s\n' "$${results[@]}"; \
	echo "stages: $$passed passed, $$(( rc ? 1 : 0 )) failed"; \
	exit $$rc

ANSIBLE_TEST_DIR := $(HOME)/.ansible/test
clean: ## Remove .build, .cache, .nox, .venv and .venvs (ansible-test's venvs in ~/.ansible/test stay)
	rm -rf "$(ROOT)/.build" "$(ROOT)/.cache" "$(ROOT)/.nox" "$(VENV)" "$(ROOT)/.venvs" "$(ROOT)/tests/output"
	@[[ ! -d "$(ANSIBLE_TEST_DIR)" ]] || echo "make clean: ansible-test's venvs and caches stay in $(ANSIBLE_TEST_DIR)" \
		"($$(du -sh "$(ANSIBLE_TEST_DIR)" 2>/dev/null | cut -f1)); \`make clean-all\` removes them too (shared by every collection you test)"

clean-all: clean ## make clean, and ansible-test's venvs and caches in ~/.ansible/test (about 110 MB after make test)
	rm -rf "$(ANSIBLE_TEST_DIR)"
