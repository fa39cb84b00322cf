"""The version guard: apply an entity's event only if it is newer than what we applied.

Shopify and ERPs deliver out of order (``products/update`` before ``products/create``);
comparing the source's ``updated_at`` keeps the newest state whatever the arrival order.
"""

from __future__ import annotations

from datetime import datetime

from plumbing.db import Connection

_ADVANCE = """
INSERT INTO entity_versions AS v (tenant, entity_type, entity_id, version)
VALUES ($1, $2, $3, $4)
ON CONFLICT (tenant, entity_type, entity_id) DO UPDATE
    SET version = excluded.version, updated_at = now()
    WHERE v.version < excluded.version OR ($5 AND v.version = excluded.version)
RETURNING 1
"""


async def advance(
    conn: Connection,
    tenant: str,
    entity_type: str,
    entity_id: str,
    version: datetime,
    *,
    equal_is_new: bool = False,
) -> bool:
    """Record ``version`` as applied; False when an equal or newer one already was.

    ``equal_is_new`` lets an event of the same version through, for sources whose
    timestamps are coarser than their events (two Shopify order webhooks in the same
    second) and handlers for which a repeat is harmless.

    Run it in the transaction of the effect, before applying: the row lock it takes
    serialises concurrent events of the same entity.
    """
    row = await conn.fetchval(_ADVANCE, tenant, entity_type, entity_id, version, equal_is_new)
    return row is not None
