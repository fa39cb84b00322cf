from __future__ import annotations

import pytest
from plumbing.retry import RetryPolicy


def test_caps_grow_exponentially_up_to_the_maximum() -> None:
    policy = RetryPolicy(max_attempts=8, base_delay_s=0.5, max_delay_s=5.0)
    assert [policy.cap(n) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]


def test_delay_is_full_jitter_within_the_cap() -> None:
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=8.0)
    assert policy.delay(3, rand=lambda: 0.0) == 0.0
    assert policy.delay(3, rand=lambda: 0.5) == 2.0
    assert policy.delay(3, rand=lambda: 0.999) < 4.0


def test_attempts_are_bounded() -> None:
    policy = RetryPolicy(max_attempts=3)
    assert [policy.should_retry(n) for n in (1, 2, 3, 4)] == [True, True, False, False]


@pytest.mark.parametrize(
    "kwargs",
    [{"max_attempts": 0}, {"base_delay_s": 0}, {"base_delay_s": 2.0, "max_delay_s": 1.0}],
)
def test_nonsense_policies_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must"):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]
