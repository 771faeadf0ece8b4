"""The Excel export as a person reads it: its sheets and their columns, the file's name and the words
that come with it, and the answers to `/rapport export …`.

Each sheet's columns are a list, in the order they appear; a column says where its value comes from.
The Summary's columns are `SUMMARY_COLUMNS`: a new fact about a client is one more entry there (and
the field it reads on `ClientSummary`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from operator import attrgetter
from typing import Any, Generic, TypeVar

from bot.domain.feelings import Trend
from bot.domain.health import Health
from bot.domain.periods import Period
from bot.domain.problem import Problem
from bot.domain.text import normalize
from bot.messages import t
from bot.services.export import CheckInRow, ClientSummary, ContactRow, Export, FollowUpRow, Selection, Week
from bot.spreadsheets import Column, LineChart, Scale, Sheet, Written
from bot.views import health as health_view
from bot.views.common import mrkdwn_escape

Row = TypeVar("Row")

FEELING = Scale(1, 5)
HEALTH = Scale(0, 100)
NOTE_WIDTH = 60
TAGS_WIDTH = 24
WHAT_WIDTH = 40
MOST_CHARTED = 8  # segments drawn in the weekly chart beside all clients (the table has every one)


@dataclass(frozen=True)
class Field(Generic[Row]):
    """A column of a sheet: its header's key, what its cells hold, the attribute of a row its value is,
    what that value is shown as (`show`), its width in characters when not fitted to its values, and a
    colour scale."""

    key: str
    kind: str
    attr: str
    show: Callable[[Any], Any] | None = None
    width: float | None = None
    scale: Scale | None = None


@cache
def _trend(value: Trend) -> str:
    return t(f"export.trend.{value.value}")


def _tags(tags: tuple[str, ...]) -> str | None:
    return ", ".join(tags) if tags else None


def _contact(name: str | None) -> str:
    return name if name is not None else t("export.anyone")


@cache  # a handful of values, each looked up once
def _status(value: str) -> str:
    return t(f"status.{value}") if value in ("active", "churned") else value


@cache
def _expectation(value: str | None) -> str | None:
    return t(f"expectation.{value}") if value in ("below", "met", "exceeded") else value


@cache
def _source(value: str) -> str:
    return t(f"export.source.{value}") if value in ("command", "modal", "prompt") else value


@cache
def _followup_status(value: str) -> str:
    return t(f"export.followup.{value}") if value in ("open", "done", "not_needed") else value


@cache
def _followup_kind(value: str) -> str:
    return t(f"export.followup.kind.{value}") if value in ("promise", "recovery") else value


def _health_score(value: Health | None) -> int | None:
    return value.score if value is not None else None


def _health_band(value: Health | None) -> str | None:
    return health_view.band(value, None) if value is not None else None


def _health_reasons(value: Health | None) -> str | None:
    return health_view.reasons(value, None) if value is not None else None


# The Summary, one row per client as things stand.
SUMMARY_COLUMNS: list[Field[ClientSummary]] = [
    Field("export.col.client", "text", "name"),
    Field("export.col.segment", "text", "segment"),
    Field("export.col.health", "int", "health", _health_score, scale=HEALTH),
    Field("export.col.band", "text", "health", _health_band, width=18),
    Field("export.col.reasons", "text", "health", _health_reasons, width=60),
    Field("export.col.status", "text", "status", _status),
    Field("export.col.average_4w", "number", "average_4w", scale=FEELING),
    Field("export.col.average_12w", "number", "average_12w", scale=FEELING),
    Field("export.col.checkins_12w", "int", "checkins_12w"),
    Field("export.col.trend", "text", "trend", _trend, width=8),
    Field("export.col.last_touchpoint", "datetime", "last_touchpoint_at"),
    Field("export.col.last_touchpoint_what", "text", "last_touchpoint_what"),
    Field("export.col.lead", "text", "lead"),
    Field("export.col.partner", "text", "partner"),
    Field("export.col.backup", "text", "backup"),
    Field("export.col.renewal", "date", "renewal"),
    Field("export.col.open_followups", "int", "open_followups"),
    Field("export.col.waiting", "int", "waiting"),
]

CHECKIN_COLUMNS: list[Field[CheckInRow]] = [
    Field("export.col.when", "datetime", "at"),
    Field("export.col.client", "text", "client"),
    Field("export.col.segment", "text", "segment"),
    Field("export.col.who", "text", "who"),
    Field("export.col.feeling", "int", "score", scale=FEELING),
    Field("export.col.expectations", "text", "expectation", _expectation, width=21),
    Field("export.col.note", "text", "note", width=NOTE_WIDTH),
    Field("export.col.tags", "text", "tags", _tags, width=TAGS_WIDTH),
    Field("export.col.source", "text", "source", _source, width=27),
]

FOLLOWUP_COLUMNS: list[Field[FollowUpRow]] = [
    Field("export.col.made", "datetime", "made"),
    Field("export.col.client", "text", "client"),
    Field("export.col.segment", "text", "segment"),
    Field("export.col.what", "text", "what", width=WHAT_WIDTH),
    Field("export.col.owner", "text", "owner"),
    Field("export.col.due", "datetime", "due"),
    Field("export.col.followup_status", "text", "status", _followup_status, width=10),
    Field("export.col.closed", "datetime", "closed"),
    Field("export.col.kind", "text", "kind", _followup_kind, width=13),
]

CONTACT_COLUMNS: list[Field[ContactRow]] = [
    Field("export.col.client", "text", "client"),
    Field("export.col.contact", "text", "contact", _contact),
    Field("export.col.email", "text", "email", width=28),
    Field("export.col.last_inbound", "datetime", "last_inbound"),
    Field("export.col.last_outbound", "datetime", "last_outbound"),
    Field("export.col.waiting_since", "datetime", "waiting_since"),
    Field("export.col.about", "text", "about", width=WHAT_WIDTH),
    Field("export.col.lead_told", "datetime", "lead_told"),
]


def _fit(values: Iterable[str | None]) -> int:
    return max((len(value) for value in values if value), default=0)


def _columns(fields: Sequence[Field[Row]], zone: str, fitted: dict[str, int] | None = None) -> list[Column]:
    fitted = fitted or {}
    return [
        Column(
            t(field.key, zone=zone),
            field.kind,
            fitted.get(field.key, field.width),
            field.scale,
        )
        for field in fields
    ]


def _rows(fields: Sequence[Field[Row]], items: Iterable[Row]) -> Iterator[list[Any]]:
    """Each item as the cells of its row: its attributes read in one go, some then shown otherwise."""
    read = attrgetter(*(field.attr for field in fields))
    shown = [(index, field.show) for index, field in enumerate(fields) if field.show is not None]
    for item in items:
        values = list(read(item)) if len(fields) > 1 else [read(item)]
        for index, show in shown:
            values[index] = show(values[index])
        yield values


def sheets(export: Export) -> Iterator[Sheet]:
    """The export's sheets in order: Summary, Check-ins, Follow-ups, Contacts, Weekly. Each is made
    when the one before it has been written: the Weekly sheet is tallied from the check-ins."""
    zone = export.selection.zone
    summaries = export.summaries
    names = _fit(s.name for s in summaries)
    segments = _fit(s.segment for s in summaries)
    people = _fit(name for s in summaries for name in (s.lead, s.partner, s.backup))
    fitted = {"export.col.client": names, "export.col.segment": segments}
    summary_fit = {
        **fitted,
        "export.col.last_touchpoint_what": min(NOTE_WIDTH, _fit(s.last_touchpoint_what for s in summaries)),
        "export.col.lead": people,
        "export.col.partner": people,
        "export.col.backup": people,
    }
    yield Sheet(
        t("export.sheet.summary"),
        "Summary",
        _columns(SUMMARY_COLUMNS, zone, summary_fit),
        _rows(SUMMARY_COLUMNS, summaries),
    )
    people_fit = {"export.col.who": max(people, 16), "export.col.owner": max(people, 16)}
    yield Sheet(
        t("export.sheet.checkins"),
        "CheckIns",
        _columns(CHECKIN_COLUMNS, zone, {**fitted, **people_fit}),
        _rows(CHECKIN_COLUMNS, export.checkins()),
    )
    yield Sheet(
        t("export.sheet.followups"),
        "FollowUps",
        _columns(FOLLOWUP_COLUMNS, zone, {**fitted, **people_fit}),
        _rows(FOLLOWUP_COLUMNS, export.followups()),
    )
    yield Sheet(
        t("export.sheet.contacts"),
        "Contacts",
        _columns(CONTACT_COLUMNS, zone, {**fitted, "export.col.contact": 20}),
        _rows(CONTACT_COLUMNS, export.contacts()),
    )
    yield weekly(export.weeks(), export.segments)


def weekly(weeks: list[Week], segments: Sequence[str | None]) -> Sheet:
    """Per week: its check-ins, the average feeling of all clients and of each segment, and a line chart
    of those averages (all clients, and the segments with the most check-ins)."""
    headers = [name if name is not None else t("export.col.no_segment") for name in segments]
    columns = [
        Column(t("export.col.week"), "date"),
        Column(t("export.sheet.checkins"), "int"),
        Column(t("export.col.all_clients"), "number", scale=FEELING),
        *(Column(header, "number", scale=FEELING) for header in headers),
    ]
    charted = list(range(len(segments)))[:MOST_CHARTED]
    chart = LineChart(
        t("export.chart.title"),
        t("export.chart.y"),
        x_column=0,
        series=[2, *(3 + index for index in charted)],
        y_min=1,
        y_max=5,
    )
    rows = ([week.start, week.checkins, week.average, *week.by_segment] for week in weeks)
    return Sheet(t("export.sheet.weekly"), "Weekly", columns, rows, chart)


# --- words around the file ------------------------------------------------------------------------


def period_name(period: Period, locale: str | None = None) -> str:
    """The period as a person says it: "the last 12 weeks (since 2026-09-07)", "2026-Q3"."""
    start = period.start.isoformat() if period.start else ""
    last = period.last_day.isoformat() if period.last_day else ""
    kind = period.kind
    if kind in ("weeks", "months", "days"):
        key = f"export.period.{kind}.one" if period.count == 1 else f"export.period.{kind}"
        return t(key, locale, count=period.count, start=start)
    if kind == "year" and period.start:
        return t("export.period.year", locale, year=period.start.year)
    if kind == "quarter" and period.start:
        quarter = (period.start.month - 1) // 3 + 1
        return t("export.period.quarter", locale, year=period.start.year, quarter=quarter)
    if kind == "month" and period.start:
        return t("export.period.month", locale, month=f"{period.start:%Y-%m}")
    if kind == "day":
        return t("export.period.day", locale, day=start)
    if kind == "since":
        return t("export.period.since", locale, start=start)
    if kind == "range":
        return t("export.period.range", locale, start=start, last=last)
    return t("export.period.all", locale)


def scope_name(selection: Selection, locale: str | None = None) -> str:
    if selection.client_id is not None:
        return t("export.scope.client", locale, client=selection.client_name or "?")
    if selection.segment is not None:
        return t("export.scope.segment", locale, segment=selection.segment)
    return t("export.scope.all", locale)


def filename(selection: Selection, day: date) -> str:
    """ "rapport-export-acme-2026-11-24.xlsx": plain letters, digits and dashes."""
    named = selection.client_name or selection.segment or ""
    slug = "-".join(normalize(named).encode("ascii", "ignore").decode().split())[:40].strip("-")
    return f"rapport-export-{slug + '-' if slug else ''}{day.isoformat()}.xlsx"


def upload(export: Export, written: Written, content: bytes, locale: str | None = None) -> dict[str, Any]:
    """The file as it is shared in the person's DM, with a comment naming what is in it."""
    selection = export.selection
    scope, period = scope_name(selection, locale), period_name(selection.period, locale)
    comment = t(
        "export.comment",
        locale,
        scope=mrkdwn_escape(scope),
        period=period,
        checkins=export.checkin_count,
        followups=export.followup_count,
        contacts=export.contact_count,
        clients=len(export.summaries),
        zone=selection.zone,
    )
    for sheet, left in written.left_out.items():
        comment += t("export.comment.cut", locale, sheet=sheet, rows=written.rows[sheet], left=left)
    return {
        "filename": filename(selection, export.today),
        "content": content,
        "title": t("export.title", locale, scope=scope, period=period),
        "initial_comment": comment,
    }


