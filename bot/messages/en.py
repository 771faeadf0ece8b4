"""English: every sentence Rapport shows a person. Keys are grouped by the surface that shows them."""

MESSAGES: dict[str, str] = {
    # shared
    "common.undo": "Undo",
    "common.cancel": "Cancel",
    "common.unsaved_command": (
        "I couldn't save that just now: the database is busy or out of reach, so nothing was saved. "
        "Here is what you typed, to send again in a moment:\n>{command} {text}"
    ),
    "common.unsaved_form": (
        "Couldn't save just now: the database is busy or out of reach. Nothing was saved and what you "
        "entered is still here; press the button again in a moment."
    ),
    "common.error": (
        "Sorry, something went wrong on our side and nothing was saved. Please try again in a minute."
    ),
    "common.not_installed": "Rapport isn't set up for this workspace yet. Ask an admin to install it.",
    "kind.meeting": "Meeting",
    "kind.call": "Call",
    "kind.email": "Email",
    "kind.chat": "Chat",
    "kind.visit": "Visit",
    "kind.lunch": "Lunch",
    "kind.workshop": "Workshop",
    "kind.review": "Review",
    "kind.other": "Other",
    "expectation.below": "Below expectations",
    "expectation.met": "Met expectations",
    "expectation.exceeded": "Exceeded expectations",
    "role.lead": "lead",
    "role.partner": "partner",
    "role.backup": "backup",
    "status.active": "Active",
    "status.churned": "Churned",
    # /feeling
    "feeling.logged": "{face}: logged for *{client}*. Thanks!",
    "feeling.details_button": "Add note / expectations",
    "feeling.undone": "Removed that check-in for *{client}*.",
    "feeling.undo_gone": "That check-in was already removed, or isn't yours to remove.",
    "feeling.amended": "Updated the check-in for *{client}*: {face}.",
    "feeling.problem.bad_score": (
        "“{value}” isn't a feeling score: use 1 (😣 upset) to 5 (🤩 delighted), "
        "e.g. `/feeling acme 4 good kickoff`. I opened the form with what you typed."
    ),
    "feeling.problem.unknown_client": (
        "No client matches “{query}”. Pick one in the form I opened (start typing to search), "
        "or see every client with `/rapport clients`."
    ),
    "feeling.problem.ambiguous": "“{query}” could be {names}. Pick the right one in the form I opened.",
    "feeling.problem.mention": (
        "{mention} is a person, not a client. Type the client's name, e.g. `/feeling acme 4 good kickoff`. "
        "I opened the form so you can pick the client."
    ),
    "feeling.problem.note_too_long": (
        "Your note is {length:,} characters; the limit is {limit:,}. I opened the form with your whole note "
        "so you can shorten it."
    ),
    "feeling.problem.no_clients": (
        "There are no clients in this workspace yet, so there is nothing to log a feeling for. "
        "An admin can import them: `python -m bot import clients.xlsx --team YOUR_TEAM_ID` (see README)."
    ),
    "feeling.no_trigger": (
        "I couldn't open the form (Slack only allows it for 3 seconds). Your text was: {text}\n"
        "Try `/feeling` again, e.g. `/feeling acme 4 good kickoff`."
    ),
    "touchpoint.no_trigger": (
        "I couldn't open the form (Slack only allows it for 3 seconds). Your text was: {text}\n"
        "Try `/rapport touchpoint` again, e.g. `/rapport touchpoint acme call with Jan`."
    ),
    # the modal
    "modal.feeling.title": "Log a feeling",
    "modal.feeling.submit": "Log it",
    "modal.feeling.about": "For *{client}*",
    "modal.feeling.client": "Client",
    "modal.feeling.client_placeholder": "Start typing a client name",
    "modal.feeling.score": "How did they feel?",
    "modal.feeling.expectation": "Were their expectations met?",
    "modal.feeling.note": "Note",
    "modal.feeling.note_placeholder": "What happened? What did they say?",
    "modal.feeling.note_hint": "Up to {limit:,} characters. Only your team sees it.",
    "modal.feeling.tags": "Tags",
    "modal.feeling.tags_placeholder": "e.g. billing, upsell",
    "modal.feeling.error.client": "Pick the client this is about.",
    "modal.feeling.error.score": "Pick one of the five faces.",
    "modal.feeling.error.note": "The note is {length:,} characters; please keep it under {limit:,}.",
    "modal.feeling.error.tags": "Use at most {max} tags of up to {length} characters each, separated by commas.",
    "modal.feeling.error.gone": "That client no longer exists. Pick another one.",
    # touchpoints
    "modal.touchpoint.title": "Log a touchpoint",
    "modal.touchpoint.submit": "Log it",
    "modal.touchpoint.kind": "What kind?",
    "modal.touchpoint.title_label": "What was it?",
    "modal.touchpoint.title_placeholder": "e.g. Quarterly review with Jan",
    "modal.touchpoint.when": "When",
    "modal.touchpoint.when_hint": "For a meeting still to come, I'll ask how it went after it ends.",
    "modal.touchpoint.error.title": "Say in a few words what it was, e.g. “Call with Jan”.",
    "modal.touchpoint.error.when": "Pick the day and time it happened, or will happen.",
    "modal.touchpoint.error.title_long": "That's {length:,} characters; please keep it under {limit:,}.",
    "touchpoint.logged": "Logged {kind} *{title}* with *{client}*. I'll ask you in a DM how they felt{when}.",
    "touchpoint.logged_when_now": "",
    "touchpoint.logged_when_later": " after it ends ({when})",
    "touchpoint.problem.unknown_client": (
        "No client matches “{query}”. Pick one in the form I opened, or see every client with `/rapport clients`."
    ),
    "touchpoint.problem.ambiguous": "“{query}” could be {names}. Pick the right one in the form I opened.",
    "touchpoint.problem.no_title": "What was it? Fill it in in the form, e.g. “call with Jan”.",
    "touchpoint.shortcut_title": "Message from {author}",
    # several nudges in one DM (each section is its own kind's words)
    "nudges.bundle.title": "{count} things to follow up on",
    "nudges.bundle.why": (
        "Together in one message, so Rapport nudges you at most once every {every}, "
        "and only in your working hours."
    ),
    "nudges.every.minutes": "{count} minutes",
    "nudges.every.minute": "minute",
    "nudges.every.hours": "{count} hours",
    "nudges.every.hour": "hour",
    "nudges.every.seconds": "{count} seconds",
    # the DM prompt
    "prompt.question": "How did *{client}* feel after *{title}*?",
    "prompt.reminder": "Reminder: how did *{client}* feel after *{title}*?",
    "prompt.context": "{kind} · {when}",
    "prompt.details_button": "Add note / expectations",
    "prompt.skip_button": "Didn't happen",
    "prompt.snooze.1h": "Ask me in 1 hour",
    "prompt.snooze.3h": "Ask me in 3 hours",
    "prompt.snooze.1d": "Ask me tomorrow",
    "prompt.answered": "{face}: logged for *{client}* after *{title}*. Thanks!",
    "prompt.skipped": "Noted: *{title}* with *{client}* didn't happen.",
    "prompt.snoozed": "Snoozed: I'll ask about *{title}* with *{client}* again {when}.",
    "prompt.moved": "I asked again about *{title}* with *{client}* below.",
    "prompt.expired": (
        "No answer about *{title}* with *{client}*, so this one counts as a missed check-in. "
        "You can still log it with `/feeling`."
    ),
    "prompt.reopened": "Reopened: how did *{client}* feel after *{title}*?",
    "prompt.already.answered": "Already answered: *{client}* after *{title}*.",
    "prompt.already.skipped": "Already marked as didn't happen: *{title}* with *{client}*.",
    "prompt.already.expired": "This question about *{title}* with *{client}* has expired. Log it with `/feeling`.",
    "prompt.already.cancelled": "This question about *{title}* with *{client}* was withdrawn.",
    "prompt.already.scheduled": "Snoozed: I'll ask about *{title}* with *{client}* again later.",
    "prompt.already.sent": "This question about *{title}* with *{client}* is still open.",
    "prompt.already.reminded": "This question about *{title}* with *{client}* is still open.",
    "prompt.not_yours": "That question was for someone else.",
    # App Home
    "home.title": "Rapport: how your clients feel",
    "home.log_feeling": "Log a feeling",
    "home.log_touchpoint": "Log a touchpoint",
    "home.prompts": "Waiting for your answer",
    "home.prompt_line": "*{client}*: {title}\n{when}",
    "home.answer": "Answer",
    "home.no_prompts": "Nothing waiting. After each client touchpoint I'll ask you here and in a DM.",
    "home.more_prompts": "…and {count} more.",
    "home.clients": "My clients",
    "home.client_line": "*{client}* ({role})  {spark} {trend}\n{last}",
    "home.last_feeling": "Last: {face}, {when}",
    "home.no_feeling": "No feelings logged yet",
    "home.log_for_client": "Log feeling",
    "home.more_clients": "…and {count} more. See them all with `/rapport clients`.",
    "home.spark_legend": "The line shows the average feeling per week over the last 8 weeks (▁ upset … █ delighted).",
    "home.no_clients": "You don't own any clients yet. Ask an admin to set you as lead, partner or backup.",
    "home.no_clients_team": "No clients yet. An admin can import them; see the README.",
    # client card
    "card.lead": "*Lead*\n{who}",
    "card.partner": "*Partner*\n{who}",
    "card.backup": "*Backup*\n{who}",
    "card.segment": "*Segment*\n{segment}",
    "card.renewal": "*Renewal*\n{date}",
    "card.status": "*Status*\n{status}",
    "card.nobody": "—",
    "card.feeling": "*Feeling (90 days):* {average} / 5   {spark} {trend}",
    "card.aliases": "Also known as: {aliases}",
    "card.last_touchpoint": "Last touchpoint: {kind} “{title}”, {when}",
    "card.no_touchpoint": "No touchpoints logged yet.",
    "card.recent": "*Recent check-ins*",
    "card.no_checkins": "No check-ins yet. Log one with `/feeling`.",
    "card.usage": "Which client? Try `/rapport client acme`.",
    "card.unknown": "No client matches “{query}”. See every client with `/rapport clients`.",
    "card.ambiguous": "“{query}” could be {names}. Try a longer name.",
    # /rapport clients
    "clients.header": "*{count} clients*",
    "clients.none": "No clients yet. An admin can import them; see the README.",
    "clients.more": "…and {count} more.",
    "clients.lead": "(lead {who})",
    # help
    "help.intro": (
        "*Rapport* asks how your clients felt after each touchpoint, so the whole team knows "
        "where a relationship stands."
    ),
    "help.feeling": "`/feeling acme 4 good kickoff`: log how a client felt (1 😣 … 5 🤩). "
    "Just `/feeling` opens a form.",
    "help.touchpoint": "`/rapport touchpoint acme call with Jan`: log a touchpoint; I'll ask you how it went.",
    "help.client": "`/rapport client acme`: the client card, with recent check-ins and owners.",
    "help.clients": "`/rapport clients`: every client and its lead.",
    "help.help": "`/rapport help`: this list.",
    "help.footer": "Your App Home tab (click Rapport in the sidebar) shows your clients and open questions.",
    "help.unknown": "I don't know “{word}” yet. Here is what I can do:",
}
