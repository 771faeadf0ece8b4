"""Storing a check-in: one statement that also proves the client is the team's own."""

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.services import checkins
from bot.services.staff import staff_ref
from storage.db import Database
from storage.models import CheckIn
from tests.factories import add_client

NOW = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)


# The modal and prompt paths use an ORM session; /feeling a bare connection. Both must behave alike.
SCOPES = ["session", "connection"]


def scope(db: Database, kind: str) -> Any:
    return db.session() if kind == "session" else db.connection()


def count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(CheckIn)) or 0


@pytest.mark.parametrize("kind", SCOPES)
def test_a_check_in_is_stored_with_every_field(db: Database, kind: str) -> None:
    acme = add_client(db, "Acme Labs")
    draft = checkins.Draft(
        client_id=acme, score=4, expectation="met", note="good call", tags=("upsell", "renewal")
    )
    with scope(db, kind) as session:
        staff = staff_ref(session, "T0001", "U01LEAD001")
        checkin_id = checkins.log(session, "T0001", staff.id, draft, source="command", now=NOW)
    with db.session() as session:
        row = session.get(CheckIn, checkin_id)
        assert row is not None
        assert (row.team_id, row.client_id, row.staff_id) == ("T0001", acme, staff.id)
        assert (row.score, row.expectation, row.note, row.tags, row.source) == (
            4, "met", "good call", ["upsell", "renewal"], "command"
        )  # fmt: skip
        assert row.created_at == NOW and row.created_at.tzinfo is not None
        assert row.touchpoint_id is None


@pytest.mark.parametrize("kind", SCOPES)
def test_another_workspaces_client_is_refused_and_nothing_is_stored(db: Database, kind: str) -> None:
    theirs = add_client(db, "Globex", team="T0002")
    add_client(db, "Acme Labs")
    with scope(db, kind) as session:
        staff = staff_ref(session, "T0001", "U01LEAD001")
        with pytest.raises(ValueError, match="unknown client"):
            checkins.log(
                session, "T0001", staff.id, checkins.Draft(client_id=theirs, score=3), source="modal", now=NOW
            )
    assert count(db) == 0


@pytest.mark.parametrize("draft", [checkins.Draft(score=3), checkins.Draft(client_id=10**9, score=3)])
def test_a_missing_client_is_refused(db: Database, draft: checkins.Draft) -> None:
    add_client(db, "Acme Labs")
    with db.session() as session, pytest.raises(ValueError, match="unknown client"):
        checkins.log(session, "T0001", staff_ref(session, "T0001", "U1").id, draft, source="modal", now=NOW)
    assert count(db) == 0


@pytest.mark.parametrize("score", [None, 0, 6])
def test_a_score_outside_one_to_five_is_refused(db: Database, score: int | None) -> None:
    acme = add_client(db, "Acme Labs")
    with db.session() as session, pytest.raises(ValueError, match="score"):
        checkins.log(
            session, "T0001", 1, checkins.Draft(client_id=acme, score=score), source="modal", now=NOW
        )
    assert count(db) == 0


@pytest.mark.parametrize("kind", SCOPES)
def test_staff_ref_creates_the_row_once_and_keeps_the_locale(db: Database, kind: str) -> None:
    add_client(db, "Acme Labs")
    with scope(db, kind) as session:
        first = staff_ref(session, "T0001", "U0NEW0001")
    with db.session() as session:
        again = staff_ref(session, "T0001", "U0NEW0001")
        other_team = staff_ref(session, "T0002", "U0NEW0001")
    assert first == again
    assert other_team.id != first.id
