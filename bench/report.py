"""Results: one row per scenario (Nexus figure, floor figure, ratio, target), table + JSON."""

from __future__ import annotations

import json
import math
import os
import platform
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[k]


@dataclass
class Result:
    scenario: str
    backend: str  # sqlite | postgresql | - (no database)
    unit: str
    nexus: float | None
    floor: float | None
    floor_what: str
    target: str
    passed: bool | None  # None: no target, or it could not run
    note: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.nexus is None or not self.floor:
            return None
        return self.nexus / self.floor

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio}


def failed(scenario: str, backend: str, target: str, why: str) -> Result:
    return Result(scenario, backend, "", None, None, "", target, None, f"could not run: {why}")


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import psutil

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(psutil.virtual_memory().total / 1024**3, 1),
        "python": platform.python_version(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
    }


def table(results: list[Result], title: str) -> Table:
    t = Table(title=title, show_lines=False)
    for col in ("scenario", "db", "Nexus", "floor", "ratio", "unit", "target", "ok", "floor is"):
        t.add_column(col, overflow="fold")
    for r in results:
        ok = {True: "[green]pass", False: "[red]MISS", None: "—"}[r.passed]
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else "—"
        scenario = r.scenario + (f" ({r.note})" if r.note else "")
        t.add_row(
            scenario,
            r.backend,
            _fmt(r.nexus),
            _fmt(r.floor),
            ratio,
            r.unit,
            r.target,
            ok,
            r.floor_what,
        )
    return t


def markdown(results: list[Result]) -> str:
    lines = [
        "| scenario | db | Nexus | floor | ratio | unit | target | ok | floor is |",
        "|---|---|---:|---:|---:|---|---|---|---|",
    ]
    for r in results:
        ok = {True: "pass", False: "**MISS**", None: "—"}[r.passed]
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else "—"
        scenario = r.scenario + (f" ({r.note})" if r.note else "")
        lines.append(
            f"| {scenario} | {r.backend} | {_fmt(r.nexus)} | {_fmt(r.floor)} | {ratio} | "
            f"{r.unit} | {r.target} | {ok} | {r.floor_what} |"
        )
    return "\n".join(lines)


def write_json(path: Path, results: list[Result], meta: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"machine": meta, "results": [r.to_dict() for r in results]}
    path.write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")


class Steal:
    """Share of CPU time the hypervisor gave to other guests while this machine wanted to
    run, between construction and `pct()` (Linux's `steal`; 0 elsewhere). On a shared
    host it rises under load and inflates the heavier scenarios' latencies."""

    def __init__(self) -> None:
        self.start = self._times()

    @staticmethod
    def _times() -> tuple[float, float]:
        import psutil

        t = psutil.cpu_times()
        return float(getattr(t, "steal", 0.0)), float(sum(t))

    def pct(self) -> float:
        steal, total = self._times()
        spent = total - self.start[1]
        return round(100 * (steal - self.start[0]) / spent, 1) if spent > 0 else 0.0


def show(results: list[Result], meta: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    title = (
        f"Nexus bench — {meta['nproc']} cores, {meta['cpu']}, {meta['ram_gb']} GB, "
        f"Python {meta['python']}, load {meta.get('loadavg_start')}, "
        f"CPU steal {meta.get('steal_pct')} % (e2e {meta.get('steal_pct_e2e')} %)"
    )
    console.print(table(results, title))
