"""Storing a check-in: one statement that also proves the client is the team's own."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.services import checkins
from bot.services.staff import ensure_staff
from storage.db import Database
from storage.models import CheckIn
from tests.factories import add_client

NOW = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)


def count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(CheckIn)) or 0


def test_a_check_in_is_stored_with_every_field(db: Database) -> None:
    acme = add_client(db, "Acme Labs")
    draft = checkins.Draft(
        client_id=acme, score=4, expectation="met", note="good call", tags=("upsell", "renewal")
    )
    with db.session() as session:
        staff = ensure_staff(session, "T0001", "U01LEAD001")
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


def test_another_workspaces_client_is_refused_and_nothing_is_stored(db: Database) -> None:
    theirs = add_client(db, "Globex", team="T0002")
    add_client(db, "Acme Labs")
    with db.session() as session:
        staff = ensure_staff(session, "T0001", "U01LEAD001")
        with pytest.raises(ValueError, match="unknown client"):
            checkins.log(
                session, "T0001", staff.id, checkins.Draft(client_id=theirs, score=3), source="modal", now=NOW
            )
    assert count(db) == 0


@pytest.mark.parametrize("draft", [checkins.Draft(score=3), checkins.Draft(client_id=10**9, score=3)])
def test_a_missing_client_is_refused(db: Database, draft: checkins.Draft) -> None:
    add_client(db, "Acme Labs")
    with db.session() as session, pytest.raises(ValueError, match="unknown client"):
        checkins.log(
            session, "T0001", ensure_staff(session, "T0001", "U1").id, draft, source="modal", now=NOW
        )
    assert count(db) == 0


@pytest.mark.parametrize("score", [None, 0, 6])
def test_a_score_outside_one_to_five_is_refused(db: Database, score: int | None) -> None:
    acme = add_client(db, "Acme Labs")
    with db.session() as session, pytest.raises(ValueError, match="score"):
        checkins.log(
            session, "T0001", 1, checkins.Draft(client_id=acme, score=score), source="modal", now=NOW
        )
    assert count(db) == 0


def test_ensure_staff_creates_the_row_once_per_workspace(db: Database) -> None:
    add_client(db, "Acme Labs")
    with db.session() as session:
        first = ensure_staff(session, "T0001", "U0NEW0001").id
    with db.session() as session:
        again = ensure_staff(session, "T0001", "U0NEW0001").id
        other_team = ensure_staff(session, "T0002", "U0NEW0001").id
    assert first == again
    assert other_team != first
