"""`/rapport digest`: anyone's private preview; owners and admins choose the channel (Rapport joins a
public one, asks to be invited to a private one), post it now (once a week), stop it, and show
coverage per person. Through the real WSGI app; the clock starts Tuesday 24 Nov 2026, 10:00 in
Amsterdam."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from storage.models import DigestSchedule, OutboxMessage
from tests.factories import USER, add_client

ADMIN = "U01ADMN001"
CHANNEL = "C0HEALTH01"


def said(rapport) -> str:
    return str(rapport.fake.calls_to("response_url")[-1].args.get("text"))


def digest(rapport, text: str = "", user: str = ADMIN):
    return rapport.slack.command("/rapport", f"digest {text}".strip(), user=user)


def admin(rapport) -> None:
    rapport.fake.add_user(ADMIN, name="ada", real_name="Ada Admin", tz="Europe/Amsterdam", is_admin=True)


def schedule_row(db) -> DigestSchedule | None:
    with db.session() as session:
        return session.scalars(select(DigestSchedule)).first()


def test_anyone_gets_a_private_preview_saying_where_it_would_go(rapport, db):
    add_client(db, "Acme", lead=USER)
    answer = digest(rapport, user=USER)
    assert answer.status == 200
    preview = rapport.fake.calls_to("response_url")[-1].args
    assert preview["response_type"] == "ephemeral"
    shown = str(preview["blocks"])
    assert "Weekly client digest" in shown and "Only you can see this preview" in shown
    assert "No channel gets it yet" in shown
    assert rapport.fake.calls_to("chat.postMessage") == []


def test_only_owners_and_admins_choose_the_channel(rapport, db):
    add_client(db, "Acme", lead=USER)
    rapport.fake.add_channel(CHANNEL, name="client-health", member=False)
    digest(rapport, f"<#{CHANNEL}|client-health>", user=USER)
    assert "Only workspace owners and admins can choose where the digest goes" in said(rapport)
    assert schedule_row(db) is None and rapport.fake.calls_to("conversations.join") == []


def test_an_admin_sets_a_public_channel_rapport_joins_it_monday_nine_in_their_zone(rapport, db):
    admin(rapport)
    rapport.fake.add_channel(CHANNEL, name="client-health", member=False)
    digest(rapport, f"<#{CHANNEL}|client-health>")
    assert [c.args["channel"] for c in rapport.fake.calls_to("conversations.join")] == [CHANNEL]
    text = said(rapport)
    assert f"<#{CHANNEL}> every Monday at 09:00 (Europe/Amsterdam), first on Mon 30 Nov 09:00" in text
    assert "I joined" in text
    row = schedule_row(db)
    assert row is not None and (row.channel_id, row.weekday, row.at_time, row.tz) == (
        CHANNEL,
        0,
        "09:00",
        "Europe/Amsterdam",
    )
    assert row.next_at == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def test_a_weekday_and_time_can_be_given_in_english_or_dutch(rapport, db):
    admin(rapport)
    rapport.fake.add_channel(CHANNEL, name="client-health")
    digest(rapport, f"<#{CHANNEL}|client-health> vrijdag 4pm")
    row = schedule_row(db)
    assert row is not None and (row.weekday, row.at_time) == (4, "16:00")
    assert row.next_at == datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
    assert rapport.fake.calls_to("conversations.join") == []  # already a member


def test_a_private_channel_needs_an_invitation(rapport, db):
    admin(rapport)
    rapport.fake.add_channel("G0SECRET01", name="partners", is_private=True, member=False)
    digest(rapport, "<#G0SECRET01|partners>")
    assert "Invite me there with `/invite @Rapport`" in said(rapport)
    assert schedule_row(db) is None
    rapport.fake.invite("G0SECRET01")
    digest(rapport, "<#G0SECRET01|partners>")
    assert schedule_row(db) is not None


def test_words_it_does_not_understand_get_an_answer_with_examples(rapport, db):
    answer = digest(rapport, "<#C0HEALTH01|client-health> 25:00").json()
    assert "“25:00” isn't a time" in answer["text"]
    answer = digest(rapport, "#client-health").json()
    assert "Pick it with `#`" in answer["text"]
    answer = digest(rapport, "sometimes").json()
    assert "I didn't understand “sometimes”" in answer["text"] and "/rapport digest post" in answer["text"]


def test_post_now_posts_once_a_week_with_its_thread_and_chart(rapport, db):
    admin(rapport)
    add_client(db, "Acme", lead=USER)
    rapport.fake.add_channel(CHANNEL, name="client-health")
    digest(rapport, f"<#{CHANNEL}|client-health>")
    digest(rapport, "post")
    assert f"Posting this week's digest to <#{CHANNEL}> now" in said(rapport)
    rapport.tick()
    rapport.tick()  # the thread and the chart follow the post
    posts = rapport.fake.messages(CHANNEL)
    [main] = [m for m in posts if not m.get("thread_ts") or m.get("thread_ts") == m["ts"]]
    assert "Weekly client digest" in str(main["blocks"])
    assert any(m.get("thread_ts") == main["ts"] and "Details for week" in str(m["blocks"]) for m in posts)
    [complete] = rapport.fake.calls_to("files.completeUploadExternal")
    assert complete.args["channel_id"] == CHANNEL and complete.args["thread_ts"] == main["ts"]
    assert any(content.startswith(b"\x89PNG") for content in rapport.fake.uploaded_files.values())
    digest(rapport, "post")
    assert "went to" in said(rapport) and "already" in said(rapport)
    rapport.tick()
    assert len([c for c in rapport.fake.calls_to("chat.postMessage") if "thread_ts" not in c.args]) == 1


def test_stop_and_coverage_per_person(rapport, db):
    admin(rapport)
    rapport.fake.add_channel(CHANNEL, name="client-health")
    digest(rapport, "off")
    assert "No weekly digest is set up" in said(rapport)
    digest(rapport, f"<#{CHANNEL}|client-health>")
    digest(rapport, "off")
    assert "is stopped" in said(rapport)
    assert schedule_row(db).active is False  # type: ignore[union-attr]
    digest(rapport, "people on")
    assert "Coverage per person now shows in the channel digest" in said(rapport)
    with db.session() as session:
        assert session.scalars(select(OutboxMessage)).all() == []


def test_the_export_button_sends_the_last_12_weeks_in_excel_to_whoever_clicked(rapport, db):
    admin(rapport)
    add_client(db, "Acme", lead=USER)
    rapport.fake.add_channel(CHANNEL, name="client-health")
    digest(rapport, f"<#{CHANNEL}|client-health>")
    digest(rapport, "post")
    rapport.tick()
    [main] = [m for m in rapport.fake.messages(CHANNEL) if "Weekly client digest" in str(m.get("blocks"))]
    button = next(e for b in main["blocks"] if b["type"] == "actions" for e in b["elements"])
    rapport.slack.click(
        user=USER,
        action_id=button["action_id"],
        value=button["value"],
        block_id="digest_actions",
        message=main,
    )
    said_now = rapport.fake.calls_to("response_url")[-1].args
    assert said_now["response_type"] == "ephemeral" and "Preparing your export" in said_now["text"]
    rapport.tick()
    completed = rapport.fake.calls_to("files.completeUploadExternal")
    uploads = [c for c in completed if c.args["channel_id"] != CHANNEL]
    assert len(uploads) == 1  # the workbook, to the person's DM
    assert any(content.startswith(b"PK") for content in rapport.fake.uploaded_files.values())  # an .xlsx
