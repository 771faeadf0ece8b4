"""The /feeling views' JSON, checked against the plain slack_sdk way of building it.

`feeling.modal` + `view_json` and `feeling.logged` reuse JSON that slack_sdk produced and
validated once. The reference below is the code as it was before that (every object built and
serialised by slack_sdk on each call), kept here on purpose: both must give equal JSON for every
kind of input, and raise the same slack_sdk errors.
"""

from __future__ import annotations

import json
import random
from itertools import product
from typing import Any

import pytest
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    ExternalDataSelectElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot import messages
from bot.domain.feelings import FACES, Expectation
from bot.domain.text import NOTE_MAX, truncate
from bot.messages import t
from bot.services.checkins import Draft
from bot.views import feeling
from bot.views.common import view_json
from bot.views.feeling import ModalContext

# --- the reference: the original, straightforward slack_sdk code ---------------------------------


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=truncate(text, 3000)))


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=truncate(text, 3000))])


def _button(text: str, action_id: str, value: str = "") -> ButtonElement:
    return ButtonElement(text=truncate(text, 75), action_id=action_id, value=value or None)


def _face_label(score: int) -> str:
    return f"{FACES[score].emoji} {FACES[score].label}"


def _metadata(**values: Any) -> str:
    return json.dumps({k: v for k, v in values.items() if v is not None}, separators=(",", ":"))


def _client_picker(client_id: int | None, client_name: str | None, locale: str | None) -> InputBlock:
    initial = Option(text=client_name, value=str(client_id)) if client_id and client_name else None
    return InputBlock(
        block_id="client",
        label=t("modal.feeling.client", locale),
        element=ExternalDataSelectElement(
            action_id="client_select",
            placeholder=t("modal.feeling.client_placeholder", locale),
            initial_option=initial,
            min_query_length=0,
        ),
    )


def _reference_modal(draft: Draft, ctx: ModalContext, *, notice: str | None, locale: str | None) -> View:
    lc = locale
    blocks: list[Block] = []
    if notice:
        blocks.append(_section(f":warning: {notice}"))
    if ctx.fixed_client:
        blocks.append(_context(t("modal.feeling.about", lc, client=_escape(ctx.fixed_client))))
    else:
        blocks.append(_client_picker(draft.client_id, draft.client_name, lc))
    faces = [Option(text=_face_label(s), value=str(s)) for s in FACES]
    blocks.append(
        InputBlock(
            block_id="score",
            label=t("modal.feeling.score", lc),
            element=RadioButtonsElement(
                action_id="score_pick",
                options=faces,
                initial_option=faces[draft.score - 1] if draft.score in FACES else None,
            ),
        )
    )
    expectations = [Option(text=t(f"expectation.{e.value}", lc), value=e.value) for e in Expectation]
    chosen = next((o for o in expectations if o.value == draft.expectation), None)
    blocks.append(
        InputBlock(
            block_id="expectation",
            label=t("modal.feeling.expectation", lc),
            optional=True,
            element=RadioButtonsElement(
                action_id="expectation_pick", options=expectations, initial_option=chosen
            ),
        )
    )
    blocks.append(
        InputBlock(
            block_id="note",
            label=t("modal.feeling.note", lc),
            optional=True,
            element=PlainTextInputElement(
                action_id="note_input",
                multiline=True,
                initial_value=draft.note or None,
                placeholder=t("modal.feeling.note_placeholder", lc),
            ),
            hint=t("modal.feeling.note_hint", lc, limit=NOTE_MAX),
        )
    )
    blocks.append(
        InputBlock(
            block_id="tags",
            label=t("modal.feeling.tags", lc),
            optional=True,
            element=PlainTextInputElement(
                action_id="tags_input",
                initial_value=", ".join(draft.tags) or None,
                placeholder=t("modal.feeling.tags_placeholder", lc),
            ),
        )
    )
    meta = _metadata(
        p=ctx.prompt_id, c=ctx.checkin_id, r=ctx.response_url, f=ctx.fixed_client, ch=ctx.channel, ts=ctx.ts
    )
    return View(
        type="modal",
        callback_id="feeling_modal",
        title=t("modal.feeling.title", lc),
        submit=t("modal.feeling.submit", lc),
        close=t("common.cancel", lc),
        private_metadata=meta,
        blocks=blocks,
    )


