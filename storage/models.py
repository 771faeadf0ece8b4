"""The data Rapport keeps. Every row carries the Slack workspace it belongs to (`team_id`).

Timestamps are stored in UTC and come back timezone-aware on every database (SQLite stores them
naive, so `UTCDateTime` puts the zone back). People's own zones are applied only when showing
or scheduling something for them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in, timezone-aware UTC out; naive datetimes are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; pass an aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(at: datetime) -> datetime:
    """A moment as read back from the database: in UTC when it came without a zone."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[str]: JSON}


# Bolt's OAuth installations and states live in the same database and the same migrations.
INSTALLATIONS_TABLE = SQLAlchemyInstallationStore.build_installations_table(
    Base.metadata, "slack_installations"
)
BOTS_TABLE = SQLAlchemyInstallationStore.build_bots_table(Base.metadata, "slack_bots")
OAUTH_STATES_TABLE = SQLAlchemyOAuthStateStore.build_oauth_states_table(Base.metadata, "slack_oauth_states")

Id = Mapped[int]


def team_column() -> Mapped[str]:
    return mapped_column(String(32), index=True)


class Workspace(Base):
    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(16), default="en")
    digest_channel: Mapped[str | None] = mapped_column(String(32))
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    installed_at: Mapped[datetime] = mapped_column(default=utcnow)
    uninstalled_at: Mapped[datetime | None]


class Staff(Base):
    """A person of the agency. May exist by e-mail only (from an import) until they use Slack."""

    __tablename__ = "staff"
    __table_args__ = (
        UniqueConstraint("team_id", "slack_user_id"),
        Index("ix_staff_team_email", "team_id", "email"),
    )

    id: Id = mapped_column(primary_key=True)
    team_id: Mapped[str] = team_column()
    slack_user_id: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(320))
    name: Mapped[str | None] = mapped_column(String(200))
    tz: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str | None] = mapped_column(String(16))
    work_days: Mapped[str] = mapped_column(String(32), default="mon-fri")
    work_start: Mapped[str] = mapped_column(String(5), default="09:00")
    work_end: Mapped[str] = mapped_column(String(5), default="17:30")
    # How hard Rapport chases them: "light" or "standard" (bot.domain.intensity).
    intensity: Mapped[str] = mapped_column(String(16), default="standard", server_default="standard")
    # A workspace owner or admin, as users.info said when the profile was last read.
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    profile_refreshed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Client(Base):
    __tablename__ = "clients"
    __table_args__ = (UniqueConstraint("team_id", "name_key"),)

    id: Id = mapped_column(primary_key=True)
    team_id: Mapped[str] = team_column()
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    segment: Mapped[str | None] = mapped_column(String(50))
    renewal_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active")
    churned_at: Mapped[datetime | None]
    churn_reason: Mapped[str | None] = mapped_column(Text)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    backup_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    # Working days an outreach may go unanswered before the lead is told (else the segment's, else 5)
    quiet_after_days: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    aliases: Mapped[list[ClientAlias]] = relationship(
        back_populates="client", cascade="all, delete-orphan", order_by="ClientAlias.id"
    )
    domains: Mapped[list[ClientDomain]] = relationship(
        back_populates="client", cascade="all, delete-orphan", order_by="ClientDomain.id"
    )
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="client", cascade="all, delete-orphan", order_by="Contact.id"
    )
    lead: Mapped[Staff | None] = relationship(foreign_keys=[lead_id])
    partner: Mapped[Staff | None] = relationship(foreign_keys=[partner_id])
    backup: Mapped[Staff | None] = relationship(foreign_keys=[backup_id])


class Segment(Base):
    """What the clients of one segment share: how long an outreach may go unanswered, and how often
    they should hear from us (the health score's contact window: ideal and most days)."""

    __tablename__ = "segments"
    __table_args__ = (UniqueConstraint("team_id", "name_key"),)

    id: Id = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    name_key: Mapped[str] = mapped_column(String(50))  # the segment's name, case-folded
    quiet_after_days: Mapped[int | None] = mapped_column(Integer)
    contact_ideal_days: Mapped[int | None] = mapped_column(Integer)
    contact_max_days: Mapped[int | None] = mapped_column(Integer)


