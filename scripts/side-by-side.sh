#!/usr/bin/env bash
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# side-by-side.sh LOGDIR TARGET...: run `make TARGET` for every TARGET at the same time, each with
# its output in LOGDIR/TARGET.out; say every minute which are still running; when all have ended,
# print each output whole (in the order given), then one line per target with its status and time.
# Exits 1 if any target failed. `make integration` runs the legs' integration tests this way: they
# mostly wait (on the emulator, on timeouts and watch windows), so together they take little longer
# than one.
set -uo pipefail

logs=$1
shift
mkdir -p "$logs"
make_=${MAKE:-make}

declare -A pid started status took
for target in "$@"; do
    started[$target]=$(date +%s)
    "$make_" --no-print-directory "$target" >"$logs/$target.out" 2>&1 &
    pid[$target]=$!
done
echo "side-by-side: started $*; each one's output is in $logs/TARGET.out, printed here when all have ended"

running=("$@")
ticks=0
while ((${#running[@]})); do
    still=()
    for target in "${running[@]}"; do
        if kill -0 "${pid[$target]}" 2>/dev/null; then
            still+=("$target")
            continue
        fi
        wait "${pid[$target]}"
        rc=$?
        took[$target]=$(($(date +%s) - started[$target]))
        if ((rc == 0)); then status[$target]=passed; else status[$target]="FAILED (exit $rc)"; fi
        echo "side-by-side: $target ${status[$target]} after ${took[$target]}s"
    done
    running=("${still[@]}")
    ((${#running[@]})) || break
    sleep 1
    ((++ticks % 60)) || echo "side-by-side: still running: ${running[*]}"
done

rc=0
for target in "$@"; do
    echo "=================== $target (output) ==================="
    cat "$logs/$target.out"
done
echo "=================== side by side ==================="
for target in "$@"; do
    echo "  $target: ${status[$target]} (${took[$target]}s)"
    [[ ${status[$target]} == passed ]] || rc=1
done
exit $rc
