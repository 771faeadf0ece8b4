"""Rebuild web_api_methods.json from the vendored Slack specs in ../shared/slack-spec.

Kept in the repo so the subset FakeSlack checks calls against is reproducible:
    python -m fakeslack.spec.extract            # rewrite web_api_methods.json
    python -m fakeslack.spec.extract --check    # exit 1 if the committed JSON is stale

Parameters (name, required, type, location), error names and response field names come from
slackapi/slack-api-specs (web-api/slack_web_openapi_v2.json). Response field names are widened
with the java-slack-sdk json-logs samples. files.getUploadURLExternal / files.completeUploadExternal
are not in that spec; they are defined by hand below (see HAND_METHODS). The few places where the
2020 spec does not flag a parameter that Slack does require are listed in REQUIRED_OVERRIDES, and
the parameters Slack added later that the fake checks are in ADDED_PARAMS.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "web_api_methods.json"
DEFAULT_SHARED = HERE.parents[2] / "shared" / "slack-spec"

SPEC_REPO = "slackapi/slack-api-specs"
SPEC_COMMIT = "bc08db49625630e3585bf2f1322128ea04f2a7f3"
SPEC_PATH = "web-api/slack_web_openapi_v2.json"
SAMPLES_REPO = "slackapi/java-slack-sdk"
SAMPLES_COMMIT = "86ff7ca9915e21882def04c2d579ac02503f95fe"
SAMPLES_DIR = "json-logs/samples/api"

SPEC_METHODS = [
    "chat.postMessage",
    "chat.update",
    "chat.postEphemeral",
    "chat.delete",
    "views.open",
    "views.publish",
    "views.update",
    "views.push",
    "users.info",
    "users.lookupByEmail",
    "users.list",
    "conversations.open",
    "conversations.info",
    "conversations.history",
    "conversations.join",
    "auth.test",
    "team.info",
    "oauth.v2.access",
]

# Not in the 2020 spec. Params follow slack_sdk's WebClient.files_getUploadURLExternal /
# files_completeUploadExternal (3.47.0) and the java-slack-sdk request/response samples.
HAND_METHODS: dict[str, dict[str, Any]] = {
    "files.getUploadURLExternal": {
        "params": [
            {"name": "filename", "required": True, "type": "string", "in": "formData"},
            {"name": "length", "required": True, "type": "integer", "in": "formData"},
            {"name": "alt_txt", "required": False, "type": "string", "in": "formData"},
            {"name": "snippet_type", "required": False, "type": "string", "in": "formData"},
        ],
        "scopes": ["files:write"],
        "docs": "https://api.slack.com/methods/files.getUploadURLExternal",
    },
    "files.completeUploadExternal": {
        "params": [
            {"name": "files", "required": True, "type": "string", "in": "formData"},
            {"name": "channel_id", "required": False, "type": "string", "in": "formData"},
            {"name": "channels", "required": False, "type": "string", "in": "formData"},
            {"name": "initial_comment", "required": False, "type": "string", "in": "formData"},
            {"name": "thread_ts", "required": False, "type": "string", "in": "formData"},
        ],
        "scopes": ["files:write"],
        "docs": "https://api.slack.com/methods/files.completeUploadExternal",
    },
}

# The 2020 spec leaves these unflagged although Slack rejects calls without them.
REQUIRED_OVERRIDES: dict[str, dict[str, str]] = {
    "chat.delete": {
        "channel": "unflagged in the 2020 spec; Slack's method docs mark it required",
        "ts": "unflagged in the 2020 spec; Slack's method docs mark it required",
    },
    "users.info": {"user": "unflagged in the 2020 spec; Slack's method docs mark it required"},
    "conversations.info": {"channel": "unflagged in the 2020 spec; Slack's method docs mark it required"},
    "conversations.history": {"channel": "unflagged in the 2020 spec; Slack's method docs mark it required"},
    "views.update": {"view": "unflagged in the 2020 spec; Slack's method docs mark it required"},
}

# Parameters Slack added after the 2020 spec: message metadata (2022). Types as slack_sdk 3.47.0 sends
# them (WebClient.chat_postMessage's `metadata`, conversations_history's `include_all_metadata`) and
# as Slack's method docs give them.
ADDED_PARAMS: dict[str, list[dict[str, Any]]] = {
    "chat.postMessage": [
        {
            "name": "metadata",
            "required": False,
            "type": "string",
            "in": "formData",
            "added_note": "message metadata, added after the 2020 spec: a JSON object with event_type and "
            "event_payload (https://api.slack.com/metadata/using)",
        }
    ],
    "conversations.history": [
        {
            "name": "include_all_metadata",
            "required": False,
            "type": "boolean",
            "in": "query",
            "added_note": "added after the 2020 spec with message metadata: return each message's metadata "
            "with its event_payload",
        }
    ],
}

# Cross-parameter rules the spec cannot express; the server implements each by name.
RULES: dict[str, list[str]] = {
    "chat.postMessage": ["text_or_blocks_or_attachments"],
    "chat.update": ["text_or_blocks_or_attachments"],
    "chat.postEphemeral": ["text_or_blocks_or_attachments"],
    "views.update": ["view_id_or_external_id"],
    "conversations.open": ["channel_or_users"],
}

RULE_DOCS = {
    "text_or_blocks_or_attachments": "one of text, blocks, attachments must be non-empty, else error no_text",
    "view_id_or_external_id": "one of view_id, external_id must be given, else invalid_arguments",
    "channel_or_users": "one of channel, users must be given, else users_list_not_supplied",
}


def _resolve(spec: dict[str, Any], schema: Any) -> dict[str, Any]:
    """Follow local $refs so property lists can be read."""
    seen = 0
    while isinstance(schema, dict) and "$ref" in schema and seen < 20:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["definitions"][name]
        seen += 1
    return schema if isinstance(schema, dict) else {}


def _props(spec: dict[str, Any], schema: Any) -> dict[str, Any]:
    """Properties of a schema; the spec uses a list-valued `items` as a oneOf, so union those."""
    schema = _resolve(spec, schema)
    out: dict[str, Any] = dict(schema.get("properties", {}))
    items = schema.get("items")
    if isinstance(items, list):
        for alt in items:
            out.update(_props(spec, alt))
    return out


def _sample(shared: Path, method: str) -> dict[str, Any] | None:
    path = shared / "java-slack-sdk" / SAMPLES_DIR / f"{method}.json"
    if method in ("views.push", "views.update"):
        # The java repo's views.push/update samples are byte-identical to views.open's (see SOURCE.md).
        path = shared / "java-slack-sdk" / SAMPLES_DIR / "views.open.json"
    if not path.exists():
        return None
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def _response_shape(
    spec: dict[str, Any], op: dict[str, Any] | None, sample: dict[str, Any] | None
) -> dict[str, Any]:
    """Top-level field names of a success answer, and the field names of its object members."""
    fields: set[str] = {"ok", "warning", "response_metadata"}
    objects: dict[str, set[str]] = {}
    if op is not None:
        schema = _resolve(spec, op["responses"].get("200", {}).get("schema", {}))
        if schema.get("title") != "Default success template":
            for name, sub in _props(spec, schema).items():
                fields.add(name)
                sub_props = _props(spec, sub)
                if sub_props:
                    objects.setdefault(name, set()).update(sub_props)
    if sample is not None:
        for name, value in sample.items():
            if name in ("error", "needed", "provided"):
                continue
            fields.add(name)
            if isinstance(value, dict):
                objects.setdefault(name, set()).update(value)
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                objects.setdefault(name, set()).update(value[0])
    return {"fields": sorted(fields), "objects": {k: sorted(v) for k, v in sorted(objects.items())}}


def build(shared: Path) -> dict[str, Any]:
    """Return the JSON document for the methods FakeSlack serves."""
    spec_file = shared / "slack-api-specs" / SPEC_PATH
    raw = spec_file.read_bytes()
    spec: dict[str, Any] = json.loads(raw)
    methods: dict[str, Any] = {}
    for name in SPEC_METHODS:
        path_item = spec["paths"]["/" + name]
        ((verb, op),) = path_item.items()
        params = []
        requires_token = False
        for p in op.get("parameters", []):
            if p["name"] == "token":
                requires_token = True  # sent as the Authorization header, never a required argument
                continue
            entry: dict[str, Any] = {
                "name": p["name"],
                "required": bool(p.get("required", False)),
                "type": p.get("type", "string"),
                "in": p.get("in", "formData"),
            }
            note = REQUIRED_OVERRIDES.get(name, {}).get(p["name"])
            if note:
                entry["required"] = True
                entry["required_note"] = note
            params.append(entry)
        params += ADDED_PARAMS.get(name, [])
        errors = (
            op["responses"].get("default", {}).get("schema", {}).get("properties", {}).get("error", {})
        ).get("enum", [])
        scopes = [s for sec in op.get("security", []) for s in sec.get("slackAuth", [])]
        methods[name] = {
            "source": "spec",
            "spec_http_method": verb.upper(),
            "accepts": ["GET", "POST"],
            "consumes": op.get("consumes", []),
            "requires_token": requires_token,
            "scopes": [s for s in scopes if s != "none"],
            "params": params,
            "rules": RULES.get(name, []),
            "errors": errors,
            "response": _response_shape(spec, op, _sample(shared, name)),
            "docs": op.get("externalDocs", {}).get("url", ""),
        }
    for name, hand in HAND_METHODS.items():
        methods[name] = {
            "source": "hand",
            "spec_http_method": "POST",
            "accepts": ["GET", "POST"],
            "consumes": ["application/x-www-form-urlencoded", "application/json"],
            "requires_token": True,
            "scopes": hand["scopes"],
            "params": hand["params"],
            "rules": RULES.get(name, []),
            "errors": [],
            "response": _response_shape(spec, None, _sample(shared, name)),
            "docs": hand["docs"],
        }
    return {
        "_about": "Generated by fakeslack/spec/extract.py - do not edit by hand. See PROVENANCE.md.",
        "source": {
            "spec": {
                "repo": SPEC_REPO,
                "commit": SPEC_COMMIT,
                "path": SPEC_PATH,
                "sha256": hashlib.sha256(raw).hexdigest(),
                "info_version": spec["info"]["version"],
                "license": "MIT (see LICENSE)",
            },
            "samples": {
                "repo": SAMPLES_REPO,
                "commit": SAMPLES_COMMIT,
                "path": SAMPLES_DIR,
                "license": "MIT (see LICENSE.java-slack-sdk)",
            },
        },
        "rules": RULE_DOCS,
        "methods": methods,
        # Every method the spec knows, so "unknown_method" can say when a real method is just unimplemented.
        "spec_method_names": sorted(p.lstrip("/") for p in spec["paths"]),
    }


def render(doc: dict[str, Any]) -> str:
    """Serialise deterministically so --check can compare text."""
    return json.dumps(doc, indent=1, sort_keys=False, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="path to shared/slack-spec")
    parser.add_argument("--check", action="store_true", help="fail if web_api_methods.json is out of date")
    args = parser.parse_args(argv)
    text = render(build(args.shared))
    if args.check:
        if OUT.read_text() != text:
            print(f"{OUT} is stale; run python -m fakeslack.spec.extract", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
