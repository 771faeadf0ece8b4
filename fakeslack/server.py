"""A fake Slack Web API over real HTTP on 127.0.0.1, checked against Slack's published spec.

Why real HTTP: the app under test keeps using an unmodified `slack_sdk.WebClient` (retry handlers,
form/JSON encoding, files_upload_v2's raw upload step), so tests exercise the same code paths as
production. Every call is checked against `spec/web_api_methods.json` (generated from
slackapi/slack-api-specs, see spec/PROVENANCE.md) and Block Kit payloads are validated, so payloads
that real Slack would refuse fail here too. Faults (429, 5xx, ok:false errors, slowness, a dropped
connection) can be injected per method, for every call or a random share of them, and chat.postMessage
can be held to Slack's rate limits (`limit_posts`: per conversation and per workspace, 429 with
Retry-After past them). Message timestamps come from the fake's `clock`, so
conversations.history's `oldest` and `latest` mean what they mean on Slack.
"""

from __future__ import annotations

import base64
import copy
import decimal
import email.parser
import email.policy
import hashlib
import http.client
import json
import math
import mimetypes
import random
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit
from zoneinfo import ZoneInfo

from fakeslack import blockkit

SPEC_FILE = Path(__file__).resolve().parent / "spec" / "web_api_methods.json"
_SPEC: dict[str, Any] = json.loads(SPEC_FILE.read_text())
METHODS: dict[str, dict[str, Any]] = _SPEC["methods"]
SPEC_METHOD_NAMES: frozenset[str] = frozenset(_SPEC["spec_method_names"])

# Form fields that carry JSON; decoded so tests see objects, and malformed JSON is refused like Slack.
_JSON_FIELDS = {
    "blocks": "invalid_blocks_format",
    "attachments": "invalid_attachments",
    "view": "invalid_arguments",
    "files": "invalid_arguments",
    "metadata": "invalid_metadata_format",
}

_TZ_LABELS = {
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
    "WET": "Western European Time",
    "WEST": "Western European Summer Time",
    "EET": "Eastern European Time",
    "EEST": "Eastern European Summer Time",
    "GMT": "Greenwich Mean Time",
    "BST": "British Summer Time",
    "UTC": "Coordinated Universal Time",
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "CST": "Central Standard Time",
    "CDT": "Central Daylight Time",
    "MST": "Mountain Standard Time",
    "MDT": "Mountain Daylight Time",
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
    "IST": "India Standard Time",
    "JST": "Japan Standard Time",
    "AEST": "Australian Eastern Standard Time",
    "AEDT": "Australian Eastern Daylight Time",
}

_PRETTY_TYPES = {
    "xlsx": "Excel Spreadsheet",
    "csv": "CSV",
    "pdf": "PDF",
    "png": "PNG",
    "jpg": "JPEG",
    "txt": "Plain Text",
    "json": "JSON",
}

_OAUTH_SCOPES = (
    "chat:write,commands,files:write,im:write,team:read,users:read,users:read.email,"
    "im:history,channels:history,groups:history"
)
_UNSET: Any = object()


@dataclass
class Call:
    """One request the fake answered; `error` is set for rejected and faulted calls."""

    method: str
    args: dict[str, Any]
    token: str | None
    team_id: str | None
    at: float
    error: str | None = None
    key: str = ""  # response_url key, or file id for uploads
    status: int = 200


@dataclass
class _Fault:
    method: str
    status: int
    retry_after: int
    error: str | None
    delay: float
    remaining: int | None
    hang_up: bool = False
    share: float = 1.0  # the part of matching calls it takes, chosen at random with `rng`
    rng: random.Random | None = None


# A post arriving this much early still finds its token: the network does not keep a sender's spacing
# to the millisecond, and Slack's limits are "about".
_ARRIVAL_JITTER = 0.05


@dataclass
class _Bucket:
    """A token bucket: `rate` tokens a second, up to `capacity`; a post takes one."""

    rate: float
    capacity: float
    tokens: float
    at: float

    def wait(self, now: float) -> float:
        """Seconds until a token is there (0: there is one)."""
        self.tokens = min(self.capacity, self.tokens + max(0.0, now - self.at) * self.rate)
        self.at = max(self.at, now)
        wait = (1 - self.tokens) / self.rate
        return 0.0 if wait <= _ARRIVAL_JITTER else wait

    def take(self) -> None:
        self.tokens -= 1

    def give_back(self) -> None:
        self.tokens = min(self.capacity, self.tokens + 1)


@dataclass(frozen=True)
class _PostLimits:
    per_channel: float | None
    per_workspace: float | None


@dataclass
class _Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"
    hang_up: bool = False  # close the connection without answering


_HANG_UP = _Reply(0, b"", hang_up=True)


class ApiError(Exception):
    """Raised by method handlers to answer ok:false (recorded in `rejected`)."""

    def __init__(self, error: str, messages: list[str] | None = None, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.body: dict[str, Any] = {"ok": False, "error": error, **extra}
        if messages:
            self.body["response_metadata"] = {"messages": messages}


def _json_reply(body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> _Reply:
    return _Reply(status, json.dumps(body).encode(), headers or {})


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)


def _type_ok(value: Any, kind: str) -> bool:
    """Loose spec type check: form values arrive as strings, JSON values as native types."""
    if kind == "boolean":
        return isinstance(value, bool | int) or str(value).lower() in ("true", "false", "1", "0")
    if kind == "integer":
        if isinstance(value, bool):
            return False
        if isinstance(value, int):
            return True
        return isinstance(value, str) and value.lstrip("-").isdigit()
    if kind == "number":
        if isinstance(value, bool):
            return False
        try:
            float(value)
        except (TypeError, ValueError):
            return False
        return True
    return True


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != []


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    """Decode multipart/form-data (legacy clients); file parts stay bytes."""
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    out: dict[str, Any] = {}
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True) or b""
        assert isinstance(payload, bytes)
        out[name] = payload if part.get_filename() else payload.decode("utf-8", "replace")
    return out


# What email's feedparser (behind http.client.parse_headers) takes as a header name.
_HEADER_NAME = re.compile(r"[\041-\071\073-\176]+")
_MAX_LINE = 65536  # http.client's limits for request header lines
_MAX_HEADERS = 100


def _read_headers(rfile: Any) -> http.client.HTTPMessage:
    """Same result as http.client.parse_headers, without the email parser for plain `Name: value` lines.

    Anything unusual (folded or non-printable lines, odd names, end of stream) goes to the email parser,
    as http.client would do; the limits and their exceptions are http.client's.
    """
    lines: list[bytes] = []
    while True:
        line = rfile.readline(_MAX_LINE + 1)
        if len(line) > _MAX_LINE:
            raise http.client.LineTooLong("header line")
        lines.append(line)
        if len(lines) > _MAX_HEADERS:
            raise http.client.HTTPException(f"got more than {_MAX_HEADERS} headers")
        if line in (b"\r\n", b"\n", b""):
            break
    msg = http.client.HTTPMessage()
    for raw in lines[:-1]:
        text = raw.decode("iso-8859-1")
        core = text[:-2] if text.endswith("\r\n") else text[:-1]
        name, colon, value = core.partition(":")
        if not (text.endswith("\n") and colon and core.isprintable() and _HEADER_NAME.fullmatch(name)):
            return email.parser.Parser(_class=http.client.HTTPMessage).parsestr(
                b"".join(lines).decode("iso-8859-1")
            )
        msg.set_raw(name, value.lstrip(" \t"))  # what compat32's header_source_parse stores
    return msg


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    fake: FakeSlack


