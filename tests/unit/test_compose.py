"""docker-compose.yml and deploy/Dockerfile describe the same platform as `make up`.

With a Docker CLI that has the compose plugin, `docker compose config -q` validates the
file (no engine needed). The structural checks below run everywhere, engine or not.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
INIT_SQL = REPO / "deploy" / "postgres-init.sql"
APPS = {"gateway": 8080, "catalog": 8091, "inventory": 8092, "orders": 8093}
WITH_DATABASE = {"catalog", "inventory", "orders"}
INFRA = {"kafka", "postgres"}
EMULATORS = {"shopify-sim": ("shopify_sim", 8081), "erp-sim": ("erp_sim", 8082)}


def _compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict), "docker-compose.yml is not a mapping"
    return data


def _services() -> dict[str, dict[str, Any]]:
    services = _compose().get("services")
    assert isinstance(services, dict), "docker-compose.yml has no services mapping"
    return services


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) for item in env)
    return {str(key): str(value) for key, value in env.items()}


def _compose_plugin() -> bool:
    docker = shutil.which("docker")
    if docker is None:
        return False
    probe = subprocess.run(
        [docker, "compose", "version"], capture_output=True, text=True, timeout=30, check=False
    )
    return probe.returncode == 0


def test_docker_compose_config_accepts_the_file() -> None:
    if not _compose_plugin():
        pytest.skip("no docker CLI with the compose plugin; the structural tests still run")
    result = subprocess.run(
        ["docker", "compose", "-f", str(COMPOSE_FILE), "config", "-q"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_servers_services_and_emulators_exist() -> None:
    assert set(_services()) == INFRA | set(APPS) | set(EMULATORS)


def test_images_of_the_servers_are_pinned() -> None:
    services = _services()
    assert services["kafka"]["image"] == "apache/kafka:4.1.1"
    assert services["postgres"]["image"].startswith("postgres:16")


def test_every_build_points_at_an_existing_dockerfile() -> None:
    builds = {name: svc["build"] for name, svc in _services().items() if "build" in svc}
    assert set(builds) == set(APPS) | set(EMULATORS), "ours are built, the servers pulled"
    for name, build in builds.items():
        if isinstance(build, str):
            context, dockerfile = REPO / build, "Dockerfile"
        else:
            context, dockerfile = REPO / build.get("context", "."), build.get("dockerfile")
            dockerfile = dockerfile or "Dockerfile"
        assert context.is_dir(), f"{name}: build context {context} is missing"
        assert (context / dockerfile).is_file(), f"{name}: {dockerfile} is missing"


def test_the_dockerfile_copies_only_what_exists_and_syncs_the_frozen_lock() -> None:
    text = (REPO / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim\b", text, re.MULTILINE)
    assert "uv sync --frozen --no-dev" in text
    copies = re.findall(r"^COPY\s+(?!--from)(.+)$", text, re.MULTILINE)
    assert copies, "the Dockerfile copies nothing"
    for line in copies:
        *sources, _destination = line.split()
        for source in sources:
            assert (REPO / source).exists(), f"COPY {source}: not in the repository"


def test_the_dockerfile_copies_every_workspace_member() -> None:
    """``uv sync --frozen`` fails in the image when a workspace member is missing."""
    members = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["uv"][
        "workspace"
    ]["members"]
    text = (REPO / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    copied = {
        source.rstrip("/")
        for line in re.findall(r"^COPY\s+(?!--from)(.+)$", text, re.MULTILINE)
        for source in line.split()[:-1]
    }
    for member in members:
        root = member.split("/", 1)[0]
        assert root in copied, f"workspace member {member}: COPY {root} is missing"


def test_emulators_run_their_package_and_probe_their_port() -> None:
    for name, (module, port) in EMULATORS.items():
        service = _services()[name]
        assert service["command"] == ["python", "-m", module]
        folder = REPO / "sim" / name.removesuffix("-sim")
        assert (folder / "src" / module / "__main__.py").is_file()
        env = _environment(service)
        assert env[f"{module.upper()}_HOST"] == "0.0.0.0"
        assert env[f"{module.upper()}_PORT"] == str(port)
        assert f"{port}:{port}" in [str(p) for p in service.get("ports", [])]
        assert f"127.0.0.1:{port}/health" in " ".join(service["healthcheck"]["test"])


def test_every_app_runs_an_existing_service_package() -> None:
    for name in APPS:
        command = _services()[name]["command"]
        if isinstance(command, str):
            command = command.split()
        assert "-m" in command, f"{name}: command {command} does not run a module"
        module = command[command.index("-m") + 1]
        assert module == name, f"{name} runs {module}"
        package = REPO / "services" / name / "src" / name
        assert (package / "__init__.py").is_file(), f"{package} is not a package"
        assert (package / "__main__.py").is_file(), f"{package} has no __main__.py"


def test_the_reference_erp_has_its_own_database() -> None:
    env = _environment(_services()["erp-sim"])
    assert env["ERP_SIM_DATABASE_URL"] == "postgresql://shopsync:shopsync@postgres:5432/erp"
    assert _services()["erp-sim"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_apps_wait_for_healthy_servers() -> None:
    for name in APPS:
        depends = _services()[name].get("depends_on")
        assert isinstance(depends, dict), f"{name}: depends_on must use conditions"
        needed = {"kafka", "postgres"} if name in WITH_DATABASE else {"kafka"}
        assert needed <= set(depends), f"{name} must depend on {sorted(needed)}"
        for server in needed:
            assert depends[server].get("condition") == "service_healthy", (name, server)


def test_every_service_has_a_healthcheck() -> None:
    for name, service in _services().items():
        check = service.get("healthcheck")
        assert isinstance(check, dict), f"{name} has no healthcheck"
        assert check.get("test"), f"{name}: healthcheck without a test"
        assert not check.get("disable", False), f"{name}: healthcheck disabled"


def test_app_healthchecks_probe_their_own_health_endpoint() -> None:
    for name, port in APPS.items():
        test = " ".join(_services()[name]["healthcheck"]["test"])
        assert f"127.0.0.1:{port}/health" in test, f"{name}: healthcheck {test}"
        assert "curl" not in test, "python:3.11-slim has no curl"


def test_apps_use_the_in_network_addresses_and_their_own_database() -> None:
    for name, port in APPS.items():
        service = _services()[name]
        env = _environment(service)
        assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
        assert env[f"{name.upper()}_HTTP_HOST"] == "0.0.0.0"
        assert env[f"{name.upper()}_HTTP_PORT"] == str(port)
        assert f"{port}:{port}" in [str(p) for p in service.get("ports", [])]
        if name in WITH_DATABASE:
            assert env["DATABASE_URL"] == f"postgresql://shopsync:shopsync@postgres:5432/{name}"
        else:
            assert "DATABASE_URL" not in env


def test_kafka_advertises_an_internal_listener_for_the_apps() -> None:
    env = _environment(_services()["kafka"])
    assert "PLAINTEXT://kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"].split(",")
    assert "broker" in env["KAFKA_PROCESS_ROLES"]
    assert "controller" in env["KAFKA_PROCESS_ROLES"]
    assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "1"


def test_mounted_local_files_exist() -> None:
    mounts = 0
    for name, service in _services().items():
        for volume in service.get("volumes", []):
            if isinstance(volume, dict):
                source = volume.get("source", "") if volume.get("type") == "bind" else ""
            else:
                source = str(volume).split(":", 1)[0]
            if not source.startswith((".", "/")):
                continue  # a named volume
            assert not source.startswith("/"), f"{name}: absolute host path {source}"
            assert (REPO / source).exists(), f"{name}: mounted {source} does not exist"
            mounts += 1
    assert mounts >= 1, "postgres mounts deploy/postgres-init.sql"


def test_postgres_init_creates_every_database_the_apps_use() -> None:
    sql = INIT_SQL.read_text(encoding="utf-8")
    arrays = re.findall(r"ARRAY\[([^\]]*)\]", sql)
    assert arrays, "postgres-init.sql names its databases in ARRAY[...]"
    created = {name.strip().strip("'") for name in arrays[0].split(",")}
    assert created == {"catalog", "inventory", "orders", "erp", "shopsync_test"}
    assert "CREATE ROLE shopsync LOGIN CREATEDB" in sql
    init_mount = [
        volume
        for volume in _services()["postgres"]["volumes"]
        if "postgres-init.sql" in str(volume) and "/docker-entrypoint-initdb.d/" in str(volume)
    ]
    assert init_mount, "postgres must run deploy/postgres-init.sql at init"
    healthcheck = " ".join(_services()["postgres"]["healthcheck"]["test"])
    assert "pg_isready" in healthcheck
