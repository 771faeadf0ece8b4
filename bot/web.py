"""The web process: `gunicorn bot.web:app`. Serves Slack on /slack/events, OAuth, and /healthz.

Every POST to /slack/events passes one gate before any of it is used: its size is bounded, its
signature is checked against the signing secret, and its body must be what Slack sends (a form, a
form carrying a JSON `payload`, or a JSON object). Anything else gets a short 4xx and one short log
line, and nothing in it (a `response_url`, an id, a token) is ever acted on. What passes is handed
to Bolt as parsed here.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import App, BoltRequest
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_sdk import WebClient

from bot.deps import Deps, build_deps, system_clock
from config.settings import Settings
from storage.db import REQUEST_PATIENCE, Database

log = logging.getLogger(__name__)

StartResponse = Any

EVENTS_PATH = "/slack/events"
# Slack's largest requests (a form with several long inputs) are tens of kilobytes.
MAX_BODY = 1024 * 1024
MAX_FORM_FIELDS = 100
SIGNATURE_MAX_AGE = 5 * 60  # seconds either way, as Slack advises against replays


class Refused(Exception):
    """A request Rapport will not use: the HTTP status and the reason, in a few words."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def read_body(environ: dict[str, Any]) -> bytes:
    """The request's body, at most MAX_BODY bytes (413 past it, 400 when it is cut short)."""
    raw_length = environ.get("CONTENT_LENGTH") or ""
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    if raw_length:
        if not raw_length.isdigit():
            raise Refused(400, "bad Content-Length")
        length = int(raw_length)
        if length > MAX_BODY:
            raise Refused(413, "body too large")
        body: bytes = stream.read(length)
        if len(body) != length:
            raise Refused(400, "body shorter than its Content-Length")
        return body
    body = stream.read(MAX_BODY + 1)  # no length given (chunked): read no more than the limit
    if len(body) > MAX_BODY:
        raise Refused(413, "body too large")
    return body


def verify(secret: bytes, headers: dict[str, Any], body: bytes, now: float) -> None:
    """Raise Refused(401) unless Slack signed this body with our signing secret, lately.

    Slack signs the raw bytes (`v0:{timestamp}:{body}`, HMAC-SHA256). slack_sdk's SignatureVerifier
    decodes the body as UTF-8 first and raises on anything else, so the bytes are signed here.
    """
    stamp = str(headers.get("x-slack-request-timestamp") or "")
    signature = str(headers.get("x-slack-signature") or "")
    if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12):
        raise Refused(401, "missing or malformed signature timestamp")
    if abs(now - int(stamp)) > SIGNATURE_MAX_AGE:
        raise Refused(401, "stale signature timestamp")
    digest = hmac.new(secret, b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    # WSGI hands headers over as latin-1 text; compared as bytes, any character is just a mismatch.
    if not hmac.compare_digest(("v0=" + digest).encode(), signature.encode("latin-1", "replace")):
        raise Refused(401, "bad signature")


def parse(content_type: str, body: bytes) -> dict[str, Any]:
    """The body as Slack means it: a slash command's form, an interaction's JSON `payload`, or an
    event's JSON object. (Bolt's own parser guesses from the text, and takes any form that mentions
    the word "payload" for an empty one, losing slash commands that say it.)"""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "body is not UTF-8") from None
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/json":
        return _json_object(text, "body")
    if kind == "application/x-www-form-urlencoded":
        try:
            form = dict(parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS))
        except ValueError:
            raise Refused(400, "too many form fields") from None
        if "payload" in form and "command" not in form:
            return _json_object(form["payload"], "payload")
        return form
    raise Refused(415, "unsupported content type")


# The parts of Slack's payloads that Bolt and Rapport look into, by payload type, with the type
# Slack always sends them as. A payload that has them otherwise did not come from Slack as documented.
_OBJECTS = ("team", "user", "channel", "enterprise", "container", "message", "state")
_TEXTS = ("team_id", "user_id", "channel_id", "command", "text", "response_url", "trigger_id", "callback_id")


