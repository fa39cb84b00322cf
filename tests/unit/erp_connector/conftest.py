"""Each test reads the adapter's log through a fresh logger proxy."""

from __future__ import annotations

import pytest
import structlog
from erp_connector import transport


@pytest.fixture(autouse=True)
def fresh_adapter_logger(monkeypatch: pytest.MonkeyPatch) -> None:
    """An in-process test that configured structlog with cache_logger_on_first_use (a
    service's configure_logging) leaves the module's logger bound to the processors of
    its first use; ``capture_logs`` then sees nothing. A new proxy binds afresh."""
    monkeypatch.setattr(transport, "log", structlog.get_logger("erp_connector"))
