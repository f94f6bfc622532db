# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The modules' JSON Schemas (plugins/module_utils/_schemas.py) against Apify's OpenAPI spec.

1. They accept every example run object the spec gives under a response whose schema is a
   run (RunResponse, ``data: Run``) or a list of runs (ListOfRunsResponse, ``items:
   RunShort``), and the 200 example of Apify's published "Reboot run" page.
2. They agree with the spec on what they check, derived from the spec's own components,
   not from a copy: every field our schema requires is required by the spec too, every
   field we look at exists there, every type we accept covers every type the spec allows
   for that field (nullable ones included), and no lower bound of ours is stricter.
"""

import copy
import json
import re

import pytest

from ansible_collections.apify.platform.plugins.module_utils import _schemas
from ansible_collections.apify.platform.plugins.module_utils._errors import ApifyResponseError
from tests.conformance.spec_tools import JSON_TYPE, find_file

# Our schema -> the spec's component it is written from.
COUNTERPARTS = [
    ("RUN", "Run"),
    ("RUN_SHORT", "RunShort"),
    ("RUN_RESPONSE", "RunResponse"),
    ("LIST_OF_RUNS_RESPONSE", "ListOfRunsResponse"),
]


def shape(spec, schema):
    """``"run"`` for a run answer, ``"runs"`` for a list-of-runs answer, else None."""
    name = spec.component_name(schema)
    if name == "RunResponse":
        return "run"
    if name == "ListOfRunsResponse":
        return "runs"
    merged = spec.merged(schema)
    data = (merged.get("properties") or {}).get("data") if isinstance(merged, dict) else None
    if data is None:
        return None
    data_name = spec.component_name(data)
    if data_name == "Run":
        return "run"
    if data_name == "ListOfRuns":
        return "runs"
    items = (spec.merged(data).get("properties") or {}).get("items") or {}
    if spec.component_name(items.get("items") or {}) == "RunShort":
        return "runs"
    return None


def spec_examples(spec):
    """``[(where, "run" | "runs", example)]`` for every example under a run or run-list response."""
    found = []
    for path, item in spec.document["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, (response, dummy) in spec.responses(path, method).items():
                media = (response.get("content") or {}).get(JSON_TYPE)
                if not media or "schema" not in media:
                    continue
                kind = shape(spec, media["schema"])
                if kind is None:
                    continue
                for number, example in enumerate(spec.media_examples(media)):
                    found.append(("%s %s %s #%d" % (method.upper(), path, status, number), kind, example))
    return found


def seed_example():
    path = find_file("APIFY_REBOOT_RUN_DOC", "seed", "reboot-run.md")
    if path is None:
        pytest.skip("shared/seed/reboot-run.md not found; set APIFY_REBOOT_RUN_DOC to it")
    text = path.read_text(encoding="utf-8")
    section = text.split("### Status 200", 1)[1]
    block = re.search(r"```\s*\n(\{.*?\n\})\s*\n```", section, re.S)
    assert block, "no JSON block after '### Status 200' in %s" % path
    return json.loads(block.group(1))


def our_validate(kind, instance):
    schema = _schemas.RUN_RESPONSE if kind == "run" else _schemas.LIST_OF_RUNS_RESPONSE
    return _schemas.validate(instance, schema, "GET", "/example")


def test_the_spec_has_run_examples(spec):
    kinds = [kind for dummy, kind, dummy2 in spec_examples(spec)]
    # Not vacuous: the spec of 2026-08 has 4 run examples (abort answers) and 2 list examples.
    assert kinds.count("run") >= 3 and kinds.count("runs") >= 1, kinds


def test_every_spec_example_passes_our_schemas(spec):
    failures = []
    for where, kind, example in spec_examples(spec):
        try:
            our_validate(kind, example)
        except ApifyResponseError as exc:
            failures.append("%s: %s" % (where, exc))
    assert not failures, "\n".join(failures)


def test_the_published_reboot_example_passes(spec):
    example = seed_example()
    assert our_validate("run", example)["data"]["id"] == "HG7ML7M8z78YcAPEB"
    # And it is a run by the spec's own schema, so the comparison means something.
    ref = spec.response_schema_pointer("/v2/actor-runs/{runId}/reboot", "post", 200)
    assert not list(spec.validator(ref).iter_errors(example))


def test_examples_are_not_accepted_vacuously(spec):
    """Our schemas do reject a broken copy of each example (so the test above is not empty)."""
    for where, kind, example in spec_examples(spec) + [("seed", "run", seed_example())]:
        broken = copy.deepcopy(example)
        if kind == "run":
            broken["data"]["id"] = 17
        else:
            broken["data"]["items"] = [{"id": "x"}]
        with pytest.raises(ApifyResponseError):
            our_validate(kind, broken)
        assert where


# --- agreement with the spec's components --------------------------------------------------


def our_types(schema):
    declared = schema.get("type")
    if declared is None:
        return None
    return set([declared] if isinstance(declared, str) else declared)


def lower_bound(schema):
    bounds = [schema[key] for key in ("minimum", "exclusiveMinimum") if key in schema]
    return max(bounds) if bounds else None


def compare(spec, ours, theirs, where, problems):
    """Append to ``problems`` every way ``ours`` is stricter than, or strays from, ``theirs``."""
    merged = spec.merged(theirs)
    mine = our_types(ours)
    allowed = spec.types(theirs)
    if mine is not None:
        if allowed is None:
            problems.append("%s: we accept only %s; the spec does not restrict the type" % (where, sorted(mine)))
        else:
            accepted = mine | ({"integer"} if "number" in mine else set())
            if allowed - accepted:
                problems.append("%s: the spec allows %s; we accept only %s" % (where, sorted(allowed), sorted(mine)))
    if "minimum" in ours:
        theirs_low = lower_bound(merged) if isinstance(merged, dict) else None
        if theirs_low is None or theirs_low < ours["minimum"]:
            problems.append("%s: we require >= %s; the spec's lower bound is %s" % (where, ours["minimum"], theirs_low))
    required = set(merged.get("required", [])) if isinstance(merged, dict) else set()
    for name in ours.get("required", []):
        if name not in required:
            problems.append("%s: we require %r; the spec does not" % (where, name))
    their_properties = merged.get("properties", {}) if isinstance(merged, dict) else {}
    for name, sub in ours.get("properties", {}).items():
        if name not in their_properties:
            problems.append("%s.%s: we check a field the spec does not define" % (where, name))
        else:
            compare(spec, sub, their_properties[name], "%s.%s" % (where, name), problems)
    if "items" in ours:
        items = merged.get("items") if isinstance(merged, dict) else None
        if items is None:
            problems.append("%s[]: we check items; the spec defines none" % where)
        else:
            compare(spec, ours["items"], items, where + "[]", problems)
    return problems


@pytest.mark.parametrize("ours, theirs", COUNTERPARTS)
def test_our_schema_agrees_with_the_spec(spec, ours, theirs):
    problems = compare(spec, getattr(_schemas, ours), {"$ref": "#/components/schemas/" + theirs}, theirs, [])
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("ours, theirs", COUNTERPARTS)
def test_everything_we_require_is_checked_against_something(spec, ours, theirs):
    """Each required field of ours is among the spec's properties (so compare() looked at it)."""
    schema = getattr(_schemas, ours)
    merged = spec.merged({"$ref": "#/components/schemas/" + theirs})
    assert set(schema["required"]) <= set(merged["properties"])


def test_the_comparison_catches_disagreements(spec):
    """compare() is not vacuous: a deliberately wrong schema is caught on each rule."""
    wrong = copy.deepcopy(_schemas.RUN)
    wrong["required"].append("containerUrl")  # optional in the spec
    wrong["properties"]["id"] = {"type": "integer"}  # a string in the spec
    wrong["properties"]["finishedAt"] = {"type": "string"}  # nullable in the spec
    wrong["properties"]["stats"]["properties"]["cpuAvgUsage"] = {"type": "number", "minimum": 1}
    wrong["properties"]["stats"]["properties"]["noSuchField"] = {"type": "string"}
    problems = "\n".join(compare(spec, wrong, {"$ref": "#/components/schemas/Run"}, "Run", []))
    for expected in (
        "'containerUrl'",
        "Run.id: the spec allows ['string']",
        "Run.finishedAt: the spec allows ['null', 'string']",
        "Run.stats.cpuAvgUsage: we require >= 1",
        "Run.stats.noSuchField",
    ):
        assert expected in problems, problems
