"""Reading a service's configuration file (TOML), with errors that name the file."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any


class ConfigFileError(ValueError):
    """The file cannot be read or is not TOML; the message names the file."""


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """The parsed document; ``what`` names the file in errors ("tenants file")."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        msg = f"{what} {path}: {exc.strerror or exc}"
        raise ConfigFileError(msg) from exc
    except tomllib.TOMLDecodeError as exc:
        msg = f"{what} {path}: not valid TOML: {exc}"
        raise ConfigFileError(msg) from exc
