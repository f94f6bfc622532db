# shellcheck shell=bash
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Sourced by the runme.sh of targets whose aliases say needs/target/setup_runme (ansible-test then
# copies this directory beside them). ansible-test runs runme.sh [-v...] from a temporary copy of
# the target, beside a copy of tests/integration/integration_config.yml (the emulator's URL and
# token); a `-e @file` argument overrides it.
#
# runme_config NAME "$@": sets `extra` to the -e arguments to hand on to ansible-playbook, with
# integration_config.yml added when none names a file, and `config` to that file's path; exits
# with a message naming the target NAME when the file is missing.
runme_config() {
    local name=$1 arg
    shift
    extra=()
    while [[ $# -gt 0 ]]; do
        case $1 in
            -e) extra+=("$1" "$2"); shift 2 ;;
            *) shift ;;
        esac
    done
    config=
    for arg in "${extra[@]}"; do
        [[ $arg == @* ]] && config=${arg#@}
    done
    if [[ -z "$config" ]]; then
        config=../../integration_config.yml
        extra+=(-e "@$config")
    fi
    [[ -f "$config" ]] || { echo "$name: $config not found (run through make integration)" >&2; exit 1; }
}
