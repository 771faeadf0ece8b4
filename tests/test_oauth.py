"""Many workspaces: install through OAuth, then each workspace is served with its own bot token and
sees only its own data."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from bot.deps import InlineExecutor
from bot.web import create_wsgi_app
from fakeslack.payloads import SlackSender, WSGITransport
from tests.conftest import SIGNING_SECRET, make_settings
from tests.factories import add_client


def start_install(http: WSGITransport) -> tuple[str, str]:
    """The state Slack will hand back, and the browser cookie that binds it."""
    install = http.get("/slack/install")
    assert install.status in (200, 302)
    location = install.headers.get("location") or install.text
    url = location[location.index("https://slack.com/oauth") :].split('"')[0]
    return parse_qs(urlsplit(url).query)["state"][0], install.headers.get("set-cookie", "").split(";")[0]


def test_install_stores_the_workspace_and_its_token_serves_it(fake, db, clock):
    fake.add_oauth_code("code-for-t2", team_id="T0002", bot_token="xoxb-t2-installed")
    fake.add_user("U02OWNER01", team_id="T0002", name="owen", tz="Europe/London")
    settings = make_settings(
        fake, db, bot_token=None, client_id="1111.2222", client_secret="oauth-secret-xyz"
    )
    wsgi = create_wsgi_app(settings, db=db, clock=clock, listener_executor=InlineExecutor())
    http = WSGITransport(wsgi)

    state, cookie = start_install(http)

    done = http.request(
        "GET", f"/slack/oauth_redirect?code=code-for-t2&state={state}", headers={"Cookie": cookie}
    )
    assert done.status == 200, done.text
    assert wsgi.deps.client_for("T0002").token == "xoxb-t2-installed"

    add_client(db, "Acme", team="T0002", lead="U02OWNER01")
    add_client(db, "Other Team Client", team="T0001")
    sender = SlackSender(
        signing_secret=SIGNING_SECRET,
        transport=http,
        team_id="T0002",
        response_url_for=fake.response_url,
        trigger_id_for=fake.issue_trigger_id,
    )
    sender.event({"type": "app_home_opened", "user": "U02OWNER01", "channel": "D02", "tab": "home"})
    [publish] = fake.calls_to("views.publish")
    assert publish.token == "xoxb-t2-installed"
    text = str(publish.args["view"])
    assert "Acme" in text and "Other Team Client" not in text


def test_uninstall_forgets_the_token(fake, db, clock):
    settings = make_settings(
        fake, db, bot_token=None, client_id="1111.2222", client_secret="oauth-secret-xyz"
    )
    wsgi = create_wsgi_app(settings, db=db, clock=clock, listener_executor=InlineExecutor())
    http = WSGITransport(wsgi)
    state, cookie = start_install(http)
    assert (
        http.request(
            "GET", f"/slack/oauth_redirect?code=good-code&state={state}", headers={"Cookie": cookie}
        ).status
        == 200
    )
    deps = wsgi.deps
    assert deps.client_for("T0001")
    sender = SlackSender(signing_secret=SIGNING_SECRET, transport=http, team_id="T0001")
    assert sender.event({"type": "app_uninstalled"}).status == 200
    with pytest.raises(LookupError):
        deps.client_for("T0001")
