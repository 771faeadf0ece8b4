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
    "direction.outbound": "We did: waiting for their answer",
    "direction.inbound": "They did",
    "direction.both": "Both: a conversation",
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
    "feeling.recovery.ask": "That doesn't sound good. What will you do to win them back? I'll remind you of it.",
    "feeling.recovery.button": "Add a recovery step",
    "followup.bad_checkin": "{who} logged {face} for *{client}*{below}{note}. I asked them for a recovery step; it will show as a follow-up.",
    "followup.bad_checkin.below": " (expectations below)",
    "followup.bad_checkin.why": "You're told as the client's lead.",
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
    "modal.feeling.followup": "Follow-up needed?",
    "modal.feeling.followup_placeholder": "e.g. Send the revised quote",
    "modal.feeling.followup_date": "Follow-up due by",
    "modal.feeling.followup_date_hint": "Without a day it is due by the end of your next working day. I'll remind you.",
    "modal.feeling.error.followup": "Say what the follow-up is, or clear the day.",
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
    "modal.touchpoint.contact": "Who at the client?",
    "modal.touchpoint.contact_placeholder": "A name or e-mail, e.g. Jan de Vries",
    "modal.touchpoint.direction": "Who reached out?",
    "modal.touchpoint.direction_hint": (
        "Left empty: a meeting or call is a conversation, an e-mail or chat is one you sent."
        " I'll tell you if what you sent goes unanswered."
    ),
    "modal.touchpoint.error.contact": "Keep the name under {limit} characters.",
    "modal.touchpoint.error.title": "Say in a few words what it was, e.g. “Call with Jan”.",
    "modal.touchpoint.error.when": "Pick the day and time it happened, or will happen.",
    "modal.touchpoint.error.title_long": "That's {length:,} characters; please keep it under {limit:,}.",
    "touchpoint.logged": "Logged {kind} *{title}* with *{client}*. I'll ask you in a DM how they felt{when}.",
    "touchpoint.logged_when_now": "",
    "touchpoint.logged_outreach": (
        "Logged {kind} *{title}* to *{client}*{who}. I'll tell you if it has no answer in {days} working days."
    ),
    "touchpoint.contact": " ({contact})",
    "touchpoint.answered": " That answers your outreach: I've stopped waiting.",
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
    "home.log_followup": "Add a follow-up",
    "home.followups": "Follow-ups I owe",
    "home.no_followups": "Nothing due this week. Promised something? `/followup acme call Jan back friday`.",
    "home.more_followups": "…and {count} more. See them all with `/followup list`.",
    "home.waiting": "Waiting for an answer",
    "home.no_waiting": "No outreach awaiting an answer. Reached out to someone? `/rapport waiting acme jan about the proposal`.",
    "home.more_waiting": "…and {count} more. See them all with `/rapport waiting`.",
    "home.prompts": "Waiting for your answer",
    "home.prompt_line": "*{client}*: {title}\n{when}",
    "home.answer": "Answer",
    "home.no_prompts": "Nothing waiting. After each client touchpoint I'll ask you here and in a DM.",
    "home.more_prompts": "…and {count} more.",
    "home.clients": "My clients",
    "home.client_line": "*{client}* ({role})  {spark} {trend}\n{last}",
    "home.client_health": "Health {health}: _{reasons}_",
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
    "card.followups": "*Open follow-ups*",
    "card.waiting": "*Waiting for an answer*",
    "card.anyone": "anyone there",
    "card.contacts": "Contacts: {contacts}",
    "card.heard": "heard from {when}",
    "card.reached": "reached {when}",
    "card.waiting_line": "• {who}{about}: {silence}{late}",
    "card.followup_line": "• {what}: {who}, due {due}{late}",
    "card.no_checkins": "No check-ins yet. Log one with `/feeling`.",
    "card.health": "*Health:* {score}   {band}",
    "card.health_unknown": "*Health:* {band}",
    # client health: bands and the reasons behind a score
    "health.band.green": "🟢 Green",
    "health.band.amber": "🟠 Amber",
    "health.band.red": "🔴 Red",
    "health.band.unknown": "⚪ Not scored",
    "health.at_risk": "at risk",
    "health.score": "{score}/100",
    "health.reason.too_little": "Not enough check-ins to score: {count} in 90 days, 2 needed",
    "health.reason.too_little.one": "Not enough check-ins to score: 1 in 90 days, 2 needed",
    "health.reason.feeling": "feeling averages {average} of 5 lately",
    "health.reason.trend": "feeling down {change} over {weeks} weeks",
    "health.reason.expectations": "{below} of the last {rated} check-ins below expectations",
    "health.reason.expectations.one": "the last check-in was below expectations",
    "health.reason.quiet": "{who} has not replied for {days} working days",
    "health.reason.quiet.many": "{who} has not replied for {days} working days ({count} contacts quiet)",
    "health.reason.overdue": "{count} follow-ups overdue, the oldest “{what}” by {days} days",
    "health.reason.overdue.one": "“{what}” overdue by {days} days",
    "health.reason.overdue.today": "“{what}” overdue since today",
    "health.reason.contact": "no touchpoint for {days} days (ideal {ideal}, at most {most})",
    "health.reason.contact_none": "no touchpoint or check-in for more than {most} days",
    "health.reason.renewal": "renews in {days} days",
    "health.reason.good": "feeling averages {average} of 5; last contact {days} days ago",
    "health.reason.good_feeling": "feeling averages {average} of 5",
    # `/rapport health`
    "health.explain.title": "How a client's health is worked out",
    "health.explain.intro": (
        "Each client gets a score from 0 to 100 out of seven parts, each 0–100 (100: nothing wrong), "
        "weighted as below. A part with nothing to say gives its weight to the others; a client with "
        "fewer than 2 check-ins in 90 days gets no score."
    ),
    "health.explain.bands": (
        "🟢 Green from 72, 🟠 amber from 50, 🔴 red below. *At risk*: red, or amber and falling "
        "(feeling down 0.1 a week or more over 8 weeks)."
    ),
    "health.explain.part": "• *{name}* ({weight}): {what}",
    "health.part.feeling": "the average feeling, recent weeks counting most (half as much after 30 days)",
    "health.part.trend": "the weekly average over 8 weeks: flat or rising is 100",
    "health.part.expectations": "check-ins with expectations below, last 90 days",
    "health.part.quiet": "contacts who did not answer past the client's quiet days",
    "health.part.overdue": "follow-ups past their due moment",
    "health.part.contact": "days since the last touchpoint or check-in, against the segment's window",
    "health.part.renewal": "within 90 days of a renewal, a poor feeling weighs more",
    "health.explain.windows": "Contact windows (ideal / most days): {windows}; any other segment 14 / 30.",
    "health.explain.windows_none": "Contact window: 14 days ideal, 30 at most, for every segment.",
    "health.explain.commands": (
        "Admins: `/rapport health weights feeling 40 trend 20` (0–100 each; `weights reset` for the "
        "defaults), `/rapport health segment retail 7 21` (ideal and most days between contacts). "
        "`/rapport health acme`: one client's parts. More in docs/health.md."
    ),
    "health.client.title": "*{client}*: {line}",
    "health.client.part": "• {name}: {score} × {weight}",
    "health.client.part_none": "• {name}: nothing to say yet (its weight goes to the others)",
    "health.weights_saved": "Weights now: {weights}.",
    "health.window_saved": "Segment *{segment}*: contact ideally every {ideal} days, at most {most}.",
    "health.bad_weights": (
        "I didn't understand “{text}”. Give parts and whole numbers 0–100, e.g. "
        "`/rapport health weights feeling 40 trend 20`; the parts: {parts}."
    ),
    "health.bad_window": (
        "I didn't understand “{text}”. Give a segment and two numbers of days, ideal then most, e.g. "
        "`/rapport health segment retail 7 21`."
    ),
    "health.admins_only": "Only workspace owners and admins can change how health is scored. `/rapport health` shows how it works.",
    "health.unknown_client": "No client matches “{query}”. `/rapport health` alone explains the score.",
    # the weekly digest
    "digest.title": "Weekly client digest",
    "digest.context": "The week of {week} to {end} · {clients} active clients, {scored} with enough check-ins to score",
    "digest.average": "*Feeling that week:* {average} / 5 from {count} check-ins (the week before {before} from {count_before}) {arrow}",
    "digest.average_none": "*Feeling that week:* no check-ins logged (the week before {before} from {count_before})",
    "digest.up": "*Moving up:* {items}",
    "digest.down": "*Moving down:* {items}",
    "digest.mover": "*{client}* {before} → {after} {spark}",
    "digest.no_movers": "*Moving:* no client's feeling moved by half a point or more in the last two whole weeks.",
    "digest.at_risk": "*At risk ({count}):*",
    "digest.at_risk_none": "*At risk:* nobody. :tada:",
    "digest.risk_line": "{band} *{client}* {score} {spark} {lead}\n      _{reasons}_",
    "digest.lead": "· lead {who}",
    "digest.quiet": "*Quiet contacts ({count}):*",
    "digest.quiet_line": "• *{who}* at *{client}*: no answer for {days} working days",
    "digest.overdue": "*Overdue promises ({count}):*",
    "digest.overdue_line": "• {who}: {count} overdue, the oldest “{what}” by {days} days",
    "digest.overdue_line.one": "• {who}: “{what}” overdue by {days} days",
    "digest.coverage": "*Check-in coverage:* {share} of {touchpoints} touchpoints that week have a feeling logged",
    "digest.coverage_none": "*Check-in coverage:* no touchpoints logged that week",
    "digest.coverage_person": "• {who}: {share} of {touchpoints}",
    "digest.coverage_mine": "*Your coverage:* {share} of your {touchpoints} touchpoints that week have a feeling logged (only you see this)",
    "digest.renewals": "*Renewals in the next 60 days:*",
    "digest.renewal_line": "• *{client}* renews {on} (in {days} days), last feeling {face}",
    "digest.churned": "*Churned in the last 4 weeks:*",
    "digest.churned_line": "• *{client}* on {on}{reason}",
    "digest.more": "…and {count} more in the thread.",
    "digest.more_export": "…and {count} more: see the export.",
    "digest.thread_title": "*Details for week {week}*",
    "digest.thread_risks": "*Every client at risk:*",
    "digest.thread_people": "*Check-in coverage per person:*",
    "digest.thread_segments": "*Average feeling per segment, last 12 weeks:*",
    "digest.segment_line": "• {segment}: {spark} {now}",
    "digest.export": "Export to Excel",
    "digest.footer": "Chart and details in the thread. Anyone can see this week's digest with `/rapport digest` or take the numbers into Excel with the button.",
    "digest.fallback": "Weekly client digest: feeling {average} (last week {before}), {risks} at risk",
    "digest.chart_title": "Average feeling per week and segment",
    "digest.chart_comment": "Average feeling per week, last 12 weeks, per segment.",
    "digest.chart_axis": "average feeling (1–5)",
    "digest.preview_note": "Only you can see this preview. {where}",
    "digest.where": "Posted to <#{channel}> every {weekday} at {time} ({tz}); next on {next}.",
    "digest.where_none": "No channel gets it yet: an admin sets one with `/rapport digest #channel`.",
    "digest.set": "The weekly digest goes to <#{channel}> every {weekday} at {time} ({tz}), first on {next}. `/rapport digest` previews it, `/rapport digest post` posts it now, `/rapport digest off` stops it.",
    "digest.set_joined": "I joined <#{channel}> to post it.",
    "digest.private": "<#{channel}> is private, so I can't join it myself. Invite me there with `/invite @Rapport`, then run `/rapport digest #{name}` again.",
    "digest.channel_unknown": "I can't find that channel. Pick it with `#` so Slack links it, e.g. `/rapport digest #client-health monday 09:00`.",
    "digest.channel_failed": "I couldn't join <#{channel}> ({error}). Invite me there with `/invite @Rapport`, then try again.",
    "digest.admins_only": "Only workspace owners and admins can {what}. Anyone can preview the digest with `/rapport digest`.",
    "digest.what.set": "choose where the digest goes",
    "digest.what.post": "post the digest now",
    "digest.what.stop": "stop the digest",
    "digest.what.coverage": "change who sees coverage per person",
    "digest.stopped": "The weekly digest to <#{channel}> is stopped. Start it again with `/rapport digest #channel`.",
    "digest.not_running": "No weekly digest is set up. Start one with `/rapport digest #channel [weekday] [HH:MM]`.",
    "digest.posting": "Posting this week's digest to <#{channel}> now.",
    "digest.posted_already": "This week's digest ({week}) went to <#{channel}> already; it goes once a week.",
    "digest.no_channel": "Choose a channel first: `/rapport digest #channel`.",
    "digest.coverage_on": "Coverage per person now shows in the channel digest.",
    "digest.coverage_off": "Coverage per person now shows only to each person, in their own preview.",
    "digest.usage": "Try `/rapport digest` (a preview), `/rapport digest #channel [weekday] [HH:MM]` (where and when, default Monday 09:00), `/rapport digest post`, `/rapport digest off` or `/rapport digest people on|off`.",
    "digest.bad_time": "“{time}” isn't a time. Use 24-hour HH:MM, e.g. `09:00`.",
    "digest.bad_word": "I didn't understand “{word}”. {usage}",
    "card.usage": "Which client? Try `/rapport client acme`.",
    "card.unknown": "No client matches “{query}”. See every client with `/rapport clients`.",
    "card.ambiguous": "“{query}” could be {names}. Try a longer name.",
    # /rapport clients
    "clients.header": "*{count} clients*",
    "clients.none": "No clients yet. An admin can import them; see the README.",
    "clients.more": "…and {count} more.",
    "clients.lead": "(lead {who})",
    # help
    # follow-ups
    "followup.recorded": "Noted: *{what}* for *{client}*, due {due}. I'll remind you then.",
    "followup.problem.unknown_client": "I don't know a client called “{query}”. Pick one in the form I opened.",
    "followup.problem.ambiguous": "“{query}” could be {names}. Pick the right one in the form I opened.",
    "followup.problem.no_what": "What did you promise? Fill it in in the form, e.g. “call Jan back about the invoice”.",
    "followup.problem.no_when": (
        "When is it due? I couldn't read a day or time at the end of what you typed; pick one in the "
        "form. Words I understand: today, tomorrow, friday, in 3 days, next week, end of month, "
        "2026-12-04, at 15:00, 3pm, this afternoon, in 2 hours."
    ),
    "followup.no_trigger": (
        "I couldn't open the follow-up form (Slack gives me 3 seconds). Nothing was saved; here is what "
        "you typed, to try again: `/followup {text}`"
    ),
    "followup.nudge.due": "Due {due}: *{what}* for *{client}*.",
    "followup.nudge.reminder": "Still open, due {due}: *{what}* for *{client}*.",
    "followup.nudge.escalation": "Open past its due moment ({due}): *{what}* for *{client}*.",
    "followup.nudge.why": "You promised this on {made}. I'll remind you the next working day while it is open.",
    "followup.nudge.why_last": (
        "You promised this on {made}. This is the last reminder: if it stays open, the client's partner"
        " or backup is told next."
    ),
    "followup.nudge.why_escalated": (
        "{owner} promised this on {made} and it is still open after their reminders. You're told once, "
        "as the client's partner or backup."
    ),
    "followup.nudge.fallback": "Follow-up: {what} for {client}",
    "followup.done_button": "Done",
    "followup.not_needed_button": "Not needed",
    "followup.snooze_button": "Snooze…",
    "followup.reassign_button": "Hand to…",
    "followup.snooze.later_today": "Later today",
    "followup.snooze.tomorrow": "Tomorrow",
    "followup.snooze.next_week": "Next week",
    "followup.done": "Done: *{what}* for *{client}*. Nice.",
    "followup.not_needed": "Marked not needed: *{what}* for *{client}*.",
    "followup.snoozed": "Snoozed: I'll ask about *{what}* for *{client}* again {when}.",
    "followup.reassigned": "Handed to {who}: *{what}* for *{client}*. They'll be reminded from now on.",
    "followup.already.done": "Already done: *{what}* for *{client}*.",
    "followup.already.not_needed": "Already marked not needed: *{what}* for *{client}*.",
    "followup.already.open": "Still open: *{what}* for *{client}*.",
    "followup.list.none": "You have no open follow-ups. Make one with `/followup acme call Jan back friday`.",
    "followup.list.header": "*Your open follow-ups: {count}* ({overdue} overdue)",
    "followup.list.line": "*{client}*: {what}\nDue {due}",
    "followup.list.overdue_line": ":warning: *{client}*: {what}\nWas due {due}",
    "followup.list.more": "…and {count} more.",
    "quiet.contact_at": "*{contact}* at *{client}*",
    "quiet.silence": "{days} working days (since {since})",
    "quiet.nudge": ":hourglass_flowing_sand: No answer from {who} for {silence}.",
    "quiet.asked": "{who} reached out about: “{about}”",
    "quiet.someone": "Someone",
    "quiet.steps": "*What might help*\n{steps}",
    "quiet.step.channel.email": "Try another channel: a call, or a short Slack or text message, often lands where an e-mail did not.",
    "quiet.step.channel.chat": "Try another channel: an e-mail with the question in its subject, or a call.",
    "quiet.step.channel.call": "Try another channel: an e-mail with the question in one line.",
    "quiet.step.channel.any": "Try another channel than the last one: a call, an e-mail, a message.",
    "quiet.step.partner": "Ask {partner} (their partner) to reach out.",
    "quiet.step.senior": "Ask a senior colleague to reach out.",
    "quiet.step.others": "Try someone else at *{client}*: {others}.",
    "quiet.step.ask_who": "Ask *{client}* who else can help while your contact is away.",
    "quiet.step.call": "Offer a short call (15 minutes) to unblock it.",
    "quiet.why": "Why this message: you lead *{client}*, and an outreach to them gets a nudge after {days} working days without an answer.",
    "quiet.why_escalated": "Why this message: {lead} was told 2 working days ago and it is still unanswered; you're *{client}*'s partner or backup.",
    "quiet.the_lead": "the lead",
    "quiet.fallback": "No answer from {who} ({client})",
    "quiet.followup_what": "Reach {who} again{about}",
    "quiet.replied_button": "They replied",
    "quiet.followup_button": "Log a follow-up",
    "quiet.replied": "Good: {who} answered. I've stopped waiting.",
    "quiet.not_needed": "Stopped waiting on {who}.",
    "quiet.followed_up": "A follow-up now chases {who}; I've stopped waiting.",
    "quiet.snoozed": "Snoozed: I'll ask about {who} again {when}.",
    "quiet.already.replied": "Already answered: {who}.",
    "quiet.already.not_needed": "Already stopped waiting on {who}.",
    "quiet.already.followed_up": "A follow-up already chases {who}.",
    "quiet.already.open": "Still waiting on {who}.",
    "quiet.list.none": "You're not waiting on anyone. After reaching out, say `/rapport waiting acme jan about the proposal`.",
    "quiet.list.header": "*Waiting for an answer: {count}*",
    "quiet.list.about": " about “{about}”",
    "quiet.list.line": "{who}{about}\n{silence}",
    "quiet.list.quiet_line": ":hourglass_flowing_sand: {who}{about}\nQuiet for {silence}",
    "quiet.noted": "Noted: waiting on {who}{about}. If there's no answer in {days} working days (by {by}), I'll tell {told}.",
    "quiet.you": "you",
    "quiet.problem.unknown": "I don't know a client or contact called “{query}”. Try `/rapport waiting acme jan about the proposal`.",
    "quiet.problem.ambiguous": "“{query}” could be {names}. Say the client first: `/rapport waiting acme jan about the proposal`.",
    "quiet.days.usage": (
        "Say how many working days an outreach may go unanswered before the lead is told:\n"
        "• `/rapport quiet acme 3` for one client\n• `/rapport quiet segment retail 7` for a segment\n"
        "• `/rapport quiet acme default` to go back to the segment's or the default ({default})."
    ),
    "quiet.days.client": "*{client}*: an outreach without an answer is flagged after {days} working days.",
    "quiet.days.segment": "Segment *{segment}*: an outreach without an answer is flagged after {days} working days{clients}.",
    "quiet.days.segment_clients": " ({count} clients)",
    "quiet.days.range": "Pick a number of working days from 1 to {max}.",
    "quiet.days.unknown_segment": "No client is in a segment called “{segment}”. Segments: {segments}.",
    "quiet.days.not_yours": "Only *{client}*'s lead, partner or backup can change that.",
    "followup.form.title": "Follow-up",
    "followup.form.recovery": "A recovery step: what will you do, and by when?",
    "followup.form.submit": "Save",
    "followup.form.what": "What did you promise?",
    "followup.form.what_placeholder": "e.g. Call Jan back about the invoice",
    "followup.form.date": "Due by",
    "followup.form.time": "At",
    "followup.form.time_hint": "Without a time it is due by the end of that working day.",
    "followup.form.error.what": "Say in a few words what you promised.",
    "followup.form.error.what_long": "That's {length:,} characters; please keep it under {limit:,}.",
    "followup.form.error.date": "Pick the day it is due.",
    "followup.form.error.past": "That moment has passed; pick one still to come.",
    # /rapport settings
    "settings.title": "*Your settings*",
    "settings.zone": "*Time zone:* {zone}",
    "settings.zone_unknown": "not known yet (I'm asking Slack; until then I use UTC)",
    "settings.hours": "*Working days and hours:* {hours}",
    "settings.intensity": "*Reminders:* {name}: {meaning}",
    "settings.why": "I only message you on your working days, between these times, in your time zone.",
    "settings.change_button": "Change",
    "settings.typed": (
        "Or type `/rapport settings hours 08:30-17:00`, `/rapport settings days mon-thu` "
        "(or `mon,tue,thu`), `/rapport settings intensity light`."
    ),
    "settings.saved": "Saved. {changes}",
    "settings.unchanged": "Nothing changed: these already were your settings.",
    "settings.changed.hours": "Working days and hours: now {now}, were {was}.",
    "settings.changed.intensity": "Reminders: now {now}, were {was}.",
    "settings.replanned.one": "The next nudge of 1 open follow-up moved into your new working time.",
    "settings.replanned.many": "The next nudges of {count} open follow-ups moved into your new working time.",
    "settings.problem.usage": (
        "I couldn't read “{text}” as a setting. Try:\n"
        "• `/rapport settings` to see your settings and change them in a form\n"
        "• `/rapport settings hours 08:30-17:00`\n"
        "• `/rapport settings days mon-thu` (or `mon,tue,thu`, `ma-do`)\n"
        "• `/rapport settings intensity light` (or `standard`)"
    ),
    "settings.problem.hours": (
        "I couldn't read “{text}” as working hours. Give a start and an end, "
        "e.g. `/rapport settings hours 08:30-17:00`."
    ),
    "settings.problem.days": (
        "I couldn't read “{text}” as working days. Use e.g. `/rapport settings days mon-fri`, "
        "`/rapport settings days mon,tue,thu` or `/rapport settings days ma-do`."
    ),
    "settings.problem.intensity": (
        "“{text}” isn't a reminder intensity: choose `light` or `standard`, "
        "e.g. `/rapport settings intensity light`."
    ),
    "settings.problem.no_days": "Pick at least one working day.",
    "settings.problem.order": "The end of your working day ({end}) must be later than its start ({start}).",
    "settings.form.title": "Your settings",
    "settings.form.submit": "Save",
    "settings.form.days": "Working days",
    "settings.form.days_hint": "I only message you on these days, between these times, in your time zone ({zone}).",
    "settings.form.start": "Working day starts at",
    "settings.form.end": "Working day ends at",
    "settings.form.intensity": "Reminders",
    "settings.form.error.start": "Pick when your working day starts.",
    "settings.form.error.end": "Pick when your working day ends.",
    "settings.form.error.intensity": "Pick light or standard.",
    "settings.no_trigger": (
        "I couldn't open the settings form (Slack gives me 3 seconds). Press Change again, or type "
        "e.g. `/rapport settings hours 08:30-17:00`."
    ),
    "intensity.light": "Light",
    "intensity.light.short": "At most one reminder, then the partner or backup is told",
    "intensity.light.meaning": (
        "at most one reminder of an open follow-up, then the client's partner or backup is told; "
        "a question after a touchpoint is asked once."
    ),
    "intensity.standard": "Standard",
    "intensity.standard.short": "Reminders on working days, up to three",
    "intensity.standard.meaning": (
        "reminders of an open follow-up on working days, up to three, then the client's partner or "
        "backup is told; a question after a touchpoint unanswered for a while is asked once more."
    ),
    "day.0": "Monday",
    "day.1": "Tuesday",
    "day.2": "Wednesday",
    "day.3": "Thursday",
    "day.4": "Friday",
    "day.5": "Saturday",
    "day.6": "Sunday",
    "home.settings": "I message you {hours} ({zone}); reminders: {intensity}. Also `/rapport settings`.",
    "help.intro": (
        "*Rapport* asks how your clients felt after each touchpoint, so the whole team knows "
        "where a relationship stands."
    ),
    "help.feeling": "`/feeling acme 4 good kickoff`: log how a client felt (1 😣 … 5 🤩). "
    "Just `/feeling` opens a form.",
    "help.touchpoint": (
        "`/rapport touchpoint acme call with Jan`: log a touchpoint; I'll ask you how it went."
        " `… email to Jan about the quote`: an outreach I'll watch for an answer; `… email from Jan`: their answer."
    ),
    "help.followup": "`/followup acme call Jan back friday`: a promise I'll remind you of; `/followup list` shows yours.",
    "help.waiting": (
        "`/rapport waiting acme jan about the proposal`: you reached out; I'll tell the lead if it goes unanswered."
        " `/rapport waiting` shows what you're waiting on."
    ),
    "help.quiet": "`/rapport quiet acme 3`: after how many working days without an answer a client counts as quiet.",
    "help.client": "`/rapport client acme`: the client card, with recent check-ins and owners.",
    "help.clients": "`/rapport clients`: every client and its lead.",
    "help.health": "`/rapport health`: how a client's health score is worked out, and its weights.",
    "help.digest": (
        "`/rapport digest`: a preview of this week's digest; admins: `/rapport digest #channel monday 09:00` "
        "to post it there every week, `post` to post it now, `off` to stop it."
    ),
    "help.settings": "`/rapport settings`: your working days and hours, and how often I remind you.",
    "help.help": "`/rapport help`: this list.",
    "help.export": "`/rapport export 12w acme`: an Excel file of check-ins, follow-ups and contacts, sent to you in a DM.",
    # /rapport export
    "export.preparing": "Preparing your export: {scope}, {period}. I'll send the Excel file to you in a DM with Rapport in a moment.",
    "export.busy": "Your earlier export is still being prepared; it will arrive in your DM with Rapport shortly. Ask again once it's there.",
    "export.examples": (
        "Try:\n• `/rapport export`: every client, the last 12 weeks\n• `/rapport export 12w acme`: one client\n"
        "• `/rapport export 2026 segment retail`: one segment, one year\n"
        "• `/rapport export since 2026-09-01`, `/rapport export 2026-Q3`, `/rapport export 2026-09-01 to 2026-10-15`, "
        "`/rapport export all`"
    ),
    "export.problem.unknown": "“{query}” isn't a period, client or segment I know.{suggest}",
    "export.problem.suggest": " Did you mean {names}?",
    "export.problem.ambiguous": "“{query}” could be {names}. Say which one.",
    "export.problem.which_segment": "Which segment? Say its name after “segment”. The segments: {segments}.",
    "export.problem.unknown_segment": "There's no segment “{segment}”. The segments: {segments}.",
    "export.problem.no_segments": "none yet",
    "export.period.bad_date": "“{value}” isn't a date I can read: write a day as 2026-09-01, a month as 2026-09, a quarter as 2026-Q3, a year as 2026.",
    "export.period.too_long": "“{value}”: count back at least 1 and at most 520 weeks, 120 months or 3,660 days (ten years).",
    "export.period.future": "“{value}” hasn't started yet, so there is nothing in it to export.",
    "export.period.backwards": "“{value}” ends before it starts: put the earlier day first.",
    "export.period.weeks": "the last {count} weeks (since {start})",
    "export.period.weeks.one": "this week (since {start})",
    "export.period.months": "the last {count} months (since {start})",
    "export.period.months.one": "this month (since {start})",
    "export.period.days": "the last {count} days (since {start})",
    "export.period.days.one": "today",
    "export.period.year": "{year}",
    "export.period.quarter": "{year}-Q{quarter}",
    "export.period.month": "{month}",
    "export.period.day": "{day}",
    "export.period.since": "since {start}",
    "export.period.range": "{start} to {last}",
    "export.period.all": "everything so far",
    "export.scope.all": "all clients",
    "export.scope.client": "{client}",
    "export.scope.segment": "segment {segment}",
    "export.title": "Rapport export: {scope}, {period}",
    "export.comment": (
        "Your export: {scope}, {period}. Clients: {clients:,} · check-ins: {checkins:,} · follow-ups: "
        "{followups:,} · contacts: {contacts:,}. Times are in {zone}."
    ),
    "export.comment.cut": " The {sheet} sheet holds the first {rows:,} rows, Excel's most; {left:,} more were left out.",
    "export.gone": "The client of this export was removed, so there is nothing to send.",
    "export.sheet.summary": "Summary",
    "export.sheet.checkins": "Check-ins",
    "export.sheet.followups": "Follow-ups",
    "export.sheet.contacts": "Contacts",
    "export.sheet.weekly": "Weekly",
    "export.col.health": "Health (0-100)",
    "export.col.band": "Band",
    "export.col.reasons": "Why",
    "export.col.client": "Client",
    "export.col.segment": "Segment",
    "export.col.status": "Status",
    "export.col.average_4w": "Average feeling, 4 weeks",
    "export.col.average_12w": "Average feeling, 12 weeks",
    "export.col.checkins_12w": "Check-ins, 12 weeks",
    "export.col.trend": "Trend",
    "export.col.last_touchpoint": "Last touchpoint ({zone})",
    "export.col.last_touchpoint_what": "Last touchpoint, what",
    "export.col.lead": "Lead",
    "export.col.partner": "Partner",
    "export.col.backup": "Backup",
    "export.col.renewal": "Renewal",
    "export.col.open_followups": "Open follow-ups",
    "export.col.waiting": "Waiting for an answer",
    "export.col.when": "When ({zone})",
    "export.col.who": "Who",
    "export.col.feeling": "Feeling (1–5)",
    "export.col.expectations": "Expectations",
    "export.col.note": "Note",
    "export.col.tags": "Tags",
    "export.col.source": "Logged with",
    "export.col.made": "Made ({zone})",
    "export.col.what": "What",
    "export.col.owner": "Owner",
    "export.col.due": "Due ({zone})",
    "export.col.followup_status": "Status",
    "export.col.closed": "Closed ({zone})",
    "export.col.kind": "Kind",
    "export.col.contact": "Contact",
    "export.col.email": "E-mail",
    "export.col.last_inbound": "Last heard from ({zone})",
    "export.col.last_outbound": "Last reached out to ({zone})",
    "export.col.waiting_since": "Waiting since ({zone})",
    "export.col.about": "About",
    "export.col.lead_told": "Lead told ({zone})",
    "export.col.week": "Week (from Monday)",
    "export.col.all_clients": "All clients",
    "export.col.no_segment": "No segment",
    "export.chart.title": "Average feeling per week",
    "export.chart.y": "Feeling (1–5)",
    "export.trend.up": "↗ up",
    "export.trend.down": "↘ down",
    "export.trend.flat": "→ flat",
    "export.trend.unknown": "",
    "export.anyone": "Anyone at the client",
    "export.source.command": "/feeling",
    "export.source.modal": "Form",
    "export.source.prompt": "Question after a touchpoint",
    "export.followup.open": "Open",
    "export.followup.done": "Done",
    "export.followup.not_needed": "Not needed",
    "export.followup.kind.promise": "Promise",
    "export.followup.kind.recovery": "Recovery step",
    # python -m bot export
    "export.cli.no_team": "no workspace {team} in this database{known}",
    "export.cli.known_teams": "; the workspaces here: {teams}",
    "export.cli.bad_since": "--since “{value}” isn't a date: write it as YYYY-MM-DD, e.g. 2026-09-01",
    "export.cli.future_since": "--since {value} is after today ({today}): nothing to export yet",
    "export.cli.bad_zone": "--tz “{value}” isn't a time zone: use a name such as Europe/Amsterdam or UTC",
    "export.cli.bad_period": "--period “{value}” isn't a period: try 12w, 3m, 2026, 2026-Q3, 2026-09, “since 2026-09-01” or all",
    "export.cli.unknown_client": "--client “{query}”: no client or segment has that name{suggest}",
    "export.cli.not_xlsx": "--out {path}: the file name has to end in .xlsx",
    "export.cli.unwritable": "cannot write {path}: {reason}",
    "export.cli.wrote": "wrote {path}: {scope}, {period}; clients: {clients:,}, check-ins: {checkins:,}, follow-ups: {followups:,}, contacts: {contacts:,}; times in {zone}",
    "help.footer": "Your App Home tab (click Rapport in the sidebar) shows your clients and open questions.",
    "help.unknown": "I don't know “{word}” yet. Here is what I can do:",
    # python -m bot: the command line
    "cli.description": "Rapport: how your clients feel, in Slack.",
    "cli.epilog": (
        "Run `python -m bot COMMAND --help` for what a command does and its options. "
        "Settings come from the environment (SLACK_BOT_TOKEN, DATABASE_URL, ...): see README.md."
    ),
    "cli.dev": "run locally: Socket Mode plus the scheduler",
    "cli.dev.about": (
        "Run Rapport on this machine: Socket Mode (no public URL needed) and the scheduler in one "
        "process, on the database in DATABASE_URL (a SQLite file by default). Needs SLACK_BOT_TOKEN "
        "and SLACK_APP_TOKEN."
    ),
    "cli.clock": "run the scheduler: prompts, reminders, nudges and the outbox",
    "cli.clock.about": (
        "Run the scheduler process: it sends prompts, reminders and nudges in each person's working "
        "hours, every RAPPORT_SCHEDULER_INTERVAL_SECONDS. Run exactly one beside the web process."
    ),
    "cli.tick": "run every due job once and exit",
    "cli.tick.about": "Run every due job once and exit: from cron, or to check a deployment.",
    "cli.demo": "simulate an agency for a few weeks, no Slack account needed",
    "cli.demo.about": (
        "Simulate the agency Brightside for a few weeks against a local stand-in for Slack and print "
        "what its staff see. Needs no Slack account, no settings and no network."
    ),
    "cli.demo.weeks": "how many weeks to simulate (default: %(default)s)",
    "cli.demo.seed": "the random seed; the same seed tells the same story (default: %(default)s)",
    "cli.export": "write a workspace's Excel export to a file (see docs/export.md)",
    "cli.export.about": (
        "Write the Excel export of one workspace (Summary, Check-ins, Follow-ups, Contacts, Weekly) to a "
        "file: the same file /rapport export sends in Slack. Default: every client, the last 12 weeks, "
        "times in the zone most of the workspace is in."
    ),
    "cli.export.team": "the Slack workspace id, e.g. T012AB3CD",
    "cli.export.out": "the .xlsx file to write",
    "cli.export.since": "from this day on (YYYY-MM-DD)",
    "cli.export.period": "a period as /rapport export reads it: 12w, 2026, 2026-Q3, all, ...",
    "cli.export.client": "one client, by name or alias",
    "cli.export.segment": "the clients of one segment",
    "cli.export.tz": "the time zone for dates, e.g. Europe/Amsterdam",
    "cli.digest": "print this week's digest of a workspace as text (posts nothing)",
    "cli.digest.about": (
        "This week's digest of one workspace (feeling, movers, clients at risk and why, quiet contacts, "
        "overdue promises, coverage, renewals, churn) as text, as of now. Nothing is posted to Slack."
    ),
    "cli.digest.team": "the Slack workspace id, e.g. T012AB3CD",
    "cli.digest.tz": "time zone for the dates shown, e.g. Europe/Amsterdam (default: the digest's)",
    "cli.digest.no_workspace": "No workspace {team} in this database: check --team and DATABASE_URL.",
    "cli.import": "import clients from an .xlsx or .csv file",
    "cli.import.about": (
        "Import clients from an Excel workbook (.xlsx) or a CSV file, with English or Dutch column "
        "names (see docs/import.md). Importing again updates the clients and never duplicates them."
    ),
    "cli.import.file": "the .xlsx or .csv file, one client per row under a row of column names",
    "cli.import.team": (
        "the Slack workspace (team) id the clients belong to, e.g. T0123ABCD; with SLACK_BOT_TOKEN "
        "set it may be left out, and Slack is asked"
    ),
    "cli.import.without_slack": (
        "Check this machine's network connection, and SLACK_API_URL if it is set; or import without "
        "Slack: leave SLACK_BOT_TOKEN unset and give --team."
    ),
    "cli.db": "database maintenance: db upgrade",
    "cli.db.about": "Database maintenance.",
    "cli.db.upgrade": "bring the database to the newest schema",
    "cli.db.upgrade.about": (
        "Bring the database in DATABASE_URL to the newest schema by running the migrations it lacks. "
        "Safe to run again: a database that is up to date is left as it is."
    ),
    "cli.db.upgraded": "database is at the newest schema",
    "cli.team.where": (
        "Find it in Slack in a browser: the address is app.slack.com/client/T…/…, and the T… part is "
        "the id. Or set SLACK_BOT_TOKEN and leave --team out: Rapport asks Slack (auth.test)."
    ),
    "cli.team.shape": (
        "'{team}' is not a Slack workspace id: one is a T and then capital letters and digits, "
        "e.g. T0123ABCD.{guess}"
    ),
    "cli.team.guess": " Did you mean {team}?",
    "cli.team.missing": (
        "Which workspace are the clients for? Give --team with its Slack id, or set SLACK_BOT_TOKEN "
        "and Rapport asks Slack."
    ),
    "cli.team.other": (
        "--team {team} is not the workspace of SLACK_BOT_TOKEN, which is {own} ({name}); nothing was "
        "imported. Leave --team out to import for {own}, or use the bot token of {team}."
    ),
    "cli.slack.unreachable": "Could not reach Slack at {url}: {why}.",
    "cli.slack.unreachable.check": "Check this machine's network connection, and SLACK_API_URL if it is set.",
    "cli.slack.refused_token": "Slack refused {name} ({error}): copy it again from {where}.",
    "cli.slack.refused": "Slack answered '{error}' to {method}.",
    "cli.db.unreachable": "Could not reach the database at {url}: {why}.",
    "cli.db.unreachable.check": (
        "Check DATABASE_URL, and that the database server is running and accepts connections from "
        "this machine."
    ),
    "cli.db.no_folder": "Could not open the SQLite database {path}: the folder {folder} does not exist.",
    "cli.db.no_folder.check": (
        "Create that folder, or set DATABASE_URL to a file in a folder that exists (by default "
        "sqlite:///rapport.db, in the current folder)."
    ),
    "cli.db.sqlite": "Could not open the SQLite database {path}: {why}.",
    "cli.db.sqlite.check": "Check that the file and its folder can be read and written, or change DATABASE_URL.",
    "cli.db.bad_url": "DATABASE_URL is not a database URL Rapport can use: {why}.",
    "cli.db.bad_url.check": "Use e.g. postgresql://user:password@host/rapport, or sqlite:///rapport.db.",
    "cli.db.refused": "The database refused what Rapport asked ({url}): {why}.",
    "cli.stopped": "Rapport stopped: {why}.",
    "cli.debug": "Run again with LOG_LEVEL=DEBUG to see where.",
}
