# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    # What each attribute means; modules state only their support.
    DOCUMENTATION = r"""
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying the target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second invocation
        indicates no change.
  action_group:
    description: Use C(group/apify.platform.apify) in C(module_defaults) to set defaults for this module.
"""

    # For the modules of the action group: add apify.platform.attributes.action_group.
    ACTION_GROUP = r"""
attributes:
  action_group:
    support: full
    membership:
      - apify.platform.apify
"""
