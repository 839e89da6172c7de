"""A hostile case folder: what it tried, and that it now does no harm.

Each test builds a small synthetic case folder, changes it the way an attacker would (an evidence
hash that is a path, a link, a forged author, a reference into another case, a model that is not
a case record, nesting that would crash the decoder) and checks that the import is refused with
the file, entry and field named, and that nothing was written: no record, no audit entry, no file
in the evidence store.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid

import pytest

pytestmark = pytest.mark.django_db

CONTENT = b"synthetic scanned statement (invented for tests)"
SECRET = b'{"active": "k1", "keys": {"k1": "not a real key, a synthetic one"}}'


@pytest.fixture
def store_dir(tmp_path, settings):
    settings.EXPEDIENTE_EVIDENCE_DIR = tmp_path / "store"
    return settings.EXPEDIENTE_EVIDENCE_DIR


def stored_files(store_dir):
    if not store_dir.exists():
        return []
    return sorted(p for p in store_dir.rglob("*") if p.is_file())


@pytest.fixture
def outside(tmp_path):
    """A data directory's secrets, outside the case folder."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "keys.json").write_bytes(SECRET)
    (data / "secret.key").write_bytes(b"synthetic-django-secret")
    return data


def _write_json(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


class Folder:
    """A small case folder: one source, a victim, an act, a testimony, one evidence file, an
    excerpt of the testimony cited by the act, custody, and a comment on the act."""

    def __init__(self, root):
        self.root = root
        self.act = str(uuid.uuid4())
        self.testimony = str(uuid.uuid4())
        self.item = str(uuid.uuid4())
        self.excerpt = str(uuid.uuid4())
        self.sha = hashlib.sha256(CONTENT).hexdigest()
        root.mkdir()
        _write_json(root / "structure.json", {"case": {"title": "Caso sintético"}})
        (root / "sources.csv").write_text(
            "record_id,name,kind\nSRC-01,Lista sintética,source.ngo_list\n", encoding="utf-8"
        )
        for kind, text in {
            "victims": "record_id,full_name\nV1,Ana Ficticia\n",
            "acts": "record_id,victim_record_id,act_type,date\nA1,V1,act.torture,2017-05\n",
            "testimonies": "record_id,date,language,narrative\n"
            "T1,2018-01-10,es,Relato sintético.\n",
        }.items():
            (root / kind).mkdir()
            (root / kind / "SRC-01.csv").write_text(text, encoding="utf-8")
        (root / "uids" / "acts").mkdir(parents=True)
        (root / "uids" / "acts" / "SRC-01.csv").write_text(f"record_id,uid\nA1,{self.act}\n")
        (root / "uids" / "testimonies").mkdir()
        (root / "uids" / "testimonies" / "SRC-01.csv").write_text(
            f"record_id,uid\nT1,{self.testimony}\n"
        )
        files = root / "evidence" / "files"
        files.mkdir(parents=True)
        (files / self.sha).write_bytes(CONTENT)
        self.items = [
            {
                "uid": self.item,
                "sha256": self.sha,
                "size": len(CONTENT),
                "filename": "acta.pdf",
                "media_type": "application/pdf",
            }
        ]
        self.custody = [
            {
                "item_uid": self.item,
                "action": "custody.received",
                "at": "2018-01-11T10:00:00+00:00",
                "actor": None,
                "actor_name": "ONG ficticia",
            }
        ]
        self.excerpts = [
            {
                "uid": self.excerpt,
                "testimony_uid": self.testimony,
                "start": 0,
                "end": 6,
                "quote": "Relato",
            }
        ]
        self.citations = [{"excerpt_uid": self.excerpt, "target": self.ref("records.act")}]
        self.comments = [
            {
                "target": self.ref("records.act"),
                "author": "dora_documenter",
                "body": "¿Fecha confirmada? (sintético)",
                "parent": None,
            }
        ]
        self.deleted = []

    def ref(self, model, uid=None):
        return {"model": model, "uid": uid or self.act}

    def save(self):
        for name, data in (
            ("evidence/items.json", self.items),
            ("evidence/custody.json", self.custody),
            ("evidence/excerpts.json", self.excerpts),
            ("evidence/citations.json", self.citations),
            ("comments.json", self.comments),
            ("deleted.json", self.deleted),
        ):
            _write_json(self.root / name, data)
        return self.root


@pytest.fixture
def folder(tmp_path):
    return Folder(tmp_path / "case-folder")


def refused(root, code="atk"):
    """The problems of a refused import, as (file, row, column, code) tuples."""
    from expediente_web.intake.case_directory import do_import_case_directory
    from expediente_web.intake.importer import ImportRefused

    with pytest.raises(ImportRefused) as caught:
        do_import_case_directory(code, root)
    return [
        (c.name, p.row, p.column, str(p.code))
        for c in caught.value.outcome.checks
        for p in c.problems
    ]


def test_a_good_folder_imports_with_its_evidence_verified(folder, store_dir, db):
    from expediente_web.evidence.models import Citation, EvidenceItem
    from expediente_web.intake.case_directory import do_import_case_directory

    do_import_case_directory("atk", folder.save())
    item = EvidenceItem.objects.get(uid=folder.item)
    assert item.sha256 == folder.sha and item.case.code == "atk"
    assert [p.name for p in stored_files(store_dir)] == [folder.sha]
    assert Citation.objects.count() == 1


@pytest.mark.parametrize(
    "claimed",
    [
        "ABS",  # an absolute path to the data directory's key ring
        "../../data/keys.json",  # a relative one out of the folder
        "../../../data/secret.key",
        "A" * 64,  # hex, but not lowercase
        "0" * 63,  # one digit short
        "0" * 64 + "\n",  # a line break after it
        None,
        12345,
    ],
)
def test_a_hash_that_is_not_a_sha256_is_refused_and_reads_nothing(
    folder, outside, store_dir, counts, claimed
):
    if claimed == "ABS":
        claimed = str(outside / "keys.json")
    folder.items[0]["sha256"] = claimed
    before = counts()
    problems = refused(folder.save())
    assert (
        "evidence/items.json",
        1,
        "sha256",
        "missing_required" if claimed is None else "malformed_file",
    ) in problems
    assert counts() == before
    assert stored_files(store_dir) == []


def test_a_link_under_the_folder_is_not_followed(folder, outside, store_dir, counts):
    # The link's name is the true hash of the key ring, so the claimed hash matches what the
    # link points to: only refusing links keeps the key ring out of the store.
    sha = hashlib.sha256(SECRET).hexdigest()
    os.symlink(outside / "keys.json", folder.root / "evidence" / "files" / sha)
    folder.items.append(
        {"uid": str(uuid.uuid4()), "sha256": sha, "size": len(SECRET), "filename": "keys.json"}
    )
    before = counts()
    problems = refused(folder.save())
    assert ("case folder", None, f"evidence/files/{sha}", "malformed_file") in problems
    assert ("evidence/items.json", 2, "sha256", "malformed_file") in problems
    assert counts() == before
    assert stored_files(store_dir) == []


def test_a_linked_evidence_folder_is_not_followed(folder, outside, store_dir, counts):
    sha = hashlib.sha256(SECRET).hexdigest()
    (outside / sha).write_bytes(SECRET)
    real = folder.root / "evidence" / "files"
    for path in real.iterdir():
        (outside / path.name).write_bytes(path.read_bytes())
        path.unlink()
    real.rmdir()
    os.symlink(outside, real)
    folder.items = [
        {"uid": str(uuid.uuid4()), "sha256": sha, "size": len(SECRET), "filename": "keys.json"}
    ]
    folder.custody = folder.excerpts = folder.citations = []
    before = counts()
    problems = refused(folder.save())
    assert ("evidence/items.json", 1, "sha256", "malformed_file") in problems
    assert counts() == before
    assert stored_files(store_dir) == []


def test_a_file_that_is_not_its_claimed_hash_is_refused(folder, store_dir, counts):
    (folder.root / "evidence" / "files" / folder.sha).write_bytes(b"other content (synthetic)")
    before = counts()
    problems = refused(folder.save())
    assert ("evidence/items.json", 1, "sha256", "malformed_file") in problems
    assert counts() == before
    assert stored_files(store_dir) == []


def test_a_wrong_size_is_refused(folder, store_dir, counts):
    folder.items[0]["size"] = 3
    before = counts()
    assert ("evidence/items.json", 1, "size", "malformed_file") in refused(folder.save())
    assert counts() == before


def test_a_file_changed_after_the_check_is_refused_and_leaves_no_file(
    folder, store_dir, counts, monkeypatch
):
    """The file is hashed when checked and again as it is stored; content swapped in between
    is refused, and the file already stored is taken out of the store again."""
    from expediente_web.intake import extras

    checked = extras._hash_file

    def swap_after_check(root, sha, limit):
        found = checked(root, sha, limit)
        (root / "evidence" / "files" / sha).write_bytes(SECRET)
        return found

    monkeypatch.setattr(extras, "_hash_file", swap_after_check)
    before = counts()
    problems = refused(folder.save())
    assert ("evidence/items.json", 1, "sha256", "unknown_reference") in problems
    assert counts() == before
    assert stored_files(store_dir) == []


def test_a_failure_after_the_files_are_stored_takes_them_back(
    folder, store_dir, counts, monkeypatch
):
    from expediente_web.evidence.models import Citation

    def boom(*args, **kwargs):
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(Citation.objects, "bulk_create", boom)
    before = counts()
    with pytest.raises(RuntimeError):
        from expediente_web.intake.case_directory import do_import_case_directory

        do_import_case_directory("atk", folder.save())
    assert counts() == before
    assert stored_files(store_dir) == []


# -- references into another case and forged authors ---------------------------------------------


@pytest.fixture
def other_case(imported_case):
    """Case ve-2017 (fixtures), whose act A1 and testimony T1 the folder tries to reach."""
    from expediente_web.records.models import Act, Testimony

    return {
        "act": str(Act.objects.get(source_record_id="A1").uid),
        "testimony": str(Testimony.objects.get(source_record_id="T1").uid),
        "case": imported_case,
    }


def test_a_comment_on_a_record_of_another_case_is_refused(folder, other_case, counts):
    folder.comments[0]["target"] = folder.ref("records.act", other_case["act"])
    before = counts()
    assert ("comments.json", 1, "target.uid", "unknown_reference") in refused(folder.save())
    assert counts() == before


def test_a_citation_of_a_record_of_another_case_is_refused(folder, other_case, counts):
    folder.citations[0]["target"] = folder.ref("records.act", other_case["act"])
    before = counts()
    assert ("evidence/citations.json", 1, "target.uid", "unknown_reference") in refused(
        folder.save()
    )
    assert counts() == before


def test_an_excerpt_of_a_testimony_of_another_case_is_refused(folder, other_case, counts):
    folder.excerpts[0]["testimony_uid"] = other_case["testimony"]
    before = counts()
    assert ("evidence/excerpts.json", 1, "testimony_uid", "unknown_reference") in refused(
        folder.save()
    )
    assert counts() == before


def test_deleting_a_record_of_another_case_is_refused(folder, other_case, counts):
    from expediente_web.records.models import Act

    folder.deleted = [
        {
            "model": "records.act",
            "uid": other_case["act"],
            "deleted_at": "2018-02-01T00:00:00+00:00",
            "deleted_reason": "x",
        }
    ]
    before = counts()
    assert ("deleted.json", 1, "uid", "unknown_reference") in refused(folder.save())
    assert counts() == before
    assert Act.objects.get(uid=other_case["act"]).deleted_at is None


def test_an_import_into_an_existing_case_still_refuses_its_neighbours(
    folder, other_case, documenter
):
    """Into the case that holds the record, the same reference is fine: it is inside."""
    from expediente_web.records.models import Comment

    folder.comments[0]["target"] = folder.ref("records.act", other_case["act"])
    folder.citations = []
    for path in (folder.root / "uids").rglob("*.csv"):
        path.unlink()
    (folder.root / "structure.json").unlink()
    (folder.root / "sources.csv").unlink()
    for kind in ("victims", "acts", "testimonies"):
        (folder.root / kind / "SRC-01.csv").rename(folder.root / kind / "SRC-01.csv.off")
    folder.excerpts = [{"uid": folder.excerpt, "item_uid": folder.item, "page": 1}]
    from expediente_web.intake.case_directory import do_import_case_directory

    do_import_case_directory("ve-2017", folder.save())
    assert Comment.objects.get(case__code="ve-2017").target.uid == uuid.UUID(other_case["act"])


def test_an_imported_author_is_text_never_a_local_account(folder, owner, store_dir):
    from django.contrib.auth import get_user_model

    from expediente_web.evidence.models import CustodyEvent
    from expediente_web.intake.case_directory import do_import_case_directory
    from expediente_web.intake.models import ImportedAuthor
    from expediente_web.records.models import Comment

    users_before = set(get_user_model().objects.values_list("username", flat=True))
    folder.comments[0]["author"] = owner.username  # an account of this database
    folder.custody[0]["actor"] = owner.username
    folder.custody[0]["actor_name"] = ""
    do_import_case_directory("atk", folder.save())
    comment = Comment.objects.get(case__code="atk")
    assert comment.author_id != owner.pk
    assert not comment.author.is_active and not comment.author.has_usable_password()
    assert ImportedAuthor.objects.get(comment=comment).name == owner.username
    assert str(comment.imported_author) == f"imported: {owner.username}"
    event = CustodyEvent.objects.get(item__case__code="atk")
    assert event.actor is None and event.actor_name == owner.username
    # One login-less account for every imported comment, not one per name in the folder.
    assert set(get_user_model().objects.values_list("username", flat=True)) - users_before == {
        "(imported)"
    }


def test_a_login_account_named_like_the_imported_one_is_not_used(folder, make_user, counts):
    impostor = make_user("(imported)")
    impostor.set_password("synthetic-password-1234")
    impostor.save()
    before = counts()
    assert ("comments.json", 1, "author", "unknown_reference") in refused(folder.save())
    assert counts() == before


# -- models that are not case records -----------------------------------------------------------


@pytest.mark.parametrize(
    "model", ["auth.user", "cases.case", "records.comment", "nope.nope", "records", "", None, 7]
)
def test_a_target_that_is_not_a_case_record_is_refused(folder, counts, model):
    folder.comments[0]["target"] = {"model": model, "uid": str(uuid.uuid4())}
    folder.citations[0]["target"] = {"model": model, "uid": str(uuid.uuid4())}
    before = counts()
    problems = refused(folder.save())
    assert ("comments.json", 1, "target.model", "unknown_reference") in problems
    assert ("evidence/citations.json", 1, "target.model", "unknown_reference") in problems
    assert counts() == before


@pytest.mark.parametrize("model", ["auth.user", "audit.auditentry", "records.comment", "x.y"])
def test_a_deleted_record_that_is_not_a_case_record_is_refused(folder, owner, counts, model):
    folder.deleted = [
        {
            "model": model,
            "uid": str(uuid.uuid4()),
            "code": owner.username,
            "deleted_at": "2018-02-01T00:00:00+00:00",
        }
    ]
    before = counts()
    assert ("deleted.json", 1, "model", "unknown_reference") in refused(folder.save())
    assert counts() == before


@pytest.mark.parametrize(
    "name", ["comments.json", "evidence/items.json", "deleted.json", "structure.json"]
)
def test_deeply_nested_json_is_refused_not_crashed(folder, counts, name):
    folder.save()
    (folder.root / name).write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    before = counts()
    problems = refused(folder.root)
    assert (name, None, None, "malformed_file") in problems
    assert counts() == before


def test_entries_that_are_not_objects_or_lack_fields_are_row_problems(folder, counts):
    folder.items.append("not an object")
    folder.custody.append({"item_uid": folder.item, "at": "yesterday"})
    folder.comments.append(
        {"target": folder.ref("records.act"), "body": "", "author": "x", "parent": 5}
    )
    before = counts()
    problems = refused(folder.save())
    assert ("evidence/items.json", 2, None, "malformed_file") in problems
    assert ("evidence/custody.json", 2, "at", "malformed_date") in problems
    assert ("evidence/custody.json", 2, "action", "missing_required") in problems
    assert ("comments.json", 2, "body", "missing_required") in problems
    assert ("comments.json", 2, "parent", "unknown_reference") in problems
    assert counts() == before


# -- export: never half-written ------------------------------------------------------------------


def test_an_item_whose_hash_is_a_path_fails_the_export_cleanly(
    imported_case, owner, tmp_path, outside, store_dir
):
    """The state the old import left: an item naming the key ring. The export crashed with
    SameFileError and left a partial folder without a manifest."""
    from expediente_web.evidence.models import EvidenceItem
    from expediente_web.intake.exporter import ExportError, do_export_case

    relative = os.path.relpath(outside / "keys.json", store_dir)  # fits the 64-char column
    EvidenceItem.objects.create(case=imported_case, sha256=relative, size=9, filename="keys.json")
    with pytest.raises(ExportError, match="run `expediente check`"):
        do_export_case(imported_case, tmp_path / "out", actor=owner)
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_an_evidence_file_changed_in_the_store_fails_the_export(
    imported_case, documenter, owner, tmp_path, store_dir
):
    import io

    from expediente_web.audit.models import AuditEntry
    from expediente_web.evidence import store
    from expediente_web.evidence.actions import do_store_evidence
    from expediente_web.intake.exporter import ExportError, do_export_case

    item = do_store_evidence(documenter, imported_case, io.BytesIO(CONTENT), "acta.pdf")
    path = store.path_for(item.sha256)
    path.chmod(0o644)
    path.write_bytes(b"tampered (synthetic)")
    exports = tmp_path / "exports"
    (exports / "empty").mkdir(parents=True)
    entries = AuditEntry.objects.count()
    with pytest.raises(ExportError, match="has changed in the store"):
        do_export_case(imported_case, exports / "empty", actor=owner)
    assert list((exports / "empty").iterdir()) == []
    assert sorted(p.name for p in exports.iterdir()) == ["empty"]
    assert AuditEntry.objects.count() == entries


def test_an_export_is_complete_or_absent(imported_case, owner, tmp_path, monkeypatch):
    from expediente_web.intake import exporter

    def boom(*args, **kwargs):
        raise RuntimeError("disk full (simulated)")

    exports = tmp_path / "exports"
    monkeypatch.setattr(exporter, "_readme", boom)  # the very last file
    with pytest.raises(RuntimeError):
        exporter.do_export_case(imported_case, exports / "new" / "out", actor=owner)
    assert not exports.exists()
    monkeypatch.undo()
    exporter.do_export_case(imported_case, exports / "out", actor=owner)
    assert (exports / "out" / "manifest.json").is_file()
    assert sorted(p.name for p in exports.iterdir()) == ["out"]


def test_nobody_can_create_the_account_imported_comments_point_to(db):
    from expediente_web.cases.actions import RESERVED_USERNAME, do_create_user
    from expediente_web.cases.validation import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        do_create_user(None, RESERVED_USERNAME, "a long passphrase of five words")
    assert refused.value.field == "username"