class ClientAlias(Base):
    __tablename__ = "client_aliases"
    __table_args__ = (
        UniqueConstraint("client_id", "key"),
        Index("ix_client_aliases_team_key", "team_id", "key"),
    )

    id: Id = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200))

    client: Mapped[Client] = relationship(back_populates="aliases")


# Compared byte by byte on every database, so a prefix is a range: SQLite's default collation already
# is; PostgreSQL's default (the locale's) is not.
WordText = String(200).with_variant(String(200, collation="C"), "postgresql")


class ClientWord(Base):
    """Where a typed word finds a client: each name or alias key, filed under every word it has.

    "blue harbor labs" is filed under "blue harbor labs", "harbor labs" and "labs", so names with a
    word starting with "harb" are one index range. Derived from clients and aliases, and kept in
    step with them by `storage.words`.
    """

    __tablename__ = "client_words"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    word: Mapped[str] = mapped_column(WordText, primary_key=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    key: Mapped[str] = mapped_column(String(200), primary_key=True)


class ClientDomain(Base):
    __tablename__ = "client_domains"
    __table_args__ = (UniqueConstraint("team_id", "domain"),)

    id: Id = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    domain: Mapped[str] = mapped_column(String(253))

    client: Mapped[Client] = relationship(back_populates="domains")


class ClientChannel(Base):
    """A Slack channel linked to a client: shared (Slack Connect) or internal."""

    __tablename__ = "client_channels"
    __table_args__ = (UniqueConstraint("team_id", "channel_id"),)

    id: Id = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16), default="internal")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Contact(Base):
    __tablename__ = "contacts"
    __table_args__ = (
        UniqueConstraint("client_id", "email"),
        Index("ix_contacts_team_email", "team_id", "email"),
    )

    id: Id = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    slack_user_id: Mapped[str | None] = mapped_column(String(32))
    last_inbound_at: Mapped[datetime | None]
    last_outbound_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    client: Mapped[Client] = relationship(back_populates="contacts")


class Touchpoint(Base):
    __tablename__ = "touchpoints"
    __table_args__ = (
        UniqueConstraint("team_id", "source", "external_id"),
        Index("ix_touchpoints_client_time", "team_id", "client_id", "happened_at"),
        # a workspace's recent touchpoints by time, with what the last contact per client needs
        Index("ix_touchpoints_team_time", "team_id", "happened_at", "client_id", "cancelled"),
    )

    id: Id = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16), default="meeting")
    title: Mapped[str] = mapped_column(String(300))
    happened_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    source: Mapped[str] = mapped_column(String(16), default="manual")
    external_id: Mapped[str | None] = mapped_column(String(300))
    permalink: Mapped[str | None] = mapped_column(Text)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    # inbound (they reached out), outbound (we did) or both (a conversation)
    direction: Mapped[str] = mapped_column(String(8), default="both")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    client: Mapped[Client] = relationship()


class TouchpointContact(Base):
    __tablename__ = "touchpoint_contacts"

    team_id: Mapped[str] = mapped_column(String(32))
    touchpoint_id: Mapped[int] = mapped_column(
        ForeignKey("touchpoints.id", ondelete="CASCADE"), primary_key=True
    )
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True)


class CheckIn(Base):
    """How a client felt, as the staff member who was there saw it."""

    __tablename__ = "checkins"
    __table_args__ = (
        Index("ix_checkins_client_time", "team_id", "client_id", "created_at"),
        # the workspace's recent weeks at once (health, the digest), all a week's sums need in the index
        Index("ix_checkins_team_time", "team_id", "created_at", "client_id", "score", "expectation"),
        # which touchpoints have a feeling (coverage); only check-ins after a touchpoint are in it
        Index(
            "ix_checkins_touchpoint",
            "touchpoint_id",
            sqlite_where=text("touchpoint_id IS NOT NULL"),
            postgresql_where=text("touchpoint_id IS NOT NULL"),
        ),
    )

    id: Id = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), index=True)
    touchpoint_id: Mapped[int | None] = mapped_column(ForeignKey("touchpoints.id", ondelete="SET NULL"))
    score: Mapped[int] = mapped_column(Integer)
    expectation: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(default=list)
    source: Mapped[str] = mapped_column(String(16), default="command")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    client: Mapped[Client] = relationship()


