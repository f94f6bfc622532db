#!/usr/bin/env bash
# make bench: build and install the collection, make the benchmark's own venv (.venvs/bench:
# apify-client, psutil, matplotlib; never needed by the collection), then run benchmarks/bench.py,
# which starts the emulator and measures every contender. Arguments go to bench.py (--help).
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

rm -rf "$work"
mkdir -p "$work/dist" "$work/collections"
echo "== Building and installing apify.platform into $work/collections"
"$venv/bin/ansible-galaxy" collection build --force --output-path "$work/dist" "$root" >/dev/null
ANSIBLE_COLLECTIONS_PATH="$work/collections" \
    "$venv/bin/ansible-galaxy" collection install --force -p "$work/collections" "$work"/dist/apify-platform-*.tar.gz >/dev/null

exec "$bench_venv/bin/python" "$root/benchmarks/bench.py" --collections "$work/collections" --venv "$venv" \
    --workdir "$work" "$@"
