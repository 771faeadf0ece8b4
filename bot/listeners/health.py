"""`/rapport health`: how the health score is worked out (with this workspace's weights and contact
windows), one client's parts, and, for owners and admins, changing the weights and a segment's
contact window."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.domain import health as rules
from bot.listeners.common import acting, deps_of, reply, run_logged
from bot.messages import t
from bot.services import clients, health
from bot.services.staff import StaffRef, refresh_profile, row
from bot.views import health as health_view


def rapport_health(
    ack: Ack, text: str, command: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    deps = deps_of(context)
    words = text.split()
    first = words[0].lower() if words else ""
    with acting(context) as (session, staff):
        lc = staff.locale
        if not words:
            ack(
                **health_view.explain(
                    health.weights(session, staff.team_id), health.windows(session, staff.team_id), lc
                )
            )
            return
        if first not in ("weights", "gewichten", "segment"):
            found = clients.look_up(session, staff.team_id, text, deps.now())
            if not isinstance(found, clients.Card):
                ack(response_type="ephemeral", text=t("health.unknown_client", lc, query=text))
                return
            scored = health.of_client(session, staff.team_id, found.client.id, deps.now())
            if scored is None:  # churned: no score
                ack(response_type="ephemeral", text=t("health.unknown_client", lc, query=text))
                return
            ack(**health_view.client_parts(scored.name, scored.health, lc))
            return
    change = _read(first, words[1:])
    if isinstance(change, str):
        ack(response_type="ephemeral", text=change_problem(change, " ".join(words[1:]), lc))
        return
    ack()
    deps.background.submit(run_logged, _change, deps, client, staff, change, command.get("response_url"))


def change_problem(kind: str, text: str, lc: str | None) -> str:
    if kind == "weights":
        return t("health.bad_weights", lc, text=text, parts=", ".join(rules.PARTS))
    return t("health.bad_window", lc, text=text)


def _read(first: str, rest: list[str]) -> dict[str, Any] | str:
    """The change asked for, or which kind of problem ("weights", "window")."""
    if first in ("weights", "gewichten"):
        if [w.lower() for w in rest] == ["reset"]:
            return {"reset": True}
        pairs = " ".join(rest).replace("=", " ").replace(",", " ").split()
        if not pairs or len(pairs) % 2:
            return "weights"
        weights: dict[str, int] = {}
        for name, value in zip(pairs[::2], pairs[1::2], strict=True):
            if (
                name.lower() not in rules.PARTS
                or not value.isdigit()
                or not 0 <= int(value) <= rules.WEIGHT_MAX
            ):
                return "weights"
            weights[name.lower()] = int(value)
        return {"weights": weights}
    if len(rest) >= 3 and rest[-1].isdigit() and rest[-2].isdigit():
        ideal, most = int(rest[-2]), int(rest[-1])
        segment = " ".join(rest[:-2]).strip()
        if segment and 1 <= ideal <= most <= 365:
            return {"segment": segment, "ideal": ideal, "most": most}
    return "window"


def _change(deps: Deps, client: WebClient, staff: StaffRef, change: dict[str, Any], url: str | None) -> None:
    now = deps.now()
    lc = staff.locale
    with deps.db.session() as session:
        person = refresh_profile(session, client, row(session, staff), now)
        if not person.is_admin:
            text = t("health.admins_only", lc)
        elif change.get("reset"):
            text = t(
                "health.weights_saved",
                lc,
                weights=health_view.weights_text(health.reset_weights(session, staff.team_id)),
            )
        elif "weights" in change:
            saved = health.set_weights(session, staff.team_id, change["weights"])
            text = t("health.weights_saved", lc, weights=health_view.weights_text(saved))
        else:
            ideal, most = health.set_window(
                session, staff.team_id, change["segment"], change["ideal"], change["most"]
            )
            text = t("health.window_saved", lc, segment=change["segment"], ideal=ideal, most=most)
    reply(deps, url, {"response_type": "ephemeral", "text": text})
