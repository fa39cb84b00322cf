from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterator

import pytest
from syncctl.cli import build_parser, main

LEAVES = [
    ["dlq", "list"],
    ["dlq", "show"],
    ["dlq", "replay"],
    ["reconcile", "orders"],
    ["webhooks", "register"],
]


def _subparsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                yield from _subparsers(child)


def test_every_command_and_option_explains_itself() -> None:
    for parser in _subparsers(build_parser()):
        assert parser.description or parser.prog == "syncctl", parser.prog
        for action in parser._actions:
            assert action.help, f"{parser.prog}: {action.option_strings or action.dest}"


@pytest.mark.parametrize("command", LEAVES, ids=" ".join)
def test_help_exits_zero(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main([*command, "--help"])
    assert done.value.code == 0
    assert "usage: syncctl " + " ".join(command) in capsys.readouterr().out


def test_the_module_runs_like_the_console_script() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "syncctl", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "dlq" in result.stdout
    assert "reconcile" in result.stdout


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["dlq", "list", "--since", "3 fortnights"], "'3 fortnights'"),
        (["dlq", "list", "--limit", "many"], "'many'"),
        (["dlq", "list", "--topic", "a", "--all"], "not allowed with"),
        (["dlq", "show", "x.v1.dlq", "zero"], "'zero'"),
        (["dlq", "replay", "x.v1.dlq"], "both <dlq-topic>"),
        (["dlq", "replay", "x.v1.dlq", "0:1", "--tenant", "a"], "filters do not apply"),
        (["reconcile", "orders", "--tenant", "a", "--since", "later"], "'later'"),
        (["reconcile", "orders"], "--tenant"),
        (["webhooks", "register", "--tenant", "t", "--shop-domain", "d"], "--callback"),
        (
            ["webhooks", "register", "--tenant", "t", "--shop-domain", "d", "--callback", "x"],
            "'x'",
        ),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2_naming_the_value(
    argv: list[str], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 2
    assert named in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["dlq", "list", "--bootstrap-servers", "127.0.0.1:9", "--timeout", "5"],
            "cannot reach Kafka at 127.0.0.1:9: ",
        ),
        (
            ["reconcile", "orders", "--tenant", "demo", "--orders-url", "http://127.0.0.1:9"],
            "cannot reach the orders service at http://127.0.0.1:9",
        ),
    ],
)
def test_unreachable_servers_exit_1_with_one_clear_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"syncctl: error: {message}")
    assert "Traceback" not in err


def test_webhooks_need_a_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SHOPIFY_ACCESS_TOKEN", raising=False)
    argv = ["webhooks", "register", "--tenant", "t", "--shop-domain", "d", "--callback", "http://g"]
    assert main(argv) == 1
    assert "SHOPIFY_ACCESS_TOKEN" in capsys.readouterr().err
