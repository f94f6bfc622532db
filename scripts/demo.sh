#!/usr/bin/env bash
# make demo: build and install the collection, start the Apify API emulator with a few runs in
# different states, and run examples/demo.yml against it. Needs only what `make venv` installed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv="$root/.venv"
work="$root/.build/demo"
"$root/scripts/install-collection.sh" "$work"

token="demo-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
port_file="$work/emulator.port"
echo "== Starting the Apify API emulator on loopback, with these runs:"
(cd "$root" && exec "$venv/bin/python" -m tests.emulator --seed demo --port 0 --port-file "$port_file" \
    --token "$token" --quiet) &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true; wait "$emulator" 2>/dev/null || true' EXIT
for _ in $(seq 300); do
    [[ -s "$port_file" ]] && break
    kill -0 "$emulator" 2>/dev/null || { echo "the emulator did not start" >&2; exit 1; }
    sleep 0.1
done
[[ -s "$port_file" ]] || { echo "the emulator did not write its port" >&2; exit 1; }

echo "== ansible-playbook examples/demo.yml"
APIFY_TOKEN="$token" \
APIFY_API_BASE_URL="http://127.0.0.1:$(cat "$port_file")" \
ANSIBLE_COLLECTIONS_PATH="$work/collections" \
ANSIBLE_CALLBACK_RESULT_FORMAT=yaml \
ANSIBLE_LOCALHOST_WARNING=false \
ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
ANSIBLE_NOCOLOR="${CI:+1}" \
    "$venv/bin/ansible-playbook" "$root/examples/demo.yml"
