"""Whatever a person types and whatever shape a signed payload takes, Rapport answers: a clear
message, a form, or a quiet 200. Never a server error. Property-based, through the real WSGI app.

Each property runs its examples against one app and one database (hypothesis re-runs the test
function, not the fixtures), which is what a long-running web process sees too.
"""

from __future__ import annotations

import json
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import USER, add_client

# RAPPORT_FUZZ_EXAMPLES=2000 for a longer search than CI's.
EXAMPLES = int(os.environ.get("RAPPORT_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

CLIENTS = ("Acme", "Acme Labs", "Café Zuid", "Tom & Jerry", "Q")


def seed(db: Any) -> None:
    from sqlalchemy import select

    from storage.models import Client

    with db.session() as session:
        if session.scalars(select(Client.id)).first() is not None:
            return
    for name in CLIENTS:
        add_client(db, name, lead=USER, aliases=(name[:2] + "x",))


def fine(response: Any) -> None:
    """A clear answer or a quiet one: HTTP 200 with nothing or with a message that says something, or
    a 4xx saying in a few words what was wrong with a payload Slack would not send."""
    assert response.status < 500, (response.status, response.body[:300])
    if response.status >= 400:
        assert 0 < len(response.text) < 100 and "Traceback" not in response.text
        return
    if response.body:
        answer = response.json()
        assert answer.get("text") or answer.get("response_action") or answer.get("options") is not None


# What people type: any text, and text built from the pieces commands are made of.
WORDS = st.sampled_from(
    ["acme", "Acme Labs", "café", "zuid", "4", "5/5", "0", "6", "-1", "4.5", "10/10", "🙂", ":smile:",
     "<@U0123|jan>", "<#C01|general>", "&amp;", "&lt;b&gt;", "payload", "help", "touchpoint", "call",
     "waiting", "quiet", "segment", "default", "email", "to", "from", "with", "about", "jan@acme.com",
     "Jan", "digest", "health", "weights", "post", "off", "people", "on", "monday", "vrijdag", "9am",
     "25:00", "#general", "<#G01SECRET|x>", "reset", "feeling", "40", "x" * 300, "export", "12w", "0w",
     "99999w", "2026", "2026-Q3", "q5", "2026-02-30", "since", "sinds", "..", "all", "last", "week", "9999",
     "1969-12-31", "retainer", "2026-09-01..2026-01-01"]
)  # fmt: skip
TYPED = st.one_of(
    st.text(max_size=400),
    st.lists(WORDS, max_size=12).map(" ".join),
    st.tuples(
        st.sampled_from(["waiting", "quiet", "touchpoint", "digest", "health", "export"]),
        st.lists(WORDS, max_size=8),
    ).map(lambda parts: " ".join([parts[0], *parts[1]])),
    st.integers(min_value=0).map(lambda n: f"acme {n}"),
    st.integers(min_value=1, max_value=6000).map(lambda n: "acme " + "9" * n),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=3000, max_size=6000),
)


@FUZZ
@given(text=TYPED, command=st.sampled_from(["/feeling", "/rapport", "/followup"]))
def test_any_command_text_gets_an_answer_never_an_error(rapport, db, text, command):
    seed(db)
    fine(rapport.slack.command(command, text, user=USER))
    assert rapport.fake.server_errors == []


# What `/rapport settings …` is made of, and its near misses.
SETTINGS_WORDS = st.sampled_from(
    ["hours", "days", "intensity", "uren", "dagen", "intensiteit", "light", "standard", "licht",
     "08:30-17:00", "9-17", "8.30 tot 17", "17:00-09:00", "25:00-26:00", "00:00-23:59", "-", "–", "to",
     "mon-thu", "mon,tue,thu", "ma t/m do", "fri-mon", "funday", "0-6", "7", ",", "weekdays",
     "<@U0123|jan>", "&lt;", "x" * 300]
)  # fmt: skip


@FUZZ
@given(text=st.one_of(TYPED, st.lists(SETTINGS_WORDS, max_size=8).map(" ".join)))
def test_any_settings_text_gets_an_answer_never_an_error(rapport, db, text):
    response = rapport.slack.command("/rapport", f"settings {text}", user=USER)
    fine(response)
    assert response.status == 200 and response.json()["text"]
    assert rapport.fake.server_errors == []


@FUZZ
@given(text=st.one_of(TYPED, st.lists(WORDS, max_size=8).map(" ".join)))
def test_any_export_text_gets_an_answer_and_at_most_one_export_queued(rapport, db, text):
    from sqlalchemy import func, select

    from storage.models import OutboxMessage

    seed(db)
    response = rapport.slack.command("/rapport", f"export {text}", user=USER)
    fine(response)
    assert response.status == 200 and response.json()["text"]
    with db.session() as session:
        queued = session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "export")
        )
    assert (queued or 0) <= 1  # one on its way per person
    assert rapport.fake.server_errors == []


