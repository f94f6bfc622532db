#!/usr/bin/env bash
# make bench: build and install the collection, make the benchmark's own venv (.venvs/bench:
# apify-client, psutil, matplotlib; never needed by the collection), then run benchmarks/bench.py,
# which starts the emulator and measures every contender. Arguments go to bench.py (--help).
# Then benchmarks/bench_events.sh: the event source's figures.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv="$root/.venv"
bench_venv="$root/.venvs/bench"
requirements="$root/benchmarks/requirements.txt"
work="$root/.build/bench"

stamp="$bench_venv/.installed-$(sha256sum "$requirements" | cut -c1-16)"
if [[ ! -f "$stamp" ]]; then
    if [[ ! -x "$bench_venv/bin/python" ]]; then
        # the interpreter .venv was made from (make venv found it)
        python=$("$venv/bin/python" -c 'import sys; print(sys._base_executable)')
        echo "== Creating $bench_venv with $python"
        "$python" -m venv "$bench_venv"
    fi
    echo "== Installing benchmarks/requirements.txt into $bench_venv"
    "$bench_venv/bin/python" -m pip install --disable-pip-version-check --quiet --requirement "$requirements"
    rm -f "$bench_venv"/.installed-*
    touch "$stamp"
fi

"$root/scripts/install-collection.sh" "$work"

"$bench_venv/bin/python" "$root/benchmarks/bench.py" --collections "$work/collections" --venv "$venv" \
    --workdir "$work" "$@"
# the event source's figures, in the same `make bench` (benchmarks/results_events.md)
exec "$root/benchmarks/bench_events.sh"
