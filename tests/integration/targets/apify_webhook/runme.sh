#!/usr/bin/env bash
# apify.platform.apify_webhook against the emulator, judged by its request log (webhook.yml), run
# with -vvvv; then the whole output is searched for the webhook's secrets, which must not appear.
#
# The emulator's URL and token: ../setup_runme/config.sh (runme_config).
set -euo pipefail

# shellcheck source=../setup_runme/config.sh
source ../setup_runme/config.sh
extra=()  # set by runme_config (with config, unused here)
runme_config apify_webhook "$@"

# Fresh per run, long enough to search for without false hits.
secret=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
secret2=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
header=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
work=$(mktemp -d "${TMPDIR:-/tmp}/apify-webhook.XXXXXX")
trap 'rm -rf "$work"' EXIT

# In a vars file: -vvvv prints extra vars given on the command line.
printf 'webhook_secret: "%s"\nwebhook_secret2: "%s"\nwebhook_header: "%s"\n' "$secret" "$secret2" "$header" >"$work/secrets.yml"
rc=0
ANSIBLE_NOCOLOR=1 ansible-playbook -vvvv -i "${INVENTORY_PATH:-localhost,}" webhook.yml "${extra[@]}" \
    -e "@$work/secrets.yml" >"$work/stdout" 2>"$work/stderr" || rc=$?

mask() { sed -e "s/${secret}/<SECRET>/g" -e "s/${secret2}/<SECRET2>/g" -e "s/${header}/<HEADER>/g"; }
grep -E '^(TASK|ok:|changed:|failed:|fatal:|skipping:|PLAY RECAP|testhost|localhost) ' "$work/stdout" | mask || true
echo "apify_webhook: ansible-playbook -vvvv exited $rc"
if [[ $rc -ne 0 ]]; then
    tail -n 80 "$work/stdout" | mask
    tail -n 30 "$work/stderr" | mask
    exit "$rc"
fi
failed=0
for part in "$secret" "$secret2" "$header"; do
    for stream in stdout stderr; do
        if grep -qF -- "$part" "$work/$stream"; then
            echo "apify_webhook: FAILED: a secret appears in the playbook's $stream:" >&2
            grep -nF -- "$part" "$work/$stream" | mask | head -n 20 >&2
            failed=1
        fi
    done
done
# Not vacuous: the secrets reached the emulator (webhook.yml asserts it) and the output shows masks.
for expected in '"Authorization\": \"********\"' 'Created webhook' 'nothing to do'; do
    if ! grep -qF -- "$expected" "$work/stdout"; then
        echo "apify_webhook: FAILED: expected to see '$expected' in the -vvvv output" >&2
        failed=1
    fi
done
[[ $failed -eq 0 ]] && echo "apify_webhook: no secret in $(($(wc -c <"$work/stdout") + $(wc -c <"$work/stderr"))) bytes of -vvvv output"
exit "$failed"
