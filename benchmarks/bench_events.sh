#!/usr/bin/env bash
# make bench (its events part) and make bench-events: the event source apify.platform.webhook beside
# ansible-rulebook's eda.builtin.webhook, and with verification at 50 ms API latency. Its venv
# (.venvs/events: ansible-rulebook, which brings aiohttp, with requests and jsonschema) is
# pinned by constraints.txt. Arguments go to benchmarks/bench_events.py (--help).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
events_venv="$root/.venvs/events"
work="$root/.build/bench-events"

make -C "$root" "$events_venv/.installed" >/dev/null   # the venv of make demo-events

"$root/scripts/install-collection.sh" "$work"
cd "$root"
exec "$events_venv/bin/python" "$root/benchmarks/bench_events.py" --collections "$work/collections" --workdir "$work" "$@"
