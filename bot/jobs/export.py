"""The export a person asked for with `/rapport export …`, made and shared in their DM by the clock
process: the outbox kind `export`, drawn (the workbook built from the database as it is then) and sent
as a file upload (files_upload_v2: the upload URL Slack hands out, the file, then its sharing).
"""

from __future__ import annotations

import io
import logging
from typing import Any

from sqlalchemy.orm import Session

from bot import exports
from bot.jobs import outbox
from bot.services import export as export_service
from bot.views import export as export_view
from storage.models import OutboxMessage, Staff

log = logging.getLogger(__name__)


def draw(session: Session, message: OutboxMessage) -> dict[str, Any] | None:
    """The file and its comment; None when the one client it was for has gone since it was asked for."""
    staff = session.get(Staff, message.recipient_staff_id) if message.recipient_staff_id else None
    zone = export_service.zone_for(session, staff, message.team_id)
    selection = export_service.Selection.from_payload(message.team_id, message.payload, zone)
    if export_service.client_gone(session, selection):
        log.warning("outbox %s: client %s is gone, no export sent", message.id, selection.client_id)
        return None
    locale = staff.locale if staff is not None else None
    now = export_service.asked_at(message.payload, message.created_at)
    buffer = io.BytesIO()
    made = exports.write(session, selection, now, buffer)
    return export_view.upload(made.export, made.written, buffer.getvalue(), locale)


outbox.register(outbox.Kind(export_service.KIND, draw, outbox.upload))
