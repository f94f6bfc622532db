#!/usr/bin/env bash
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# The proof stage (`make proof`): tests that need test-only packages, run in their own venv.
#
#   scripts/proof.sh COLLECTION_DIR [pytest args...]
#
# Creates .venvs/proof with the pinned requirements-proof.txt (again whenever that file
# changes), then runs pytest from the laid-out collection (COLLECTION_DIR, as `make units`
# does, with PYTHONPATH=<.build>:<COLLECTION_DIR>) over:
#   tests/conformance  the emulator's answers against Apify's OpenAPI spec, per operation and
#                      status; Apify's Python client (apify-client) against the emulator; the
#                      modules' JSON Schemas against the spec's examples and components
#   tests/unit/fuzz    hypothesis fuzzing of the response handling (skipped by `make units`)
#   tests/runner       ansible-runner: examples/reboot_run.yml with the AWX credential type's
#                      environment, the token searched for everywhere; bad input and every
#                      error message, as the troubleshooting page shows them
# The OpenAPI spec is read from APIFY_OPENAPI_SPEC (the Makefile sets it to
# ../shared/apify-openapi/openapi.bundled.json); where it is absent those tests skip, saying why.
# If STATUS_FILE is set, "skipped ..." is written there when pytest collected nothing.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
collection=$(cd "${1:?usage: proof.sh COLLECTION_DIR [pytest args...]}" && pwd)
shift
venv=${PROOF_VENV:-$root/.venvs/proof}
requirements=$root/requirements-proof.txt
py_version=${PY_VERSION:-3.11}
python=${PYTHON:-python$py_version}
stamp="$venv/.installed-$(sha256sum "$requirements" | cut -c1-16)"

if [[ -x "$venv/bin/python" ]] && ! "$venv/bin/python" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$py_version'.split('.'))))"; then
    echo "proof: $venv is not Python $py_version; recreating"
    rm -rf "$venv"
fi
if [[ ! -x "$venv/bin/python" ]]; then
    if ! "$python" -c '' 2>/dev/null; then
        python=$(printf '%s\n' "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$py_version".*/bin/python"$py_version" | sort -V | tail -n 1)
        [[ -x "$python" ]] || python=
        [[ -n "$python" ]] || { echo "proof: no working python$py_version found (also looked in pyenv's versions)" >&2; exit 1; }
    fi
    echo "proof: creating $venv with $python"
    "$python" -m venv "$venv"
fi
if [[ ! -f "$stamp" ]]; then
    echo "proof: installing requirements-proof.txt into $venv"
    "$venv/bin/python" -m pip install --disable-pip-version-check --quiet --requirement "$requirements"
    rm -f "$venv"/.installed-*
    touch "$stamp"
fi

export APIFY_OPENAPI_SPEC="${APIFY_OPENAPI_SPEC:-$(dirname "$root")/shared/apify-openapi/openapi.bundled.json}"
# ansible-playbook (for ansible-runner) and the modules' Python come from the proof venv.
export PATH="$venv/bin:$PATH"
build=$(dirname "$(dirname "$(dirname "$collection")")")
export PYTHONPATH="$build:$collection"
export PYTHONDONTWRITEBYTECODE=1
unset ANSIBLE_CONFIG ANSIBLE_COLLECTIONS_PATH ANSIBLE_COLLECTIONS_PATHS

cd "$collection"
rc=0
start=$(date +%s)
"$venv/bin/python" -m pytest tests/conformance tests/unit/fuzz tests/runner \
    --rootdir "$collection" --confcutdir "$collection" -p no:cacheprovider --import-mode=importlib -ra "$@" || rc=$?
echo "proof: pytest exited $rc after $(( $(date +%s) - start ))s"
if [[ $rc -eq 5 ]]; then
    echo 'proof: pytest collected no tests'
    [[ -z "${STATUS_FILE:-}" ]] || echo 'skipped (no tests collected)' >"$STATUS_FILE"
    rc=0
fi
exit "$rc"
