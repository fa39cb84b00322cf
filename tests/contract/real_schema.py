"""The real Admin GraphQL schema our documents are checked against.

Shopify publishes no 2026 SDL we can read here, so we take the real 2025-04 SDL and apply
the changelog entries that touch a sync engine (see the shared Shopify README):

- 2026-01: ``InventoryQuantityInput.changeFromQuantity: Int`` (compare-and-swap) and the
  ``@idempotent(key:)`` directive on mutation fields;
- 2026-04: ``compareQuantity`` and ``ignoreCompareQuantity`` are removed.

Shopify's own schema fails graphql-core's type-system validation (it is served by a
different implementation), so it is built with ``assume_valid=True``: documents are
validated against it, the schema itself is taken as already checked.
"""

from __future__ import annotations

import gzip
import re
from functools import cache
from pathlib import Path

from graphql import GraphQLSchema, build_schema

SDL_FILE = "shopify/schema/admin-2025-04.graphql.gz"

IDEMPOTENT_DIRECTIVE = '''
"""Makes a mutation idempotent: a repeated key returns the first result (2026-01)."""
directive @idempotent(key: String!) on FIELD
'''


def apply_2026_deltas(sdl: str) -> str:
    before = sdl
    sdl = re.sub(
        r'(input InventoryQuantityInput \{.*?)("""\n\tThe current quantity to be compared'
        r' against the persisted quantity\.\n\t"""\n\tcompareQuantity: Int\n)',
        r'\1"""\n\tThe quantity the caller last read; the write applies only if it still'
        r' matches (null skips the check).\n\t"""\n\tchangeFromQuantity: Int\n',
        sdl,
        count=1,
        flags=re.S,
    )
    sdl = re.sub(
        r'(input InventorySetQuantitiesInput \{.*?)\t"""\n\tSkip the compare quantity check'
        r' in the quantities field\.\n\t"""\n\tignoreCompareQuantity: Boolean\n',
        r"\1",
        sdl,
        count=1,
        flags=re.S,
    )
    if sdl.count("changeFromQuantity") != 1 or "ignoreCompareQuantity: Boolean" in sdl:
        raise AssertionError("the 2025-04 SDL no longer has the shape the 2026 deltas expect")
    assert sdl != before
    return sdl + IDEMPOTENT_DIRECTIVE


@cache
def real_schema(shared_dir: Path) -> GraphQLSchema:
    raw = gzip.decompress((shared_dir / SDL_FILE).read_bytes()).decode("utf-8")
    return build_schema(apply_2026_deltas(raw), assume_valid=True, assume_valid_sdl=True)
