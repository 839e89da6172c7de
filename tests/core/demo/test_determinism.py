"""Same seed and size ⇒ byte-identical files; another seed ⇒ another case."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import expediente
from expediente.demo import generate, write_demo_case


def _digests(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_same_seed_gives_byte_identical_files(small_dir: Path, tmp_path: Path) -> None:
    write_demo_case(generate(seed=11, size="small"), tmp_path)
    assert _digests(tmp_path) == _digests(small_dir)


def test_other_seed_gives_other_case(small_dir: Path, tmp_path: Path) -> None:
    write_demo_case(generate(seed=12, size="small"), tmp_path)
    mine, theirs = _digests(tmp_path), _digests(small_dir)
    assert mine.keys() == theirs.keys()
    assert mine["victims/SRC-01.csv"] != theirs["victims/SRC-01.csv"]
    assert mine["truth/persons.csv"] != theirs["truth/persons.csv"]


def test_files_do_not_depend_on_the_interpreter_hash_seed(small_dir: Path, tmp_path: Path) -> None:
    src = str(Path(expediente.__file__).resolve().parents[1])
    code = (
        "import sys; from expediente.demo import generate, write_demo_case; "
        "write_demo_case(generate(seed=11, size='small'), sys.argv[1])"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": src}
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, env=env)
    assert _digests(tmp_path) == _digests(small_dir)