class Prompt(Base):
    """A DM asking a staff member how a client felt after a touchpoint; schedule kept as data."""

    __tablename__ = "prompts"
    __table_args__ = (
        UniqueConstraint("team_id", "touchpoint_id", "staff_id"),
        Index("ix_prompts_status_remind", "status", "remind_at"),
        Index("ix_prompts_status_expires", "status", "expires_at"),
    )

    id: Id = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    touchpoint_id: Mapped[int] = mapped_column(ForeignKey("touchpoints.id", ondelete="CASCADE"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    # scheduled -> sent -> reminded -> answered | skipped | expired | cancelled
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    remind_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    snoozed_until: Mapped[datetime | None]
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    touchpoint: Mapped[Touchpoint] = relationship()
    client: Mapped[Client] = relationship()
    staff: Mapped[Staff] = relationship()


class FollowUp(Base):
    """Something owed to a client: a promised call-back, a reply chase, a renewal review, a recovery.

    Its nudges are scheduled as data: `next_nudge_at` is when the owner is told next, claimed with a
    conditional UPDATE (`stage` says which nudge that is); every step is kept in `followup_steps`.
    """

    __tablename__ = "followups"
    __table_args__ = (
        Index("ix_followups_status_nudge", "status", "next_nudge_at"),
        Index("ix_followups_team_open_due", "team_id", "status", "due_at"),  # overdue ones (health, digest)
    )

    id: Id = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16), default="promise")
    what: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime]
    has_time: Mapped[bool] = mapped_column(Boolean, default=False)  # else: by the end of that day
    # The words that said when ("friday", "2026-12-04 10:30") and the owner's zone they were read in:
    # read again when the owner's zone becomes known or changes, so "friday" stays their Friday.
    due_words: Mapped[str | None] = mapped_column(String(200))
    due_zone: Mapped[str | None] = mapped_column(String(64))
    # open -> done | not_needed (either can be undone back to open)
    status: Mapped[str] = mapped_column(String(16), default="open")
    source: Mapped[str] = mapped_column(String(16), default="command")
    snoozed_until: Mapped[datetime | None]
    next_nudge_at: Mapped[datetime | None]
    # which nudge comes next: due, reminder-1..3, escalate, then none
    stage: Mapped[str] = mapped_column(String(16), default="due")
    nudged_at: Mapped[datetime | None]
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    escalated_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    client: Mapped[Client] = relationship()
    owner: Mapped[Staff | None] = relationship(foreign_keys=[owner_id])


class FollowUpStep(Base):
    """One thing that happened to a follow-up: made, nudged, reminded, snoozed, reassigned, done..."""

    __tablename__ = "followup_steps"

    id: Id = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    followup_id: Mapped[int] = mapped_column(ForeignKey("followups.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    step: Mapped[str] = mapped_column(String(16))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    detail: Mapped[str | None] = mapped_column(Text)


class Wait(Base):
    """An outreach to a client that awaits an answer: noticed when it goes quiet.

    Opened by an outbound touchpoint or `/rapport waiting`, closed by anything inbound from that
    client. Its nudges are scheduled as data like a follow-up's: `next_check_at` is when the lead is
    told (stage "quiet"), then the partner or backup (stage "escalate").
    """

    __tablename__ = "waits"
    __table_args__ = (
        Index("ix_waits_status_check", "status", "next_check_at"),
        Index("ix_waits_team_client", "team_id", "client_id", "status"),
    )

    id: Id = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))  # reached out
    about: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(String(16))  # how they were reached: email, call, chat…
    since: Mapped[datetime]  # the first outreach still unanswered
    last_outreach_at: Mapped[datetime]
    # open -> replied | not_needed | followed_up (each can be undone back to open)
    status: Mapped[str] = mapped_column(String(16), default="open")
    stage: Mapped[str] = mapped_column(String(16), default="quiet")  # quiet -> escalate -> none
    next_check_at: Mapped[datetime | None]
    nudged_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    client: Mapped[Client] = relationship()
    contact: Mapped[Contact | None] = relationship()


