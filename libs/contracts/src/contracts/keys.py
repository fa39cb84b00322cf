"""Kafka message keys: ``tenant:entity-id``.

All events of one entity of one tenant share a key, so they land on one partition and
are consumed in order; tenants never share a key.
"""

from __future__ import annotations

import re

TENANT_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"
_TENANT = re.compile(TENANT_PATTERN)


class InvalidKey(ValueError):
    """A tenant or entity id that cannot form a key."""


def validate_tenant(tenant: str) -> str:
    if not _TENANT.fullmatch(tenant):
        msg = (
            f"tenant {tenant!r} is not a valid slug: lower-case letters, digits, '-' or '_',"
            " starting with a letter or digit, at most 63 characters"
        )
        raise InvalidKey(msg)
    return tenant


def make_key(tenant: str, entity_id: str | int) -> str:
    """The partition key for one entity of one tenant."""
    validate_tenant(tenant)
    entity = str(entity_id)
    if not entity or any(ch.isspace() for ch in entity):
        msg = f"entity id {entity!r} must be non-empty and contain no white space"
        raise InvalidKey(msg)
    return f"{tenant}:{entity}"


def split_key(key: str) -> tuple[str, str]:
    """The (tenant, entity id) a key was made from."""
    tenant, sep, entity = key.partition(":")
    if not sep or not entity:
        msg = f"key {key!r} is not of the form 'tenant:entity-id'"
        raise InvalidKey(msg)
    return validate_tenant(tenant), entity
