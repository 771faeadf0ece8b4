"""The WSGI entry point: health, signatures, and `bot.web:app` built from the environment."""

from __future__ import annotations

import time

from fakeslack.payloads import WSGITransport, sign
from tests.conftest import BOT_TOKEN, SIGNING_SECRET


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
    assert fake.calls_to("auth.test")  # the token is checked at start-up, against SLACK_API_URL
