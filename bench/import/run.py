"""Import benchmark: the large demo case from CSV into SQLite, against a bare `sqlite3`
`executemany` of the same rows into the same tables, side by side in one run.

    python bench/import/run.py [--work DIR] [--sizes small,large,large2]
                               [--databases plain,sqlcipher]

Each measurement runs in its own process on a fresh database (migrated once, then copied), so
that peak memory (ru_maxrss) is the import's own. `large2` is the large case with every source
present twice (under a second code), to show that memory stays flat as the files grow.
Each size is measured on a plain database and on one encrypted with SQLCipher (the key ring's
database key), side by side, for the import and for the bare baseline alike.

The bare baseline reads each CSV with the `csv` module and inserts its rows with one
`executemany` per table and source (cases, sources, structure, persons, acts, involvements,
measured facts, testimonies, excerpts and citations), resolving references through
dictionaries. It does none of the import's work beyond that: no validation of cells, dates or
vocabularies, no reference checks, no encryption or blind indexes, no audit entry.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SEED = 1
SIZES = {"small": "small", "large": "large", "large2": "large"}


# -- inputs ------------------------------------------------------------------------------------

def demo_dir(work: Path, size: str) -> Path:
    """The demo case directory of a size, generated once and reused."""
    out = work / f"demo-{size}"
    if (out / "README.txt").exists():
        return out
    if size == "large2":
        base = demo_dir(work, "large")
        shutil.copytree(base, out)
        _double(out)
        return out
    from expediente.demo import generate, write_demo_case

    write_demo_case(generate(SEED, SIZES[size]), out)
    return out


def _double(root: Path) -> None:
    """Every source a second time, as `<code>B`, with its files and mapping."""
    with open(root / "sources.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    with open(root / "sources.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(body + [[r[0] + "B", *r[1:]] for r in body])
    for folder in ("victims", "acts", "testimonies", "mappings"):
        for path in list((root / folder).glob("*")) if (root / folder).is_dir() else []:
            shutil.copyfile(path, path.with_name(path.stem + "B" + path.suffix))


# -- one measurement in a child process ---------------------------------------------------------

def _environment(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["EXPEDIENTE_DATA_DIR"] = str(data_dir)
    env.pop("DATABASE_URL", None)
    env["PYTHONPATH"] = str(ROOT / "src")
    env["DJANGO_SETTINGS_MODULE"] = "expediente_web.settings"
    # The key ring `init` seals (a synthetic benchmark: the passphrase is no secret).
    env.setdefault("EXPEDIENTE_KEY_PASSPHRASE", "synthetic passphrase of the benchmark")
    return env


def template_database(work: Path, database: str = "sqlcipher") -> Path:
    """An empty, migrated data directory (key ring included), copied for every measurement:
    encrypted with SQLCipher (`init`'s ring has a database key), or plain (a ring without)."""
    template = work / f"template-{database}"
    if (template / "expediente.sqlite3").exists():
        return template
    template.mkdir(parents=True, exist_ok=True)
    if database == "plain":
        from expediente_web.protection.keyring import new_keyring, new_seal, save_keyring

        save_keyring(new_keyring(database_key=False), template / "keys.json",
                     seal=new_seal(_environment(template)["EXPEDIENTE_KEY_PASSPHRASE"]))
    code = "from expediente.cli import main; main(['init'])"
    subprocess.run([sys.executable, "-c", code], env=_environment(template), check=True,  # noqa: S603 (a fixed argv of our own, no shell)
                   capture_output=True)
    return template


def measure(kind: str, case_dir: Path, work: Path, database: str = "sqlcipher") -> dict:
    data = work / f"run-{kind}-{database}-{case_dir.name}"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(template_database(work, database), data)
    result = subprocess.run(  # noqa: S603 (a fixed argv of our own, no shell)
        [sys.executable, __file__, "--child", kind, str(case_dir)],
        env=_environment(data), check=True, capture_output=True, text=True,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["db_mb"] = round(sum(p.stat().st_size for p in data.glob("expediente.sqlite3*"))
                             / 2**20, 1)
    shutil.rmtree(data, ignore_errors=True)
    return figures


def child(kind: str, case_dir: Path) -> None:
    if kind == "expediente":  # start-up is not import work
        import django

        django.setup()
        from expediente_web.protection.cipher import current_keyring

        current_keyring()
    else:  # the key ring unlocked and the database opened before the clock starts, likewise
        bare = Bare(Path(os.environ["EXPEDIENTE_DATA_DIR"]) / "expediente.sqlite3")
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    rows = (import_with_expediente(case_dir) if kind == "expediente"
            else import_bare(case_dir, bare))
    wall, cpu = time.perf_counter() - start_wall, time.process_time() - start_cpu
    peak = _peak_rss_mib()
    print(json.dumps({"rows": rows, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
                      "peak_mib": round(peak, 1)}))


def _peak_rss_mib() -> float:
    """This process's peak resident memory. VmHWM belongs to the process's own address space;
    ru_maxrss would include the parent's peak from before the exec (the generator's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def import_with_expediente(case_dir: Path) -> int:
    from expediente_web.intake.case_directory import do_import_case_directory

    outcome = do_import_case_directory("bench", case_dir)
    return outcome.rows


# -- the bare baseline --------------------------------------------------------------------------

class Bare:
    """Plain sqlite3 inserts with the pragmas the application's connection uses (on SQLCipher,
    keyed as the application keys it, when the database is encrypted)."""

    def __init__(self, path: Path) -> None:
        from expediente_web.protection.keyring import load_keyring
        from expediente_web.protection.sqlcipher_backend.keyed import PLAIN, connect, file_state

        if file_state(str(path)) == PLAIN:
            import sqlite3

            self.db = sqlite3.connect(path, isolation_level=None)
        else:
            ring = load_keyring(path.parent / "keys.json")
            self.db, _ = connect(str(path), lambda: ring, isolation_level=None)
        self.db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                              "PRAGMA foreign_keys=ON;")
        self.now = time.strftime("%Y-%m-%d %H:%M:%S")
        self._columns: dict[str, list[tuple[str, bool]]] = {}

    def columns(self, table: str) -> list[tuple[str, bool]]:
        if table not in self._columns:
            info = self.db.execute(f'PRAGMA table_info("{table}")').fetchall()
            self._columns[table] = [(r[1], bool(r[3])) for r in info if r[1] != "id"]
        return self._columns[table]

    def insert(self, table: str, rows: list[dict]) -> None:
        """One executemany; columns a row lacks get '' (NOT NULL) or NULL, uid a new one."""
        cols = self.columns(table)
        defaults = []
        for name, not_null in cols:
            if name in ("created_at", "updated_at"):
                defaults.append(self.now)
            else:
                defaults.append("" if not_null else None)
        names = [n for n, _ in cols]
        sql = (f'INSERT INTO "{table}" ({", ".join(chr(34) + n + chr(34) for n in names)}) '  # noqa: S608 (identifiers from the models, values bound as parameters)
               f"VALUES ({', '.join('?' * len(names))})")
        params = []
        for row in rows:
            values = [row.get(n, d) for n, d in zip(names, defaults, strict=True)]
            if "uid" in names and "uid" not in row:
                values[names.index("uid")] = uuid.uuid4().hex
            params.append(values)
        self.db.executemany(sql, params)

    def ids(self, table: str, key: str, where: str, arg: object) -> dict[str, int]:
        return dict(self.db.execute(f'SELECT "{key}", id FROM "{table}" WHERE {where}', (arg,)))  # noqa: S608 (identifiers from the models, values bound as parameters)


def _read(path: Path, rename: dict[str, str] | None = None) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = [(rename or {}).get(h, h) for h in next(reader)]
        return [dict(zip(header, row, strict=False)) for row in reader]


def import_bare(root: Path, bare: Bare | None = None) -> int:
    bare = bare or Bare(Path(os.environ["EXPEDIENTE_DATA_DIR"]) / "expediente.sqlite3")
    db = bare.db
    db.execute("BEGIN IMMEDIATE")
    structure = json.loads((root / "structure.json").read_text(encoding="utf-8"))
    meta = structure["case"]
    bare.insert("cases_case", [{"code": "bench", "title": meta["title"],
                                "country": meta.get("country", ""), "period": meta["period"],
                                "description": meta["description"]}])
    case_id = db.execute("SELECT id FROM cases_case WHERE code='bench'").fetchone()[0]
    common = {"case_id": case_id}
    bare.insert("records_location", [{**common, "code": x["code"], "name": x["name"],
                                      "kind": x["kind"]} for x in structure["locations"]])
    bare.insert("records_unit", [{**common, "code": x["code"], "name": x["name"]}
                                 for x in structure["organizations"]])
    bare.insert("records_person", [{**common, "source_record_id": x["record_id"],
                                    "given_names": x.get("given_names", "")}
                                   for x in structure["persons"]])
    locations = bare.ids("records_location", "code", "case_id=?", case_id)
    units = bare.ids("records_unit", "code", "case_id=?", case_id)
    perpetrators = bare.ids("records_person", "source_record_id", "source_id IS NULL AND case_id=?",
                            case_id)
    bare.insert("records_position", [{**common, "person_id": perpetrators[x["person_record_id"]],
                                      "unit_id": units[x["unit_code"]], "is_commander": 0}
                                     for x in structure["positions"]])
    bare.insert("records_event", [{**common, "code": x["code"], "title": x["title"],
                                   "date_text": x.get("date") or ""}
                                  for x in structure["events"]])
    events = bare.ids("records_event", "code", "case_id=?", case_id)
    sources = _read(root / "sources.csv")
    bare.insert("cases_source", [{**common, "code": s["record_id"], "name": s["name"],
                                  "kind": s["kind"], "reliability": s["reliability"]}
                                 for s in sources])
    source_ids = bare.ids("cases_source", "code", "case_id=?", case_id)
    act_type = db.execute("SELECT id FROM django_content_type WHERE app_label='records' "
                          "AND model='act'").fetchone()[0]
    rows = len(sources)
    for code, source_id in sorted(source_ids.items()):
        here = {**common, "source_id": source_id}
        mapping_path = root / "mappings" / f"{code}.yaml"
        rename = {}
        if mapping_path.exists():
            rename = {k: v for k, v in
                      (yaml.safe_load(mapping_path.read_text(encoding="utf-8"))["columns"]
                       or {}).items() if v}
        victims = _read(root / "victims" / f"{code}.csv", rename) if (
            root / "victims" / f"{code}.csv").exists() else []
        bare.insert("records_person", [
            {**here, "source_record_id": v["record_id"], **{
                k: v.get(k, "") for k in ("full_name", "given_names", "first_surname",
                                          "second_surname", "nickname", "id_number",
                                          "birth_date", "phone", "address", "sex",
                                          "occupation", "affiliation", "notes")},
             "age": int(v["age"]) if v.get("age") else None,
             "state_id": locations.get(v.get("state", ""))}
            for v in victims
        ])
        persons = bare.ids("records_person", "source_record_id", "source_id=?", source_id)
        acts = [dict(v, victim_record_id=v["record_id"]) for v in victims if v.get("act_type")]
        if (root / "acts" / f"{code}.csv").exists():
            acts += _read(root / "acts" / f"{code}.csv")
        bare.insert("records_act", [
            {**here, "source_record_id": a["record_id"], "victim_id": persons[
                a["victim_record_id"]], "act_type": a["act_type"],
             "methods": json.dumps([m for m in a.get("methods", "").split(";") if m]),
             "outcome": a.get("outcome", ""), "description": a.get("description", ""),
             "date_text": a.get("date", ""), "event_id": events.get(a.get("event_code", "")),
             "location_id": locations.get(a.get("location_code", ""))}
            for a in acts
        ])
        act_ids = bare.ids("records_act", "source_record_id", "source_id=?", source_id)
        bare.insert("records_involvement", [
            {"act_id": act_ids[a["record_id"]], "unit_id": units.get(a.get("unit_code", "")),
             "person_id": perpetrators.get(a.get("perpetrator_record_id", "")),
             "degree": a.get("involvement") or "involvement.suspected"}
            for a in acts if a.get("unit_code") or a.get("perpetrator_record_id")
        ])
        bare.insert("records_measuredfact", [
            {"act_id": act_ids[a["record_id"]], "measure": f"measure.{m}",
             "value": float(a[m]), "unit": u}
            for a in acts for m, u in (("weight_lost_kg", "kg"), ("days_incommunicado", "day"),
                                       ("cell_depth_m", "m")) if a.get(m)
        ])
        testimonies = _read(root / "testimonies" / f"{code}.csv") if (
            root / "testimonies" / f"{code}.csv").exists() else []
        bare.insert("records_testimony", [
            {**here, "source_record_id": t["record_id"],
             "witness_id": persons.get(t.get("witness_record_id", "")),
             "witness_name": t.get("witness_name", ""), "witness_contact": t.get(
                 "witness_phone", ""), "language": t["language"],
             "consent_scopes": json.dumps(t.get("consent_scope", "").split(";")),
             "narrative": t["narrative"], "date_text": t["date"]}
            for t in testimonies
        ])
        linked = [t for t in testimonies if t.get("act_record_ids")]
        testimony_ids = bare.ids("records_testimony", "source_record_id", "source_id=?",
                                 source_id)
        bare.insert("evidence_excerpt", [
            {**common, "testimony_id": testimony_ids[t["record_id"]], "start": 0,
             "end": len(t["narrative"])} for t in linked
        ])
        excerpts = dict(db.execute(
            "SELECT testimony_id, e.id FROM evidence_excerpt e JOIN records_testimony t "
            "ON t.id = e.testimony_id WHERE t.source_id=?", (source_id,)))
        bare.insert("evidence_citation", [
            {"excerpt_id": excerpts[testimony_ids[t["record_id"]]], "target_type_id": act_type,
             "target_id": act_ids[a]}
            for t in linked for a in dict.fromkeys(t["act_record_ids"].split(";"))
        ])
        rows += len(victims) + len(acts) - sum(1 for v in victims if v.get("act_type"))
        rows += len(testimonies)
    db.execute("COMMIT")
    return rows


# -- the run -----------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/expediente-bench-import"))  # noqa: S108 (the benchmark's scratch directory, named in its README)
    parser.add_argument("--sizes", default="small,large,large2")
    parser.add_argument("--databases", default="plain,sqlcipher",
                        help="plain, sqlcipher, or both (side by side)")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    sys.path.insert(0, str(ROOT / "src"))
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"{'size':8} {'database':9} {'rows':>8} {'bare wall':>10} {'bare cpu':>9} "
          f"{'exp wall':>9} {'exp cpu':>8} {'ratio wall':>10} {'ratio cpu':>9} {'exp peak':>9} "
          f"{'bare peak':>9} {'db size':>8}")
    for size in args.sizes.split(","):
        case_dir = demo_dir(args.work, size)
        for database in args.databases.split(","):
            bare = measure("bare", case_dir, args.work, database)
            exp = measure("expediente", case_dir, args.work, database)
            print(f"{size:8} {database:9} {exp['rows']:>8,} {bare['wall_s']:>9.2f}s "
                  f"{bare['cpu_s']:>8.2f}s {exp['wall_s']:>8.2f}s {exp['cpu_s']:>7.2f}s "
                  f"{exp['wall_s'] / bare['wall_s']:>9.2f}× {exp['cpu_s'] / bare['cpu_s']:>8.2f}× "
                  f"{exp['peak_mib']:>6.0f}MiB {bare['peak_mib']:>6.0f}MiB "
                  f"{exp['db_mb']:>6.1f}MB", flush=True)


if __name__ == "__main__":
    main()
