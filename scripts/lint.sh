#!/usr/bin/env bash
# The lint stage of `make test` (`make lint`): every gate runs, then the stage fails if any did.
#
#   scripts/lint.sh .build/ansible_collections/apify/platform
#
# It runs in the laid-out copy of the collection (`make collection`: the files a fresh clone has,
# plus untracked files that are not ignored), with ANSIBLE_COLLECTIONS_PATH pointing at it.
# Gates (LINT_GATES='ruff yamllint' runs a subset):
#   ruff          ruff check and ruff format --check on plugins/ and tests/ (ruff.toml)
#   yamllint      every YAML file, warnings included (.yamllint)
#   ansible-lint  production profile on roles/, examples/ and tests/integration/targets/ (.ansible-lint)
#   docs          antsibull-docs lint-collection-docs --plugin-docs: docs/docsite and every plugin's docs
#   changelog     antsibull-changelog lint: changelogs/config.yaml and the fragments
#   galaxy        ansible-galaxy collection build, then galaxy-importer on the tarball: Galaxy's own
#                 checks (ansible-doc, Galaxy's ansible-lint run), scripts/galaxy-importer.cfg
# The tools come from requirements-lint.txt (.venvs/lint) and requirements-importer.txt
# (.venvs/importer), installed on the first run (TOOL_VENVS=DIR puts them elsewhere, to share them
# between clones). Each gate's output is kept in $LOGS/lint/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
COLLECTION=$(cd "${1:?usage: scripts/lint.sh <laid-out collection: .build/ansible_collections/apify/platform>}" && pwd)
BUILD=$(cd "$COLLECTION/../../.." && pwd)
LOGDIR="${LOGS:-$ROOT/.cache/logs}/lint"
LINT_VENV="${TOOL_VENVS:-$ROOT/.venvs}/lint"
IMPORTER_VENV="${TOOL_VENVS:-$ROOT/.venvs}/importer"
GATES=" ${LINT_GATES:-ruff yamllint ansible-lint docs changelog galaxy} "
# Galaxy warnings that do not fail the stage (a regular expression; empty: none).
GALAXY_WARNINGS_ALLOWED='Ignore files skip ansible-test sanity tests'

# shellcheck source=scripts/toolvenv.sh
source "$ROOT/scripts/toolvenv.sh"

wants() { [[ "$GATES" == *" $1 "* ]]; }

start=$(date +%s)
ensure_venv "$LINT_VENV" "$ROOT/requirements-lint.txt"
if wants galaxy; then
    ensure_venv "$IMPORTER_VENV" "$ROOT/requirements-importer.txt"
fi
echo "lint: tools ready after $(($(date +%s) - start))s"

