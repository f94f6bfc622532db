#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: apify_webhook_info
short_description: Read Apify webhooks and their recent dispatches
version_added: 1.1.0
description:
  - With O(webhook_id), returns that webhook in full (C(GET /v2/webhooks/{webhookId})) as the only item of RV(webhooks).
  - Otherwise lists the webhooks of an Actor (O(actor_id)), of a task (O(task_id)) or of the account, in the API's
    short shape (no templates), up to O(limit).
  - With O(dispatches=true), each returned webhook gets C(dispatches), its most recent dispatches with their calls
    (C(GET /v2/webhooks/{webhookId}/dispatches)), so that "why did it not fire?" has an answer.
  - Header values in C(headersTemplate) are masked. Read-only; never reports a change.
author:
  - apify.platform maintainers (@apify-platform)
extends_documentation_fragment:
  - apify.platform.apify
  - apify.platform.attributes
  - apify.platform.attributes.action_group
attributes:
  check_mode:
    support: full
    details:
      - The module only reads, so it runs the same in check mode.
  diff_mode:
    support: none
  idempotent:
    support: full
options:
  webhook_id:
    description:
      - The webhook to return, in full. Mutually exclusive with O(actor_id) and O(task_id).
    type: str
  actor_id:
    description:
      - List the webhooks of this Actor (its ID).
    type: str
  task_id:
    description:
      - List the webhooks of this Actor task (its ID).
    type: str
  limit:
    description:
      - The most webhooks to list (pages of up to 1000 are read until then). Must be greater than 0.
    type: int
    default: 1000
  dispatches:
    description:
      - Also return each webhook's most recent dispatches (newest first), up to O(dispatch_limit) each.
    type: bool
    default: false
  dispatch_limit:
    description:
      - How many dispatches to return per webhook with O(dispatches=true), from 1 to 1000.
    type: int
    default: 10
seealso:
  - module: apify.platform.apify_webhook
"""

EXAMPLES = r"""
- name: The webhooks of an Actor, with their last dispatches
  apify.platform.apify_webhook_info:
    actor_id: HDSasDasz78YcAPEB
    dispatches: true
    token: "{{ apify_token }}"
  register: hooks

- name: The status of each one's last call
  ansible.builtin.debug:
    msg: "{{ hooks.webhooks | map(attribute='dispatches') | map('first', default={}) | list }}"
"""

RETURN = r"""
webhooks:
  description:
    - The webhooks. With O(webhook_id), the one webhook in full; otherwise the API's list items
      (C(id), C(eventTypes), C(condition), C(requestUrl), C(lastDispatch), ...).
  returned: always
  type: list
  elements: dict
  sample:
    - id: YiKoxjkaS9gjGTqhF
      eventTypes: [ACTOR.RUN.FAILED]
      condition: {actorId: HDSasDasz78YcAPEB}
      requestUrl: https://eda.example.com/apify
      dispatches:
        - id: asdLZtadYvn4mBZmm
          status: FAILED
          eventType: ACTOR.RUN.FAILED
          calls: [{responseStatus: 503, errorMessage: null, startedAt: "2026-01-02T03:04:05.000Z"}]
total:
  description: How many webhooks the API counts for the listing (1 with O(webhook_id)).
  returned: always
  type: int
  sample: 1
"""

from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyConfigError
from ansible_collections.apify.platform.plugins.module_utils._module import ApifyModule
from ansible_collections.apify.platform.plugins.module_utils._options import RUN_ID_RE, check_resource_id, shown
from ansible_collections.apify.platform.plugins.module_utils._webhook_state import masked
from ansible_collections.apify.platform.plugins.module_utils._webhooks import get_webhook, list_dispatches, list_webhooks


def info(module):
    params = module.params
    if params["webhook_id"] is not None and not RUN_ID_RE.fullmatch(params["webhook_id"]):
        raise ApifyConfigError("webhook_id %s is not an Apify webhook ID (letters and digits). Nothing was sent." % shown(params["webhook_id"]))
    for option in ("actor_id", "task_id"):
        if params[option] is not None:
            check_resource_id(params[option], option)
    if params["limit"] <= 0:
        raise ApifyConfigError("limit must be greater than 0 (got %d)." % params["limit"])
    if not 1 <= params["dispatch_limit"] <= 1000:
        raise ApifyConfigError("dispatch_limit must be from 1 to 1000 (got %d)." % params["dispatch_limit"])
    client = module.client()
    if params["webhook_id"] is not None:
        hooks, total = [get_webhook(client, params["webhook_id"], client.redact)], 1
    else:
        hooks, total = list_webhooks(client, client.redact, actor_id=params["actor_id"], task_id=params["task_id"], limit=params["limit"])
    webhooks = []
    for hook in hooks:
        hook = masked(hook, [])
        if params["dispatches"]:
            if not RUN_ID_RE.fullmatch(hook["id"]):
                hook["dispatches"] = None
                hook["dispatches_error"] = "the listing names a webhook ID that is not one; nothing was sent for it"
            else:
                hook["dispatches"] = list_dispatches(client, hook["id"], client.redact, limit=params["dispatch_limit"])
        webhooks.append(hook)
    return {"changed": False, "webhooks": webhooks, "total": total}


def main():
    module = ApifyModule(
        argument_spec=dict(
            webhook_id=dict(type="str"),
            actor_id=dict(type="str"),
            task_id=dict(type="str"),
            limit=dict(type="int", default=1000),
            dispatches=dict(type="bool", default=False),
            dispatch_limit=dict(type="int", default=10),
        ),
        mutually_exclusive=[("webhook_id", "actor_id", "task_id")],
        supports_check_mode=True,
    )
    module.run(lambda: info(module))


if __name__ == "__main__":
    main()