class _Handler(BaseHTTPRequestHandler):
    """Routes HTTP to FakeSlack; quiet (no per-request stderr logging)."""

    server: _Server
    raw_requestline: bytes
    protocol_version = "HTTP/1.1"
    timeout = 30
    # Buffered writes: status line, headers and body leave in one send (flushed after each request by
    # handle_one_request, or by finish), instead of a small headers segment that Nagle + delayed ACK
    # hold back ~40 ms on loopback.
    wbufsize = 1 << 16

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.fake._lock:
            self.server.fake.connections += 1

    def log_message(self, format: str, *args: Any) -> None:
        return

    def handle_expect_100(self) -> bool:
        ok = super().handle_expect_100()
        self.wfile.flush()  # the client waits for it before sending the body
        return ok

    def parse_request(self) -> bool:
        """BaseHTTPRequestHandler.parse_request, with a fast path for plain HTTP/1.x requests.

        The stdlib parses headers with the email package, which costs more than the rest of a request;
        `_read_headers` gives the same HTTPMessage. Any other request line goes to the stdlib as is.
        """
        requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        words = requestline.split()
        if len(words) != 3 or words[2] not in ("HTTP/1.1", "HTTP/1.0"):
            return super().parse_request()
        self.requestline = requestline
        self.command, path, self.request_version = words
        self.path = "/" + path.lstrip("/") if path.startswith("//") else path
        self.close_connection = self.request_version != "HTTP/1.1"
        try:
            self.headers = _read_headers(self.rfile)
        except http.client.LineTooLong as err:
            self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Line too long", str(err))
            return False
        except http.client.HTTPException as err:
            self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Too many headers", str(err))
            return False
        conntype = self.headers.get("Connection", "").lower()
        if conntype == "close":
            self.close_connection = True
        elif conntype == "keep-alive":
            self.close_connection = False
        expect = self.headers.get("Expect", "")
        if expect.lower() == "100-continue" and self.request_version >= "HTTP/1.1":
            return self.handle_expect_100()
        return True

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0] or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        fake = self.server.fake
        body = self._read_body()
        try:
            reply = fake._route(self.command, self.path, dict(self.headers.items()), body)
        except Exception as exc:  # surface fake bugs to tests instead of hanging the client
            fake._note_server_error(f"{self.command} {self.path}: {exc!r}")
            reply = _json_reply({"ok": False, "error": "fakeslack_internal_error", "detail": repr(exc)}, 500)
        if reply.hang_up:  # as a server or network that fails mid-request: no answer, connection gone
            self.close_connection = True
            return
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for k, v in reply.headers.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)


