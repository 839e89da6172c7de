"""Report benchmark: the public PDF of the demo case, its wall time and peak memory.

    python bench/reports/run.py [--work DIR] [--sizes small,large] [--format pdf]

For each size the demo case (`expediente demo-data --seed 1`) is generated once under
`--work`, imported once into a data directory of its own (`expediente init`, `import`, an
analyst to act as) and reused. Each measurement is `expediente report --edition public` run in
a process of its own, timed from the start of that process to its end (Django start-up
included), its peak memory that process's `VmHWM`. The time the report itself took, after
Django's start-up, is printed beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = 1
PASSPHRASE = "synthetic passphrase of the benchmark"  # noqa: S105 (synthetic, no secret)

CHILD = """
import json, sys, time
from expediente.cli import main
from expediente_web.cli.setup import setup_django
setup_django()
start = time.perf_counter()
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    peak = 0
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024
    sys.stderr.write(json.dumps({"seconds_in_process": time.perf_counter() - start,
                                 "peak_mib": peak}) + "\\n")
"""


def _environment(data_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("EXPEDIENTE_KEYS", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["EXPEDIENTE_DATA_DIR"] = str(data_dir)
    env["EXPEDIENTE_KEY_PASSPHRASE"] = PASSPHRASE
    env["PYTHONPATH"] = str(ROOT / "src")
    return env


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from expediente.cli import main; main(sys.argv[1:])"
    return subprocess.run(  # noqa: S603 (a fixed argv of our own, no shell)
        [sys.executable, "-c", code, *args],
        env=_environment(data_dir),
        check=True,
        capture_output=True,
        text=True,
    )


def prepared(work: Path, size: str) -> Path:
    """A data directory holding the demo case of `size`, imported once and reused."""
    data = work / f"data-{size}"
    if (data / "ready").exists():
        return data
    shutil.rmtree(data, ignore_errors=True)
    case_dir = work / f"demo-{size}"
    if not (case_dir / "README.txt").exists():
        from expediente.demo import generate, write_demo_case

        write_demo_case(generate(SEED, size), case_dir)  # type: ignore[arg-type]
    data.mkdir(parents=True)
    _cli(data, "init")
    started = time.perf_counter()
    _cli(data, "import", str(case_dir), "--case", f"demo-{size}")
    print(f"{size}: imported in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    _cli(data, "user", "create", "ana", "--no-login", "--role", "analyst", "--case", f"demo-{size}")
    (data / "ready").write_text("")
    return data


def measure(work: Path, size: str, fmt: str) -> dict[str, object]:
    data = prepared(work, size)
    out = work / f"out-{size}-{fmt}"
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 (a fixed argv of our own, no shell)
        [
            sys.executable,
            "-c",
            CHILD,
            "report",
            "--case",
            f"demo-{size}",
            "--edition",
            "public",
            "--format",
            fmt,
            "--out",
            str(out),
            "--user",
            "ana",
            "--lang",
            "es",
        ],
        env=_environment(data),
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{size}: report failed:\n{done.stdout}\n{done.stderr}")
    numbers = json.loads(done.stderr.strip().splitlines()[-1])
    files = sorted(p for p in out.rglob("*") if p.is_file())
    return {
        "size": size,
        "format": fmt,
        "wall_s": round(wall, 2),
        "in_process_s": round(numbers["seconds_in_process"], 2),
        "peak_mib": round(numbers["peak_mib"]),
        "bytes": sum(p.stat().st_size for p in files),
        "files": len(files),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    scratch = Path("/tmp/expediente-bench-reports")  # noqa: S108 (the benchmark's scratch directory, named in its README)
    parser.add_argument("--work", type=Path, default=scratch)
    parser.add_argument("--sizes", default="small,large")
    parser.add_argument("--format", default="pdf", choices=("pdf", "html", "site"))
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    args.work.mkdir(parents=True, exist_ok=True)
    print("| size | format | wall | report only | peak memory | output |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for size in args.sizes.split(","):
        r = measure(args.work, size, args.format)
        print(
            f"| {r['size']} | {r['format']} | {r['wall_s']:.1f} s | {r['in_process_s']:.1f} s "
            f"| {r['peak_mib']} MiB | {r['bytes'] / 1024:.0f} KiB in {r['files']} files |",
            flush=True,
        )


if __name__ == "__main__":
    main()
