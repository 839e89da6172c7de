"""Where an uploaded table file waits while the browser sends it: in the data directory.

Django writes an upload larger than `FILE_UPLOAD_MAX_MEMORY_SIZE` to a temporary file of the
system's temporary directory until the view has read it. A list of victims holds identities, so
the Import page keeps that file in `DATA_DIR/intake-work/` instead (mode 0700, beside the files
the import jobs decrypt), and the view stores it encrypted before the request ends; the file is
deleted when it is closed.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler


def work_dir() -> Path:
    path = Path(settings.DATA_DIR) / "intake-work"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


class PrivateUploadedFile(UploadedFile):
    """An upload spooled to a temporary file of the data directory."""

    def __init__(
        self, name: str, content_type: str, size: int, charset: Any, content_type_extra: Any = None
    ) -> None:
        _, ext = os.path.splitext(name)
        handle = tempfile.NamedTemporaryFile(suffix=".upload" + ext[:16], dir=work_dir())  # noqa: SIM115
        super().__init__(handle, name, content_type, size, charset, content_type_extra)

    def temporary_file_path(self) -> str:
        return str(self.file.name)

    def close(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.file.close()


class PrivateUploadHandler(TemporaryFileUploadHandler):
    """Spools every upload of the request to the data directory, never to memory or /tmp."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super(TemporaryFileUploadHandler, self).new_file(*args, **kwargs)
        self.file = PrivateUploadedFile(
            self.file_name, self.content_type, 0, self.charset, self.content_type_extra
        )
