"""A GraphQL document with one named operation.

The operation name is the key the cost model learns by and what logs and metrics say,
so every document we send must have exactly one, named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

_OPERATION = re.compile(r"^\s*(query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)", re.M)


@dataclass(frozen=True)
class Document:
    text: str
    name: str = field(init=False)
    kind: Literal["query", "mutation"] = field(init=False)

    def __post_init__(self) -> None:
        found = _OPERATION.findall(self.text)
        if len(found) != 1:
            msg = f"a document needs exactly one named operation, found {len(found)}"
            raise ValueError(msg)
        kind, name = found[0]
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "name", name)

    def __str__(self) -> str:
        return self.name
