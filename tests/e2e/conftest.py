"""The whole-stack fixture: a ``Stack`` of real processes for one throwaway tenant."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DatabaseFactory
from tests.e2e.stack import Stack

StackFactory = Callable[..., Awaitable[Stack]]


@pytest.fixture
async def make_stack(
    kafka_bootstrap: str, fresh_dbs: DatabaseFactory, tmp_path: Path
) -> AsyncIterator[StackFactory]:
    """Starts a stack (``Stack``'s own fields as keywords: policy, orders_env); every
    stack it started is stopped afterwards, whatever the test did."""
    started: list[Stack] = []

    async def make(**fields: Any) -> Stack:
        stack = Stack(
            kafka=kafka_bootstrap,
            orders_db=await fresh_dbs(),
            erp_db=await fresh_dbs(),
            workdir=tmp_path / f"stack{len(started)}",
            **fields,
        )
        started.append(stack)
        await stack.start()
        return stack

    yield make
    for stack in started:
        stack.stop_all()


@pytest.fixture
async def stack(make_stack: StackFactory) -> Stack:
    """A stack with the demo policy."""
    return await make_stack()
