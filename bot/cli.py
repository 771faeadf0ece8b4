"""`python -m bot <command>`: dev, clock, demo, import, export, db upgrade, tick."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from config.settings import Settings

if TYPE_CHECKING:
    from bot.deps import Deps

log = logging.getLogger("bot")


def _settings() -> Settings:
    from bot import logs

    settings = Settings.from_env()
    logs.configure(settings.log_level, settings.secrets())
    return settings


def cmd_dev(args: argparse.Namespace) -> int:
    """One process: Socket Mode, the scheduler in a thread, SQLite by default."""
    settings = _settings().require("python -m bot dev", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot import clock
    from bot.app import create_app
    from bot.deps import build_deps
    from storage.db import REQUEST_PATIENCE, Database

    db = Database(settings.database_url, patience=REQUEST_PATIENCE)  # it answers Slack too
    db.upgrade()
    deps = build_deps(settings, db=db)
    app = create_app(settings, deps=deps)
    scheduler = clock.background(deps)
    try:
        SocketModeHandler(app, settings.app_token).start()
    finally:
        scheduler.shutdown(wait=False)
    return 0


def _scheduler_deps() -> Deps:
    """Collaborators for a process that only runs jobs (no Bolt app, no listeners)."""
    settings = _settings()
    if not settings.oauth_enabled:
        settings.require("the scheduler", "SLACK_BOT_TOKEN")
    from bot.deps import build_deps

    return build_deps(settings)


def cmd_clock(args: argparse.Namespace) -> int:
    from bot import clock

    clock.run_forever(_scheduler_deps())
    return 0


def cmd_tick(args: argparse.Namespace) -> int:
    """Run every due job once and exit (handy from cron or to check a deployment)."""
    from bot import jobs

    print(jobs.tick(_scheduler_deps()))
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    settings = _settings()
    from storage.db import Database

    if args.action == "upgrade":
        Database(settings.database_url).upgrade()
        print("database is at the newest schema")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    settings = _settings()
    from bot.services import importer
    from storage.db import Database

    db = Database(settings.database_url)
    db.upgrade()
    lookup = None
    if settings.bot_token:
        from bot.deps import make_web_client

        client = make_web_client(settings, settings.bot_token)

        def lookup(email: str) -> str | None:
            from slack_sdk.errors import SlackApiError

            try:
                return client.users_lookupByEmail(email=email)["user"]["id"]
            except SlackApiError:
                return None

    with db.session() as session:
        report = importer.import_file(session, args.team, args.file, lookup_email=lookup)
    print(importer.format_report(report))
    return 2 if report.fatal else 0 if report.ok else 1


def cmd_export(args: argparse.Namespace) -> int:
    """The Excel export of one workspace, written to a file: the same file `/rapport export` sends."""
    settings = _settings()
    from datetime import UTC, datetime
    from pathlib import Path

    from bot import exports
    from bot.domain import periods
    from bot.domain.problem import Problem
    from bot.messages import t
    from bot.services import export as export_service
    from bot.views import export as export_view
    from storage.db import Database

    def fail(message: str) -> int:
        print(f"python -m bot export: error: {message}", file=sys.stderr)
        return 2

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        return fail(t("export.cli.not_xlsx", path=out))
    if args.tz is not None and not export_service.is_zone(args.tz):
        return fail(t("export.cli.bad_zone", value=args.tz))
    db = Database(settings.database_url)
    db.upgrade()
    now = datetime.now(UTC)
    with db.session() as session:
        if not export_service.has_workspace(session, args.team):
            known = export_service.workspaces(session)
            teams = t("export.cli.known_teams", teams=", ".join(known)) if known else ""
            return fail(t("export.cli.no_team", team=args.team, known=teams))
        zone = args.tz or export_service.workspace_zone(session, args.team)
        today = now.astimezone(export_service.zone_info(zone)).date()
        period: periods.Period | Problem | None
        if args.since is not None:
            try:
                since = datetime.strptime(args.since, "%Y-%m-%d").date()
            except ValueError:
                return fail(t("export.cli.bad_since", value=args.since))
            if since > today:
                return fail(t("export.cli.future_since", value=args.since, today=today.isoformat()))
            period = periods.Period("since", since, None)
        elif args.period is not None:
            period = periods.read_period(args.period.split(), today)
            if period is None:
                return fail(t("export.cli.bad_period", value=args.period))
        else:
            period = periods.default(today)
        if isinstance(period, Problem):
            return fail(export_view.plain_problem(period))
        target = args.client or args.segment or ""
        ask = periods.ExportAsk(period, target, segment=args.segment is not None)
        chosen = export_service.choose(session, args.team, ask, zone)
        if isinstance(chosen, Problem):
            if chosen.key == "export.problem.unknown":
                chosen = Problem("export.cli.unknown_client", chosen.values)
            return fail(export_view.plain_problem(chosen))
        try:
            file = out.open("wb")
        except OSError as error:
            return fail(t("export.cli.unwritable", path=out, reason=error.strerror or error))
        try:
            with file:
                made = exports.write(session, chosen, now, file)
        except BaseException:
            out.unlink(missing_ok=True)  # no half-written file left behind
            raise
    print(export_view.written(made.export, out))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    # Imported here, and only here: the demo package sits outside the app, which never loads it.
    import demo

    return demo.run(weeks=args.weeks, seed=args.seed, out=sys.stdout)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Rapport: how your clients feel, in Slack."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("dev", help="run locally: Socket Mode + scheduler in one process").set_defaults(
        func=cmd_dev
    )
    sub.add_parser("clock", help="run the scheduler process").set_defaults(func=cmd_clock)
    sub.add_parser("tick", help="run every due job once").set_defaults(func=cmd_tick)
    demo = sub.add_parser("demo", help="simulate an agency against a local stand-in for Slack")
    demo.add_argument("--weeks", type=int, default=3)
    demo.add_argument("--seed", type=int, default=7)
    demo.set_defaults(func=cmd_demo)
    imp = sub.add_parser("import", help="import clients from .xlsx or .csv (see docs/import.md)")
    imp.add_argument("file")
    imp.add_argument("--team", required=True, help="the Slack workspace id, e.g. T012AB3CD")
    imp.set_defaults(func=cmd_import)
    exp = sub.add_parser(
        "export",
        help="write a workspace's Excel export to a file (see docs/export.md)",
        description="Write the Excel export of one workspace (Summary, Check-ins, Follow-ups, Contacts, "
        "Weekly) to a file: the same file /rapport export sends in Slack. Default: every client, the "
        "last 12 weeks, times in the zone most of the workspace is in.",
    )
    exp.add_argument("--team", required=True, help="the Slack workspace id, e.g. T012AB3CD")
    exp.add_argument("--out", required=True, help="the .xlsx file to write")
    when = exp.add_mutually_exclusive_group()
    when.add_argument("--since", metavar="DATE", help="from this day on (YYYY-MM-DD)")
    when.add_argument("--period", help="a period as /rapport export reads it: 12w, 2026, 2026-Q3, all, ...")
    who = exp.add_mutually_exclusive_group()
    who.add_argument("--client", metavar="NAME", help="one client, by name or alias")
    who.add_argument("--segment", metavar="NAME", help="the clients of one segment")
    exp.add_argument("--tz", metavar="ZONE", help="the time zone for dates, e.g. Europe/Amsterdam")
    exp.set_defaults(func=cmd_export)
    db = sub.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"])
    db.set_defaults(func=cmd_db)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)
