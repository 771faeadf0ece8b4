"""The app factory: settings and collaborators in, a Bolt App with every listener out."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor
from datetime import datetime
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from bot import listeners
from bot.deps import Deps, build_deps, system_clock
from bot.identity import BotIdentity
from bot.listeners.common import deps_of, reply
from bot.listeners.middleware import HandleEachEventOnce, ProvideDeps
from bot.messages import t
from bot.views.common import submitted
from bot.webclient import PooledClientMiddleware
from config.settings import BOT_SCOPES, Settings
from storage.db import Database, unavailable

log = logging.getLogger("bot")


def create_app(
    settings: Settings,
    client: WebClient | None = None,
    *,
    deps: Deps | None = None,
    db: Database | None = None,
    clock: Callable[[], datetime] = system_clock,
    listener_executor: Executor | None = None,
) -> App:
    """One workspace on a bot token, or many through OAuth (client id and secret, no bot token).

    Listeners find the collaborators (`deps`, made here unless given) in their Bolt context.
    """
    deps = deps or build_deps(settings, client, db=db, clock=clock, background=listener_executor)
    common: dict[str, Any] = {
        "client": deps.client,
        "listener_executor": deps.background,
        "signing_secret": settings.signing_secret,
        "process_before_response": settings.process_before_response,
        # The web process checks every signature before Bolt sees a request (bot.web); Socket Mode
        # needs none.
        "request_verification_enabled": False,
        "raise_error_for_unhandled_request": False,
        "ignoring_self_events_enabled": True,
    }
    if deps.installation_store is not None:
        assert settings.client_id and settings.client_secret
        app = App(
            oauth_settings=OAuthSettings(
                client_id=settings.client_id,
                client_secret=settings.client_secret,
                scopes=list(BOT_SCOPES),
                installation_store=deps.installation_store,
                state_store=SQLAlchemyOAuthStateStore(
                    expiration_seconds=600, engine=deps.db.engine, table_name="slack_oauth_states"
                ),
                install_path="/slack/install",
                redirect_uri_path="/slack/oauth_redirect",
            ),
            **common,
        )
    else:
        # One workspace: authorized from what is known of the bot, learned off the request path.
        assert deps.client is not None and deps.client.token, "one workspace needs its bot token"
        deps.identity = identity = BotIdentity(deps.client, deps.client.token)
        if settings.token_verification:
            identity.start()
        app = App(authorize=identity.authorizer(), **common)

    app.error(on_error)
    app.use(ProvideDeps(deps))
    # Listeners get a client that keeps its connections to Slack open (Bolt makes a plain one).
    app.use(PooledClientMiddleware())
    app.use(HandleEachEventOnce())
    listeners.register(app)
    return app


def unsaved_answer(body: dict[str, Any]) -> BoltResponse | None:
    """When the database could not take a command or a form: say nothing was saved, and keep what
    the person typed (the command's text quoted back; the form left open with its entries)."""
    if isinstance(body.get("command"), str):
        text = t("common.unsaved_command", command=body["command"], text=str(body.get("text") or "")[:3000])
        return BoltResponse(status=200, body={"response_type": "ephemeral", "text": text})
    if body.get("type") == "view_submission":
        blocks = [block for block in submitted(body.get("view")) if isinstance(block, str)]
        if blocks:  # the error sits under the form's first input, and the form stays open
            return BoltResponse(
                status=200,
                body={"response_action": "errors", "errors": {blocks[0]: t("common.unsaved_form")}},
            )
    return None


def on_error(error: Exception, body: dict[str, Any], context: BoltContext) -> BoltResponse | None:
    """Log what happened and where, with the traceback; never the body itself (it carries tokens).

    Only signed requests reach Bolt (bot.web), and the apology goes only to one of Slack's own
    response_urls (`reply`).
    """
    kind = body.get("type") or ("slash_command" if "command" in body else "unknown")
    where = body.get("command") or body.get("callback_id") or (body.get("event") or {}).get("type") or ""
    team = body.get("team_id") or (body.get("team") or {}).get("id")
    log.error("unhandled error in %s %s (team %s)", kind, where, team, exc_info=error)
    if unavailable(error):
        unsaved = unsaved_answer(body)
        if unsaved is not None:
            return unsaved
    url = body.get("response_url")
    if isinstance(url, str) and "deps" in context:
        try:
            reply(deps_of(context), url, {"text": t("common.error")})
        except Exception:  # the apology is best effort; the real error is logged above
            log.warning("could not tell the user about the error", exc_info=True)
    return None