class OutboxMessage(Base):
    """A message waiting to be sent. Claimed with a conditional UPDATE so it goes out once.

    Its `kind` decides how it is drawn and sent and what happens once Slack has it (see
    `bot.jobs.outbox`); `payload` holds what the kind needs that the database does not (such as the
    timestamp of a message to edit).
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_due", "status", "not_before"),
        # A person's nudges are gathered into one message by this index, and deferred together.
        Index("ix_outbox_recipient", "team_id", "channel", "status"),
        # A nudge is queued once, however often and by however many clock processes it is asked for.
        UniqueConstraint("team_id", "kind", "key"),
    )

    id: Id = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    recipient_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    respect_working_hours: Mapped[bool] = mapped_column(Boolean, default=True)
    not_before: Mapped[datetime]
    # pending -> sending -> sent | failed | cancelled
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    # A claim lasts as long as the row's send can take: one that has run out belonged to a worker
    # that died (see bot.jobs.outbox).
    claimed_until: Mapped[datetime | None]
    # Since when a send of this row may have reached Slack without its outcome being recorded (its
    # worker died, the answer never came, Slack answered 5xx): Slack is asked before it goes again.
    in_doubt_since: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    response_channel: Mapped[str | None] = mapped_column(String(32))
    response_ts: Mapped[str | None] = mapped_column(String(32))
    ref_type: Mapped[str | None] = mapped_column(String(32))
    ref_id: Mapped[int | None] = mapped_column(BigInteger)
    # A nudge's subject and stage ("followup:42/reminder-2"): with the workspace and the kind, what
    # makes it this nudge and no other. Rows without one (prompts, edits) are never the same row.
    key: Mapped[str | None] = mapped_column(String(200))
    # The row whose id a message carrying several nudges goes by: every row that went out in it, or
    # may have (see bot.jobs.outbox), shares it.
    bundle_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SendPace(Base):
    """When the next message may go to Slack, for one scope of a workspace: the whole workspace, one
    channel, or one person's nudges. Moved forward with a conditional UPDATE, so every clock process
    keeps to the same limits (see bot.jobs.pacing)."""

    __tablename__ = "send_pace"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_at: Mapped[datetime]


class SendAttempt(Base):
    """One try at sending an outbox message, kept so failures can be seen and explained."""

    __tablename__ = "send_attempts"

    id: Id = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    ok: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)  # what else happened, such as "found in Slack"
    duration_ms: Mapped[int | None] = mapped_column(Integer)


class JobRun(Base):
    """When a periodic job may next run, claimed with a conditional UPDATE so one process runs it."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_run_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(64))


class ProcessedEvent(Base):
    """Slack retries events; the unique event id makes every process handle each one once."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    event_type: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class DigestSchedule(Base):
    """Where and when a workspace's weekly digest is posted: one channel, a weekday and a time in
    the zone of the admin who set it; `next_at` (UTC) is the next posting moment, moved a week on
    with a conditional UPDATE by whichever clock posts it."""

    __tablename__ = "digest_schedules"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(32))
    channel_name: Mapped[str | None] = mapped_column(String(200))
    weekday: Mapped[int] = mapped_column(Integer, default=0)  # Monday 0 … Sunday 6
    at_time: Mapped[str] = mapped_column(String(5), default="09:00")
    tz: Mapped[str | None] = mapped_column(String(64))
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    next_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class FeelingWeek(Base):
    """A client's check-ins of one calendar week (Monday to Sunday, UTC), added up as they are
    logged, changed or removed: how many, their scores' sum, how many said whether expectations were
    met and how many said "below", and the newest. Health and the weekly digest read these, never the
    check-ins themselves, so they cost the same however many years a workspace has."""

    __tablename__ = "feeling_weeks"
    # the workspace's recent weeks in one range (the key), and one client's (the index)
    # (SQLite: stored in key order, so a range of weeks is read in one sweep)
    __table_args__ = (Index("ix_feeling_weeks_client", "client_id", "week"), {"sqlite_with_rowid": False})

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    week: Mapped[int] = mapped_column(Integer, primary_key=True)  # weeks since Monday 5 Jan 1970
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True)
    checkins: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    rated: Mapped[int] = mapped_column(Integer, default=0)
    below: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[datetime | None]
