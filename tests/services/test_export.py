"""The export's data, written and read back with openpyxl: every sheet, its headers, its cells' types,
its table, the Summary's averages and trend, the Weekly sheet and its chart; one workspace's rows only."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import select

from bot import exports
from bot.domain.periods import Period, read_export
from bot.domain.problem import Problem
from bot.services import export
from bot.services.staff import StaffRef
from storage.db import Database
from storage.models import CheckIn, Client, Contact, FollowUp, Staff, Touchpoint, Wait
from tests.factories import add_client

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Amsterdam
AMS = "Europe/Amsterdam"
TWELVE_WEEKS = Period("weeks", date(2026, 9, 7), None, 12)


def staff(db: Database, user: str, name: str | None = None, tz: str | None = AMS, team: str = "T0001") -> int:
    with db.session() as session:
        row = session.scalars(select(Staff).where(Staff.team_id == team, Staff.slack_user_id == user)).first()
        if row is None:
            row = Staff(team_id=team, slack_user_id=user)
            session.add(row)
        row.name, row.tz = name, tz
        session.flush()
        return row.id


def checkin(
    db: Database, client_id: int, score: int, at: datetime, note: str | None = None, **more: Any
) -> None:
    with db.session() as session:
        client = session.get(Client, client_id)
        assert client is not None
        team = client.team_id
        session.add(CheckIn(team_id=team, client_id=client_id, score=score, note=note, created_at=at, **more))


def write(db: Database, selection: export.Selection, now: datetime = NOW) -> tuple[Any, exports.Made]:
    out = io.BytesIO()
    with db.session() as session:
        made = exports.write(session, selection, now, out)
    return load_workbook(io.BytesIO(out.getvalue())), made


def rows(sheet: Any) -> list[dict[str, Any]]:
    header, *body = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in body]


def everything(team: str = "T0001", period: Period = TWELVE_WEEKS, **chosen: Any) -> export.Selection:
    return export.Selection(team, period, AMS, **chosen)


@pytest.fixture
def agency(db: Database) -> dict[str, int]:
    """Two clients in two segments and one without, each with a history; another workspace beside them."""
    lena = staff(db, "U01LEAD001", "Lena Lead")
    acme = add_client(db, "Acme Corp", lead="U01LEAD001", partner="U01PART001", segment="Retail")
    globex = add_client(db, "Globex", lead="U01LEAD001", segment="enterprise")
    initech = add_client(db, "Initech", segment=None)
    staff(db, "U01PART001", "Piet Partner")
    with db.session() as session:
        client = session.get(Client, acme)
        assert client is not None
        client.renewal_date = date(2027, 3, 31)
    # Acme: better lately (a 2 and a 3 nine to eleven weeks ago; 5, 5 and 4 in the last four).
    for weeks_ago, score in ((11, 2), (9, 3), (3, 5), (1, 5), (0, 4)):
        checkin(
            db, acme, score, NOW - timedelta(weeks=weeks_ago, hours=1), f"week -{weeks_ago}", staff_id=lena
        )
    checkin(db, acme, 1, NOW - timedelta(weeks=30), "long ago", staff_id=lena)
    checkin(db, globex, 3, NOW - timedelta(days=2), "steady", tags=["renewal", "scope"], expectation="met")
    checkin(db, initech, 4, NOW - timedelta(days=1))
    theirs = add_client(db, "Theirs", team="T0002")
    checkin(db, theirs, 1, NOW - timedelta(days=1), "another workspace's note")
    day, week = timedelta(days=1), timedelta(weeks=1)
    with db.session() as session:
        session.add_all(
            [
                Touchpoint(team_id="T0001", client_id=acme, title="Quarterly review", happened_at=NOW-3*day),
                Touchpoint(team_id="T0001", client_id=acme, title="Still to come", happened_at=NOW + 3*day),
                FollowUp(
                    team_id="T0001", client_id=acme, owner_id=lena, what="Send the quote", due_at=NOW + day,
                    created_at=NOW - 2 * day,
                ),
                FollowUp(
                    team_id="T0001", client_id=globex, what="Old promise kept", due_at=NOW - 40 * week,
                    status="done", done_at=NOW - 40 * week, created_at=NOW - 41 * week,
                ),
                FollowUp(
                    team_id="T0001", client_id=globex, what="Old promise still open", due_at=NOW - 20 * week,
                    created_at=NOW - 21 * week,
                ),
            ]
        )  # fmt: skip
        jan = Contact(
            team_id="T0001",
            client_id=acme,
            name="Jan",
            email="jan@acme.example",
            last_outbound_at=NOW - 6 * day,
        )
        session.add(jan)
        session.add(Contact(team_id="T0001", client_id=globex, name="Gina", last_inbound_at=NOW - day))
        session.flush()
        session.add_all(
            [
                Wait(
                    team_id="T0001", client_id=acme, contact_id=jan.id, about="the proposal",
                    since=NOW - 6 * day, last_outreach_at=NOW - 6 * day, nudged_at=NOW - day,
                ),
                Wait(
                    team_id="T0001", client_id=globex, about="the invoice", since=NOW - 2 * day,
                    last_outreach_at=NOW - 2 * day,
                ),
                Contact(team_id="T0002", client_id=theirs, name="Not ours"),
            ]
        )  # fmt: skip
    return {"acme": acme, "globex": globex, "initech": initech, "theirs": theirs}


def test_every_sheet_with_its_headers_a_table_a_frozen_header_and_a_colour_scale(db, agency):
    workbook, made = write(db, everything())
    assert workbook.sheetnames == ["Summary", "Check-ins", "Follow-ups", "Contacts", "Weekly"]
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        [table] = sheet.tables.values()
        assert table.ref.startswith("A1:") and table.autoFilter is not None
    headers = {sheet.title: [c.value for c in sheet[1]] for sheet in workbook.worksheets}
    assert headers["Summary"] == [
        "Client", "Segment", "Health (0-100)", "Band", "Why", "Status", "Average feeling, 4 weeks",
        "Average feeling, 12 weeks",
        "Check-ins, 12 weeks", "Trend", "Last touchpoint (Europe/Amsterdam)", "Last touchpoint, what",
        "Lead", "Partner", "Backup", "Renewal", "Open follow-ups", "Waiting for an answer",
    ]  # fmt: skip
    assert headers["Check-ins"] == [
        "When (Europe/Amsterdam)", "Client", "Segment", "Who", "Feeling (1–5)", "Expectations", "Note",
        "Tags", "Logged with",
    ]  # fmt: skip
    assert headers["Weekly"] == [
        "Week (from Monday)",
        "Check-ins",
        "All clients",
        "enterprise",
        "Retail",
        "No segment",
    ]
    scaled = {
        sheet.title: [str(r.sqref) for r in sheet.conditional_formatting] for sheet in workbook.worksheets
    }
    assert scaled["Check-ins"] == ["E2:E8"] and scaled["Summary"] == ["C2:C4", "G2:G4", "H2:H4"]
    assert made.written.rows == {"Summary": 3, "Check-ins": 7, "Follow-ups": 2, "Contacts": 3, "Weekly": 12}


def test_check_ins_of_the_period_in_time_order_with_real_types_in_the_workspaces_zone(db, agency):
    workbook, made = write(db, everything())
    checkins = rows(workbook["Check-ins"])
    assert [c["Note"] for c in checkins] == [
        "week -11",
        "week -9",
        "week -3",
        "week -1",
        "steady",
        None,
        "week -0",
    ]
    steady = checkins[4]
    assert steady == {
        "When (Europe/Amsterdam)": datetime(2026, 11, 22, 10, 0),
        "Client": "Globex",
        "Segment": "enterprise",
        "Who": None,
        "Feeling (1–5)": 3,
        "Expectations": "Met expectations",
        "Note": "steady",
        "Tags": "renewal, scope",
        "Logged with": "/feeling",
    }
    assert checkins[0]["Who"] == "Lena Lead"
    assert all(isinstance(c["When (Europe/Amsterdam)"], datetime) for c in checkins)
    assert all(type(c["Feeling (1–5)"]) is int for c in checkins)
    assert "another workspace's note" not in str(checkins) and "long ago" not in str(checkins)
    assert made.export.checkin_count == 7


def test_the_summary_as_things_stand_averages_over_4_and_12_weeks_and_a_trend(db, agency):
    workbook, _ = write(db, everything())
    summary = {row["Client"]: row for row in rows(workbook["Summary"])}
    assert list(summary) == ["Acme Corp", "Globex", "Initech"]
    acme = summary["Acme Corp"]
    assert acme["Average feeling, 4 weeks"] == pytest.approx(14 / 3)
    assert acme["Average feeling, 12 weeks"] == pytest.approx(19 / 5)
    assert (acme["Check-ins, 12 weeks"], acme["Trend"]) == (5, "↗ up")
    assert acme["Last touchpoint (Europe/Amsterdam)"] == datetime(2026, 11, 21, 10, 0)  # not the one to come
    assert acme["Last touchpoint, what"] == "Quarterly review"
    assert (acme["Lead"], acme["Partner"], acme["Backup"]) == ("Lena Lead", "Piet Partner", None)
    assert acme["Renewal"] == datetime(2027, 3, 31) and acme["Status"] == "Active"
    assert (acme["Open follow-ups"], acme["Waiting for an answer"]) == (1, 1)
    assert summary["Globex"]["Open follow-ups"] == 1 and summary["Globex"]["Trend"] is None
    assert summary["Initech"]["Segment"] is None and summary["Initech"]["Lead"] is None
    # health as the digest gives it: a number for a client with enough check-ins, and why
    assert isinstance(acme["Health (0-100)"], int) and 0 <= acme["Health (0-100)"] <= 100
    assert acme["Band"] and acme["Why"]
    initech = summary["Initech"]
    assert initech["Health (0-100)"] is None and "Not enough check-ins" in initech["Why"]


def test_follow_ups_made_in_the_period_and_every_one_still_open(db, agency):
    workbook, _ = write(db, everything())
    followups = rows(workbook["Follow-ups"])
    assert [f["What"] for f in followups] == ["Old promise still open", "Send the quote"]
    quote = followups[1]
    assert (quote["Owner"], quote["Status"], quote["Kind"], quote["Closed (Europe/Amsterdam)"]) == (
        "Lena Lead", "Open", "Promise", None
    )  # fmt: skip
    assert quote["Due (Europe/Amsterdam)"] == datetime(2026, 11, 25, 10, 0)
    workbook, _ = write(db, everything(period=Period("all", None, None)))
    assert [f["Status"] for f in rows(workbook["Follow-ups"])] == ["Done", "Open", "Open"]


def test_contacts_with_when_we_last_heard_and_the_outreach_awaiting_an_answer(db, agency):
    workbook, _ = write(db, everything())
    contacts = rows(workbook["Contacts"])
    assert [(c["Client"], c["Contact"]) for c in contacts] == [
        ("Acme Corp", "Jan"),
        ("Globex", "Gina"),
        ("Globex", "Anyone at the client"),
    ]
    jan, gina, anyone = contacts
    assert jan["Waiting since (Europe/Amsterdam)"] == datetime(2026, 11, 18, 10, 0)
    assert (jan["About"], jan["E-mail"]) == ("the proposal", "jan@acme.example")
    assert jan["Lead told (Europe/Amsterdam)"] == datetime(2026, 11, 23, 10, 0)
    assert gina["Last heard from (Europe/Amsterdam)"] == datetime(2026, 11, 23, 10, 0)
    assert gina["Waiting since (Europe/Amsterdam)"] is None
    assert anyone["About"] == "the invoice"


def test_weekly_averages_per_segment_with_a_line_chart(db, agency):
    workbook, _ = write(db, everything())
    weekly = rows(workbook["Weekly"])
    assert [w["Week (from Monday)"] for w in weekly] == [
        datetime(2026, 9, 7) + timedelta(weeks=n) for n in range(12)
    ]
    this_week, last_week = weekly[-1], weekly[-2]
    # This week: Initech's 4 on Monday, Acme's 4 on Tuesday.
    assert (this_week["Check-ins"], this_week["All clients"], this_week["Retail"]) == (2, 4, 4)
    assert this_week["No segment"] == 4 and this_week["enterprise"] is None
    assert (last_week["Check-ins"], last_week["All clients"]) == (2, 4)  # Acme's 5, Globex's 3
    assert weekly[1]["Check-ins"] == 0 and weekly[1]["All clients"] is None
    [chart] = workbook["Weekly"]._charts
    assert chart.tagname == "lineChart" and len(chart.series) == 4  # all clients and three segments
    assert chart.series[0].tx.strRef.f == "'Weekly'!C1"


def test_one_client_or_one_segment(db, agency):
    workbook, _ = write(db, everything(client_id=agency["acme"], client_name="Acme Corp"))
    assert {r["Client"] for r in rows(workbook["Check-ins"])} == {"Acme Corp"}
    assert [r["Client"] for r in rows(workbook["Summary"])] == ["Acme Corp"]
    assert rows(workbook["Weekly"])[0] == {
        "Week (from Monday)": datetime(2026, 9, 7), "Check-ins": 1, "All clients": 2, "Retail": 2,
    }  # fmt: skip
    workbook, _ = write(db, everything(segment="retail"))  # any case
    assert {r["Client"] for r in rows(workbook["Check-ins"])} == {"Acme Corp"}
    assert [r["Client"] for r in rows(workbook["Contacts"])] == ["Acme Corp"]


def test_a_calendar_period_has_its_weeks_and_nothing_outside_it(db, agency):
    selection = everything(period=Period("month", date(2026, 9, 1), date(2026, 10, 1)))
    workbook, _ = write(db, selection)
    assert [r["Note"] for r in rows(workbook["Check-ins"])] == ["week -11", "week -9"]
    weeks = [w["Week (from Monday)"] for w in rows(workbook["Weekly"])]
    assert weeks[0] == datetime(2026, 8, 31) and weeks[-1] == datetime(2026, 9, 28)


def test_all_time_weeks_start_at_the_first_check_in(db, agency):
    workbook, _ = write(db, everything(period=Period("all", None, None)))
    weekly = rows(workbook["Weekly"])
    assert weekly[0]["Week (from Monday)"] == datetime(2026, 4, 27) and weekly[0]["Check-ins"] == 1
    assert len(weekly) == 31


def test_another_workspace_sees_only_its_own(db, agency):
    workbook, _ = write(db, everything("T0002", period=Period("all", None, None)))
    assert [r["Note"] for r in rows(workbook["Check-ins"])] == ["another workspace's note"]
    assert [r["Client"] for r in rows(workbook["Summary"])] == ["Theirs"]
    assert [r["Contact"] for r in rows(workbook["Contacts"])] == ["Not ours"]
    assert rows(workbook["Follow-ups"]) == []


def test_an_empty_workspace_still_makes_a_workbook(db):
    workbook, made = write(db, everything("T0009"))
    assert workbook.sheetnames == ["Summary", "Check-ins", "Follow-ups", "Contacts", "Weekly"]
    assert made.written.rows["Check-ins"] == 0 and len(rows(workbook["Weekly"])) == 12


def test_the_words_choose_a_client_a_segment_or_say_what_they_might_have_been(db, agency):
    def choose(text: str) -> export.Selection | Problem:
        asked = read_export(text, NOW.date())
        assert not isinstance(asked, Problem)
        with db.session() as session:
            return export.choose(session, "T0001", asked, AMS)

    assert choose("12w") == everything()
    assert choose("12w acme") == everything(client_id=agency["acme"], client_name="Acme Corp")
    assert choose("12w retail") == everything(segment="Retail")
    assert choose("12w segment ENTERPRISE") == everything(segment="enterprise")
    assert choose("12w acme crop") == Problem(
        "export.problem.unknown", {"query": "acme crop", "names": ["Acme Corp"]}
    )
    assert choose("theirs") == Problem("export.problem.unknown", {"query": "theirs", "names": []})
    assert choose("segment nope") == Problem(
        "export.problem.unknown_segment", {"segment": "nope", "segments": ["enterprise", "Retail"]}
    )


def test_the_zone_is_the_persons_else_the_one_most_of_the_workspace_is_in(db):
    add_client(db, "Acme")
    staff(db, "U1", tz="America/New_York")
    staff(db, "U2", tz="Europe/London")
    staff(db, "U3", tz="Europe/London")
    nobody = staff(db, "U4", tz=None)
    with db.session() as session:
        assert export.workspace_zone(session, "T0001") == "Europe/London"
        assert export.workspace_zone(session, "T0404") == "UTC"
        person = StaffRef.of(session.get(Staff, nobody))
        assert export.zone_for(session, person, "T0001") == "Europe/London"
        person = StaffRef.of(session.scalars(select(Staff).where(Staff.slack_user_id == "U1")).one())
        assert export.zone_for(session, person, "T0001") == "America/New_York"


def test_a_selection_stored_with_its_message_reads_back_the_same():
    selection = everything(client_id=7, client_name="Acme")
    assert export.Selection.from_payload("T0001", selection.to_payload()) == selection
    stored = {**selection.to_payload(), "zone": None}
    assert export.Selection.from_payload("T0001", stored, "Asia/Kolkata").zone == "Asia/Kolkata"
    with pytest.raises(ValueError):
        export.Selection.from_payload("T0001", {"period": "12w"})


ZONES = [
    "Europe/Amsterdam", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "America/St_Johns",
    "Pacific/Chatham", "UTC", "Africa/Casablanca",
]  # fmt: skip


def changes(zone: str, year: int = 2026) -> list[datetime]:
    """The moments (UTC, naive) a zone's offset changed in a year, found minute by minute's hour."""
    tz, found = ZoneInfo(zone), []
    at = datetime(year, 1, 1)
    before = at.replace(tzinfo=UTC).astimezone(tz).utcoffset()
    while at.year == year:
        at += timedelta(minutes=15)
        offset = at.replace(tzinfo=UTC).astimezone(tz).utcoffset()
        if offset != before:
            found.append(at)
            before = offset
    return found


CHANGES = {zone: changes(zone) for zone in ZONES}


@given(data=st.data(), zone=st.sampled_from(ZONES))
def test_moments_are_the_zones_wall_clock_to_the_microsecond_across_every_change_of_offset(data, zone):
    tz = ZoneInfo(zone)
    local = export._Local(tz)
    anywhere = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2040, 1, 1))
    near_a_change = st.tuples(
        st.sampled_from(CHANGES[zone] or [datetime(2026, 6, 1)]),
        st.timedeltas(min_value=timedelta(hours=-2), max_value=timedelta(hours=2)),
    ).map(lambda pair: pair[0] + pair[1])
    moments = data.draw(st.lists(st.one_of(anywhere, near_a_change), min_size=1, max_size=40))
    for at in sorted(moments):  # in time order, as the check-ins come, days cached on the way
        exact = at.replace(tzinfo=UTC).astimezone(tz).replace(tzinfo=None)
        assert local(at) == exact
        assert local(at.replace(tzinfo=UTC)) == exact


def test_on_the_day_of_the_autumn_change_in_amsterdam_each_moment_keeps_its_own_offset():
    local = export._Local(ZoneInfo(AMS))
    # 2026-10-25 01:00 UTC: 03:00 summer time becomes 02:00 winter time.
    assert local(datetime(2026, 10, 25, 0, 59)) == datetime(2026, 10, 25, 2, 59)
    assert local(datetime(2026, 10, 25, 1, 0)) == datetime(2026, 10, 25, 2, 0)


def test_an_export_leaves_the_sessions_connection_as_it_found_it(db, agency):
    """The outbox sends the file in the session that made it: its later statements must not be streamed
    (PostgreSQL would wrap an INSERT in a cursor)."""
    with db.session() as session:
        before = dict(session.connection().get_execution_options())
        exports.write(session, everything(), NOW, io.BytesIO())
        assert dict(session.connection().get_execution_options()) == before
