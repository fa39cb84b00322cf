"""Plain-text tables and JSON for the terminal: no colours, stable column order, so the
output pastes into a ticket and ``--json`` feeds ``jq``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from syncctl.records import DlqRecord
from syncctl.redact import redact, redact_headers, scrub_text

LIST_COLUMNS = (
    "DLQ TOPIC",
    "P:OFFSET",
    "TENANT",
    "TYPE",
    "KEY",
    "REASON",
    "ATTEMPTS",
    "FAILED AT",
    "ERROR",
)
ERROR_WIDTH = 60


def shorten(text: str, width: int) -> str:
    """One line of at most ``width`` characters, '…' marking a cut."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%SZ") if moment is not None else "?"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    lines = [headers, *rows]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def list_row(record: DlqRecord) -> list[str]:
    dlq = record.dlq
    return [
        record.topic,
        record.position,
        record.tenant,
        record.envelope_type,
        record.key_text,
        record.reason,
        dlq.get("attempts", "?"),
        when(record.failed_at),
        shorten(scrub_text(dlq.get("error-message", "")), ERROR_WIDTH),
    ]


def list_table(records: Sequence[DlqRecord]) -> str:
    return table(LIST_COLUMNS, [list_row(r) for r in records])


def list_item(record: DlqRecord) -> dict[str, Any]:
    """One record for ``--json``: the table's columns, unshortened, plus the ids."""
    dlq = record.dlq
    failed = record.failed_at
    return {
        "dlq_topic": record.topic,
        "partition": record.partition,
        "offset": record.offset,
        "tenant": record.tenant,
        "type": record.envelope_type,
        "envelope_id": record.envelope_id,
        "key": record.key_text,
        "original_topic": record.original_topic,
        "error_reason": record.reason,
        "error_kind": dlq.get("error-kind"),
        "error_class": dlq.get("error-class"),
        "error_message": scrub_text(dlq.get("error-message", "")),
        "attempts": int(dlq["attempts"]) if dlq.get("attempts", "").isdigit() else None,
        "consumer": dlq.get("consumer"),
        "failed_at": failed.isoformat() if failed is not None else None,
    }


def show_document(record: DlqRecord, *, full: bool = False) -> dict[str, Any]:
    """Everything ``dlq show`` prints, already redacted."""
    env = record.envelope
    if env is not None:
        envelope: Any = redact(env.model_dump(mode="json"), full=full)
    else:
        text = record.value.decode("utf-8", "replace")
        envelope = {"undecodable": scrub_text(text[:2000]) if not full else text}
    return {
        "dlq_topic": record.topic,
        "partition": record.partition,
        "offset": record.offset,
        "key": record.key_text,
        "headers": redact_headers(record.header_map, full=full),
        "envelope": envelope,
    }


def show_text(document: dict[str, Any]) -> str:
    lines = [
        f"{document['dlq_topic']} {document['partition']}:{document['offset']}",
        f"key: {document['key']}",
        "",
        "headers:",
    ]
    headers: dict[str, str] = document["headers"]
    width = max((len(n) for n in headers), default=0)
    lines += [f"  {name.ljust(width)}  {value}" for name, value in sorted(headers.items())]
    lines += ["", "envelope:", json.dumps(document["envelope"], indent=2, ensure_ascii=False)]
    return "\n".join(lines)
