"""Replay memory for ERP signatures: bounded, in-process, time-windowed.

A signature is bound to its timestamp, and a timestamp older than the tolerance is
refused anyway, so remembering each signature for twice the tolerance is enough. The
gateway is stateless and scales by copies, so this catches a replay to the same
instance only; a replay that reaches another instance publishes a duplicate envelope
(same event id) that the consumers' inboxes drop.
"""

from __future__ import annotations

from collections import OrderedDict


class LruReplayGuard:
    def __init__(self, *, max_entries: int, window_s: float) -> None:
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._max = max_entries
        self._window_s = window_s

    def claim(self, key: str, now: float) -> bool:
        self._expire(now)
        expires = self._seen.get(key)
        if expires is not None and expires > now:
            return False
        self._seen[key] = now + self._window_s
        self._seen.move_to_end(key)
        while len(self._seen) > self._max:
            self._seen.popitem(last=False)
        return True

    def release(self, key: str) -> None:
        self._seen.pop(key, None)

    def _expire(self, now: float) -> None:
        while self._seen:
            key, expires = next(iter(self._seen.items()))
            if expires > now:
                return
            del self._seen[key]