class FakeSlack:
    """In-process fake of the Slack Web API; see module docstring for why it speaks real HTTP."""

    def __init__(
        self,
        *,
        team_id: str = "T0001",
        bot_token: str = "xoxb-test",
        bot_user_id: str = "UBOT",
        extra_tokens: dict[str, str] | None = None,
        team_name: str = "Rapport Test",
        bot_name: str = "rapport",
        app_id: str = "A0001",
        client_id: str | None = None,
        client_secret: str | None = None,
        strict_users: bool = False,
        trigger_ttl: float = 3.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.team_id = team_id
        self.bot_token = bot_token
        self.bot_user_id = bot_user_id
        self.bot_name = bot_name
        self.app_id = app_id
        self.client_id = client_id
        self.client_secret = client_secret
        self.strict_users = strict_users
        self.trigger_ttl = trigger_ttl
        # Slack's clock, in seconds since the epoch: message timestamps (`ts`) come from it. Tests that
        # move the app's clock give the fake the same one, so `oldest`/`latest` mean the same to both.
        self.clock = clock

        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._port = 0

        self._teams: dict[str, dict[str, Any]] = {}
        self._bots: dict[str, dict[str, str]] = {}
        self._tokens: dict[str, str] = {}
        self._users: dict[str, dict[str, Any]] = {}
        self._channels: dict[str, dict[str, Any]] = {}
        self._oauth_codes: dict[str, dict[str, Any]] = {}
        self._counter = 0
        self._last_ts = 0  # microseconds: every message timestamp is unique and later than the last

        self.calls: list[Call] = []
        self.rejected: list[Call] = []
        self.faults: list[Call] = []
        self.server_errors: list[str] = []
        self.requests: dict[str, int] = {}  # Web API requests per method, counted on arrival
        self.connections = 0  # TCP connections accepted (a client that keeps them open makes few)
        self.open_views: dict[str, dict[str, Any]] = {}
        self.uploaded_files: dict[str, bytes] = {}
        self._messages: dict[tuple[str, str], dict[str, Any]] = {}
        self._ephemeral: list[dict[str, Any]] = []
        self._home_views: dict[str, dict[str, Any]] = {}
        self._views_by_id: dict[str, dict[str, Any]] = {}
        self._triggers: dict[str, list[Any]] = {}  # id -> [issued_monotonic, used]
        self._faults: list[_Fault] = []
        self._post_limits: _PostLimits | None = None
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self.limited: list[Call] = []  # posts answered 429 by the limits of `limit_posts`
        self._pending_files: dict[str, dict[str, Any]] = {}
        self._file_objects: dict[str, dict[str, Any]] = {}
        self._response_urls: dict[str, dict[str, Any]] = {}

        self._add_team(team_id, team_name, bot_user_id=bot_user_id)
        self._tokens[bot_token] = team_id
        for token, tid in (extra_tokens or {}).items():
            if tid not in self._teams:
                self._add_team(tid, f"Workspace {tid}")
            self._tokens[token] = tid
        self._register_default_oauth_code()

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FakeSlack:
        """Bind 127.0.0.1 on a free port and serve from a daemon thread."""
        if self._server is not None:
            raise RuntimeError("FakeSlack already started")
        self._stopping.clear()
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self._port = server.server_address[1]
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fakeslack", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port; wakes any injected delay so it ends promptly."""
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base(self) -> str:
        """Root URL of the server (no trailing slash)."""
        if self._server is None:
            raise RuntimeError("FakeSlack not started; call start() or use it as a context manager")
        return f"http://127.0.0.1:{self._port}"

    @property
    def url(self) -> str:
        """Base URL for `WebClient(base_url=...)`."""
        return self.base + "/api/"

    # ------------------------------------------------------------------ setup helpers

    def _next(self) -> int:
        with self._lock:
            self._counter += 1
            return self._counter

    def _add_team(self, team_id: str, name: str, *, bot_user_id: str | None = None) -> None:
        domain = "".join(ch for ch in name.lower() if ch.isalnum()) or team_id.lower()
        self._teams[team_id] = {"id": team_id, "name": name, "domain": domain}
        bot_uid = bot_user_id or f"U{team_id[1:]}BOT"
        self._bots[team_id] = {"user_id": bot_uid, "bot_id": f"B{team_id[1:]}"}
        self.add_user(
            bot_uid,
            team_id=team_id,
            name=self.bot_name,
            real_name=self.bot_name.capitalize(),
            tz="America/Los_Angeles",
            is_bot=True,
        )

    def add_user(
        self,
        user_id: str,
        *,
        team_id: str | None = None,
        name: str = "",
        real_name: str = "",
        email: str | None = None,
        tz: str = "Europe/Amsterdam",
        tz_offset: int | None = None,
        locale: str = "en-US",
        is_bot: bool = False,
        deleted: bool = False,
        display_name: str = "",
        is_admin: bool = False,
        is_owner: bool = False,
    ) -> dict[str, Any]:
        """Register a user as users.info would return it (with locale); returns a copy."""
        team = team_id or self.team_id
        now = datetime.now(ZoneInfo(tz))
        offset = tz_offset if tz_offset is not None else int(now.utcoffset().total_seconds())  # type: ignore[union-attr]
        abbrev = now.tzname() or tz
        name = name or user_id.lower()
        real_name = real_name or name
        avatar = f"https://avatars.example.invalid/{user_id}"
        profile: dict[str, Any] = {
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": display_name,
            "display_name_normalized": display_name,
            "status_text": "",
            "status_emoji": "",
            "avatar_hash": hashlib.md5(user_id.encode()).hexdigest()[:12],
            "team": team,
            "image_24": f"{avatar}-24.png",
            "image_48": f"{avatar}-48.png",
            "image_72": f"{avatar}-72.png",
            "image_192": f"{avatar}-192.png",
        }
        if " " in real_name:
            profile["first_name"], profile["last_name"] = real_name.split(" ", 1)
        if email is not None:
            profile["email"] = email
        if is_bot:
            profile["bot_id"] = self._bots.get(team, {}).get("bot_id", f"B{team[1:]}")
            profile["api_app_id"] = self.app_id
            profile["always_active"] = True
        user: dict[str, Any] = {
            "id": user_id,
            "team_id": team,
            "name": name,
            "deleted": deleted,
            "color": hashlib.md5(user_id.encode()).hexdigest()[:6],
            "real_name": real_name,
            "tz": tz,
            "tz_label": _TZ_LABELS.get(abbrev, abbrev),
            "tz_offset": offset,
            "profile": profile,
            "is_admin": is_admin or is_owner,
            "is_owner": is_owner,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": 1700000000,
            "is_email_confirmed": email is not None,
            "who_can_share_contact_card": "EVERYONE",
            "locale": locale,
        }
        with self._lock:
            self._users[user_id] = user
        return copy.deepcopy(user)

    def add_channel(
        self,
        channel_id: str,
        *,
        name: str = "",
        team_id: str | None = None,
        is_private: bool = False,
        member: bool = True,
    ) -> dict[str, Any]:
        """Register a conversation so conversations.info knows it (C…/G… are also auto-created on post).
        With `member=False` the app is not in it: posts get `not_in_channel` until it joins (a public
        channel, `conversations.join`) or is invited (`invite`)."""
        with self._lock:
            ch = self._ensure_channel(team_id or self.team_id, channel_id, name=name, is_private=is_private)
            ch["bot_member"] = member
            return copy.deepcopy(ch)

    def invite(self, channel_id: str) -> None:
        """Someone invited the app into the channel (`/invite @app`)."""
        with self._lock:
            self._channels[channel_id]["bot_member"] = True

    def add_oauth_code(
        self,
        code: str,
        *,
        team_id: str | None = None,
        team_name: str | None = None,
        bot_token: str | None = None,
        installer_user_id: str = "UINSTALLER",
    ) -> None:
        """Make oauth.v2.access accept `code`, installing into `team_id` with `bot_token`."""
        tid = team_id or self.team_id
        with self._lock:
            if tid not in self._teams:
                self._add_team(tid, team_name or f"Workspace {tid}")
            self._oauth_codes[code] = {
                "team_id": tid,
                "bot_token": bot_token or f"xoxb-{tid}-{self.app_id}-installed",
                "installer": installer_user_id,
            }

    def _register_default_oauth_code(self) -> None:
        self.add_oauth_code("good-code", team_id=self.team_id, bot_token=self.bot_token)

    def issue_trigger_id(self) -> str:
        """A trigger id for signed test payloads; views.open/push accept it once within trigger_ttl s."""
        n = self._next()
        trigger = f"{1700000000000 + n}.{self.team_id[1:] or '1'}.{hashlib.sha1(str(n).encode()).hexdigest()}"
        with self._lock:
            self._triggers[trigger] = [time.monotonic(), False]
        return trigger

    def response_url(
        self, key: str = "", *, channel: str | None = None, ts: str | None = None, user: str | None = None
    ) -> str:
        """A response_url on this server; POSTs are recorded as calls with method "response_url".

        Pass channel/ts of the source message so replace_original/delete_original change messages().
        """
        key = key or f"k{self._next()}"
        with self._lock:
            self._response_urls[key] = {"channel": channel, "ts": ts, "user": user}
        return f"{self.base}/actions/{self.team_id}/{quote(key, safe='')}"

    # ------------------------------------------------------------------ fault injection

    def inject(
        self,
        method: str,
        *,
        status: int = _UNSET,
        retry_after: int = 1,
        error: str | None = None,
        delay: float = 0.0,
        times: int | None = 1,
        hang_up: bool = False,
        share: float = 1.0,
        seed: int = 0,
    ) -> None:
        """Make the next `times` calls to `method` ("*" = any; None = until reset) misbehave.

        status 429 -> Retry-After + {"ok":false,"error":"ratelimited"}; 5xx -> that status with a body;
        error="x" -> HTTP 200 {"ok":false,"error":"x"}; delay -> sleep first; hang_up -> close the
        connection without an answer (Slack unreachable for that method: clients see the connection
        drop). status defaults to 429, except when only `delay`, `error` or `hang_up` is given (then
        the call is answered normally after the delay, or with the error on HTTP 200). Method names
        "response_url" and "upload" work too. `share` below 1 picks that part of the calls at random
        (seeded with `seed`, so a run can be repeated), e.g. share=0.1 for one call in ten; `times`
        then counts the calls picked.
        """
        if times is not None and times <= 0:
            return
        if not 0 < share <= 1:
            raise ValueError(f"share is a part of the calls, more than 0 and at most 1: {share}")
        if status is _UNSET:
            status = 200 if (error is not None or delay > 0 or hang_up) else 429
        rng = random.Random(seed) if share < 1 else None
        with self._lock:
            self._faults.append(_Fault(method, status, retry_after, error, delay, times, hang_up, share, rng))

    def limit_posts(self, *, per_channel: float | None = 1.0, per_workspace: float | None = None) -> None:
        """Answer chat.postMessage 429 with Retry-After past Slack's limits, as Slack does: about
        `per_channel` messages a second to one conversation, and `per_workspace` a second in a
        workspace. Each is a token bucket that holds as many posts as its rate allows a second (one
        for a channel: posts to it at least a second apart), refilled on the fake's clock; a post up
        to 50 ms early is on time; only posts the fake accepts take a token. None leaves that limit
        off; `reset` takes them away. A user id and its DM are one conversation."""
        for rate in (per_channel, per_workspace):
            if rate is not None and rate <= 0:
                raise ValueError(f"a rate is a number of posts a second, more than 0: {rate}")
        with self._lock:
            self._post_limits = _PostLimits(per_channel, per_workspace)
            self._buckets.clear()

    def reset(self) -> None:
        """Forget traffic and state (messages, views, uploads, faults).

        Teams, tokens, users and channels are configuration and stay.
        """
        with self._lock:
            self.calls.clear()
            self.rejected.clear()
            self.faults.clear()
            self.server_errors.clear()
            self.requests.clear()
            self.connections = 0
            self._last_ts = 0
            self.open_views.clear()
            self.uploaded_files.clear()
            self._messages.clear()
            self._ephemeral.clear()
            self._home_views.clear()
            self._views_by_id.clear()
            self._triggers.clear()
            self._faults.clear()
            self._post_limits = None
            self._buckets.clear()
            self.limited.clear()
            self._pending_files.clear()
            self._file_objects.clear()
            self._response_urls.clear()
            self._oauth_codes.clear()
            self._register_default_oauth_code()

    # ------------------------------------------------------------------ inspection

    def calls_to(self, method: str) -> list[Call]:
        """Accepted calls to `method`, in order."""
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until `count` accepted calls to `method` happened; AssertionError lists what did."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                got = [c for c in self.calls if c.method == method]
                if len(got) >= count:
                    return got
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"expected {count} accepted call(s) to {method} within {timeout}s, got {len(got)}\n"
                        + self.describe()
                    )
                self._cond.wait(left)

    def wait_for_request(self, method: str, count: int = 1, timeout: float = 5.0) -> None:
        """Block until `count` requests to `method` arrived, answered or not (an injected delay may be
        holding them); AssertionError when they did not."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.requests.get(method, 0) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"expected {count} request(s) to {method} within {timeout}s, "
                        f"got {self.requests.get(method, 0)}\n" + self.describe()
                    )
                self._cond.wait(left)

    def describe(self) -> str:
        """Human summary of traffic, used in assertion messages."""
        with self._lock:
            lines = ["accepted: " + (", ".join(c.method for c in self.calls) or "(none)")]
            lines.append(
                "rejected: " + (", ".join(f"{c.method}={c.error}" for c in self.rejected) or "(none)")
            )
            if self.faults:
                lines.append("faulted: " + ", ".join(f"{c.method}={c.error}" for c in self.faults))
            if self.server_errors:
                lines.append("fake errors: " + "; ".join(self.server_errors))
            return "\n".join(lines)

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Current messages (posts with updates applied, deletes removed), oldest first.

        A user id (U…/W…) selects the bot's DM channel with that user.
        """
        with self._lock:
            if channel and channel[0] in "UW":
                channel = self._dm_id(channel)
            return [
                copy.deepcopy(m)
                for m in self._messages.values()
                if channel is None or m["channel"] == channel
            ]

    def ephemerals(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Ephemeral messages sent (chat.postEphemeral and ephemeral response_url replies)."""
        with self._lock:
            return [copy.deepcopy(m) for m in self._ephemeral if channel is None or m["channel"] == channel]

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        """Last Home tab view published for the user (as views.publish returned it)."""
        with self._lock:
            view = self._home_views.get(user_id)
            return copy.deepcopy(view) if view else None

    # ------------------------------------------------------------------ HTTP routing

    def _note_server_error(self, text: str) -> None:
        with self._lock:
            self.server_errors.append(text)

    def _route(self, verb: str, raw_path: str, headers: dict[str, str], body: bytes) -> _Reply:
        parts = urlsplit(raw_path)
        path = parts.path
        last = unquote(path.rsplit("/", 1)[-1])
        if path.startswith("/api/"):
            return self._api(unquote(path[len("/api/") :]), parts.query, headers, body)
        if path.startswith("/actions/") and verb == "POST":
            return self._response_url_post(last, headers, body)
        if path.startswith("/upload/v1/") and verb == "POST":
            return self._upload(last, headers, body)
        if path.startswith("/files-pri/") and verb == "GET":
            return self._download(unquote(path), headers)
        return _Reply(404, b"not found", content_type="text/plain")

    def _record(self, bucket: list[Call], call: Call) -> None:
        with self._cond:
            bucket.append(call)
            self._cond.notify_all()

    def _take_fault(self, method: str) -> _Fault | None:
        with self._lock:
            for f in self._faults:
                if f.method in (method, "*"):
                    if f.rng is not None and f.rng.random() >= f.share:
                        continue  # not one of the calls it picks
                    if f.remaining is not None:
                        f.remaining -= 1
                        if f.remaining <= 0:
                            self._faults.remove(f)
                    return f
        return None

    def _fault_reply(self, fault: _Fault, call: Call) -> _Reply | None:
        """Apply an injected fault; None means answer normally (delay-only)."""
        if fault.delay > 0:
            self._stopping.wait(fault.delay)
        if fault.hang_up:
            call.error, call.status = "hung_up", 0
            self._record(self.faults, call)
            return _HANG_UP
        if fault.error is not None:
            call.error, call.status = fault.error, fault.status
            self._record(self.faults, call)
            return _json_reply({"ok": False, "error": fault.error}, fault.status)
        if fault.status == 429:
            call.error, call.status = "ratelimited", 429
            self._record(self.faults, call)
            return _json_reply(
                {"ok": False, "error": "ratelimited"}, 429, {"Retry-After": str(fault.retry_after)}
            )
        if fault.status != 200:
            err = "fatal_error" if fault.status >= 500 else f"http_{fault.status}"
            call.error, call.status = err, fault.status
            self._record(self.faults, call)
            return _json_reply({"ok": False, "error": err}, fault.status)
        return None

    def _parse_args(self, query: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
        args: dict[str, Any] = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
        if not body:
            return args
        ctype = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        if ctype.lower().startswith("application/json"):
            try:
                data = json.loads(body)
            except ValueError as exc:
                raise ApiError("invalid_json") from exc
            if not isinstance(data, dict):
                raise ApiError("json_not_object")
            args.update(data)
        elif ctype.lower().startswith("multipart/form-data"):
            args.update(_parse_multipart(ctype, body))
        else:
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ApiError("invalid_charset") from exc
            args.update({k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()})
        return args

    def _api(self, method: str, query: str, headers: dict[str, str], body: bytes) -> _Reply:
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        token: str | None = auth[7:].strip() if auth.lower().startswith("bearer ") else None
        call = Call(method=method, args={}, token=token, team_id=None, at=time.time())
        with self._cond:
            self.requests[method] = self.requests.get(method, 0) + 1
            self._cond.notify_all()
        try:
            args = self._parse_args(query, headers, body)
        except ApiError as exc:
            call.error = exc.error
            self._record(self.rejected, call)
            return _json_reply(exc.body)
        body_token = args.pop("token", None)
        token = token or (body_token if isinstance(body_token, str) and body_token else None)
        args = {k: v for k, v in args.items() if v is not None}
        json_error = self._decode_json_fields(args)
        call.args, call.token = args, token
        call.team_id = self._tokens.get(token) if token else None

        fault = self._take_fault(method)
        if fault is not None:
            reply = self._fault_reply(fault, call)
            if reply is not None:
                return reply
        taken: list[_Bucket] = []
        if method == "chat.postMessage" and call.team_id is not None:
            wait, taken = self._take_post_tokens(call.team_id, args.get("channel"))
            if wait > 0:
                call.error, call.status = "ratelimited", 429
                self._record(self.faults, call)
                self._record(self.limited, call)
                retry_after = str(max(1, math.ceil(wait)))
                return _json_reply({"ok": False, "error": "ratelimited"}, 429, {"Retry-After": retry_after})
        try:
            result = self._dispatch(method, args, token, auth, json_error)
        except ApiError as exc:
            with self._lock:
                for bucket in taken:  # a post Slack refuses does not count against its limits
                    bucket.give_back()
            call.error = exc.error
            self._record(self.rejected, call)
            return _json_reply(exc.body)
        self._record(self.calls, call)
        with self._lock:  # answers may share stored state (views.*: the stored view); encode it unchanged
            return _json_reply(result)

    def _take_post_tokens(self, team_id: str, channel: Any) -> tuple[float, list[_Bucket]]:
        """A token from each bucket this post counts against: how long until every one has one (0:
        taken), and the buckets taken from."""
        with self._lock:
            limits = self._post_limits
            if limits is None:
                return 0.0, []
            conversation = str(channel or "")
            if conversation[:1] in ("U", "W"):
                conversation = self._dm_id(conversation)
            wanted = [
                (key, rate)
                for key, rate in (
                    ((team_id, conversation), limits.per_channel),
                    ((team_id, ""), limits.per_workspace),
                )
                if rate is not None
            ]
            now = self.clock()
            buckets = []
            for key, rate in wanted:
                bucket = self._buckets.get(key)
                if bucket is None:
                    capacity = max(1.0, rate)
                    bucket = self._buckets[key] = _Bucket(rate, capacity, capacity, now)
                buckets.append(bucket)
            wait = max((bucket.wait(now) for bucket in buckets), default=0.0)
            if wait > 0:
                return wait, []
            for bucket in buckets:
                bucket.take()
            return 0.0, buckets

    @staticmethod
    def _decode_json_fields(args: dict[str, Any]) -> ApiError | None:
        """Decode JSON-carrying form fields in place; return (not raise) the first parse error.

        Returned rather than raised so auth is still checked first, as Slack does.
        """
        error: ApiError | None = None
        for name, err in _JSON_FIELDS.items():
            value = args.get(name)
            if not isinstance(value, str):
                continue
            if not value.strip():
                args.pop(name)
                continue
            try:
                args[name] = json.loads(value)
            except ValueError:
                error = error or ApiError(err, [f"[ERROR] failed to parse JSON in field: {name}"])
        return error

    def _dispatch(
        self, method: str, args: dict[str, Any], token: str | None, auth: str, json_error: ApiError | None
    ) -> dict[str, Any]:
        spec = METHODS.get(method)
        handler = self._handlers().get(method)
        if spec is None or handler is None:
            extra: dict[str, Any] = {"req_method": method}
            if method in SPEC_METHOD_NAMES:
                extra["fakeslack_note"] = "real Slack method, not implemented by FakeSlack"
            raise ApiError("unknown_method", **extra)
        team_id: str | None = None
        if spec["requires_token"]:
            if not token:
                raise ApiError("not_authed")
            team_id = self._tokens.get(token)
            if team_id is None:
                raise ApiError("invalid_auth")
        if json_error is not None:
            raise json_error
        problems = []
        for p in spec["params"]:
            value = args.get(p["name"])
            if p["required"] and not _present(value):
                problems.append(f"[ERROR] missing required field: {p['name']}")
            elif value is not None and not _type_ok(value, p["type"]):
                problems.append(f"[ERROR] invalid type for field: {p['name']} (expected {p['type']})")
        if problems:
            raise ApiError("invalid_arguments", problems)
        for rule in spec["rules"]:
            self._check_rule(rule, args)
        return {"ok": True, **handler(args, team_id or "", auth)}

    @staticmethod
    def _check_rule(rule: str, args: dict[str, Any]) -> None:
        if rule == "text_or_blocks_or_attachments":
            if not any(_present(args.get(k)) for k in ("text", "blocks", "attachments")):
                raise ApiError("no_text")
        elif rule == "view_id_or_external_id":
            if not (_present(args.get("view_id")) or _present(args.get("external_id"))):
                raise ApiError(
                    "invalid_arguments", ["[ERROR] missing required field: view_id or external_id"]
                )
        elif rule == "channel_or_users":
            if not (_present(args.get("channel")) or _present(args.get("users"))):
                raise ApiError("users_list_not_supplied")
        else:  # a rule added to the JSON without server support is a fake bug, not a client error
            raise RuntimeError(f"unknown rule {rule}")

    def _handlers(self) -> dict[str, Callable[[dict[str, Any], str, str], dict[str, Any]]]:
        return {
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.delete": self._chat_delete,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "users.info": self._users_info,
            "users.lookupByEmail": self._users_lookup_by_email,
            "users.list": self._users_list,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.history": self._conversations_history,
            "conversations.join": self._conversations_join,
            "auth.test": self._auth_test,
            "team.info": self._team_info,
            "oauth.v2.access": self._oauth_v2_access,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
        }

    # ------------------------------------------------------------------ shared logic

    def _next_ts(self) -> str:
        """A message timestamp from Slack's clock, unique and later than every one before it."""
        with self._lock:
            micros = max(int(self.clock() * 1_000_000), self._last_ts + 1)
            self._last_ts = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    @staticmethod
    def _dm_id(user_id: str) -> str:
        return "D" + user_id[1:]

    def _team_users(self, team_id: str) -> list[dict[str, Any]]:
        return [u for u in self._users.values() if u["team_id"] == team_id]

    def _ensure_channel(
        self,
        team_id: str,
        channel_id: str,
        *,
        name: str = "",
        is_private: bool = False,
        user: str | None = None,
    ) -> dict[str, Any]:
        ch = self._channels.get(channel_id)
        if ch is None:
            kind = channel_id[:1]
            ch = {
                "id": channel_id,
                "team_id": team_id,
                "name": name or ("" if kind == "D" else channel_id.lower()),
                "is_channel": kind == "C",
                "is_group": kind == "G" and is_private,
                "is_im": kind == "D",
                "is_mpim": False,
                "is_private": is_private or kind in "DG",
                "created": 1700000000,
                "creator": self._bots[team_id]["user_id"] if team_id in self._bots else "",
                "user": user,
            }
            self._channels[channel_id] = ch
        return ch

    def _user_in_team(self, team_id: str, user_id: str) -> dict[str, Any] | None:
        user = self._users.get(user_id)
        return user if user is not None and user["team_id"] == team_id else None

    def _open_dm(self, team_id: str, user_id: str) -> str:
        if self.strict_users and self._user_in_team(team_id, user_id) is None:
            raise ApiError("channel_not_found")
        dm = self._dm_id(user_id)
        self._ensure_channel(team_id, dm, user=user_id)
        return dm

    def _resolve_post_channel(self, team_id: str, channel: str) -> str:
        """chat.postMessage-style targets: user ids open a DM, C/G ids are auto-created."""
        if channel[:1] in ("U", "W"):
            return self._open_dm(team_id, channel)
        if channel.startswith("#"):
            for ch in self._channels.values():
                if ch["team_id"] == team_id and ch["name"] == channel[1:]:
                    return str(ch["id"])
            raise ApiError("channel_not_found")
        return self._existing_channel(team_id, channel, create=True)

    def _existing_channel(self, team_id: str, channel: str, *, create: bool = False) -> str:
        ch = self._channels.get(channel)
        if ch is None and create and channel[:1] in ("C", "G"):
            ch = self._ensure_channel(team_id, channel, is_private=channel.startswith("G"))
        if ch is None or ch["team_id"] != team_id:
            raise ApiError("channel_not_found")
        return channel

    @staticmethod
    def _check_content(args: dict[str, Any]) -> None:
        text = args.get("text")
        if isinstance(text, str) and len(text) > blockkit.MAX_MESSAGE_TEXT:
            raise ApiError("msg_too_long")
        if "blocks" in args:
            errors = blockkit.check_blocks(args["blocks"], decoded_json=True)
            if errors:
                raise ApiError("invalid_blocks", errors, errors=errors)
        if "attachments" in args:
            attachments = args["attachments"]
            if isinstance(attachments, list) and len(attachments) > blockkit.MAX_ATTACHMENTS:
                raise ApiError("too_many_attachments")
            errors = blockkit.check_attachments(attachments, decoded_json=True)
            if errors:
                raise ApiError("invalid_attachments", errors)

    @staticmethod
    def _check_metadata(args: dict[str, Any]) -> None:
        """Message metadata is an object with an `event_type` and an `event_payload` object."""
        if "metadata" not in args:
            return
        metadata = args["metadata"]
        if not isinstance(metadata, dict):
            raise ApiError("invalid_metadata_format")
        event_type = metadata.get("event_type")
        if (
            not isinstance(event_type, str)
            or not event_type
            or not isinstance(metadata.get("event_payload"), dict)
        ):
            raise ApiError("invalid_metadata_schema")

    def _bot_message(
        self, team_id: str, record: dict[str, Any], *, metadata: str | None = "all"
    ) -> dict[str, Any]:
        """Slack's `message` object for a bot post; its metadata whole ("all"), its event type alone
        ("type", as history gives it without include_all_metadata) or left out (None)."""
        bot = self._bots[team_id]
        msg: dict[str, Any] = {
            "type": "message",
            "text": record["text"],
            "user": bot["user_id"],
            "bot_id": bot["bot_id"],
            "ts": record["ts"],
            "team": team_id,
            "bot_profile": {
                "id": bot["bot_id"],
                "app_id": self.app_id,
                "name": self.bot_name,
                "icons": {},
                "deleted": False,
                "updated": 1700000000,
                "team_id": team_id,
            },
        }
        if record["blocks"]:
            msg["blocks"] = record["blocks"]
        if record["attachments"]:
            msg["attachments"] = record["attachments"]
        if record["thread_ts"]:
            msg["thread_ts"] = record["thread_ts"]
        if record["files"]:
            msg["files"] = [self._file_objects[f] for f in record["files"] if f in self._file_objects]
        if record.get("metadata") and metadata is not None:
            whole = record["metadata"]
            msg["metadata"] = whole if metadata == "all" else {"event_type": whole["event_type"]}
        return msg

    def _store_message(
        self, team_id: str, channel: str, args: dict[str, Any], files: list[str] | None = None
    ) -> dict[str, Any]:
        ts = self._next_ts()
        record: dict[str, Any] = {
            "channel": channel,
            "ts": ts,
            "text": args.get("text") or "",
            "blocks": args.get("blocks") or [],
            "thread_ts": args.get("thread_ts") or None,
            "user": self._bots[team_id]["user_id"],
            "attachments": args.get("attachments") or [],
            "files": files or [],
            "team_id": team_id,
        }
        self._messages[(channel, ts)] = record
        return record

    def _find_message(self, team_id: str, channel: str, ts: Any) -> dict[str, Any]:
        record = self._messages.get((channel, str(ts)))
        if record is None or record["team_id"] != team_id:
            raise ApiError("message_not_found")
        return record

    # ------------------------------------------------------------------ chat.*

    def _chat_post_message(self, args: dict[str, Any], team_id: str, auth: str) -> dict[str, Any]:
        self._check_content(args)
        self._check_metadata(args)
        with self._lock:
            channel = self._resolve_post_channel(team_id, str(args["channel"]))
            if not self._channels[channel].get("bot_member", True):
                raise ApiError("not_in_channel")
            record = self._store_message(team_id, channel, args)
            if "metadata" in args:
                record["metadata"] = copy.deepcopy(args["metadata"])
            return {"channel": channel, "ts": record["ts"], "message": self._bot_message(team_id, record)}

    def _chat_update(self, args: dict[str, Any], team_id: str, auth: str) -> dict[str, Any]:
        self._check_content(args)
        with self._lock:
            channel = self._existing_channel(team_id, str(args["channel"]))
            record = self._find_message(team_id, channel, args["ts"])
            for key in ("text", "blocks", "attachments"):
                if key in args:
                    record[key] = args[key] or ([] if key != "text" else "")
            message = self._bot_message(team_id, record)
            return {"channel": channel, "ts": record["ts"], "text": record["text"], "message": message}

    def _chat_delete(self, args: dict[str, Any], team_id: str, auth: str) -> dict[str, Any]:
        with self._lock:
            channel = self._existing_channel(team_id, str(args["channel"]))
            record = self._find_message(team_id, channel, args["ts"])
            del self._messages[(channel, record["ts"])]
            return {"channel": channel, "ts": record["ts"]}

    def _chat_post_ephemeral(self, args: dict[str, Any], team_id: str, auth: str) -> dict[str, Any]:
        self._check_content(args)
        with self._lock:
            channel = self._resolve_post_channel(team_id, str(args["channel"]))
            user = str(args["user"])
            if self.strict_users and self._user_in_team(team_id, user) is None:
                raise ApiError("user_not_in_channel")
            ts = self._next_ts()
            self._ephemeral.append(
                {
                    "channel": channel,
                    "user": user,
                    "ts": ts,
                    "text": args.get("text") or "",
                    "blocks": args.get("blocks") or [],
                    "thread_ts": args.get("thread_ts") or None,
                }
            )
            return {"message_ts": ts}

    # ------------------------------------------------------------------ views.*

    def _use_trigger(self, trigger_id: str) -> None:
        with self._lock:
            entry = self._triggers.get(trigger_id)
            if entry is None:
                raise ApiError("invalid_trigger_id")
            issued, used = entry
            if used or time.monotonic() - issued > self.trigger_ttl:
                raise ApiError("expired_trigger_id")
            entry[1] = True

    def _checked_view(self, args: dict[str, Any]) -> dict[str, Any]:
        view = args["view"]
        errors = blockkit.check_view(view, decoded_json=True)
        if errors:
            raise ApiError("invalid_blocks", errors, errors=errors)
        assert isinstance(view, dict)
        return view

    def _make_view(self, team_id: str, view: dict[str, Any], *, view_id: str | None = None) -> dict[str, Any]:
        """A stored view as Slack answers it; stored views are replaced, never changed in place."""
        n = self._next()
        vid = view_id or f"V{n:08X}"
        digest = hashlib.sha1(json.dumps(view, sort_keys=True).encode() + str(n).encode()).hexdigest()[:8]
        return {
            "id": vid,
            "team_id": team_id,
            "type": view.get("type"),
            "title": view.get("title"),
            "submit": view.get("submit"),
            "close": view.get("close"),
            "blocks": view.get("blocks") or [],
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", ""),
            "state": {"values": {}},
            "hash": f"{1700000000 + n}.{digest}",
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "submit_disabled": bool(view.get("submit_disabled", False)),
            "root_view_id": vid,
            "previous_view_id": None,
            "app_id": self.app_id,
            "app_installed_team_id": team_id,
            "bot_id": self._bots[team_id]["bot_id"],
        }

    def _check_external_id(self, team_id: str, view: dict[str, Any], own_id: str | None = None) -> None:
        ext = view.get("external_id")
        if not ext:
            return
        for v in self._views_by_id.values():
            if v["team_id"] == team_id and v["external_id"] == ext and v["id"] != own_id:
                raise ApiError("duplicate_external_id")

    def _views_open(self, args: dict[str, Any], team_id: str, auth: str) -> dict[str, Any]:
        view = self._checked_view(args)
        if view.get("type") != "modal":
            raise ApiError("invalid_arguments", ["[ERROR] views.open needs a view of type modal"])
        self._use_trigger(str(args["trigger_id"]))
        with self._lock:
            self._check_external_id(team_id, view)
            made = self._make_view(team_id, view)
            self._views_by_id[made["id"]] = made
            self.open_views[made["id"]] = made
            return {"view": made}

    def _views_push(self, args: dict[str, Any], team_id: str, auth: str) -> dict[str, Any]:
        view = self._checked_view(args)
        if view.get("type") != "modal":
            raise ApiError("invalid_arguments", ["[ERROR] views.push needs a view of type modal"])
        self._use_trigger(str(args["trigger_id"]))
        with self._lock:
            self._check_external_id(team_id, view)
            made = self._make_view(team_id, view)
            stack = [v for v in self.open_views.values() if v["team_id"] == team_id]
            if stack:
                made["previous_view_id"] = stack[-1]["id"]
                made["root_view_id"] = stack[-1]["root_view_id"]
            self._views_by_id[made["id"]] = made
            self.open_views[made["id"]] = made
            return {"view": made}

    def _views_update(self, args: dict[str, Any], team_id: str, auth: str) -> dict[str, Any]:
        view = self._checked_view(args)
        with self._lock:
            current: dict[str, Any] | None = None
            if _present(args.get("view_id")):
                current = self._views_by_id.get(str(args["view_id"]))
            else:
                ext = args.get("external_id")
                current = next(
                    (
                        v
                        for v in self._views_by_id.values()
                        if v["team_id"] == team_id and v["external_id"] == ext
                    ),
                    None,
                )
            if current is None or current["team_id"] != team_id:
                raise ApiError("not_found")
            if _present(args.get("hash")) and args["hash"] != current["hash"]:
                raise ApiError("hash_conflict")
            self._check_external_id(team_id, view, current["id"])
            made = self._make_view(team_id, view, view_id=current["id"])
            made["root_view_id"] = current["root_view_id"]
            made["previous_view_id"] = current["previous_view_id"]
            self._views_by_id[made["id"]] = made
            if made["id"] in self.open_views:
                self.open_views[made["id"]] = made
            for uid, home in list(self._home_views.items()):
                if home["id"] == made["id"]:
                    self._home_views[uid] = made
            return {"view": made}

    def _views_publish(self, args: dict[str, Any], team_id: str, auth: str) -> dict[str, Any]:
        view = self._checked_view(args)
        if view.get("type") != "home":
            raise ApiError("invalid_arguments", ["[ERROR] views.publish needs a view of type home"])
        user_id = str(args["user_id"])
        with self._lock:
            if self.strict_users and self._user_in_team(team_id, user_id) is None:
                raise ApiError("not_found")
            current = self._home_views.get(user_id)
            if current and _present(args.get("hash")) and args["hash"] != current["hash"]:
                raise ApiError("hash_conflict")
            made = self._make_view(team_id, view, view_id=current["id"] if current else None)
            self._views_by_id[made["id"]] = made
            self._home_views[user_id] = made
            return {"view": made}

    # ------------------------------------------------------------------ users.*, conversations.*

    @staticmethod
    def _user_out(user: dict[str, Any], include_locale: bool) -> dict[str, Any]:
        out = copy.deepcopy(user)
        if not include_locale:
            out.pop("locale", None)
        return out

    def _users_info(self, args: dict[str, Any], team_id: str, auth: str) -> dict[str, Any]:
        with self._lock:
            user = self._user_in_team(team_id, str(args["user"]))
            if user is None:
                raise ApiError("user_not_found")
            return {"user": self._user_out(user, _truthy(args.get("include_locale")))}

    def _users_lookup_by_email(self, args: dict[str, Any], team_id: str, auth: str) -> dict[str, Any]:
        wanted = str(args["email"]).strip().lower()
        with self._lock:
            for user in self._team_users(team_id):
                if not user["deleted"] and user["profile"].get("email", "").lower() == wanted:
                    return {"user": self._user_out(user, False)}
        raise ApiError("users_not_found")

    def _users_list(self, args: dict[str, Any], team_id: str, auth: str) -> dict[str, Any]:
        limit = int(args.get("limit") or 0)
        page = limit if limit > 0 else 1000
        with self._lock:
            users = self._team_users(team_id)
        start = 0
        cursor = args.get("cursor")
        if _present(cursor):
            try:
                decoded = base64.b64decode(str(cursor), validate=True).decode()
                if not decoded.startswith("user:"):
                    raise ValueError(decoded)
                start = [u["id"] for u in users].index(decoded[5:])
            except ValueError as exc:
                raise ApiError("invalid_cursor") from exc
        chunk = users[start : start + page]
        rest = users[start + page : start + page + 1]
        next_cursor = base64.b64encode(f"user:{rest[0]['id']}".encode()).decode() if rest else ""
        include_locale = _truthy(args.get("include_locale"))
        return {
            "members": [self._user_out(u, include_locale) for u in chunk],
            "cache_ts": int(time.time()),
            "response_metadata": {"next_cursor": next_cursor},
        }

    def _channel_out(self, ch: dict[str, Any], args: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in ch.items() if k not in ("team_id", "bot_member") and v is not None}
        out.update(
            {
                "is_archived": False,
                "is_general": False,
                "is_member": bool(ch.get("bot_member", True)),
                "is_open": True,
                "is_shared": False,
                "is_ext_shared": False,
                "is_org_shared": False,
                "name_normalized": ch["name"],
                "shared_team_ids": [ch["team_id"]],
                "context_team_id": ch["team_id"],
                "last_read": "0000000000.000000",
                "topic": {"value": "", "creator": "", "last_set": 0},
                "purpose": {"value": "", "creator": "", "last_set": 0},
            }
        )
        if ch["is_im"]:
            for key in ("name", "name_normalized", "is_general", "topic", "purpose"):
                out.pop(key, None)
        if _truthy(args.get("include_locale")):
            out["locale"] = "en-US"
        if _truthy(args.get("include_num_members")):
            out["num_members"] = 2 if ch["is_im"] else 3
        return out

    def _conversations_open(self, args: dict[str, Any], team_id: str, auth: str) -> dict[str, Any]:
        with self._lock:
            if _present(args.get("channel")):
                channel = self._existing_channel(team_id, str(args["channel"]))
                return {"no_op": True, "already_open": True, "channel": {"id": channel}}
            users = [u.strip() for u in str(args["users"]).split(",") if u.strip()]
            if len(users) > 8:
                raise ApiError("too_many_users")
            for uid in users:
                user = self._user_in_team(team_id, uid)
                if user is None and self.strict_users:
                    raise ApiError("user_not_found")
                if user is not None and user["deleted"]:
                    raise ApiError("user_disabled")
            if len(users) == 1:
                dm = self._dm_id(users[0])
                already = dm in self._channels
                ch = self._ensure_channel(team_id, dm, user=users[0])
            else:
                digest = hashlib.sha1(",".join(sorted(users)).encode()).hexdigest()[:8].upper()
                mpim = f"G{digest}"
                already = mpim in self._channels
                ch = self._ensure_channel(team_id, mpim, name=f"mpdm-{'--'.join(users)}-1", is_private=True)
                ch["is_mpim"] = True
            full = _truthy(args.get("return_im"))
            channel_obj = self._channel_out(ch, {}) if full else {"id": ch["id"]}
            return {"no_op": already, "already_open": already, "channel": channel_obj}

    @staticmethod
    def _micros(value: Any, error: str) -> int:
        """A timestamp argument ("1712345678.000100", 1712345678, ...) in microseconds, exactly."""
        try:
            return int(decimal.Decimal(str(value)) * 1_000_000)
        except (decimal.InvalidOperation, ValueError) as exc:
            raise ApiError(error) from exc

    def _conversations_history(self, args: dict[str, Any], team_id: str, auth: str) -> dict[str, Any]:
        """A conversation's messages, newest first, between `oldest` and `latest` (exclusive unless
        `inclusive`), in pages of `limit` (100 by default, at most 999) with a `next_ts` cursor as
        Slack's. Thread replies are not part of it. Metadata comes as its event type alone unless
        `include_all_metadata` is set."""
        with self._lock:
            channel = self._existing_channel(team_id, str(args["channel"]))
            inclusive = _truthy(args.get("inclusive"))
            oldest = self._micros(args["oldest"], "invalid_ts_oldest") if _present(args.get("oldest")) else 0
            # Slack's default latest is now; none of the fake's messages is later than its clock.
            latest = (
                self._micros(args["latest"], "invalid_ts_latest") if _present(args.get("latest")) else None
            )
            limit = int(args.get("limit") or 0)
            page = min(limit, 999) if limit > 0 else 100
            found = []
            for record in self._messages.values():
                if record["channel"] != channel or record["team_id"] != team_id:
                    continue
                if record["thread_ts"] and record["thread_ts"] != record["ts"]:
                    continue
                at = self._micros(record["ts"], "invalid_ts")
                after_oldest = at >= oldest if inclusive else at > oldest
                before_latest = latest is None or (at <= latest if inclusive else at < latest)
                if after_oldest and before_latest:
                    found.append((at, record))
            found.sort(key=lambda item: item[0], reverse=True)
            if _present(args.get("cursor")):
                try:
                    decoded = base64.b64decode(str(args["cursor"]), validate=True).decode()
                    if not decoded.startswith("next_ts:") or not decoded[8:].isdigit():
                        raise ValueError(decoded)
                except ValueError as exc:
                    raise ApiError("invalid_cursor") from exc
                below = int(decoded[8:])
                found = [item for item in found if item[0] <= below]
            chunk, rest = found[:page], found[page : page + 1]
            shown = "all" if _truthy(args.get("include_all_metadata")) else "type"
            next_cursor = base64.b64encode(f"next_ts:{rest[0][0]}".encode()).decode() if rest else ""
            return {
                "messages": [copy.deepcopy(self._bot_message(team_id, r, metadata=shown)) for _, r in chunk],
                "has_more": bool(rest),
                "pin_count": 0,
                "channel_actions_ts": None,
                "channel_actions_count": 0,
                "response_metadata": {"next_cursor": next_cursor},
            }

    def _conversations_join(self, args: dict[str, Any], team_id: str, auth: str) -> dict[str, Any]:
        """The app joins a public channel; a private one, a DM or an unknown id cannot be joined."""
        if not _present(args.get("channel")):
            raise ApiError("channel_not_found")
        with self._lock:
            channel = self._existing_channel(team_id, str(args["channel"]))
            ch = self._channels[channel]
            if ch["is_private"] or ch["is_im"]:
                raise ApiError("method_not_supported_for_channel_type")
            already = ch.get("bot_member", True)
            ch["bot_member"] = True
            answer: dict[str, Any] = {"channel": self._channel_out(ch, {})}
            if already:
                answer["warning"] = "already_in_channel"
                answer["response_metadata"] = {"warnings": ["already_in_channel"]}
            return answer

    def _conversations_info(self, args: dict[str, Any], team_id: str, auth: str) -> dict[str, Any]:
        with self._lock:
            channel = self._existing_channel(team_id, str(args["channel"]))
            return {"channel": self._channel_out(self._channels[channel], args)}

    # ------------------------------------------------------------------ auth, team, oauth

    def _auth_test(self, args: dict[str, Any], team_id: str, auth: str) -> dict[str, Any]:
        team = self._teams[team_id]
        bot = self._bots[team_id]
        return {
            "url": f"https://{team['domain']}.slack.com/",
            "team": team["name"],
            "user": self.bot_name,
            "team_id": team_id,
            "user_id": bot["user_id"],
            "bot_id": bot["bot_id"],
            "is_enterprise_install": False,
        }

    def _team_info(self, args: dict[str, Any], team_id: str, auth: str) -> dict[str, Any]:
        wanted = args.get("team")
        team = self._teams.get(str(wanted)) if _present(wanted) else None
        team = team or self._teams[team_id]
        return {
            "team": {
                "id": team["id"],
                "name": team["name"],
                "url": f"https://{team['domain']}.slack.com/",
                "domain": team["domain"],
                "email_domain": "",
                "icon": {"image_default": True},
                "avatar_base_url": "https://ca.slack-edge.com/",
                "is_verified": False,
            }
        }

    def _oauth_v2_access(self, args: dict[str, Any], team_id: str, auth: str) -> dict[str, Any]:
        client_id, client_secret = args.get("client_id"), args.get("client_secret")
        if auth.lower().startswith("basic "):
            try:
                client_id, _, client_secret = base64.b64decode(auth[6:].strip()).decode().partition(":")
            except ValueError as exc:
                raise ApiError("invalid_client_id") from exc
        if not client_id or (self.client_id is not None and client_id != self.client_id):
            raise ApiError("invalid_client_id")
        if not client_secret or (self.client_secret is not None and client_secret != self.client_secret):
            raise ApiError("bad_client_secret")
        with self._lock:
            grant = self._oauth_codes.get(str(args["code"]))
            if grant is None:
                raise ApiError("invalid_code")
            tid = grant["team_id"]
            self._tokens[grant["bot_token"]] = tid
            team = self._teams[tid]
            return {
                "app_id": self.app_id,
                "authed_user": {"id": grant["installer"]},
                "scope": _OAUTH_SCOPES,
                "token_type": "bot",
                "access_token": grant["bot_token"],
                "bot_user_id": self._bots[tid]["user_id"],
                "team": {"id": tid, "name": team["name"]},
                "enterprise": None,
                "is_enterprise_install": False,
            }

    # ------------------------------------------------------------------ files (upload v2)

    def _files_get_upload_url(self, args: dict[str, Any], team_id: str, auth: str) -> dict[str, Any]:
        length = int(args["length"])
        if length <= 0:
            raise ApiError("invalid_arguments", ["[ERROR] length must be greater than 0"])
        n = self._next()
        file_id = f"F{n:08X}"
        with self._lock:
            self._pending_files[file_id] = {
                "filename": str(args["filename"]),
                "length": length,
                "alt_txt": args.get("alt_txt"),
                "team_id": team_id,
            }
        return {"upload_url": f"{self.base}/upload/v1/{file_id}", "file_id": file_id}

    def _upload(self, file_id: str, headers: dict[str, str], body: bytes) -> _Reply:
        call = Call(method="upload", args={"file_id": file_id, "size": len(body)}, token=None, team_id=None,
                    at=time.time(), key=file_id)  # fmt: skip
        fault = self._take_fault("upload")
        if fault is not None:
            reply = self._fault_reply(fault, call)
            if reply is not None:
                return reply
        ctype = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        if ctype.lower().startswith("multipart/form-data"):
            parts = [v for v in _parse_multipart(ctype, body).values() if isinstance(v, bytes)]
            body = parts[0] if parts else b""
        with self._lock:
            pending = self._pending_files.get(file_id)
            if pending is None:
                call.error, call.status = "file_not_found", 404
                self._record(self.rejected, call)
                return _Reply(404, b"file_not_found", content_type="text/plain")
            call.team_id = pending["team_id"]
            self.uploaded_files[file_id] = body
        self._record(self.calls, call)
        return _Reply(200, f"OK - {len(body)}".encode(), content_type="text/plain; charset=utf-8")

    def _files_complete_upload(self, args: dict[str, Any], team_id: str, auth: str) -> dict[str, Any]:
        files = args["files"]
        if (
            not isinstance(files, list)
            or not files
            or not all(isinstance(f, dict) and f.get("id") for f in files)
        ):
            raise ApiError("invalid_arguments", ["[ERROR] files must be a non-empty array of {id, title}"])
        with self._lock:
            for f in files:
                pending = self._pending_files.get(str(f["id"]))
                if pending is None or pending["team_id"] != team_id or f["id"] not in self.uploaded_files:
                    raise ApiError("file_not_found")
            targets: list[str] = []
            if _present(args.get("channel_id")):
                channel_id = str(args["channel_id"])
                # Unlike chat.postMessage, Slack takes conversation ids only here: a user id (or a
                # #name) is refused before anything is shared. (Slack checks the whole id against
                # ^[CGDZ][A-Z0-9]{8,}$; the first letter is checked, tests use short ids.)
                if channel_id[:1] not in ("C", "G", "D", "Z"):
                    raise ApiError(
                        "invalid_arguments",
                        [
                            "[ERROR] input must match regex pattern: ^[CGDZ][A-Z0-9]{8,}$ "
                            "[json-pointer:/channel_id]"
                        ],
                    )
                targets.append(self._resolve_post_channel(team_id, channel_id))
            if _present(args.get("channels")):
                for ch in str(args["channels"]).split(","):
                    targets.append(self._resolve_post_channel(team_id, ch.strip()))
            bot = self._bots[team_id]
            out = []
            for f in files:
                fid = str(f["id"])
                pending = self._pending_files[fid]
                name = pending["filename"]
                ext = name.rsplit(".", 1)[-1].lower() if "." in name else "binary"
                url = f"{self.base}/files-pri/{team_id}-{fid}/{quote(name)}"
                obj: dict[str, Any] = {
                    "id": fid,
                    "created": 1700000000,
                    "timestamp": 1700000000,
                    "name": name,
                    "title": f.get("title") or name,
                    "mimetype": mimetypes.guess_type(name)[0] or "application/octet-stream",
                    "filetype": ext,
                    "pretty_type": _PRETTY_TYPES.get(ext, ext.upper()),
                    "user": bot["user_id"],
                    "user_team": team_id,
                    "editable": False,
                    "size": len(self.uploaded_files[fid]),
                    "mode": "hosted",
                    "is_external": False,
                    "external_type": "",
                    "is_public": any(t.startswith("C") for t in targets),
                    "public_url_shared": False,
                    "display_as_bot": False,
                    "username": "",
                    "url_private": url,
                    "url_private_download": url + "?download=1",
                    "permalink": f"https://{self._teams[team_id]['domain']}.slack.com/files/{bot['user_id']}/{fid}",
                    "permalink_public": f"https://slack-files.com/{team_id}-{fid}",
                    "comments_count": 0,
                    "is_starred": False,
                    "shares": {},
                    "channels": [t for t in targets if t.startswith("C")],
                    "groups": [t for t in targets if t.startswith("G")],
                    "ims": [t for t in targets if t.startswith("D")],
                    "has_rich_preview": False,
                    "file_access": "visible",
                }
                if pending.get("alt_txt"):
                    obj["alt_txt"] = pending["alt_txt"]
                self._file_objects[fid] = obj
                out.append(obj)
            for target in targets:
                record = self._store_message(
                    team_id,
                    target,
                    {"text": args.get("initial_comment") or "", "thread_ts": args.get("thread_ts")},
                    files=[str(f["id"]) for f in files],
                )
                share = {
                    "ts": record["ts"],
                    "channel_name": self._channels[target]["name"],
                    "team_id": team_id,
                    "share_user_id": bot["user_id"],
                    "source": "UNKNOWN",
                }
                if record["thread_ts"]:
                    share["thread_ts"] = record["thread_ts"]
                bucket = "public" if target.startswith("C") else "private"
                for obj in out:
                    obj["shares"].setdefault(bucket, {}).setdefault(target, []).append(share)
            return {"files": copy.deepcopy(out)}

    def _download(self, path: str, headers: dict[str, str]) -> _Reply:
        """url_private downloads need the bot token, as on Slack."""
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        segment = path.split("/")[2] if path.count("/") >= 3 else ""
        team_id, _, fid = segment.partition("-")
        with self._lock:
            if self._tokens.get(token) != team_id or fid not in self.uploaded_files:
                return _Reply(404, b"not found", content_type="text/plain")
            data = self.uploaded_files[fid]
            mimetype = self._file_objects.get(fid, {}).get("mimetype", "application/octet-stream")
        return _Reply(200, data, content_type=mimetype)

    # ------------------------------------------------------------------ response_url

    def _response_url_post(self, key: str, headers: dict[str, str], body: bytes) -> _Reply:
        call = Call(method="response_url", args={}, token=None, team_id=self.team_id, at=time.time(), key=key)
        try:
            payload = self._parse_args("", headers, body)
            if isinstance(payload.get("payload"), str):  # form-encoded payload=<json>, like webhooks accept
                payload = json.loads(payload["payload"])
        except (ApiError, ValueError):
            call.error, call.status = "invalid_payload", 400
            self._record(self.rejected, call)
            return _Reply(400, b"invalid_payload", content_type="text/plain")
        call.args = payload
        fault = self._take_fault("response_url")
        if fault is not None:
            reply = self._fault_reply(fault, call)
            if reply is not None:
                return reply
        with self._lock:
            target = self._response_urls.get(key)
            if target is None:
                call.error, call.status = "expired_url", 404
                self._record(self.rejected, call)
                return _Reply(404, b"expired_url", content_type="text/plain")
        try:
            if not _truthy(payload.get("delete_original")):
                if not any(_present(payload.get(k)) for k in ("text", "blocks", "attachments")):
                    raise ApiError("no_text")
                self._check_content(payload)
        except ApiError as exc:
            call.error, call.status = exc.error, 400
            self._record(self.rejected, call)
            return _json_reply(exc.body, 400)
        with self._lock:
            channel, ts = target["channel"], target["ts"]
            original = self._messages.get((channel, ts)) if channel and ts else None
            if _truthy(payload.get("delete_original")):
                if original is not None:
                    del self._messages[(channel, ts)]
            elif _truthy(payload.get("replace_original")):
                if original is not None:
                    for k in ("text", "blocks", "attachments"):
                        original[k] = payload.get(k) or ([] if k != "text" else "")
            elif payload.get("response_type") == "in_channel" and channel:
                team = self._channels[channel]["team_id"] if channel in self._channels else self.team_id
                try:
                    posted_to = self._resolve_post_channel(team, channel)
                except ApiError:
                    posted_to = None
                if posted_to:
                    self._store_message(team, posted_to, payload)
            elif channel:
                self._ephemeral.append(
                    {
                        "channel": channel,
                        "user": target["user"],
                        "ts": self._next_ts(),
                        "text": payload.get("text") or "",
                        "blocks": payload.get("blocks") or [],
                        "thread_ts": payload.get("thread_ts"),
                    }
                )
        self._record(self.calls, call)
        return _json_reply({"ok": True})
