"""The gate in front of Slack's endpoint: nothing unsigned acts, nothing malformed reaches Bolt.

An "attacker" HTTP server on 127.0.0.1 stands where a forged response_url points, so a test can
prove Rapport never called it.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from bot.listeners.common import is_slacks
from fakeslack.payloads import sign
from storage.models import CheckIn
from tests.conftest import SIGNING_SECRET, TEAM
from tests.factories import USER, add_client


class Listener:
    """A plain HTTP server that counts what reaches it."""

    def __init__(self) -> None:
        calls: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                calls.append(self.path)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.calls = calls
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def attacker() -> Iterator[Listener]:
    listener = Listener()
    yield listener
    listener.stop()


def command_body(response_url: str, text: str = "acme 4") -> bytes:
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": TEAM,
            "user_id": USER,
            "command": "/feeling",
            "text": text,
            "response_url": response_url,
            "trigger_id": "1.2.3",
            "channel_id": "C0GENERAL",
        }
    ).encode()


FORM = "application/x-www-form-urlencoded"


def post(rapport: Any, body: bytes, *, stamp: str | None = None, signature: str | None = None,
         content_type: str = FORM) -> Any:  # fmt: skip
    stamp = str(int(time.time())) if stamp is None else stamp
    signature = sign(SIGNING_SECRET, stamp, body) if signature is None else signature
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }
    return rapport.http.post("/slack/events", body, headers)


def checkins(db: Any) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(CheckIn)) or 0


@pytest.mark.parametrize(
    ("stamp", "signature"),
    [
        ("abc", None),  # once raised inside the check, and the error handler answered the body's URL
        ("", None),
        ("1e9", None),
        ("٣٣٣٣٣٣٣٣٣٣", None),  # digits to Python's isdigit(), not to int()... and not to Slack
        ("9" * 40, None),
        (None, "v0=\xe9"),  # not ASCII: compare_digest on text would raise
        (None, ""),
        (None, "v0=" + "0" * 64),
    ],
)
def test_an_unverifiable_request_gets_401_and_nothing_in_it_is_used(rapport, db, attacker, stamp, signature):
    add_client(db, "Acme")
    body = command_body(attacker.url)
    assert post(rapport, body, stamp=stamp, signature=signature).status == 401
    assert attacker.calls == [] and checkins(db) == 0
    assert rapport.fake.calls == []


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"\xff\xfe not utf-8", FORM, 400),
        (b'{"type": "event_callback", "event": {', "application/json", 400),
        (b'[{"type": "event_callback"}]', "application/json", 400),
        (b"command=%2Ffeeling&text=acme+4", "application/json", 400),  # a form sent as JSON
        (b"payload=%7Bnot-json", FORM, 400),
        (b"payload=%5B1%2C2%5D", FORM, 400),  # a JSON list as the payload
        (b"[" * 50_000 + b"]" * 50_000, "application/json", 400),  # nested past any parser's depth
        (b"<html>hello</html>", "text/html", 415),
    ],
)
def test_a_body_slack_would_never_send_gets_a_4xx_signed_or_not(rapport, body, content_type, status):
    assert post(rapport, body, content_type=content_type).status == status
    assert post(rapport, body, content_type=content_type, signature="v0=bad").status == 401


def test_a_huge_body_is_refused_unread_and_logged_in_one_short_line(rapport, caplog):
    body = b"payload=" + b"x" * (5 * 1024 * 1024)
    with caplog.at_level(logging.INFO):
        response = post(rapport, body, signature="v0=forged")
    assert response.status == 413
    lines = [r.getMessage() for r in caplog.records]
    assert any("refused POST /slack/events: body too large" in line for line in lines)
    assert max(len(line) for line in lines) < 200  # no body, no response_url, no token


def test_a_refused_request_is_logged_without_its_body(rapport, caplog, attacker):
    with caplog.at_level(logging.DEBUG):
        post(rapport, command_body(attacker.url), signature="v0=forged")
    assert "refused POST /slack/events: bad signature" in caplog.text
    assert attacker.url not in caplog.text and "legacy-verification-token" not in caplog.text


def test_a_slash_command_that_says_payload_is_not_lost(rapport, db):
    add_client(db, "Acme")
    response = rapport.slack.command("/feeling", "acme 4 the payload arrived on time", user=USER)
    assert response.status == 200 and "Acme" in response.json()["text"]
    assert checkins(db) == 1


def test_the_error_apology_goes_only_to_slacks_own_response_url(rapport, db, attacker, monkeypatch):
    from bot.services import checkins as checkins_service

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the database fell over")

    monkeypatch.setattr(checkins_service, "interpret", broken)
    assert post(rapport, command_body(attacker.url)).status in (200, 500)
    assert attacker.calls == []  # signed, but its response_url is not Slack's: never followed
    rapport.slack.command("/feeling", "acme 4", user=USER)  # Slack's own response_url
    apology = [c for c in rapport.fake.calls if c.method == "response_url"]
    assert apology and "went wrong" in json.dumps(apology[-1].args).lower()


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://hooks.slack.com/commands/T1/2/abc", True),
        ("https://hooks.slack-gov.com/actions/T1/2/abc", True),
        ("http://hooks.slack.com/commands/T1/2/abc", False),  # not TLS
        ("https://hooks.slack.com.evil.example/x", False),
        ("https://slack.com@evil.example/x", False),  # user-info trick: the host is evil.example
        ("https://evilslack.com/x", False),
        ("https://[::1/x", False),  # unparsable
        ("http://127.0.0.1:4567/response/abc", True),  # the configured Slack stand-in
        ("http://127.0.0.1:4568/response/abc", False),  # same host, another port
    ],
)
def test_a_response_url_is_followed_only_to_slack(url, allowed):
    assert is_slacks(url, "http://127.0.0.1:4567/api/") is allowed
