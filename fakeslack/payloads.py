"""Requests as Slack sends them to an app: real payload shapes, form-encoded, signed with the
signing secret. Used by the tests, the demo and the benchmark to drive the real WSGI app.

`SlackSender` builds and signs; a transport delivers: `WSGITransport` calls a WSGI app in-process
(same bytes, same headers, no socket), `HTTPTransport` posts over loopback.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import itertools
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlencode

_ids = itertools.count(1)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class Transport(Protocol):
    def post(self, path: str, body: bytes, headers: dict[str, str]) -> Response: ...


class WSGITransport:
    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> Response:
        path, _, query = path.partition("?")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": io.StringIO(),
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "CONTENT_LENGTH": str(len(body)),
        }
        for name, value in (headers or {}).items():
            key = name.upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                environ["CONTENT_TYPE"] = value
            else:
                environ["HTTP_" + key] = value
        captured: dict[str, Any] = {}

        def start_response(
            status: str, response_headers: list[tuple[str, str]], exc_info: Any = None
        ) -> None:
            captured["status"] = int(status.split()[0])
            captured["headers"] = {k.lower(): v for k, v in response_headers}

        chunks = self.app(environ, start_response)
        try:
            data = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close:
                close()
        return Response(captured["status"], captured["headers"], data)

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> Response:
        return self.request("POST", path, body, headers)

    def get(self, path: str) -> Response:
        return self.request("GET", path)


class HTTPTransport:
    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> Response:
        request = urllib.request.Request(self.base_url + path, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return Response(answer.status, dict(answer.headers.items()), answer.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, dict(error.headers.items()), error.read())


def _state_for(view: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """The `view.state.values` Slack sends: what each input holds, initial values unless answered."""
    values: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        kind = element["type"]
        answer = answers.get(block["block_id"], ...)
        state: dict[str, Any] = {"type": kind}
        if kind in ("external_select", "static_select", "radio_buttons"):
            if answer is ...:
                option = element.get("initial_option")
            elif answer is None:
                option = None
            elif isinstance(answer, dict):
                option = answer
            else:
                options = element.get("options") or []
                option = next((o for o in options if o["value"] == str(answer)), None)
                option = option or {"text": {"type": "plain_text", "text": str(answer)}, "value": str(answer)}
            state["selected_option"] = option
        elif kind in ("checkboxes", "multi_static_select"):
            # Answered with the values to tick (or the options themselves); Slack sends the options.
            if answer is ...:
                ticked = element.get("initial_options") or []
            else:
                wanted = [a if isinstance(a, dict) else str(a) for a in answer or []]
                options = element.get("options") or []
                ticked = [a for a in wanted if isinstance(a, dict)]
                ticked += [o for o in options if o["value"] in wanted]
            state["selected_options"] = ticked
        elif kind == "plain_text_input":
            state["value"] = element.get("initial_value") if answer is ... else answer
        elif kind == "datetimepicker":
            state["selected_date_time"] = element.get("initial_date_time") if answer is ... else answer
        elif kind == "datepicker":
            state["selected_date"] = element.get("initial_date") if answer is ... else answer
        elif kind == "timepicker":
            state["selected_time"] = element.get("initial_time") if answer is ... else answer
        else:
            state["value"] = None if answer is ... else answer
        values[block["block_id"]] = {element["action_id"]: state}
    return values


@dataclass
class SlackSender:
    """Builds Slack's requests for one workspace and signs them."""

    signing_secret: str
    transport: Transport
    team_id: str = "T0001"
    team_domain: str = "agency"
    api_app_id: str = "A0RAPPORT"
    # key -> a response_url; for a click on a message also channel=, ts= and user= of that message,
    # so answers that replace it change it (FakeSlack.response_url takes exactly these)
    response_url_for: Callable[..., str] | None = None
    trigger_id_for: Callable[[], str] | None = None
    timestamp: Callable[[], float] = time.time
    sent: list[dict[str, Any]] = field(default_factory=list)

    # --- plumbing ---------------------------------------------------------------------------

    def _trigger(self) -> str:
        if self.trigger_id_for:
            return self.trigger_id_for()
        return f"{next(_ids)}.{int(self.timestamp())}.abcdef0123456789"

    def _response_url(self, key: str, **where: str | None) -> str:
        if self.response_url_for:
            return self.response_url_for(key, **where)
        return f"https://hooks.slack.invalid/actions/{self.team_id}/{next(_ids)}/{key}"

    def post(self, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> Response:
        stamp = str(int(self.timestamp()))
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": sign(self.signing_secret, stamp, body),
            **(extra or {}),
        }
        return self.transport.post("/slack/events", body, headers)

    def _form(self, fields: dict[str, Any]) -> Response:
        return self.post(urlencode(fields).encode(), "application/x-www-form-urlencoded")

    def _interactive(self, payload: dict[str, Any]) -> Response:
        self.sent.append(payload)
        return self._form({"payload": json.dumps(payload)})

    def _user(self, user_id: str) -> dict[str, Any]:
        return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": self.team_id}

    # --- what Slack sends ---------------------------------------------------------------------

    def command(self, command: str, text: str, *, user: str, channel: str = "C0GENERAL") -> Response:
        fields = {
            "token": "legacy-verification-token",
            "team_id": self.team_id,
            "team_domain": self.team_domain,
            "channel_id": channel,
            "channel_name": "general",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "false",
            "response_url": self._response_url(f"cmd-{user}"),
            "trigger_id": self._trigger(),
        }
        self.sent.append(fields)
        return self._form(fields)

    def click(
        self,
        *,
        user: str,
        action_id: str,
        value: str | None = None,
        block_id: str = "actions",
        message: dict[str, Any] | None = None,
        view: dict[str, Any] | None = None,
        selected_option: dict[str, Any] | None = None,
        action_type: str = "button",
        is_ephemeral: bool = False,
        extra: dict[str, Any] | None = None,
    ) -> Response:
        """A block_actions payload: a button (or overflow option) on a message or a Home view."""
        action: dict[str, Any] = {
            "action_id": action_id,
            "block_id": block_id,
            "type": action_type,
            "action_ts": f"{self.timestamp():.6f}",
        }
        if value is not None:
            action["value"] = value
        if selected_option is not None:
            action["selected_option"] = selected_option
        action.update(extra or {})  # what other elements carry, e.g. a users_select's selected_user
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self._user(user),
            "api_app_id": self.api_app_id,
            "token": "legacy-verification-token",
            "trigger_id": self._trigger(),
            "team": {"id": self.team_id, "domain": self.team_domain},
            "enterprise": None,
            "is_enterprise_install": False,
            "state": {"values": {}},
            "actions": [action],
        }
        if message is not None:
            payload["container"] = {
                "type": "message",
                "message_ts": message["ts"],
                "channel_id": message["channel"],
                "is_ephemeral": is_ephemeral,
            }
            payload["channel"] = {"id": message["channel"], "name": "directmessage"}
            payload["message"] = {
                "type": "message",
                "ts": message["ts"],
                "text": message.get("text", ""),
                "blocks": message.get("blocks", []),
                "user": "UBOT",
            }
            where = {"channel": message["channel"], "ts": message["ts"], "user": user}
            payload["response_url"] = self._response_url(f"msg-{user}-{message['ts']}", **where)
        elif view is not None:
            payload["container"] = {"type": "view", "view_id": view.get("id", "V0")}
            payload["view"] = view
        return self._interactive(payload)

    def submit(self, view: dict[str, Any], *, user: str, answers: dict[str, Any] | None = None) -> Response:
        """A view_submission: the modal as opened, with `answers` (block id -> value) typed in."""
        submitted = {
            **view,
            "id": view.get("id", "V0"),
            "team_id": self.team_id,
            "state": {"values": _state_for(view, answers or {})},
        }
        return self._interactive(
            {
                "type": "view_submission",
                "team": {"id": self.team_id, "domain": self.team_domain},
                "user": self._user(user),
                "api_app_id": self.api_app_id,
                "token": "legacy-verification-token",
                "trigger_id": self._trigger(),
                "view": submitted,
                "response_urls": [],
                "is_enterprise_install": False,
            }
        )

    def suggest(
        self, *, user: str, action_id: str, block_id: str, value: str, view: dict[str, Any] | None = None
    ) -> Response:
        """A block_suggestion: someone typing in an external_select."""
        return self._interactive(
            {
                "type": "block_suggestion",
                "user": self._user(user),
                "container": {"type": "view", "view_id": (view or {}).get("id", "V0")},
                "api_app_id": self.api_app_id,
                "token": "legacy-verification-token",
                "action_id": action_id,
                "block_id": block_id,
                "value": value,
                "team": {"id": self.team_id, "domain": self.team_domain},
                "view": view or {},
            }
        )

    def shortcut(self, callback_id: str, *, user: str, message: dict[str, Any], channel: str) -> Response:
        return self._interactive(
            {
                "type": "message_action",
                "token": "legacy-verification-token",
                "action_ts": f"{self.timestamp():.6f}",
                "team": {"id": self.team_id, "domain": self.team_domain},
                "user": self._user(user),
                "channel": {"id": channel, "name": "client-acme"},
                "is_enterprise_install": False,
                "callback_id": callback_id,
                "trigger_id": self._trigger(),
                "response_url": self._response_url(f"shortcut-{user}"),
                "message_ts": message.get("ts"),
                "message": {"type": "message", "user": message.get("user", "U0CLIENT"), **message},
            }
        )

    def event(self, event: dict[str, Any], *, event_id: str | None = None, retry: int = 0) -> Response:
        event_id = event_id or f"Ev{next(_ids):08d}"
        body = {
            "token": "legacy-verification-token",
            "team_id": self.team_id,
            "api_app_id": self.api_app_id,
            "event": {"event_ts": f"{self.timestamp():.6f}", **event},
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(self.timestamp()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": "UBOT",
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        extra = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        self.sent.append(body)
        return self.post(json.dumps(body).encode(), "application/json", extra)