# --- answers to /rapport export ----------------------------------------------------------------------

QUOTED_MOST = 80  # what a person typed is quoted back cut to this many characters


def _cut(text: str) -> str:
    return text if len(text) <= QUOTED_MOST else text[:QUOTED_MOST] + "…"


def preparing(selection: Selection, locale: str | None) -> dict[str, Any]:
    scope = mrkdwn_escape(scope_name(selection, locale))
    text = t("export.preparing", locale, scope=scope, period=period_name(selection.period, locale))
    return {"response_type": "ephemeral", "text": text}


def busy(locale: str | None) -> dict[str, Any]:
    return {"response_type": "ephemeral", "text": t("export.busy", locale)}


def problem(found: Problem, locale: str | None) -> dict[str, Any]:
    """What was not understood, in the person's words, and examples of what works."""
    values: dict[str, Any] = {
        key: mrkdwn_escape(_cut(value)) if isinstance(value, str) else value
        for key, value in found.values.items()
    }
    names = found.values.get("names")
    if isinstance(names, list):
        quoted = ", ".join(f"“{mrkdwn_escape(str(name))}”" for name in names)
        values["names"] = quoted
        values["suggest"] = t("export.problem.suggest", locale, names=quoted) if names else ""
    segments = found.values.get("segments")
    if isinstance(segments, list):
        values["segments"] = ", ".join(mrkdwn_escape(str(s)) for s in segments) or t(
            "export.problem.no_segments", locale
        )
    text = t(found.key, locale, **values) + "\n" + t("export.examples", locale)
    return {"response_type": "ephemeral", "text": text}


# --- python -m bot export ----------------------------------------------------------------------------


def plain_problem(found: Problem) -> str:
    """A problem as one line of plain text, for the shell."""
    values: dict[str, Any] = {
        key: _cut(value) if isinstance(value, str) else value for key, value in found.values.items()
    }
    names = found.values.get("names")
    if isinstance(names, list):
        values["names"] = ", ".join(f"“{name}”" for name in names)
        values["suggest"] = t("export.problem.suggest", names=values["names"]) if names else ""
    segments = found.values.get("segments")
    if isinstance(segments, list):
        values["segments"] = ", ".join(map(str, segments)) or t("export.problem.no_segments")
    return t(found.key, **values)


def written(export: Export, path: object) -> str:
    """What `python -m bot export` says it wrote."""
    selection = export.selection
    return t(
        "export.cli.wrote",
        path=path,
        scope=scope_name(selection),
        period=period_name(selection.period),
        clients=len(export.summaries),
        checkins=export.checkin_count,
        followups=export.followup_count,
        contacts=export.contact_count,
        zone=selection.zone,
    )
