"""Rows are reached only by their own workspace, and personal rows only by their own person."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.services import access, checkins
from bot.services.staff import ensure_staff
from storage.db import Database
from storage.models import CheckIn, Client
from tests.factories import add_client

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def checkin(db: Database) -> int:
    acme = add_client(db, "Acme")
    with db.session() as session:
        staff = ensure_staff(session, "T0001", "U1")
        return checkins.log(
            session, "T0001", staff.id, checkins.Draft(client_id=acme, score=4), source="modal", now=NOW
        )


def test_a_row_of_another_workspace_looks_like_no_row(db: Database, checkin: int) -> None:
    with db.session() as session:
        assert access.in_team(session, CheckIn, checkin, "T0001") is not None
        assert access.in_team(session, CheckIn, checkin, "T0002") is None
        assert access.in_team(session, CheckIn, 10**9, "T0001") is None
        assert access.in_team(session, CheckIn, None, "T0001") is None
        assert access.in_team(session, Client, add_client(db, "Globex", team="T0002"), "T0001") is None


def test_a_personal_row_is_reached_by_its_own_person_only(db: Database, checkin: int) -> None:
    with db.session() as session:
        author = ensure_staff(session, "T0001", "U1")
        colleague = ensure_staff(session, "T0001", "U2")
        namesake = ensure_staff(session, "T0002", "U1")  # the same Slack id in another workspace
        assert access.of_person(session, CheckIn, checkin, "T0001", author.id) is not None
        assert access.of_person(session, CheckIn, checkin, "T0001", colleague.id) is None
        assert access.of_person(session, CheckIn, checkin, "T0002", namesake.id) is None
