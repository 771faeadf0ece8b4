"""Events: each handled once whatever Slack's retries; profile changes and uninstalls."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import (
    ProcessedEvent,
    Staff,
    Workspace,
)
from tests.factories import USER


def test_a_retried_event_is_processed_once(rapport, db):
    event = {"type": "app_home_opened", "user": USER, "channel": "D0LEAD", "tab": "home"}
    assert rapport.slack.event(event, event_id="Ev0000RETRY").status == 200
    assert rapport.slack.event(event, event_id="Ev0000RETRY", retry=1).status == 200
    assert rapport.slack.event(event, event_id="Ev0000RETRY", retry=2).status == 200
    assert len(rapport.fake.calls_to("views.publish")) == 1
    with db.session() as session:
        assert session.scalars(select(ProcessedEvent.event_id)).all() == ["Ev0000RETRY"]


def test_a_retry_reaching_another_process_is_still_processed_once(rapport, fake, db, clock):
    from bot.deps import InlineExecutor
    from bot.web import create_wsgi_app
    from fakeslack.payloads import SlackSender, WSGITransport
    from tests.conftest import SIGNING_SECRET, make_settings

    second = create_wsgi_app(
        make_settings(fake, db), db=type(db)(db.url), clock=clock, listener_executor=InlineExecutor()
    )
    other = SlackSender(signing_secret=SIGNING_SECRET, transport=WSGITransport(second), team_id="T0001")
    event = {"type": "app_home_opened", "user": USER, "channel": "D0LEAD", "tab": "home"}
    rapport.slack.event(event, event_id="Ev0000TWICE")
    other.event(event, event_id="Ev0000TWICE", retry=1)
    assert len(fake.calls_to("views.publish")) == 1


def test_user_change_updates_time_zone(rapport, db):
    rapport.slack.command("/feeling", "", user=USER)
    rapport.slack.event(
        {
            "type": "user_change",
            "user": {
                "id": USER,
                "team_id": "T0001",
                "name": "lena",
                "real_name": "Lena Lead",
                "tz": "Asia/Tokyo",
                "tz_offset": 32400,
                "profile": {"email": "lena@agency.example", "display_name": "Lena"},
            },
        }
    )
    with db.session() as session:
        staff = session.scalars(select(Staff).where(Staff.slack_user_id == USER)).one()
        assert (staff.tz, staff.email) == ("Asia/Tokyo", "lena@agency.example")


def test_app_uninstalled_is_recorded(rapport, db):
    rapport.slack.event({"type": "app_uninstalled"})
    with db.session() as session:
        assert session.get(Workspace, "T0001").uninstalled_at == rapport.clock.now
