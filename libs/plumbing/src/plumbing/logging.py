"""Structured JSON logs, one line per event, with the message context on every line.

The envelope's id, tenant, key and correlation id are bound in context variables while
a message is handled, so every line a handler (or a library it calls) writes names the
message it was about. Keys that may hold secrets or whole customer records are masked.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

import structlog
from contracts import Envelope

REDACTED = "[redacted]"
_SENSITIVE = frozenset(
    {
        "password",
        "secret",
        "secrets",
        "token",
        "access_token",
        "authorization",
        "api_key",
        "hmac",
        "payload",
        "body",
        "database_url",
        "dsn",
    }
)


def redact(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in event.keys() & _SENSITIVE:
        event[key] = REDACTED
    return event


def configure_logging(service: str, level: str = "INFO", *, json: bool = True) -> None:
    """Send structlog and stdlib logging (aiokafka, uvicorn, faststream) to one stream."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact,
    ]
    renderer: Any = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request at INFO; our adapters log their calls' outcomes themselves.
    for noisy in ("aiokafka", "kafka", "faststream", "uvicorn.access", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(service=service)


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(name)
    return logger


@contextmanager
def bound_message(
    envelope: Envelope | None, *, topic: str, partition: int, offset: int
) -> Iterator[None]:
    """Bind what identifies the message being handled to every log line inside."""
    context: dict[str, Any] = {"topic": topic, "partition": partition, "offset": offset}
    if envelope is not None:
        context.update(envelope.log_context())
    with structlog.contextvars.bound_contextvars(**context):
        yield
