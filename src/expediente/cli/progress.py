"""The progress of a linkage run on the command line: one step of a bar per stage, on stderr,
when it is a terminal. Used by `expediente link` on files and on a case alike."""

from __future__ import annotations

import sys

import click

__all__ = ["StageProgress"]

_STAGES = ("preparing", "blocking", "comparing", "estimating", "training", "scoring", "explaining")


class StageProgress:
    """Stage-by-stage progress bar on stderr when interactive."""

    def __init__(self) -> None:
        self.bar = None
        if sys.stderr.isatty():
            self.bar = click.progressbar(length=len(_STAGES), label="linking", file=sys.stderr)
            self.bar.__enter__()

    def __call__(self, message: str) -> None:
        if self.bar is not None:
            self.bar.label = message
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
