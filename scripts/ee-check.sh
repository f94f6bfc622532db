#!/usr/bin/env bash
# Copyright: (c) 2025, apify.platform maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# `make ee`: check the collection as ansible-builder sees it when it goes into an
# execution environment (EE). No container engine is needed.
#
#   scripts/ee-check.sh COLLECTION_DIR WORK_DIR
#
# Environment: PYTHON (makes the ansible-builder venv; default python3),
# ANSIBLE_GALAXY (default ansible-galaxy), EE_VENV (default <repo>/.venvs/ee),
# EE_REQUIREMENTS (default <repo>/requirements-ee.txt).
#
# 1. Installs the pinned ansible-builder into EE_VENV (again only when the pins change).
# 2. Builds COLLECTION_DIR with ansible-galaxy, installs the tarball into a scratch
#    collections path and runs `ansible-builder introspect --sanitize` on it: the
#    collection's requirements.txt (through meta/execution-environment.yml) must be
#    listed, requests and jsonschema among them.
# 3. Runs `ansible-builder create` on a copy of COLLECTION_DIR/examples/execution-environment/
#    with the tarball beside it: the build context must have a Containerfile and the
#    collection.
# 4. Replays, outside a container, the two build steps that find the collection's
#    requirements: the context's galaxy install (`ansible-galaxy collection install -r
#    requirements.yml` from _build/, as the Containerfile does) and the context's own
#    introspect script, whose requirements file must list requests and jsonschema.
set -euo pipefail

collection=${1:?usage: ee-check.sh COLLECTION_DIR WORK_DIR}
work=${2:?usage: ee-check.sh COLLECTION_DIR WORK_DIR}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-python3}
galaxy=${ANSIBLE_GALAXY:-ansible-galaxy}
venv=${EE_VENV:-$root/.venvs/ee}
requirements=${EE_REQUIREMENTS:-$root/requirements-ee.txt}
# what the modules import; requirements.txt may list more
required=(requests jsonschema)

fail() { echo "ee: FAILED: $*" >&2; exit 1; }
# absolute paths: part of the work happens in other directories
absolute() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
collection=$(absolute "$collection")
work=$(absolute "$work")
[[ $galaxy != */* ]] || galaxy=$(absolute "$galaxy")
example=$collection/examples/execution-environment

# --- 1. ansible-builder in its own venv
stamp="$venv/.installed-$(sha256sum "$requirements" | cut -c1-16)"
if [[ ! -f "$stamp" ]]; then
    [[ -x "$venv/bin/python" ]] || { echo "ee: creating $venv"; "$python" -m venv "$venv"; }
    "$venv/bin/python" -m pip install --disable-pip-version-check --quiet --requirement "$requirements"
    rm -f "$venv"/.installed-*
    touch "$stamp"
fi
builder="$venv/bin/ansible-builder"
echo "ee: ansible-builder $("$builder" --version)"

# Prints the package names of a requirements file or introspect output, one a line.
requirement_names() {
    "$venv/bin/python" - "$@" <<'PY'
import re, sys
import yaml
from packaging.requirements import Requirement

text = open(sys.argv[1], encoding='utf-8').read()
if sys.argv[1].endswith('.yml'):
    lines = [line for line in text.splitlines() if not line.startswith('#')]
    lines = yaml.safe_load('\n'.join(lines)).get('python') or []
else:
    lines = text.splitlines()
for line in lines:
    line = line.split('#', 1)[0].strip()
    if line:
        print(re.sub(r'[-_.]+', '-', Requirement(line).name).lower())
PY
}

# Fails unless every name of $required and of the collection's requirements.txt is in file $1.
check_listed() {
    local file=$1 what=$2 names name
    names=$(requirement_names "$file")
    for name in "${required[@]}" $(requirement_names "$collection/requirements.txt"); do
        grep -qx "$name" <<<"$names" || fail "$what does not list $name (see $file)"
    done
    echo "ee: ok: $what lists $(tr '\n' ' ' <<<"$names")"
}

rm -rf "$work"
mkdir -p "$work/dist"

# --- 2. the collection's own EE metadata, as introspect sees it once installed
[[ -f "$collection/meta/execution-environment.yml" ]] || fail "meta/execution-environment.yml is missing"
"$galaxy" collection build --output-path "$work/dist" "$collection" >/dev/null
tarballs=("$work"/dist/apify-platform-*.tar.gz)
[[ -f "${tarballs[0]}" ]] || fail "ansible-galaxy collection build made no tarball"
tarball=${tarballs[0]}
echo "ee: built $(basename "$tarball")"
ANSIBLE_COLLECTIONS_PATH="$work/collections" \
    "$galaxy" collection install --force -p "$work/collections" "$tarball" >/dev/null
"$builder" introspect --sanitize "$work/collections" | tee "$work/introspect.yml"
check_listed "$work/introspect.yml" "ansible-builder introspect --sanitize"
grep -q 'from collection apify.platform' "$work/introspect.yml" || fail "introspect does not attribute the requirements to apify.platform"

# --- 3. the example EE definition gives a build context
cp -r "$example" "$work/example"
cp "$tarball" "$work/example/apify-platform.tar.gz"
context="$work/example/context"
(cd "$work/example" && "$builder" create --file execution-environment.yml --context "$context" \
    --output-filename Containerfile) | tee "$work/create.log"
for f in Containerfile _build/requirements.yml _build/collections/apify-platform.tar.gz _build/scripts/introspect.py; do
    [[ -f "$context/$f" ]] || fail "ansible-builder create did not write $f in $context"
done
grep -q 'ansible-galaxy collection install .*-r requirements.yml' "$context/Containerfile" \
    || fail "the Containerfile does not install the galaxy requirements"
grep -q 'introspect.py introspect' "$context/Containerfile" || fail "the Containerfile does not introspect"
echo "ee: ok: ansible-builder create wrote $context/Containerfile with the collection in _build/"

# --- 4. what the image build would do with that context: galaxy install, then introspect
(cd "$context/_build" && ANSIBLE_GALAXY_DISABLE_GPG_VERIFY=1 ANSIBLE_COLLECTIONS_PATH="$work/image/collections" \
    "$galaxy" collection install -r requirements.yml --collections-path "$work/image/collections" >/dev/null)
[[ -f "$work/image/collections/ansible_collections/apify/platform/meta/execution-environment.yml" ]] \
    || fail "installing the context's requirements.yml did not install apify.platform"
"$venv/bin/python" "$context/_build/scripts/introspect.py" introspect \
    --write-pip "$work/image/requirements.txt" --write-bindep "$work/image/bindep.txt" \
    "$work/image/collections" >/dev/null
echo "ee: the image's introspected requirements.txt:"
sed 's/^/    /' "$work/image/requirements.txt"
check_listed "$work/image/requirements.txt" "the build context's introspection"
echo "ee: passed"
