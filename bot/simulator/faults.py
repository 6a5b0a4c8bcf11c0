"""REST faults injected on demand: error statuses, 429s and latency."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Fault:
    method: str | None
    path_pattern: str
    status: int | None = None
    times: int | None = 1
    code: int | None = None
    message: str | None = None
    retry_after: float = 0.1
    is_global: bool = False
    delay: float = 0.0
    after_effect: bool = False
    hits: int = 0
    _regex: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._regex = re.compile(self.path_pattern)

    def matches(self, method: str, path: str) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path_pattern == "" or bool(self._regex.search(path))

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.hits >= self.times

    def body(self) -> dict[str, Any]:
        status = self.status or 500
        if status == 429:
            return {
                "message": self.message or "You are being rate limited.",
                "retry_after": self.retry_after,
                "global": self.is_global,
                "code": self.code or 0,
            }
        default = {403: "Missing Permissions", 404: "Unknown Channel"}.get(status, "Server Error")
        default_code = {403: 50013, 404: 10003}.get(status, 0)
        return {
            "message": self.message or default,
            "code": self.code if self.code is not None else default_code,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path_pattern": self.path_pattern,
            "status": self.status,
            "times": self.times,
            "code": self.code,
            "retry_after": self.retry_after,
            "global": self.is_global,
            "delay": self.delay,
            "after_effect": self.after_effect,
            "hits": self.hits,
        }


class Faults:
    """`sim.faults.add(method="POST", path_pattern=r"/channels/\\d+/messages", status=500)`.

    Paths are matched (re.search) against the path after /api/v10. `times=None` is unlimited.
    `after_effect=True` performs the request and still answers the error status.
    `delay` adds latency before the answer (with or without a status).
    """

    def __init__(self) -> None:
        self.active: list[Fault] = []

    def add(
        self,
        method: str | None = None,
        path_pattern: str = "",
        status: int | None = None,
        *,
        times: int | None = 1,
        code: int | None = None,
        message: str | None = None,
        retry_after: float = 0.1,
        global_: bool = False,
        delay: float = 0.0,
        after_effect: bool = False,
    ) -> Fault:
        fault = Fault(
            method,
            path_pattern,
            status,
            times,
            code,
            message,
            retry_after,
            global_,
            delay,
            after_effect,
        )
        self.active.append(fault)
        return fault

    def match(self, method: str, path: str) -> Fault | None:
        for fault in self.active:
            if fault.matches(method, path):
                fault.hits += 1
                return fault
        return None

    def clear(self) -> None:
        self.active.clear()

    def remove(self, fault: Fault) -> None:
        if fault in self.active:
            self.active.remove(fault)