def reference_modal_json(
    draft: Draft, ctx: ModalContext, *, notice: str | None = None, locale: str | None = None
) -> dict[str, Any]:
    view = _reference_modal(draft, ctx, notice=notice, locale=locale)
    view.validate_json()
    return view.to_dict()


def reference_logged(
    client_name: str, score: int, checkin_id: int, note: str | None, locale: str | None
) -> dict[str, Any]:
    text = t("feeling.logged", locale, face=_face_label(score), client=_escape(client_name))
    blocks: list[Block] = [_section(text)]
    if note:
        blocks.append(_context(f"“{_escape(note)}”"))
    blocks.append(
        ActionsBlock(
            block_id="checkin_logged",
            elements=[
                _button(t("feeling.details_button", locale), "checkin_details", str(checkin_id)),
                _button(t("common.undo", locale), "checkin_undo", str(checkin_id)),
            ],
        )
    )
    for block in blocks:
        block.validate_json()
    return {
        "text": t("feeling.logged", locale, face=_face_label(score), client=client_name),
        "blocks": [b.to_dict() for b in blocks],
    }


# --- the inputs ----------------------------------------------------------------------------------

LOCALES = [None, "en-US", "nl-NL"]
SCORES = [None, 1, 2, 3, 4, 5]
EXPECTATIONS = [None, *(e.value for e in Expectation), "bogus"]
NOTES = ["", "Went well", 'Tom & <Jerry> said "*hi*"\nsecond line', "x" * 5000, "é🙂" * 2500]
TAGS: list[tuple[str, ...]] = [(), ("billing",), ("billing", "upsell", "q3")]
CLIENTS = [(None, None), (7, "Acme"), (7, None), (None, "Acme"), (0, "Zero"), (123456, "Tom & <Jerry> 🙂")]
NOTICES = [None, "", "I couldn't tell which client you meant.", "<b> & *c*", "n" * 4000]
CONTEXTS = [
    ModalContext(),
    ModalContext(response_url="https://hooks.slack.com/commands/T1/2/abc"),
    ModalContext(prompt_id=5, fixed_client="Acme: Kick-off call"),
    ModalContext(checkin_id=9, fixed_client="Tom & <Jerry>", response_url="https://hooks.slack.com/x"),
    ModalContext(prompt_id=5, fixed_client="Acme: QBR", channel="D123", ts="1700000000.000100"),
    ModalContext(fixed_client="&<" * 700),  # escaped past 3,000 characters: cut short
    ModalContext(prompt_id=1, checkin_id=2, response_url="u", fixed_client="F", channel="C", ts="1.2"),
]


def _modal_cases() -> list[tuple[Draft, ModalContext, str | None, str | None]]:
    rng = random.Random(20240601)
    cases = []
    # Every score x expectation x locale, with the other inputs varied.
    for score, expectation, locale in product(SCORES, EXPECTATIONS, LOCALES):
        client_id, client_name = rng.choice(CLIENTS)
        draft = Draft(
            client_id=client_id,
            client_name=client_name,
            score=score,
            expectation=expectation,
            note=rng.choice(NOTES),
            tags=rng.choice(TAGS),
        )
        cases.append((draft, rng.choice(CONTEXTS), rng.choice(NOTICES), locale))
    # Every client x note x tags x context, and every notice.
    for (client_id, client_name), note, tags, ctx in product(CLIENTS, NOTES, TAGS, CONTEXTS):
        draft = Draft(client_id=client_id, client_name=client_name, score=3, note=note, tags=tags)
        cases.append((draft, ctx, rng.choice(NOTICES), rng.choice(LOCALES)))
    for notice, locale in product(NOTICES, LOCALES):
        cases.append((Draft(), ModalContext(), notice, locale))
    # The enum itself as the expectation, as the services may pass it.
    cases.append((Draft(expectation=Expectation.MET, score=5), ModalContext(), None, None))
    return cases


MODAL_CASES = _modal_cases()


