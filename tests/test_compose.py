"""compose.yaml, read as Compose would read it: valid against the Compose specification's JSON
schema (check-jsonschema's vendored copy), and consistent with Rungs itself where no schema can
tell: every command is one `rungs` accepts, every setting one Rungs reads, the database URL
points at the PostgreSQL service with its user and database, health checks probe the ports the
commands listen on, and references to services and volumes resolve."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import _parser
from bot.settings import Settings

COMPOSE = Path(__file__).resolve().parents[1] / "compose.yaml"
RUNGS_SERVICES = ("migrate", "slack", "discord", "discord-http")
# Variables of the other programs in the file, and the ones Compose itself reads.
OTHERS = {"POSTGRES_USER", "POSTGRES_DB", "POSTGRES_PASSWORD"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return document


def setting_names() -> set[str]:
    """Every environment variable Settings reads: RUNGS_<field> and each field's aliases."""
    names = set()
    for name, field in Settings.model_fields.items():
        names.add(f"RUNGS_{name.upper()}")
        aliases = getattr(field.validation_alias, "choices", None) or []
        names.update(str(alias) for alias in aliases)
    return names


def test_it_is_valid_against_the_compose_specification() -> None:
    checker = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    if checker is None:
        pytest.skip("check-jsonschema (a dev dependency) is not installed")
    done = subprocess.run(
        [checker, "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_command_is_one_rungs_accepts(compose: dict[str, Any]) -> None:
    parser = _parser()
    for name in RUNGS_SERVICES:
        command = compose["services"][name]["command"]
        parsed = parser.parse_args(command)  # exits (fails the test) on a bad command
        assert parsed.command == command[0], name


def test_every_setting_is_one_rungs_reads(compose: dict[str, Any]) -> None:
    known = setting_names() | OTHERS
    for name, service in compose["services"].items():
        unknown = set(service.get("environment", {})) - known
        assert not unknown, f"{name}: {sorted(unknown)}"


def test_the_database_url_names_the_postgres_service(compose: dict[str, Any]) -> None:
    postgres = compose["services"]["postgres"]["environment"]
    for name in RUNGS_SERVICES:
        url = compose["services"][name]["environment"]["RUNGS_DATABASE_URL"]
        assert "${POSTGRES_PASSWORD:?" in url  # the same secret, required, never written here
        parts = urllib.parse.urlsplit(re.sub(r"\$\{[^}]*\}", "password", url))  # interpolated
        assert parts.scheme == "postgresql"
        assert parts.hostname == "postgres"
        assert parts.username == postgres["POSTGRES_USER"]
        assert parts.path.lstrip("/") == postgres["POSTGRES_DB"]


def test_health_checks_probe_the_ports_the_services_listen_on(compose: dict[str, Any]) -> None:
    for name in ("slack", "discord", "discord-http"):
        service = compose["services"][name]
        probe = " ".join(service["healthcheck"]["test"])
        command = service["command"]
        port = (
            command[command.index("--port") + 1]
            if "--port" in command
            else service["environment"]["RUNGS_METRICS_PORT"]
        )
        assert f"127.0.0.1:{port}/" in probe, name
        published = [str(p).rsplit(":", 1)[-1] for p in service["ports"]]
        assert port in published, name


def test_references_resolve(compose: dict[str, Any]) -> None:
    services, volumes = compose["services"], set(compose.get("volumes") or {})
    for name, service in services.items():
        for needed, condition in (service.get("depends_on") or {}).items():
            assert needed in services, f"{name} depends on unknown {needed}"
            assert needed != name, f"{name} depends on itself"
            assert condition["condition"] in (
                "service_started",
                "service_healthy",
                "service_completed_successfully",
            )
            if condition["condition"] == "service_healthy":
                assert "healthcheck" in services[needed], f"{needed} has no health check"
        for mount in service.get("volumes", []):
            source = str(mount).split(":", 1)[0]
            if not source.startswith((".", "/")):
                assert source in volumes, f"{name} mounts undeclared volume {source}"
