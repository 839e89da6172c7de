"""Reading the files of a case folder from inside it only, never through a link.

A case folder comes from elsewhere (another database's export, a partner's archive) and is as
untrusted as any file: a name in it, or a symbolic link under it, must not make the import read
a file of this machine (the data directory's key ring, say) into the case. Every path the import
opens is relative, has no `..`, and no part of it below the folder is a link; files are opened
with `O_NOFOLLOW` and must be regular files, so a link made after the check is refused too.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO


class OutsideFolder(Exception):
    """The path leaves the folder, goes through a link, or is not a regular file."""


def links_under(root: Path) -> Iterator[str]:
    """Every symbolic link under `root` (relative paths), without following any."""
    for folder, dirs, files in os.walk(root, followlinks=False):
        here = Path(folder)
        for name in sorted(dirs + files):
            path = here / name
            if path.is_symlink():
                yield path.relative_to(root).as_posix()


def inside(root: Path, relative: str) -> Path:
    """`root / relative`, checked: relative, no `..`, no link in any part below `root`.

    Raises:
        OutsideFolder: it is not so.
    """
    parts = PurePosixPath(relative).parts
    if (
        not parts
        or PurePosixPath(relative).is_absolute()
        or any(p in ("..", ".", "") or "\\" in p or "\x00" in p for p in parts)
    ):
        raise OutsideFolder(f"{relative!r} is not a path inside the folder")
    path = root
    for part in parts:
        path = path / part
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            raise OutsideFolder(f"{relative} is missing") from None
        except OSError as exc:
            raise OutsideFolder(f"{relative} cannot be read: {exc.strerror}") from None
        if stat.S_ISLNK(mode):
            raise OutsideFolder(
                f"{relative} is a symbolic link; a case folder's files are read "
                "only from inside it, never through a link"
            )
    try:
        path.resolve(strict=True).relative_to(root.resolve(strict=True))
    except (OSError, ValueError):
        raise OutsideFolder(f"{relative} is not inside the folder") from None
    return path


def open_inside(root: Path, relative: str) -> BinaryIO:
    """Open a regular file of the folder for reading (see `inside`), never through a link.

    Raises:
        OutsideFolder: the path is not a regular file inside the folder.
    """
    path = inside(root, relative)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:  # ELOOP: it became a link since `inside` looked
        raise OutsideFolder(f"{relative} cannot be opened: {exc.strerror}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OutsideFolder(f"{relative} is not a regular file")
    return os.fdopen(fd, "rb")
