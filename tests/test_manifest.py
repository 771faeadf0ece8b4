"""The manifest and the code agree: every command, shortcut and subscribed event has a listener."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.listeners import SUBSCRIBED
from bot.listeners.touchpoints import SHORTCUT
from config.settings import BOT_SCOPES

MANIFEST = yaml.safe_load((Path(__file__).resolve().parent.parent / "manifest.yml").read_text())


def test_every_subscribed_event_has_a_listener(rapport):
    events = MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    assert sorted(events) == sorted(SUBSCRIBED)
    samples = {
        "app_home_opened": {"user": "U01LEAD001", "channel": "D0LEAD", "tab": "home"},
        "app_uninstalled": {},
        "tokens_revoked": {"tokens": {"oauth": [], "bot": ["UBOT"]}},
        "user_change": {"user": {"id": "U01LEAD001", "team_id": "T0001", "tz": "Europe/Amsterdam"}},
    }
    for event_type in events:
        # Bolt answers 404 to an event no listener matches.
        assert rapport.slack.event({"type": event_type, **samples[event_type]}).status == 200, event_type


def test_commands_and_shortcut_in_manifest_are_handled(rapport):
    commands = {c["command"] for c in MANIFEST["features"]["slash_commands"]}
    assert commands == {"/feeling", "/followup", "/rapport"}
    for command in commands:
        response = rapport.slack.command(command, "help" if command == "/rapport" else "", user="U01LEAD001")
        assert response.status == 200
    assert MANIFEST["features"]["shortcuts"][0]["callback_id"] == SHORTCUT


def test_socket_mode_home_tab_and_scopes_match_the_code():
    assert MANIFEST["settings"]["socket_mode_enabled"] is True
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True
    assert sorted(MANIFEST["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)


# --- scopes: what the manifest asks for is what the code calls -------------------------------------

# Each Slack Web API method the app calls, and the bot scopes it needs for what the app does with it.
# A method the code starts calling needs a row here (Slack's reference page for the method lists its
# scopes), and the manifest and BOT_SCOPES then need those scopes.
SCOPES: dict[str, tuple[str, ...]] = {
    "auth.test": (),
    "chat.postMessage": ("chat:write",),
    "chat.update": ("chat:write",),
    "conversations.open": ("im:write",),  # DMs only
    # the outbox's look-up of a send in doubt, in DMs and in public and private channels
    "conversations.history": ("im:history", "channels:history", "groups:history"),
    "users.info": ("users:read", "users:read.email"),  # the profile's e-mail links a person imported by it
    "users.lookupByEmail": ("users:read.email",),
    "views.open": (),
    "views.publish": (),
    "files.getUploadURLExternal": ("files:write",),
    "files.completeUploadExternal": ("files:write",),
    # the weekly digest's channel: public or private, and whether Rapport is in it; joining a public one
    "conversations.info": ("channels:read", "groups:read"),
    "conversations.join": ("channels:join",),
}
# Bot scopes Slack introduced after the spec this project's stand-in is checked against.
NEWER_SCOPES: dict[str, set[str]] = {"conversations.join": {"channels:join"}}
# What the manifest declares besides Web API calls, and the scopes that needs.
FEATURE_SCOPES: dict[str, tuple[str, ...]] = {
    "slash_commands": ("commands",),
    "shortcuts": ("commands",),
    "event app_home_opened": (),
    "event app_uninstalled": (),
    "event tokens_revoked": (),
    "event user_change": ("users:read",),
}
ROOT = Path(__file__).resolve().parent.parent


def web_api_methods(client_method: str) -> set[str]:
    """The Web API methods one slack_sdk WebClient method calls (files_upload_v2 calls two)."""
    import inspect
    import re

    from slack_sdk import WebClient

    source = inspect.getsource(getattr(WebClient, client_method))
    called = set(re.findall(r'api_call\(\s*"([^"]+)"', source))
    for other in set(re.findall(r"self\.(\w+)\(", source)) - {client_method}:
        if other in vars(WebClient):
            called |= web_api_methods(other)
    return called


def senders_no_kind_uses() -> set[str]:
    """The outbox's ways of sending that no registered kind sends with: their calls are not made."""
    from bot import jobs  # noqa: F401  # registers every kind
    from bot.jobs import outbox

    used = {kind.send for kind in outbox.KINDS.values()}
    senders = [value for value in vars(outbox).values() if isinstance(value, outbox.Sender)]
    return {
        function.__name__
        for sender in senders
        if sender not in used
        for function in (sender.send, sender.find)
        if function is not None
    }


