"""`python -m bot <command>`: dev, clock, demo, import, digest, db upgrade, tick."""

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


def cmd_digest(args: argparse.Namespace) -> int:
    """This week's digest of a workspace, as text, as of now (nothing is posted)."""
    settings = _settings()
    from datetime import UTC, datetime

    from bot.services import digest
    from bot.views import digest as digest_view
    from storage.db import Database
    from storage.models import Workspace

    db = Database(settings.database_url)
    db.upgrade()
    with db.session() as session:
        if session.get(Workspace, args.team) is None:
            print(
                f"No workspace {args.team} in this database (check --team and DATABASE_URL).", file=sys.stderr
            )
            return 2
        built = digest.build(session, args.team, datetime.now(UTC), args.tz)
        print(digest_view.as_text(built), end="")
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
    dig = sub.add_parser("digest", help="print this week's digest of a workspace as text (posts nothing)")
    dig.add_argument("--team", required=True, help="the Slack workspace id, e.g. T012AB3CD")
    dig.add_argument(
        "--tz", help="time zone for the dates shown, e.g. Europe/Amsterdam (default: the digest's)"
    )
    dig.set_defaults(func=cmd_digest)
    db = sub.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"])
    db.set_defaults(func=cmd_db)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)
