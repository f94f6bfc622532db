#!/usr/bin/env bash
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# This target has the name of the collection's role. Run as a role target, ansible-test's play
# (`roles: [reboot_stuck_runs]`) would find the collection's role apify.platform.reboot_stuck_runs
# first and run it instead of these tests; so the tests run through runme.yml. ansible-test loads
# integration_config.yml (the emulator's URL and token) only into role targets' plays: load it here.
set -eux
ansible-playbook runme.yml -i "${INVENTORY_PATH}" -e @../../integration_config.yml "$@"
