"""A client's health in words: the score, its band, and the reasons behind it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import Block, HeaderBlock

from bot.domain.health import PARTS, Health, Reason
from bot.messages import en, t
from bot.views.common import blocks_json, context, mrkdwn_escape, section


def band(health: Health, locale: str | None) -> str:
    label = t(f"health.band.{health.band}", locale)
    if health.at_risk and health.band != "red":
        label = f"{label} · {t('health.at_risk', locale)}"
    return label


def score(health: Health, locale: str | None) -> str:
    return t("health.score", locale, score=health.score) if health.score is not None else "—"


def reason(item: Reason, locale: str | None) -> str:
    values: dict[str, Any] = {
        k: mrkdwn_escape(v) if isinstance(v, str) else v for k, v in item.values.items()
    }
    key = item.key
    count = values.get("count")
    if key == "health.reason.overdue" and count == 1:
        key = "health.reason.overdue.today" if not values.get("days") else "health.reason.overdue.one"
    elif key == "health.reason.quiet" and isinstance(count, int) and count > 1:
        key = "health.reason.quiet.many"
    elif key == "health.reason.expectations" and values.get("rated") == 1:
        key = "health.reason.expectations.one"
    elif key == "health.reason.too_little" and count == 1:
        key = "health.reason.too_little.one"
    if f"{key}" not in en.MESSAGES:
        key = item.key
    return t(key, locale, **values)


def reasons(health: Health, locale: str | None) -> str:
    """The reasons as one line, the first word capitalised: "Feeling down 0.9 over 8 weeks; Jan
    has not replied for 9 working days"."""
    text = "; ".join(reason(r, locale) for r in health.reasons)
    return text[:1].upper() + text[1:]


def line(health: Health, locale: str | None) -> str:
    """`72/100 🟠 Amber · at risk`: the score and band."""
    if health.score is None:
        return band(health, locale)
    return f"{score(health, locale)}  {band(health, locale)}"


def weights_text(weights: Mapping[str, int]) -> str:
    return ", ".join(f"{name} {weights.get(name, 0)}" for name in PARTS)


def explain(
    weights: Mapping[str, int], windows: Mapping[str, tuple[int, int]], locale: str | None
) -> dict[str, Any]:
    """`/rapport health`: the parts with this workspace's weights, the bands, the contact windows."""
    lc = locale
    parts = "\n".join(
        t(
            "health.explain.part",
            lc,
            name=name,
            weight=weights.get(name, 0),
            what=t(f"health.part.{name}", lc),
        )
        for name in PARTS
    )
    if windows:
        listed = ", ".join(
            f"{mrkdwn_escape(name)} {ideal} / {most}" for name, (ideal, most) in sorted(windows.items())
        )
        window_text = t("health.explain.windows", lc, windows=listed)
    else:
        window_text = t("health.explain.windows_none", lc)
    blocks: list[Block] = [
        HeaderBlock(text=t("health.explain.title", lc)),
        section(t("health.explain.intro", lc)),
        section(parts),
        section(t("health.explain.bands", lc)),
        context(window_text),
        context(t("health.explain.commands", lc)),
    ]
    return {
        "response_type": "ephemeral",
        "text": t("health.explain.title", lc),
        "blocks": blocks_json(blocks),
    }


def client_parts(name: str, health: Health, locale: str | None) -> dict[str, Any]:
    """One client's score part by part, and its reasons."""
    lc = locale
    lines = [t("health.client.title", lc, client=mrkdwn_escape(name), line=line(health, lc))]
    for part in health.parts:
        if part.score is None:
            lines.append(t("health.client.part_none", lc, name=part.name))
        else:
            lines.append(
                t("health.client.part", lc, name=part.name, score=round(part.score), weight=part.weight)
            )
    blocks: list[Block] = [section("\n".join(lines)), context(reasons(health, lc))]
    return {"response_type": "ephemeral", "text": lines[0], "blocks": blocks_json(blocks)}
