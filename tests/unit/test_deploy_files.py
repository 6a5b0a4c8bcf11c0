"""The deployment files agree with themselves and with Nexus (their schemas are checked
in .ci/run): every shard is owned by exactly one process, each process is told the same
total, the StatefulSet's process count is its replica count and its ordinal comes from
the pod-index label, the secrets it reads exist, and several processes share PostgreSQL
(never SQLite, which serves one process)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "kubernetes"
POD_INDEX = "metadata.labels['apps.kubernetes.io/pod-index']"


def _docs(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def _manifest(kind: str) -> dict[str, Any]:
    found = [d for p in sorted(K8S.glob("*.yaml")) for d in _docs(p) if d["kind"] == kind]
    assert len(found) == 1, (kind, found)
    return found[0]


def test_compose_splits_the_shards_between_its_bot_processes() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    bots = {n: s for n, s in compose["services"].items() if n.startswith("bot")}
    assert len(bots) == 2
    counts = {s["environment"]["SHARD_COUNT"] for s in bots.values()}
    assert len(counts) == 1
    (count,) = counts
    owned = [int(i) for s in bots.values() for i in str(s["environment"]["SHARD_IDS"]).split(",")]
    assert sorted(owned) == list(range(int(count)))  # each shard exactly once
    for service in bots.values():
        assert service["environment"]["DATABASE_URL"].startswith("postgresql://")
        assert service["depends_on"]["db"]["condition"] == "service_healthy"


def test_the_statefulset_derives_each_process_share_from_its_pod_index() -> None:
    sts = _manifest("StatefulSet")
    (container,) = sts["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e for e in container["env"]}
    assert env["SHARD_ORDINAL"]["valueFrom"]["fieldRef"]["fieldPath"] == POD_INDEX
    assert int(env["PROCESS_COUNT"]["value"]) == sts["spec"]["replicas"]
    assert int(env["SHARD_COUNT"]["value"]) >= sts["spec"]["replicas"]
    secret = _manifest("Secret")
    for name in ("DISCORD_TOKEN", "DATABASE_URL"):
        ref = env[name]["valueFrom"]["secretKeyRef"]
        assert ref["name"] == secret["metadata"]["name"] and ref["key"] in secret["stringData"]
    assert secret["stringData"]["DATABASE_URL"].startswith("postgresql://")
    assert container["resources"]["requests"]["memory"]
    assert sts["spec"]["serviceName"] == _manifest("Service")["metadata"]["name"]


def test_every_compose_dependency_is_a_service_of_the_file() -> None:
    """The Compose schema does not check names: a `depends_on` naming no service makes
    `docker compose up` refuse to start."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = set(compose["services"])
    for name, service in compose["services"].items():
        needs = service.get("depends_on") or {}
        assert set(needs) <= services, (name, set(needs) - services)
