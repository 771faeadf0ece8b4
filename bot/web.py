"""The web process: `gunicorn bot.web:app`. Serves Slack on /slack/events, OAuth, and /healthz."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from datetime import datetime
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from sqlalchemy import text

from bot.deps import Deps, build_deps, system_clock
from config.settings import Settings
from storage.db import Database

StartResponse = Any


class RapportWSGI:
    """Bolt's WSGI handler plus a health check that also proves the database answers."""

    def __init__(self, bolt_app: App, deps: Deps) -> None:
        self.bolt_app = bolt_app
        self.deps = deps  # the collaborators jobs, the demo and tests use
        self.slack = SlackRequestHandler(bolt_app, path="/slack/events")

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return self.health(start_response)
        return self.slack(environ, start_response)

    def health(self, start_response: StartResponse) -> Iterable[bytes]:
        try:
            with self.deps.db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            status, body = "200 OK", {"ok": True, "database": "ok"}
        except Exception as error:  # a health check reports, it does not raise
            status, body = "503 Service Unavailable", {"ok": False, "database": type(error).__name__}
        payload = json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
        return [payload]


def create_wsgi_app(
    settings: Settings,
    client: WebClient | None = None,
    *,
    db: Database | None = None,
    clock: Callable[[], datetime] = system_clock,
    listener_executor: Executor | None = None,
) -> RapportWSGI:
    from bot.app import create_app

    deps = build_deps(settings, client, db=db, clock=clock, background=listener_executor)
    return RapportWSGI(create_app(settings, deps=deps), deps)


class _FromEnvironment:
    """Built on the first request, so importing this module never needs the environment."""

    def __init__(self) -> None:
        self._app: RapportWSGI | None = None
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if self._app is None:
            with self._lock:
                if self._app is None:
                    from bot import logs

                    settings = Settings.from_env().require_web()
                    logs.configure(settings.log_level, settings.secrets())
                    self._app = create_wsgi_app(settings)
        return self._app(environ, start_response)

    def reset(self) -> None:
        self._app = None


app = _FromEnvironment()
