"""Progress of a running job, kept in a small file under the data directory.

A job's work may hold the database's write lock for minutes (an import is one transaction), so
progress cannot go through the database: on SQLite no second connection could write it. Each job
gets `DATA_DIR/jobs/<uid>.json`, replaced atomically, holding a stage name and counts only —
never a value from the record.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

#: Fewest seconds between two writes of the file (the page polls about once a second).
MIN_INTERVAL = 0.25


@dataclass(frozen=True)
class Snapshot:
    """What the page and the CLI show of a running job."""

    stage: str = ""
    done: int = 0
    total: int = 0

    @property
    def fraction(self) -> float | None:
        """Share done between 0 and 1, or None when the total is not known."""
        if self.total <= 0:
            return None
        return min(1.0, max(0.0, self.done / self.total))

    @property
    def percent(self) -> int | None:
        fraction = self.fraction
        return None if fraction is None else round(100 * fraction)


def progress_dir() -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR) / "jobs"


def progress_path(job_uid: str) -> Path:
    return progress_dir() / f"{job_uid}.json"


def read(job_uid: str) -> Snapshot:
    """The last progress written for the job (an empty snapshot when there is none yet)."""
    try:
        raw = json.loads(progress_path(job_uid).read_text(encoding="utf-8"))
        return Snapshot(stage=str(raw.get("stage", "")), done=int(raw.get("done", 0)),
                        total=int(raw.get("total", 0)))
    except (OSError, ValueError, TypeError, AttributeError):
        return Snapshot()


def remove(job_uid: str) -> None:
    progress_path(job_uid).unlink(missing_ok=True)


class Reporter:
    """Collects a job's progress and writes it out at most every `MIN_INTERVAL` seconds.

    The services call progress back in three shapes, and each has its method: a stage name
    (linkage), one more step of a known count (estimation), rows written of a total (imports).
    """

    def __init__(self, job_uid: str, *, total: int = 0) -> None:
        self.path = progress_path(job_uid)
        self.state = Snapshot(total=total)
        self._last_write = 0.0

    def stage(self, name: str) -> None:
        self.state = Snapshot(stage=name, done=self.state.done, total=self.state.total)
        self._write(force=True)

    def begin(self, name: str, total: int = 0) -> None:
        """A new stage of `total` steps (0: not known), none done yet."""
        self.state = Snapshot(stage=name, done=0, total=max(total, 0))
        self._write(force=True)

    def step(self, n: int = 1) -> None:
        self.state = Snapshot(self.state.stage, self.state.done + n, self.state.total)
        self._write()

    def rows(self, n: int, total: int) -> None:
        self.state = Snapshot(self.state.stage, self.state.done + n, max(total, 0))
        self._write()

    def _write(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_write < MIN_INTERVAL:
            return
        self._last_write = now
        write_snapshot(self.path, self.state)


def write_snapshot(path: Path, snapshot: Snapshot) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    payload: dict[str, Any] = {**asdict(snapshot), "at": time.time()}
    tmp.write_text(json.dumps(payload), encoding="utf-8")
    os.replace(tmp, path)