mkdir -p "$LOGDIR"
rm -f "$LOGDIR"/*.log "$LOGDIR"/*.result
cd "$COLLECTION"
# apify.platform.* resolves to this copy; no colour codes in logs; no stray caches in the copy.
export ANSIBLE_COLLECTIONS_PATH="$BUILD" ANSIBLE_NOCOLOR=1 NO_COLOR=1 PY_COLORS=0 PYTHONDONTWRITEBYTECODE=1

gate_ruff() {
    local rc=0
    echo '$ ruff check plugins tests'
    ruff check --no-cache plugins tests || rc=1
    echo '$ ruff format --check --diff plugins tests'
    ruff format --no-cache --check --diff plugins tests || rc=1
    return $rc
}

gate_yamllint() {
    echo '$ yamllint --strict .'
    yamllint --strict --format parsable .
}

gate_ansible_lint() {
    echo '$ ansible-lint roles examples tests/integration/targets'
    ansible-lint roles examples tests/integration/targets
}

gate_docs() {
    echo '$ antsibull-docs lint-collection-docs --plugin-docs .'
    antsibull-docs lint-collection-docs --plugin-docs .
}

gate_changelog() {
    local rc=0
    echo '$ antsibull-changelog lint'
    antsibull-changelog lint || rc=1
    if [[ -f changelogs/changelog.yaml ]]; then
        echo '$ antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml'
        antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml || rc=1
    fi
    return $rc
}

# galaxy-importer exits 0 even when a check fails, so its output decides: no ERROR or
# CRITICAL line, no traceback, no WARNING outside GALAXY_WARNINGS_ALLOWED, and its closing line.
gate_galaxy() {
    local dist="$BUILD/dist" out tarball rc=0
    rm -rf "$dist"
    echo "\$ ansible-galaxy collection build --output-path $dist"
    ansible-galaxy collection build --force --output-path "$dist" . || return 1
    tarball=$(ls "$dist"/apify-platform-*.tar.gz)
    echo "\$ python -m galaxy_importer.main $(basename "$tarball")"
    out="$LOGDIR/galaxy-importer.out"
    GALAXY_IMPORTER_CONFIG="$ROOT/scripts/galaxy-importer.cfg" python -m galaxy_importer.main "$tarball" >"$out" 2>&1 || rc=1
    cat "$out"
    if [[ $rc -ne 0 ]]; then
        echo 'galaxy: galaxy-importer exited non-zero'
    fi
    if grep -nE '^(ERROR|CRITICAL)|Traceback' "$out"; then
        echo 'galaxy: FAILED: errors in the output above'
        rc=1
    fi
    if grep -E '^WARNING' "$out" | { if [[ -n "$GALAXY_WARNINGS_ALLOWED" ]]; then grep -vE "$GALAXY_WARNINGS_ALLOWED"; else cat; fi; } | grep .; then
        echo 'galaxy: FAILED: Galaxy would show the warnings above'
        rc=1
    fi
    if ! grep -q '^Importer processing completed successfully' "$out"; then
        echo 'galaxy: FAILED: galaxy-importer did not complete'
        rc=1
    fi
    return $rc
}

# run_gate NAME VENV: run gate_NAME with VENV's tools first on PATH; keep its output in
# $LOGDIR/NAME.log and its result in $LOGDIR/NAME.result. (set -e does not apply inside a
# gate, which runs on the left of ||: each gate returns its own status.)
run_gate() {
    local name=$1 venv=$2 t0 rc=0
    t0=$(date +%s)
    (PATH="$venv/bin:$PATH" "gate_${name//-/_}") >"$LOGDIR/$name.log" 2>&1 || rc=$?
    if [[ $rc -eq 0 ]]; then
        echo "passed ($(($(date +%s) - t0))s)" >"$LOGDIR/$name.result"
    else
        echo "FAILED ($(($(date +%s) - t0))s)" >"$LOGDIR/$name.result"
    fi
}

show_gate() {
    echo "------------------- lint: $1: $(cat "$LOGDIR/$1.result") -------------------"
    cat "$LOGDIR/$1.log"
}

# One gate after another, galaxy first. galaxy-importer runs its own ansible-lint, and run
# after (or beside) the ansible-lint gate it failed to resolve the .ansible-lint mock of
# awx.awx.credential_type (seen three times in fresh clones); run first, it passes.
for gate in galaxy ruff yamllint ansible-lint docs changelog; do
    if wants "$gate"; then
        echo "lint: $gate"
        if [[ "$gate" == galaxy ]]; then
            run_gate "$gate" "$IMPORTER_VENV"
        else
            run_gate "$gate" "$LINT_VENV"
        fi
        show_gate "$gate"
    fi
done

echo '------------------- lint: summary -------------------'
failed=0
for gate in ruff yamllint ansible-lint docs changelog galaxy; do
    if wants "$gate"; then
        result=$(cat "$LOGDIR/$gate.result")
        echo "  $gate: $result"
        [[ "$result" == passed* ]] || failed=$((failed + 1))
    fi
done
echo "lint: finished in $(($(date +%s) - start))s; logs in $LOGDIR"
if [[ $failed -gt 0 ]]; then
    echo "lint: FAILED: $failed gate(s)"
    exit 1
fi
