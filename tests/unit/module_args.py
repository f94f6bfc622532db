# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``patch_module_args`` on every ansible-core the collection supports.

ansible-core 2.19 added ``ansible.module_utils.testing.patch_module_args``; on
2.16 to 2.18 the same is done by handing ``AnsibleModule`` its arguments through
``basic._ANSIBLE_ARGS``, as those cores' own unit tests do.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import json
from unittest import mock

from ansible.module_utils import basic

try:
    from ansible.module_utils.testing import patch_module_args  # noqa: F401  pylint: disable=unused-import
except ImportError:  # ansible-core < 2.19

    @contextlib.contextmanager
    def patch_module_args(args=None):
        """Expose ``args`` to the ``AnsibleModule`` created inside the block."""
        encoded = json.dumps({"ANSIBLE_MODULE_ARGS": args or {}}).encode("utf-8")
        with mock.patch.object(basic, "_ANSIBLE_ARGS", encoded):
            yield
