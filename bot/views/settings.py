"""`/rapport settings`: a person's working days and hours and reminder intensity, and the form that
changes them."""

from __future__ import annotations

from datetime import time
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    InputBlock,
    Option,
    RadioButtonsElement,
    TimePickerElement,
)

from bot.domain.hours import DAY_NAMES, parse_clock
from bot.domain.intensity import INTENSITIES
from bot.domain.problem import Problem
from bot.messages import t
from bot.services.settings import Change, Current, Saved
from bot.views.common import (
    answer,
    as_text,
    blocks_json,
    button,
    chosen,
    context,
    drawn,
    metadata,
    modal_json,
    mrkdwn_escape,
    read_metadata,
    section,
)

CALLBACK = "settings_modal"
CHANGE = "settings_change"  # the button that opens the form


def zone_text(current: Current) -> str:
    return mrkdwn_escape(current.tz) if current.tz else t("settings.zone_unknown", current.locale)


def intensity_name(value: str, locale: str | None) -> str:
    return t(f"intensity.{value}", locale)


def message(
    current: Current, *, saved: Saved | None = None, problem: Problem | None = None
) -> dict[str, Any]:
    """The settings as they are, with a button to change them; what a change did, or why what was
    typed could not be read, on top."""
    lc = current.locale
    blocks: list[Block] = []
    said: list[str] = []
    if problem is not None:
        said.append(f":warning: {problem_text(problem, lc)}")
    if saved is not None:
        said.append(changes_text(saved))
    blocks.extend(section(line) for line in said)
    summary = "\n".join(
        (
            t("settings.title", lc),
            t("settings.zone", lc, zone=zone_text(current)),
            t("settings.hours", lc, hours=current.hours.describe()),
            t(
                "settings.intensity",
                lc,
                name=intensity_name(current.intensity, lc),
                meaning=t(f"intensity.{current.intensity}.meaning", lc),
            ),
        )
    )
    blocks.append(section(summary, button(t("settings.change_button", lc), CHANGE, style="primary")))
    blocks.append(context(f"{t('settings.why', lc)} {t('settings.typed', lc)}"))
    text = said[0] if said else t("settings.hours", lc, hours=current.hours.describe())
    return {"response_type": "ephemeral", "text": text, "blocks": blocks_json(blocks)}


def problem_text(problem: Problem, locale: str | None) -> str:
    """Why something could not be done, quoting what was typed as mrkdwn shows it."""
    values = {k: mrkdwn_escape(v) if isinstance(v, str) else v for k, v in problem.values.items()}
    return t(problem.key, locale, **values)


def changes_text(saved: Saved) -> str:
    """What a change did, in a sentence or three."""
    lc = saved.after.locale
    if not saved.changed:
        return t("settings.unchanged", lc)
    lines: list[str] = []
    if "days" in saved.changed or "hours" in saved.changed:
        lines.append(
            t(
                "settings.changed.hours",
                lc,
                now=saved.after.hours.describe(),
                was=saved.before.hours.describe(),
            )
        )
    if "intensity" in saved.changed:
        lines.append(
            t(
                "settings.changed.intensity",
                lc,
                now=intensity_name(saved.after.intensity, lc),
                was=intensity_name(saved.before.intensity, lc),
            )
        )
    if saved.replanned == 1:
        lines.append(t("settings.replanned.one", lc))
    elif saved.replanned > 1:
        lines.append(t("settings.replanned.many", lc, count=saved.replanned))
    return t("settings.saved", lc, changes=" ".join(lines))


# --- the form ----------------------------------------------------------------------------------------


