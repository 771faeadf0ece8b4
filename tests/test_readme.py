"""README and docs/ stand alone: every link and path is in the repository, and what they say about
Python and the timing of prompts is what the code does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.domain.hours import WorkingHours
from config.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", ROOT / "bench" / "README.md", *(ROOT / "docs").glob("*.md")])
README = (ROOT / "README.md").read_text(encoding="utf-8")
# Paths that only exist on one machine: its root folders, a home folder.
MACHINE_PATH = re.compile(r"(?<![\w.:/])(?:/(?:work|home|tmp|Users|usr|opt|mnt|srv|var|root)/|~/)")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def section(title: str) -> str:
    start = README.index(f"## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_a_page_names_no_path_outside_the_repository(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert MACHINE_PATH.findall(text) == []
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        path = (page.parent / target.split("#")[0]).resolve()
        assert path.is_relative_to(ROOT), f"{page.name} links outside the repository: {target}"
        assert path.exists(), f"{page.name} links to {target}, which is not there"


def test_the_readme_says_which_python() -> None:
    assert "Python 3.11 or newer" in section("The two commands")
    assert 'requires-python = ">=3.11"' in (ROOT / "pyproject.toml").read_text()


def test_how_prompts_are_timed_gives_the_real_values_and_how_to_change_them() -> None:
    timing = section("How prompts are timed")
    settings, hours = Settings(), WorkingHours()
    assert f"{settings.prompt_delay_minutes} minutes after" in timing
    assert f"after {settings.prompt_reminder_hours} working hours" in timing
    assert f"{settings.prompt_expiry_hours} working hours after the reminder" in timing
    assert f"{hours.start:%H:%M}–{hours.end:%H:%M}" in timing and "Monday to Friday" in timing
    for variable in (
        "RAPPORT_PROMPT_DELAY_MINUTES",
        "RAPPORT_PROMPT_REMINDER_HOURS",
        "RAPPORT_PROMPT_EXPIRY_HOURS",
    ):
        assert f"`{variable}`" in timing
    assert "/rapport settings" in timing and "intensity light" in timing


def test_step_four_puts_real_people_in_the_sheet_before_importing() -> None:
    step = README[README.index("\n4. ") : README.index("\n5. ")]
    assert step.index("real people") < step.index("python -m bot import")
    assert "made up" in step and "`/rapport clients` shows them by that e-mail" in step