def test_the_cases_cover_every_input() -> None:
    drafts = [c[0] for c in MODAL_CASES]
    assert {d.score for d in drafts} == set(SCORES)
    assert {d.expectation for d in drafts} >= set(EXPECTATIONS)
    assert {d.note for d in drafts} == set(NOTES)
    assert {d.tags for d in drafts} == set(TAGS)
    assert {(d.client_id, d.client_name) for d in drafts} == set(CLIENTS)
    assert {c[1] for c in MODAL_CASES} == set(CONTEXTS)
    assert {c[2] for c in MODAL_CASES} == set(NOTICES)
    assert {c[3] for c in MODAL_CASES} == set(LOCALES)


def test_modal_json_is_what_slack_sdk_builds() -> None:
    for draft, ctx, notice, locale in MODAL_CASES:
        expected = reference_modal_json(draft, ctx, notice=notice, locale=locale)
        view = feeling.modal(draft, ctx, notice=notice, locale=locale)
        got = view_json(view)
        assert got == expected, (draft, ctx, notice, locale)
        assert json.dumps(got) == json.dumps(expected), "same key order"
        # slack_sdk's WebClient.views_open calls to_dict() itself when given the View.
        assert view.to_dict() == expected


def test_modal_json_twice_and_after_the_cache_is_warm() -> None:
    draft, ctx = Draft(client_id=7, client_name="Acme", score=2, note="n", tags=("a",)), ModalContext()
    first = view_json(feeling.modal(draft, ctx, locale="en-US"))
    second = view_json(feeling.modal(draft, ctx, locale="en-US"))
    assert first == second == reference_modal_json(draft, ctx, locale="en-US")


LOGGED_CASES = [
    (name, score, checkin_id, note, locale)
    for name, score, checkin_id, note, locale in product(
        ["Acme", "Tom & <Jerry> 🙂", "", "n" * 3100],
        [1, 2, 3, 4, 5],
        [1, 123456789],
        [None, "", "Went well", "Tom & <Jerry>", "x" * 5000],
        LOCALES,
    )
]


def test_logged_json_is_what_slack_sdk_builds() -> None:
    for case in LOGGED_CASES:
        expected = reference_logged(*case)
        got = feeling.logged(*case)
        assert got == expected, case
        assert json.dumps(got) == json.dumps(expected), "same key order"


def test_callers_get_fresh_json_they_may_change() -> None:
    draft, ctx = Draft(client_id=7, client_name="Acme", score=4, expectation="met", note="n"), ModalContext()
    expected = reference_modal_json(draft, ctx, notice="hm", locale=None)
    for _ in range(2):
        got = view_json(feeling.modal(draft, ctx, notice="hm", locale=None))
        assert got == expected
        for block in got["blocks"]:
            block["type"] = "spoiled"
            element = block.get("element") or {}
            for option in element.get("options", []):
                option["text"]["text"] = "spoiled"
            element.get("initial_option", {}).clear()
            (block.get("label") or {})["text"] = "spoiled"
        got["title"]["text"] = "spoiled"
        got["blocks"].clear()

    expected_logged = reference_logged("Acme", 3, 1, "note", None)
    for _ in range(2):
        got_logged = feeling.logged("Acme", 3, 1, "note", None)
        assert got_logged == expected_logged
        for block in got_logged["blocks"]:
            for element in block.get("elements", []):
                element.clear()
            block.clear()


