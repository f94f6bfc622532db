#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: apify_webhook
short_description: Create, update or delete an Apify webhook, idempotently
version_added: 1.1.0
description:
  - Manages one Apify webhook (C(/v2/webhooks)), for example one that tells an operator, or an
    Event-Driven Ansible rulebook, that a run failed.
  - The webhook is identified by its condition (exactly one of O(actor_id), O(task_id) and O(run_id))
    together with O(request_url), or by O(webhook_id). When two webhooks match one identity, the task
    fails naming both IDs and changes nothing.
  - Present with nothing different is C(changed=false) and no write. A difference is one C(PUT) of
    the fields that differ, compared on the webhook read in full (list answers carry no templates).
    Options not given are left as they are.
  - A create carries an C(idempotencyKey) fresh for the task. When its answer is lost (a server error,
    a timeout, a dropped connection), the webhooks of the identity are looked up first, and the same create
    (same key) is sent once more only if none was made; one task never leaves two webhooks.
  - "Apify does not sign webhook calls. O(secret) is sent by Apify on every call as
    C(Authorization: Bearer <secret>) (through the webhook's C(headersTemplate)), so that a receiver such
    as the event source of this collection can tell Apify's calls from anyone else's."
  - The secret and the values of O(headers) never appear in output, results, diffs or errors; the
    header values of C(headersTemplate) in RV(webhook) are masked.
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
      - In check mode the webhook is read, never written; C(changed) is what a real run would report.
  diff_mode:
    support: full
    details:
      - The managed fields before and after, with header values and the secret masked.
  idempotent:
    support: full
options:
  state:
    description:
      - V(present) creates the webhook or brings it in line; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  webhook_id:
    description:
      - The webhook to manage, by ID. Without it, the webhook is the one of the condition and O(request_url).
      - With O(state=present), it must exist (it is not created).
    type: str
  actor_id:
    description:
      - The condition, calls for runs of this Actor. Give the Actor's ID; it is compared as text.
      - Exactly one of O(actor_id), O(task_id) and O(run_id), unless O(webhook_id) is given.
    type: str
  task_id:
    description:
      - The condition, calls for runs of this Actor task (its ID).
    type: str
  run_id:
    description:
      - The condition, calls for this one run.
    type: str
  request_url:
    description:
      - The URL Apify posts to (C(http://) or C(https://)). Part of the identity.
    type: str
  event_types:
    description:
      - The events that trigger a call. Required to create. Compared as a set.
    type: list
    elements: str
    choices:
      - ACTOR.BUILD.ABORTED
      - ACTOR.BUILD.CREATED
      - ACTOR.BUILD.FAILED
      - ACTOR.BUILD.SUCCEEDED
      - ACTOR.BUILD.TIMED_OUT
      - ACTOR.RUN.ABORTED
      - ACTOR.RUN.CREATED
      - ACTOR.RUN.FAILED
      - ACTOR.RUN.RESURRECTED
      - ACTOR.RUN.SUCCEEDED
      - ACTOR.RUN.TIMED_OUT
      - TEST
  description:
    description:
      - A description of the webhook.
    type: str
  payload_template:
    description:
      - The body Apify sends, a JSON template with variables such as C({{resource}}). Without it,
        Apify sends its default payload (C(userId), C(createdAt), C(eventType), C(eventData), C(resource)).
    type: str
  ignore_ssl_errors:
    description:
      - Whether Apify ignores TLS errors of O(request_url).
    type: bool
  do_not_retry:
    description:
      - Whether Apify calls only once, without retries after a failed call.
    type: bool
  should_interpolate_strings:
    description:
      - Whether variables inside strings of O(payload_template) are replaced too.
    type: bool
  secret:
    description:
      - "A shared secret that Apify sends as C(Authorization: Bearer <secret>) on every call."
      - Compared with the webhook's C(headersTemplate) as read back, so a changed secret is one C(PUT).
      - Never shown. Together with O(headers), it replaces the whole C(headersTemplate).
    type: str
  headers:
    description:
      - Other headers Apify sends on every call (C(Content-Type) and C(X-Apify-*) are Apify's own and
        cannot be set). Their values are treated as secrets.
      - With or without O(secret), the C(headersTemplate) is then exactly these headers (and the secret's);
        V({}) without O(secret) removes them all.
    type: dict
notes:
  - Apify retries a failed call about 11 times over some 32 hours and may, rarely, call twice for one
    event, so a receiver must accept duplicates (C(X-Apify-Webhook-Dispatch-Id) tells them apart).
seealso:
  - module: apify.platform.apify_webhook_info
  - name: Webhooks guide
    description: Setting up webhooks and checking their dispatches.
    link: https://docs.apify.com/platform/integrations/webhooks
"""

EXAMPLES = r"""
- name: Tell the event receiver when a run of the scraper fails
  apify.platform.apify_webhook:
    actor_id: HDSasDasz78YcAPEB
    request_url: https://eda.example.com/apify
    event_types: [ACTOR.RUN.FAILED, ACTOR.RUN.TIMED_OUT]
    secret: "{{ apify_webhook_secret }}"
    description: failures to the rulebook
    token: "{{ apify_token }}"
  register: hook

- name: Its ID
  ansible.builtin.debug:
    msg: "{{ hook.webhook.id }}"

- name: Remove it again
  apify.platform.apify_webhook:
    actor_id: HDSasDasz78YcAPEB
    request_url: https://eda.example.com/apify
    state: absent
    token: "{{ apify_token }}"
"""

RETURN = r"""
webhook:
  description:
    - The webhook as the API answered it (its C(data)), after the change; C(null) when absent, or when
      check mode would create it. Header values in C(headersTemplate) and the secret anywhere are masked.
  returned: always
  type: dict
  sample:
    id: YiKoxjkaS9gjGTqhF
    eventTypes: [ACTOR.RUN.FAILED]
    condition: {actorId: HDSasDasz78YcAPEB}
    requestUrl: https://eda.example.com/apify
    headersTemplate: '{"Authorization": "********"}'
    payloadTemplate: null
    description: failures to the rulebook
    ignoreSslErrors: false
    doNotRetry: false
msg:
  description: What was done, or would be done in check mode.
  returned: always
  type: str
  sample: Created webhook YiKoxjkaS9gjGTqhF.
changed_fields:
  description: The API fields that were (or in check mode would be) written by the C(PUT).
  returned: when an existing webhook differed
  type: list
  elements: str
  sample: [eventTypes, headersTemplate]
"""

from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyApiError, ApifyError
from ansible_collections.apify.platform.plugins.module_utils._module import ApifyModule
from ansible_collections.apify.platform.plugins.module_utils._options import RUN_ID_RE, shown
from ansible_collections.apify.platform.plugins.module_utils._webhook_state import WebhookState, differences, masked
from ansible_collections.apify.platform.plugins.module_utils._webhooks import EVENT_TYPES, delete_webhook, update_webhook


def ensure(module):
    params = module.params
    if params["webhook_id"] is not None and not RUN_ID_RE.fullmatch(params["webhook_id"]):
        raise ApifyError("webhook_id %s is not an Apify webhook ID (letters and digits). Nothing was sent." % shown(params["webhook_id"]))
    for value in (params["headers"] or {}).values():
        if isinstance(value, str) and value:
            module.no_log_values.add(value)
    state = WebhookState(module, module.client(), params)
    current = state.find()
    result = {"changed": False, "webhook": masked(current, state.secrets)}
    if params["state"] == "absent":
        return absent(module, state, current, result)
    if current is None:
        if params["webhook_id"] is not None:
            raise ApifyError("Webhook %s does not exist; leave out webhook_id to create one. Nothing was sent." % params["webhook_id"])
        result.update(changed=True, msg="Would create a webhook." if module.check_mode else None)
        if not module.check_mode:
            current = state.create()
            result.update(webhook=masked(current, state.secrets), msg="Created webhook %s." % current["id"])
        if module._diff:  # pylint: disable=protected-access  # AnsibleModule's name for diff mode
            result["diff"] = state.diff(None, current or dict(state.desired))
        return result
    changes = differences(current, state.desired)
    if not changes:
        result["msg"] = "Webhook %s is as asked; nothing to do." % current["id"]
        return result
    after = dict(current, **changes)
    if not module.check_mode:
        after = state.learn_secrets(update_webhook(state.client, current["id"], changes, state.redact))
    result.update(
        changed=True,
        changed_fields=sorted(changes),
        webhook=masked(after, state.secrets),
        msg="%s webhook %s: %s." % ("Would update" if module.check_mode else "Updated", current["id"], ", ".join(sorted(changes))),
    )
    if module._diff:  # pylint: disable=protected-access
        result["diff"] = state.diff(current, after)
    return result


def absent(module, state, current, result):
    if current is None:
        result["msg"] = "No such webhook; nothing to do."
        return result
    result.update(changed=True, webhook=None, msg="%s webhook %s." % ("Would delete" if module.check_mode else "Deleted", current["id"]))
    if module._diff:  # pylint: disable=protected-access
        result["diff"] = state.diff(current, None)
    if not module.check_mode:
        try:
            delete_webhook(state.client, current["id"])
        except ApifyApiError as exc:
            if exc.status != 404:  # 404: gone already (a retried DELETE whose first answer was lost)
                raise
    return result


def main():
    module = ApifyModule(
        argument_spec=dict(
            state=dict(type="str", choices=["present", "absent"], default="present"),
            webhook_id=dict(type="str"),
            actor_id=dict(type="str"),
            task_id=dict(type="str"),
            run_id=dict(type="str"),
            request_url=dict(type="str"),
            event_types=dict(type="list", elements="str", choices=list(EVENT_TYPES)),
            description=dict(type="str"),
            payload_template=dict(type="str"),
            ignore_ssl_errors=dict(type="bool"),
            do_not_retry=dict(type="bool"),
            should_interpolate_strings=dict(type="bool"),
            secret=dict(type="str", no_log=True),
            headers=dict(type="dict", no_log=True),
        ),
        mutually_exclusive=[("actor_id", "task_id", "run_id")],
        required_one_of=[("webhook_id", "actor_id", "task_id", "run_id")],
        supports_check_mode=True,
    )
    module.run(lambda: ensure(module))


if __name__ == "__main__":
    main()