def modal(current: Current, response_url: str | None = None) -> dict[str, Any]:
    """The form: working days to tick, the day's start and end, and light or standard reminders."""
    lc = current.locale
    hours = current.hours
    day_labels = tuple(t(f"day.{day}", lc) for day in range(len(DAY_NAMES)))
    blocks = [
        drawn(
            _days_input,
            t("settings.form.days", lc),
            t("settings.form.days_hint", lc, zone=current.tz or "UTC"),
            day_labels,
            tuple(sorted(hours.effective_days)),
        ),
        drawn(_time_input, "start", t("settings.form.start", lc), f"{hours.start:%H:%M}"),
        drawn(_time_input, "end", t("settings.form.end", lc), f"{hours.end:%H:%M}"),
        drawn(
            _intensity_input,
            t("settings.form.intensity", lc),
            tuple(
                (value, t(f"intensity.{value}", lc), t(f"intensity.{value}.short", lc))
                for value in INTENSITIES
            ),
            current.intensity,
        ),
    ]
    return modal_json(
        CALLBACK,
        t("settings.form.title", lc),
        t("settings.form.submit", lc),
        t("common.cancel", lc),
        metadata(r=response_url),
        blocks,
    )


def _day_options(labels: tuple[str, ...]) -> list[Option]:
    return [Option(value=str(day), text=label) for day, label in enumerate(labels)]


def _days_input(label: str, hint: str, day_labels: tuple[str, ...], days: tuple[int, ...]) -> Block:
    options = _day_options(day_labels)
    return InputBlock(
        block_id="days",
        label=label,
        hint=hint,
        element=CheckboxesElement(
            action_id="days_pick",
            options=options,
            initial_options=[options[day] for day in days] or None,
        ),
    )


def _time_input(which: str, label: str, clock: str) -> Block:
    return InputBlock(
        block_id=which, label=label, element=TimePickerElement(action_id=f"{which}_pick", initial_time=clock)
    )


def _intensity_input(label: str, choices: tuple[tuple[str, str, str], ...], picked: str) -> Block:
    options = [Option(value=value, text=name, description=short) for value, name, short in choices]
    return InputBlock(
        block_id="intensity",
        label=label,
        element=RadioButtonsElement(
            action_id="intensity_pick",
            options=options,
            initial_option=next((o for o in options if o.value == picked), None),
        ),
    )


def read(values: dict[str, Any], locale: str | None) -> tuple[Change, dict[str, str]]:
    """The change a submitted form asks for, and an error per block it cannot be read from (whether
    the days and times make sense together is the service's to say)."""
    errors: dict[str, str] = {}
    ticked = answer(values, "days", "days_pick").get("selected_options")
    days = frozenset(
        int(option["value"])
        for option in (ticked if isinstance(ticked, list) else [])
        if isinstance(option, dict) and as_text(option.get("value")) in _DAY_VALUES
    )
    start, end = _clock(values, "start"), _clock(values, "end")
    for which, clock in (("start", start), ("end", end)):
        if clock is None:
            errors[which] = t(f"settings.form.error.{which}", locale)
    picked = as_text(chosen(values, "intensity", "intensity_pick").get("value"))
    if picked not in INTENSITIES:
        errors["intensity"] = t("settings.form.error.intensity", locale)
        picked = None
    return Change(days=days, start=start, end=end, intensity=picked), errors


_DAY_VALUES = frozenset(str(day) for day in range(len(DAY_NAMES)))


def _clock(values: dict[str, Any], which: str) -> time | None:
    picked = as_text(answer(values, which, f"{which}_pick").get("selected_time"))
    try:
        return parse_clock(picked) if picked else None
    except ValueError:
        return None


def problems_as_errors(problems: dict[str, Problem], locale: str | None) -> dict[str, str]:
    """The service's problems with a change, as the form's errors (its parts are the form's blocks)."""
    return {part: t(problem.key, locale, **problem.values) for part, problem in problems.items()}


def origin_of(view: Any) -> str | None:
    """The response_url of the settings message the form was opened from."""
    meta = read_metadata(view.get("private_metadata") if isinstance(view, dict) else None)
    return as_text(meta.get("r"))


def no_form(locale: str | None) -> str:
    return t("settings.no_trigger", locale)
