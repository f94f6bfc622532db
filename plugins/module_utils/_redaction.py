# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What replaces a secret in text, and the forms a secret may take there.

One concern: ``REDACTED`` stands in for the token (or any secret) wherever a
text may reach the user; ``escaped_forms`` lists how ``repr()`` or JSON may have
escaped a secret, so that each form is found. ``ApifyClient.redact``,
``_module.py`` and the event source use them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

REDACTED = "********"


def escaped_forms(secret):
    """``secret`` as it stands and as ``repr()`` or JSON may have escaped it (``\\``, quotes), longest first."""
    forms = {secret, json.dumps(secret)[1:-1]}
    backslashed = secret.replace("\\", "\\\\")
    forms.update((backslashed, backslashed.replace("'", "\\'"), backslashed.replace('"', '\\"'), repr(secret)[1:-1]))
    return sorted(forms, key=len, reverse=True)
