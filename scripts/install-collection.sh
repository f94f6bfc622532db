#!/usr/bin/env bash
# Build the collection from the work tree and install it, as a user would, into WORK/collections.
# Usage: scripts/install-collection.sh WORK   (WORK is emptied first; needs `make venv`)
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
