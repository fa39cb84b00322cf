"""What ``dlq show`` may print: never secrets, and customer PII only with ``--full``.

Support needs ids, amounts, SKUs and statuses to diagnose a record; it rarely needs the
customer's email, phone or address, and a terminal is a place where those leak (screen
shares, tickets, scrollback). Secrets are never printed, ``--full`` or not.
"""

from __future__ import annotations

import re
from typing import Any

REDACTED = "[redacted]"
WITHHELD = "[secret]"

_SECRET_KEY = re.compile(
    r"token|secret|password|passwd|api[_-]?key|authorization|hmac|signature|cookie|"
    r"credential|private[_-]?key",
    re.IGNORECASE,
)
# Address blocks go whole ("billing_address", "addresses"); the rest field by field.
_PII_KEY = re.compile(
    r"e-?mail|phone|address|^zip$|postal|^(first|last)_name$|"
    r"latitude|longitude|browser_ip|client_details",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def is_secret(key: str) -> bool:
    return bool(_SECRET_KEY.search(key))


def redact(value: Any, *, full: bool = False) -> Any:
    """A copy of ``value`` with secret fields replaced and (unless ``full``) PII too."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            name = str(key)
            if is_secret(name):
                out[name] = WITHHELD
            elif not full and _PII_KEY.search(name) and _has_data(item):
                out[name] = REDACTED
            else:
                out[name] = redact(item, full=full)
        return out
    if isinstance(value, list):
        return [redact(item, full=full) for item in value]
    if isinstance(value, str) and not full:
        return scrub_text(value)
    return value


def _has_data(item: Any) -> bool:
    """Only values that can hold PII are replaced: flags ('verified_email': true) and
    empty values stay, so support still sees that the field exists and what it says."""
    if item is None or isinstance(item, bool):
        return False
    return not (isinstance(item, str | dict | list) and not item)


def scrub_text(text: str) -> str:
    """Free text (an error message, a note) with email addresses masked. Phone numbers
    are left: in free text they cannot be told from ids and dates, which support needs."""
    return _EMAIL.sub(REDACTED, text)


def redact_headers(headers: dict[str, str], *, full: bool = False) -> dict[str, str]:
    return {
        name: WITHHELD if is_secret(name) else (value if full else scrub_text(value))
        for name, value in headers.items()
    }