@FUZZ
@given(notes=st.lists(st.text(max_size=300), min_size=1, max_size=5))
def test_any_note_is_exported_as_the_same_text_never_a_formula(notes):
    import io
    from zoneinfo import ZoneInfo

    from openpyxl import load_workbook

    from bot.spreadsheets import Column, Sheet, write_workbook

    out = io.BytesIO()
    write_workbook(
        out, [Sheet("Notes", "Notes", [Column("Note")], [[note] for note in notes])], ZoneInfo("UTC")
    )
    sheet = load_workbook(io.BytesIO(out.getvalue()))["Notes"]
    cells = [row[0] for row in sheet.iter_rows(min_row=2, max_row=len(notes) + 1)]
    refused = set(map(chr, [*range(0, 9), 11, 12, *range(14, 32)]))  # what Excel cannot hold
    for note, cell in zip(notes, cells, strict=True):
        kept = "".join(ch for ch in note if ch not in refused)
        kept = kept.replace("\r\n", "\n").replace("\r", "\n")  # XML reads every line end as \n
        if kept:
            assert (cell.data_type, cell.value) == ("s", kept)
        else:
            assert cell.value is None


def test_a_score_of_thousands_of_digits_is_explained(rapport, db):
    seed(db)
    response = rapport.slack.command("/feeling", "acme " + "9" * 4301, user=USER)
    fine(response)
    view = rapport.fake.calls_to("views.open")[-1].args["view"]
    warning = view["blocks"][0]["text"]["text"]
    assert "isn't a feeling score" in warning and len(warning) < 300  # the number quoted back, cut short


# --- signed payloads of odd shapes -------------------------------------------------------------

JSON_LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=50),
    st.just(10**30), st.just(-1), st.just("9" * 100), st.just(1e20), st.just("abc"),
)  # fmt: skip
JSON = st.recursive(
    JSON_LEAF,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=8,
)


