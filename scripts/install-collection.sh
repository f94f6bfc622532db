#!/usr/bin/env bash
# Build the collection from the work tree and install it, as a user would, into WORK/collections.
# Usage: scripts/install-collection.sh WORK   (WORK is emptied first; needs `make venv`)
# Writes WORK/env.sh: `source` it to use .venv's ansible-playbook and ansible-doc with that collection.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv="$root/.venv"
work=${1:?usage: install-collection.sh WORK}
rm -rf "$work"
mkdir -p "$work/dist" "$work/collections"
echo "== Building and installing apify.platform into $work/collections"
"$venv/bin/ansible-galaxy" collection build --force --output-path "$work/dist" "$root" >/dev/null
ANSIBLE_COLLECTIONS_PATH="$work/collections" \
    "$venv/bin/ansible-galaxy" collection install --force -p "$work/collections" "$work"/dist/apify-platform-*.tar.gz >/dev/null
{
    echo "# source this file: .venv's ansible-core with the apify.platform installed here (make demo, make emulator)"
    printf 'export ANSIBLE_COLLECTIONS_PATH=%q\n' "$work/collections"
    # shellcheck disable=SC2016  # $PATH is expanded when env.sh is sourced
    printf 'export PATH=%q:"$PATH"\n' "$venv/bin"
} >"$work/env.sh"
