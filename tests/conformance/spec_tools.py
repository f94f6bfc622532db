# -*- coding: utf-8 -*-
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading Apify's OpenAPI document: find it, resolve references, validate against it.

Nothing here copies the spec: every schema is looked up in the document at test
time, through a jsonschema ``referencing`` registry that holds the whole bundled
document, so ``#/components/...`` references resolve as the spec means them.
"""

import json
import os
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_URI = "urn:apify:openapi"
JSON_TYPE = "application/json"


def shared_candidates(*parts):
    """``../shared/<parts>`` beside the work tree, also when run from the laid-out copy.

    The copy lives in ``<work tree>/.build/ansible_collections/apify/platform``, so
    the work tree is either the repository root or four levels above it.
    """
    roots = [REPO_ROOT, REPO_ROOT.parents[3]] if len(REPO_ROOT.parents) > 3 else [REPO_ROOT]
    return [root.parent / "shared" / Path(*parts) for root in roots]


def find_file(env_name, *parts):
    """The path named by ``env_name`` or the first existing ``../shared`` candidate; None if absent."""
    given = os.environ.get(env_name)
    if given:
        return Path(given) if Path(given).is_file() else None
    for candidate in shared_candidates(*parts):
        if candidate.is_file():
            return candidate
    return None


def load_spec():
    """``(spec, path)``; ``spec`` is None when the document is absent."""
    path = find_file("APIFY_OPENAPI_SPEC", "apify-openapi", "openapi.bundled.json")
    if path is None:
        return None, os.environ.get("APIFY_OPENAPI_SPEC") or str(shared_candidates("apify-openapi")[0])
    with open(path, encoding="utf-8") as handle:
        return json.load(handle), str(path)


def escape(token):
    """One JSON-pointer token (RFC 6901)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer(*tokens):
    return "#/" + "/".join(escape(token) for token in tokens)


class Spec:
    """The OpenAPI document with its reference resolution."""

    def __init__(self, document):
        self.document = document
        self.registry = Registry().with_resource(SPEC_URI, DRAFT202012.create_resource(document))
        self.resolver = self.registry.resolver(base_uri=SPEC_URI)
        self._relaxed = {}

    def at(self, ref):
        """The node a ``#/...`` reference points at."""
        return self.resolver.lookup(ref).contents

    def follow(self, node, where):
        """Follow OpenAPI Reference Objects; return ``(node, pointer of the node)``."""
        seen = set()
        while isinstance(node, dict) and "$ref" in node:
            where = node["$ref"]
            if where in seen:
                raise ValueError("reference loop at %s" % where)
            seen.add(where)
            node = self.at(where)
        return node, where

    def operation(self, path, method):
        item = self.document["paths"][path]
        return item[method], pointer("paths", path, method)

    def responses(self, path, method):
        """``{status: (response object, its pointer)}`` of an operation, references followed."""
        operation, where = self.operation(path, method)
        result = {}
        for status, response in operation.get("responses", {}).items():
            result[status] = self.follow(response, where + "/responses/" + escape(status))
        return result

    def response_schema_pointer(self, path, method, status):
        """Pointer to the JSON schema the spec gives for that status (or ``default``); None if none."""
        responses = self.responses(path, method)
        entry = responses.get(str(status)) or responses.get("default")
        if entry is None:
            return None
        response, where = entry
        media = (response.get("content") or {}).get(JSON_TYPE)
        if media is None or "schema" not in media:
            return None
        return where + "/content/" + escape(JSON_TYPE) + "/schema"

    def validator(self, ref, drop_enum_at=()):
        """A Draft 2020-12 validator for the schema at ``ref`` (a ``#/...`` pointer).

        ``drop_enum_at`` lists component schema names whose ``enum`` is not
        enforced (for documented disagreements between the spec and reality).
        """
        registry = self.registry
        if drop_enum_at:
            key = tuple(sorted(drop_enum_at))
            if key not in self._relaxed:
                document = json.loads(json.dumps(self.document))
                for name in key:
                    document["components"]["schemas"][name].pop("enum", None)
                self._relaxed[key] = Registry().with_resource(SPEC_URI, DRAFT202012.create_resource(document))
            registry = self._relaxed[key]
        return Draft202012Validator({"$ref": SPEC_URI + ref}, registry=registry, format_checker=FormatChecker())

    def schema(self, name):
        return self.document["components"]["schemas"][name]

    def media_examples(self, media):
        """Every example value of a media type object: ``example`` and ``examples.*.value``."""
        values = []
        if "example" in media:
            values.append(media["example"])
        for entry in (media.get("examples") or {}).values():
            entry = self.follow(entry, "")[0]
            if "value" in entry:
                values.append(entry["value"])
        return values

    def merged(self, node):
        """A schema with references followed and ``allOf`` merged (required united, properties merged)."""
        node = self.follow(node, "")[0]
        if not isinstance(node, dict):
            return node
        if "allOf" not in node:
            return node
        merged = {key: value for key, value in node.items() if key != "allOf"}
        merged.setdefault("required", [])
        merged.setdefault("properties", {})
        merged["required"] = list(merged["required"])
        merged["properties"] = dict(merged["properties"])
        for part in node["allOf"]:
            part = self.merged(part)
            for key, value in part.items():
                if key == "required":
                    merged["required"] += [name for name in value if name not in merged["required"]]
                elif key == "properties":
                    merged["properties"].update(value)
                elif key not in merged:
                    merged[key] = value
        return merged

    def component_name(self, node):
        """The component schema a node stands for (``$ref`` or a one-element ``allOf``), else None."""
        while isinstance(node, dict):
            if "$ref" in node:
                ref = node["$ref"]
                prefix = "#/components/schemas/"
                if ref.startswith(prefix):
                    return ref[len(prefix) :]
                node = self.at(ref)
            elif len(node.get("allOf") or []) == 1:
                node = node["allOf"][0]
            else:
                return None
        return None

    def types(self, node):
        """The JSON types a schema allows, as a set; None when it does not restrict them."""
        node = self.merged(node)
        if not isinstance(node, dict):
            return None
        if "type" in node:
            declared = node["type"]
            return set([declared] if isinstance(declared, str) else declared)
        for key in ("anyOf", "oneOf"):
            if key in node:
                union = set()
                for option in node[key]:
                    option_types = self.types(option)
                    if option_types is None:
                        return None
                    union |= option_types
                return union
        for key in ("enum", "const"):
            if key in node:
                values = node[key] if key == "enum" else [node[key]]
                return {json_type(value) for value in values}
        return None


def json_type(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def error_list(validator, instance):
    """The validation errors as readable lines, ordered by where they are."""
    errors = sorted(validator.iter_errors(instance), key=lambda error: [str(part) for part in error.absolute_path])
    return ["%s: %s" % ("/".join(str(part) for part in error.absolute_path) or "$", error.message[:300]) for error in errors]