def maybe(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(value, JSON)


def option(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.fixed_dictionaries(
        {"value": maybe(value), "text": maybe(st.fixed_dictionaries({"text": st.text()}))}
    )


def held(action: str, **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """One input of a submitted form, as Slack nests it (`{action_id: {...}}`), or anything else."""
    return maybe(st.fixed_dictionaries({action: maybe(st.fixed_dictionaries(fields))}))


def picked(action: str, values: list[str]) -> st.SearchStrategy[Any]:
    return held(action, selected_option=maybe(option(st.sampled_from(values))))


STAMPS = st.sampled_from([1764000000, 10**20, 253402300800, -1, "abc", 1e20, True])
FORM_STATE = st.fixed_dictionaries(
    {},
    optional={
        "client": held("client_select", selected_option=maybe(option(st.integers().map(str)))),
        "score": picked("score_pick", ["1", "5", "9", "x"]),
        "expectation": picked("expectation_pick", ["met", "below", "nope"]),
        "note": held("note_input", value=maybe(st.text())),
        "tags": held("tags_input", value=maybe(st.text())),
        "kind": picked("kind_pick", ["call", "meeting", "x"]),
        "title": held("title_input", value=maybe(st.text())),
        "when": held("when_pick", selected_date_time=maybe(STAMPS)),
        "what": held("what_input", value=maybe(st.text())),
        "date": held(
            "date_pick", selected_date=maybe(st.sampled_from(["2026-12-04", "2026-02-30", "x", ""]))
        ),
        "time": held("time_pick", selected_time=maybe(st.sampled_from(["10:30", "25:00", "x", ""]))),
        "contact": held("contact_input", value=maybe(st.text())),
        "direction": picked("direction_pick", ["inbound", "outbound", "both", "sideways"]),
        "followup_what": held("followup_what_input", value=maybe(st.text())),
        "followup_date": held(
            "followup_date_pick", selected_date=maybe(st.sampled_from(["2026-12-04", "1999-01-01", "x", ""]))
        ),
        "days": held(
            "days_pick", selected_options=maybe(st.lists(option(st.sampled_from(["0", "6", "7", "x"]))))
        ),
        "start": held(
            "start_pick", selected_time=maybe(st.sampled_from(["08:30", "17:00", "25:00", "x", ""]))
        ),
        "end": held("end_pick", selected_time=maybe(st.sampled_from(["08:30", "17:00", "24:00", ""]))),
        "intensity": picked("intensity_pick", ["light", "standard", "loud"]),
    },
)
METADATA = st.one_of(
    st.text(max_size=100),
    JSON.map(json.dumps),
    st.fixed_dictionaries(
        {}, optional={k: maybe(st.integers().map(str)) for k in ("p", "c", "r", "f", "ch", "ts", "l", "w")}
    ).map(json.dumps),
)


@FUZZ
@given(
    callback=st.sampled_from(["feeling_modal", "touchpoint_modal", "followup_modal", "settings_modal"]),
    state=maybe(st.fixed_dictionaries({"values": maybe(FORM_STATE)})),
    metadata=maybe(METADATA),
    drop_state=st.booleans(),
)
def test_any_form_submission_gets_an_answer_never_an_error(
    rapport, db, callback, state, metadata, drop_state
):
    seed(db)
    view: dict[str, Any] = {
        "id": "V1",
        "callback_id": callback,
        "type": "modal",
        "private_metadata": metadata,
    }
    if not drop_state:
        view["state"] = state
    payload = {
        "type": "view_submission",
        "team": {"id": "T0001", "domain": "agency"},
        "user": {"id": USER, "team_id": "T0001"},
        "api_app_id": "A0RAPPORT",
        "trigger_id": "1.2.3",
        "view": view,
    }
    fine(rapport.slack._interactive(payload))


ACTION_IDS = st.sampled_from(
    ["prompt_face_4", "prompt_skip", "prompt_snooze", "prompt_undo", "prompt_details", "checkin_undo",
     "checkin_details", "home_log_feeling", "home_client_feeling", "home_log_touchpoint",
     "home_prompt_answer", "client_select", "followup_done", "followup_not_needed", "followup_undo",
     "followup_snooze", "followup_reassign", "followup_menu", "quiet_replied", "quiet_not_needed",
     "quiet_undo", "quiet_snooze", "quiet_followup", "quiet_menu", "settings_change", "digest_export",
     "nothing_we_know"]
)  # fmt: skip
ACTION = st.fixed_dictionaries(
    {},
    optional={
        "action_id": maybe(ACTION_IDS),
        "value": maybe(
            st.sampled_from(
                ["1", "1:4", "999999999999999999999", "abc", "", "1:1h", "1:done", "1:replied", "1:followup"]
            )
        ),
        "selected_user": maybe(st.sampled_from(["U01PART001", "", "UNOBODY"])),
        "selected_option": maybe(
            option(st.sampled_from(["1:1h", "2:3h", "x", "1:snooze:next_week", "1:next_week"]))
        ),
        "block_id": maybe(
            st.one_of(st.text(max_size=10), st.sampled_from(["followup_actions:1~2", "x~", "~9"]))
        ),
        "type": maybe(st.sampled_from(["button", "overflow"])),
    },
)


CONTAINER = st.fixed_dictionaries(
    {
        "type": maybe(st.sampled_from(["message", "view"])),
        "channel_id": maybe(st.text(max_size=5)),
        "message_ts": maybe(st.text(max_size=5)),
    }
)


@FUZZ
@given(actions=maybe(st.lists(maybe(ACTION), max_size=3)), container=maybe(CONTAINER))
def test_any_button_click_gets_an_answer_never_an_error(rapport, db, actions, container):
    seed(db)
    payload = {
        "type": "block_actions",
        "team": {"id": "T0001", "domain": "agency"},
        "user": {"id": USER, "team_id": "T0001"},
        "api_app_id": "A0RAPPORT",
        "trigger_id": "1.2.3",
        "actions": actions,
        "container": container,
    }
    fine(rapport.slack._interactive(payload))


@FUZZ
@given(value=maybe(st.text(max_size=200)), action_id=maybe(st.sampled_from(["client_select", "other"])))
def test_any_type_ahead_gets_options_never_an_error(rapport, db, value, action_id):
    seed(db)
    payload = {
        "type": "block_suggestion",
        "team": {"id": "T0001", "domain": "agency"},
        "user": {"id": USER, "team_id": "T0001"},
        "api_app_id": "A0RAPPORT",
        "action_id": action_id,
        "block_id": "client",
        "value": value,
        "view": {"id": "V1"},
    }
    fine(rapport.slack._interactive(payload))