def calls_in_the_code() -> dict[str, set[str]]:
    """Each Web API method the app's code calls (`client.chat_postMessage(...)`, `api_call("…")`), and
    where: 'path:function'."""
    import ast

    from slack_sdk import WebClient

    idle = senders_no_kind_uses()
    found: dict[str, set[str]] = {}

    def visit(node: ast.AST, path: str, function: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        if function in idle and path == "bot/jobs/outbox.py":
            return
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            methods: set[str] = set()
            if name == "api_call" and node.args and isinstance(node.args[0], ast.Constant):
                methods = {str(node.args[0].value)}
            elif name in vars(WebClient) and not name.startswith("_"):
                methods = web_api_methods(name)
            for method in methods:
                found.setdefault(method, set()).add(f"{path}:{function}")
        for child in ast.iter_child_nodes(node):
            visit(child, path, function)

    for file in sorted((ROOT / "bot").rglob("*.py")):
        visit(ast.parse(file.read_text(encoding="utf-8")), file.relative_to(ROOT).as_posix(), "<module>")
    return found


def needed_scopes() -> dict[str, set[str]]:
    """Each scope the app needs, and what needs it."""
    calls = calls_in_the_code()
    missing = sorted(
        f"{method} (called in {', '.join(sorted(where))})"
        for method, where in calls.items()
        if method not in SCOPES
    )
    assert not missing, "Web API methods the code calls without a row in SCOPES: " + "; ".join(missing)
    features = [name for name in ("slash_commands", "shortcuts") if MANIFEST["features"].get(name)]
    features += [f"event {event}" for event in MANIFEST["settings"]["event_subscriptions"]["bot_events"]]
    unknown = [feature for feature in features if feature not in FEATURE_SCOPES]
    assert not unknown, f"manifest features without a row in FEATURE_SCOPES: {unknown}"
    needs: dict[str, set[str]] = {}
    for method in calls:
        for scope in SCOPES[method]:
            needs.setdefault(scope, set()).add(method)
    for feature in features:
        for scope in FEATURE_SCOPES[feature]:
            needs.setdefault(scope, set()).add(feature)
    return needs


def test_the_manifest_asks_for_the_scopes_the_code_needs_and_no_others():
    needs = needed_scopes()
    asked = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    lacking = [f"{scope} (for {', '.join(sorted(needs[scope]))})" for scope in sorted(set(needs) - asked)]
    assert not lacking, f"manifest.yml does not ask for: {'; '.join(lacking)}"
    unused = sorted(asked - set(needs))
    assert not unused, f"manifest.yml asks for scopes nothing in the code needs: {unused}"


def test_the_code_calls_what_the_scopes_are_for():
    calls = calls_in_the_code()
    # the outbox's exactly-once look-up, the DM it opens, the profile and the e-mail look-up of the import
    assert {"conversations.history", "conversations.open", "users.info", "users.lookupByEmail"} <= set(calls)
    # the outbox can upload files; its calls count once a kind sends with it
    uploads = {"files.getUploadURLExternal", "files.completeUploadExternal"}
    if "_upload" in senders_no_kind_uses():
        assert not uploads & set(calls)
    else:
        assert uploads <= set(calls)


def test_each_row_names_a_scope_slacks_spec_gives_for_the_method():
    import json

    spec = json.loads((ROOT / "fakeslack" / "spec" / "web_api_methods.json").read_text())["methods"]
    for method, scopes in SCOPES.items():
        if method not in spec:
            continue
        # the spec still gives classic scopes such as chat:write:bot; today's bot scope is chat:write
        listed = {scope.removesuffix(":bot").removesuffix(":user") for scope in spec[method]["scopes"]}
        # the 2020 spec predates the bot scope channels:join, which Slack's method page gives today
        listed |= NEWER_SCOPES.get(method, set())
        if not listed:
            assert scopes == (), f"{method} needs no scope, says Slack's spec"
        else:
            assert set(scopes) & listed, f"{method}: Slack's spec lists {sorted(listed)}, the row {scopes}"
