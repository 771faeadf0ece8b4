"""The WSGI entry point: health, signatures, and `bot.web:app` built from the environment."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlencode

import pytest

from fakeslack.payloads import WSGITransport, sign
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, TEAM
from tests.factories import add_client


def test_healthz_reports_the_database(rapport):
    response = rapport.http.get("/healthz")
    assert response.status == 200 and response.json() == {"ok": True, "database": "ok"}


def test_unsigned_or_badly_signed_requests_are_refused(rapport, db):
    body = b"command=%2Ffeeling&text=acme+4&team_id=T0001&user_id=U01LEAD001"
    stamp = str(int(time.time()))
    bad = rapport.http.post(
        "/slack/events",
        body,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": sign("wrong-secret", stamp, body),
        },
    )
    assert bad.status == 401
    old = str(int(time.time()) - 600)
    replay = rapport.http.post(
        "/slack/events",
        body,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": old,
            "X-Slack-Signature": sign(SIGNING_SECRET, old, body),
        },
    )
    assert replay.status == 401


def test_unknown_paths_are_404(rapport):
    assert rapport.http.get("/nope").status == 404


def test_module_level_app_builds_itself_from_the_environment(fake, db, monkeypatch):
    from bot import web

    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", fake.url)
    monkeypatch.setenv("DATABASE_URL", db.url)
    web.app.reset()
    try:
        response = WSGITransport(web.app).get("/healthz")
    finally:
        web.app.reset()
    assert response.status == 200
    for _ in range(100):  # who the bot is, is asked in the background, against SLACK_API_URL
        if fake.calls_to("auth.test"):
            break
        time.sleep(0.02)
    assert fake.calls_to("auth.test")


@pytest.fixture
def from_environment(fake, db, monkeypatch):
    """`bot.web:app` as gunicorn loads it, configured from the environment, token check on."""
    from bot import web

    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", fake.url)
    monkeypatch.setenv("DATABASE_URL", db.url)
    web.app.reset()
    yield web.app
    web.app.reset()


def signed_command(text: str) -> tuple[bytes, dict[str, str]]:
    body = urlencode(
        {"team_id": TEAM, "user_id": "U01LEAD001", "command": "/feeling", "text": text, "trigger_id": "1.2"}
    ).encode()
    stamp = str(int(time.time()))
    return body, {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": sign(SIGNING_SECRET, stamp, body),
    }


def test_the_first_request_does_not_wait_for_a_slow_slack(from_environment, fake, db):
    add_client(db, "Acme")
    fake.inject("auth.test", delay=5.0, times=None)  # Slack takes 5 s to say who the bot is
    started = time.monotonic()
    answer = WSGITransport(from_environment).post("/slack/events", *signed_command("acme 4"))
    assert answer.status == 200 and "Acme" in answer.json()["text"]
    assert time.monotonic() - started < 2.0


def test_an_unreachable_slack_at_start_up_stops_nothing(from_environment, db, monkeypatch):
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        monkeypatch.setenv("SLACK_API_URL", f"http://127.0.0.1:{closed.getsockname()[1]}/api/")
    add_client(db, "Acme")
    transport = WSGITransport(from_environment)
    started = time.monotonic()
    assert transport.get("/healthz").status == 200
    answer = transport.post("/slack/events", *signed_command("acme 4"))
    assert answer.status == 200 and "Acme" in answer.json()["text"]
    assert time.monotonic() - started < 2.0


def test_who_the_bot_is_is_learned_in_the_background_and_retried(fake):
    from slack_sdk import WebClient

    from bot.identity import BotIdentity

    fake.inject("auth.test", status=500, times=1)
    identity = BotIdentity(WebClient(token=BOT_TOKEN, base_url=fake.url), BOT_TOKEN)
    assert identity.learn_once() is False and identity.known is None
    assert identity.authorizer()(enterprise_id=None, team_id=TEAM).bot_token == BOT_TOKEN
    assert identity.learn_once() is True
    result = identity.authorizer()(enterprise_id=None, team_id=TEAM)
    assert result.bot_user_id and result.bot_user_id == identity.known["user_id"]