def test_new_words_in_a_catalog_are_used_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing is cached by locale alone: the words themselves are part of every cache key."""
    draft, ctx = Draft(score=3, expectation="below"), ModalContext()
    view_json(feeling.modal(draft, ctx, locale="nl-NL"))
    feeling.logged("Acme", 3, 1, None, "nl-NL")
    words = {
        "modal.feeling.score": "Hoe voelden ze zich?",
        "modal.feeling.title": "Gevoel loggen",
        "expectation.below": "Onder verwachting",
        "modal.feeling.note_placeholder": "Wat gebeurde er?",
        "common.undo": "Ongedaan maken",
    }
    monkeypatch.setitem(messages.CATALOGS, "nl", words)
    for score, expectation in product(SCORES, EXPECTATIONS):
        draft = Draft(score=score, expectation=expectation)
        for locale in ("nl-NL", "en-US"):
            got = view_json(feeling.modal(draft, ctx, locale=locale))
            assert got == reference_modal_json(draft, ctx, locale=locale)
    assert feeling.logged("Acme", 3, 1, None, "nl-NL") == reference_logged("Acme", 3, 1, None, "nl-NL")


# --- validation: the same slack_sdk errors as before ---------------------------------------------


def _error(build: Any) -> str:
    with pytest.raises(SlackObjectFormationError) as raised:
        build()
    return str(raised.value)


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("modal.feeling.title", "A title much longer than twenty-four characters"),
        ("modal.feeling.submit", "S" * 25),
        ("common.cancel", "C" * 25),
        ("modal.feeling.score", "L" * 2001),
        ("modal.feeling.client", "L" * 2001),
        ("modal.feeling.client_placeholder", "P" * 151),
        ("modal.feeling.note_placeholder", "P" * 151),
        ("modal.feeling.note_hint", "H" * 2001),
        ("modal.feeling.tags", "T" * 2001),
        ("expectation.met", "E" * 76),
        ("modal.feeling.expectation", "E" * 2001),
    ],
)
def test_words_slack_would_refuse_still_raise(monkeypatch: pytest.MonkeyPatch, key: str, text: str) -> None:
    monkeypatch.setitem(messages.CATALOGS, "xx", {key: text})
    ctx = ModalContext()
    for draft in (Draft(), Draft(client_id=1, client_name="Acme", score=2, expectation="met")):
        expected = _error(lambda d=draft: reference_modal_json(d, ctx, locale="xx"))
        view = feeling.modal(draft, ctx, locale="xx")  # as before, the error comes with the JSON
        assert _error(lambda v=view: view_json(v)) == expected
        assert _error(view.to_dict) == expected
        # Still raised the next time: a refused part is never cached.
        assert _error(lambda d=draft: view_json(feeling.modal(d, ctx, locale="xx"))) == expected
    # and the same words are fine again without the bad one
    assert view_json(feeling.modal(Draft(), ModalContext(), locale="en")) == reference_modal_json(
        Draft(), ModalContext(), locale="en"
    )


@pytest.mark.parametrize(
    ("draft", "ctx"),
    [
        (Draft(client_id=7, client_name="C" * 76), ModalContext()),  # option text over 75
        (Draft(client_id=10**151, client_name="Acme"), ModalContext()),  # option value over 150
        (Draft(), ModalContext(response_url="u" * 3000)),  # private_metadata over 3000
    ],
)
def test_values_slack_would_refuse_still_raise(draft: Draft, ctx: ModalContext) -> None:
    expected = _error(lambda: reference_modal_json(draft, ctx))
    assert _error(lambda: view_json(feeling.modal(draft, ctx))) == expected
    assert _error(feeling.modal(draft, ctx).to_dict) == expected


def test_values_at_the_limits_pass_as_before() -> None:
    for draft in (Draft(client_id=7, client_name="C" * 75), Draft(client_id=10**149, client_name="A")):
        assert view_json(feeling.modal(draft, ModalContext())) == reference_modal_json(draft, ModalContext())
    notice = "n" * 2990
    assert view_json(feeling.modal(Draft(), ModalContext(), notice=notice)) == reference_modal_json(
        Draft(), ModalContext(), notice=notice
    )


def test_logged_refuses_what_slack_sdk_refuses() -> None:
    huge = 10**2001  # a button value over 2,000 characters
    expected = _error(lambda: reference_logged("Acme", 3, huge, None, None))
    assert _error(lambda: feeling.logged("Acme", 3, huge, None, None)) == expected
    fine = 10**1999
    assert feeling.logged("Acme", 3, fine, None, None) == reference_logged("Acme", 3, fine, None, None)


# --- the template machinery ----------------------------------------------------------------------


def test_a_slot_must_be_a_whole_json_value() -> None:
    from bot.views.common import BlockTemplate, Slot, section

    inside = BlockTemplate(lambda text: section(f"Hi {text}"), text=Slot())
    with pytest.raises(ValueError, match="whole JSON value"):
        inside(text="Ann").to_dict()
    dropped = BlockTemplate(lambda text: section("Hi"), text=Slot())
    with pytest.raises(ValueError, match="missing"):
        dropped(text="Ann").to_dict()
    with pytest.raises(TypeError):
        BlockTemplate(section, text=Slot())(words="Ann")