def check_shape(body: dict[str, Any]) -> None:
    """Raise Refused(400) for a payload whose parts are not the kind of value Slack sends there."""
    for key in _OBJECTS:
        if body.get(key) is not None and not isinstance(body[key], dict):
            raise Refused(400, f"{key} is not an object")
    for key in _TEXTS:
        if key in body and not isinstance(body[key], str):
            raise Refused(400, f"{key} is not text")
    kind = body.get("type")
    if kind == "block_actions":
        actions = body.get("actions")
        if not isinstance(actions, list) or not actions:
            raise Refused(400, "actions is not a list of actions")
        for action in actions:
            if not isinstance(action, dict) or not isinstance(action.get("action_id"), str):
                raise Refused(400, "an action has no action_id")
            if not isinstance(action.get("block_id", ""), str):
                raise Refused(400, "an action's block_id is not text")
    elif kind == "block_suggestion":
        for key in ("action_id", "block_id", "value"):
            if not isinstance(body.get(key, ""), str):
                raise Refused(400, f"{key} is not text")
    elif kind in ("view_submission", "view_closed"):
        view = body.get("view")
        if not isinstance(view, dict) or not isinstance(view.get("callback_id"), str):
            raise Refused(400, "view has no callback_id")
        if view.get("state") is not None and not isinstance(view["state"], dict):
            raise Refused(400, "view state is not an object")
    elif kind == "event_callback":
        event = body.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            raise Refused(400, "event has no type")


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise Refused(400, f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise Refused(400, f"{what} is not a JSON object")
    return value


class RapportWSGI:
    """Slack's requests through the gate into Bolt, OAuth through Bolt's handler, and a health check."""

    def __init__(self, bolt_app: App, deps: Deps) -> None:
        self.bolt_app = bolt_app
        self.deps = deps  # the collaborators jobs, the demo and tests use
        self.slack = SlackRequestHandler(bolt_app, path=EVENTS_PATH)
        secret = deps.settings.signing_secret
        self.secret = secret.encode() if secret else None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if path == "/healthz" and method in ("GET", "HEAD"):
            return self.health(start_response)
        if path == EVENTS_PATH and method == "POST":
            return self.events(environ, start_response)
        return self.slack(environ, start_response)  # the OAuth pages, and 404 for anything else

    def events(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = WsgiHttpRequest(environ)
        headers = request.get_headers()
        try:
            body = read_body(environ)
            if self.secret is not None:
                verify(self.secret, headers, body, time.time())
            parsed = parse(str(headers.get("content-type") or ""), body)
            check_shape(parsed)
        except Refused as refused:
            # One short line: never the body, which may carry a response_url or a token.
            log.info(
                "refused %s %s: %s (%s bytes)",
                request.method,
                request.path,
                refused.reason,
                environ.get("CONTENT_LENGTH") or "?",
            )
            return _answer(start_response, refused.status, refused.reason)
        # Bolt reads an HTTP request's body from text: it gets the body as parsed here, as JSON.
        as_json = {**headers, "content-type": "application/json"}
        bolt_response = self.bolt_app.dispatch(
            BoltRequest(body=json.dumps(parsed), query=request.query_string, headers=as_json)
        )
        response = WsgiHttpResponse(
            status=bolt_response.status, headers=bolt_response.headers, body=bolt_response.body
        )
        start_response(response.status, response.get_headers())
        return response.get_body()

    def health(self, start_response: StartResponse) -> Iterable[bytes]:
        """200 when the database takes writes; 503 saying why when it does not (read-only, locked
        past the request patience, unreachable)."""
        try:
            self.deps.db.writable()
            status, body = 200, {"ok": True, "database": "ok"}
        except Exception as error:  # a health check reports, it does not raise
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0][:120]
            status, body = 503, {"ok": False, "database": type(error).__name__, "reason": reason}
        return _answer(start_response, status, json.dumps(body), "application/json")


_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 413: "Payload Too Large"}
_REASONS |= {415: "Unsupported Media Type", 503: "Service Unavailable"}


def _answer(
    start_response: StartResponse, status: int, body: str, content_type: str = "text/plain; charset=utf-8"
) -> Iterable[bytes]:
    payload = body.encode()
    start_response(
        f"{status} {_REASONS.get(status, '')}".strip(),
        [("Content-Type", content_type), ("Content-Length", str(len(payload)))],
    )
    return [payload]


def create_wsgi_app(
    settings: Settings,
    client: WebClient | None = None,
    *,
    db: Database | None = None,
    clock: Callable[[], datetime] = system_clock,
    listener_executor: Executor | None = None,
) -> RapportWSGI:
    from bot.app import create_app

    deps = build_deps(
        settings, client, db=db, clock=clock, background=listener_executor, patience=REQUEST_PATIENCE
    )
    return RapportWSGI(create_app(settings, deps=deps), deps)


class _FromEnvironment:
    """Built on the first request, so importing this module never needs the environment."""

    def __init__(self) -> None:
        self._app: RapportWSGI | None = None
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if self._app is None:
            with self._lock:
                if self._app is None:
                    from bot import logs

                    settings = Settings.from_env().require_web()
                    logs.configure(settings.log_level, settings.secrets())
                    self._app = create_wsgi_app(settings)
        return self._app(environ, start_response)

    def reset(self) -> None:
        if self._app is not None and self._app.deps.identity is not None:
            self._app.deps.identity.stop()
        self._app = None


app = _FromEnvironment()
