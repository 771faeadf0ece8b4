"""A client's health in words: the score, its band, and the reasons behind it."""

from __future__ import annotations

from typing import Any

from bot.domain.health import Health, Reason
from bot.messages import en, t
from bot.views.common import mrkdwn_escape


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
