#!/usr/bin/env bash
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This target has the name of the collection's role. Run as a role target, ansible-test's play
# (`roles: [reboot_stuck_runs]`) would find the collection's role apify.platform.reboot_stuck_runs
# first and run it instead of these tests; so the tests run through runme.yml. ansible-test loads
# integration_config.yml (the emulator's URL and token) only into role targets' plays: load it here.
set -eux -o pipefail
# role_case.yml hands the role its variables as templates, null included ("{{ ... | default(none) }}").
# ansible-core 2.19 and later keep a template's null; earlier cores render it as "" unless Jinja2's
# native types are on, so turn them on (a no-op from 2.19 on). A playbook that sets the variables as
# YAML values, as users do, needs no such setting on any core.
export ANSIBLE_JINJA2_NATIVE=true
ansible-playbook runme.yml -i "${INVENTORY_PATH}" -e @../../integration_config.yml "$@"

# A dry run reports no change: its play recap must say changed=0 (what AWX and cron mails show).
# Under --check, tasks report what they would change, as check mode does; nothing is sent either way.
recap_dir=${OUTPUT_DIR:-$(mktemp -d)}
ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ansible-playbook dry_run_recap.yml -i "${INVENTORY_PATH}" -e @../../integration_config.yml "$@" \
    | tee "$recap_dir/dry_run_recap.log"
grep -E '^testhost +: ok=[0-9]+ +changed=0 +unreachable=0 +failed=0 ' "$recap_dir/dry_run_recap.log"
ansible-playbook dry_run_recap.yml --check -e recap_check_mode=true -i "${INVENTORY_PATH}" -e @../../integration_config.yml "$@"
