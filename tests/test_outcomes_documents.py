"""Documents of an outcome: checked by content, size-limited, never half-saved, served to staff."""

import hashlib
import io
import zipfile
from datetime import date

import pytest
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from planner.accounts.models import Role
from planner.config import UPLOAD_OVERHEAD_BYTES, ConfigError
from planner.extensions import db
from planner.outcomes import documents
from planner.outcomes.documents import (
    PDF,
    DatabaseStorage,
    add_document,
    delete_document,
    document_storage,
    sniff,
)
from planner.outcomes.models import DocumentBlob, Outcome, OutcomeDocument, OutcomeKind
from tests.conftest import make_app, shown

LIMIT = 4096
MEMORANDUM = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20)


def word_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not a memorandum")
    return buffer.getvalue()


@pytest.fixture(params=["folder", "database"])
def folder(app, tmp_path, request):
    """Documents go to a temporary folder, or to the database, with a small size limit.

    Every test runs on both storages: the checks and the promises are the same."""
    path = tmp_path / "documents"
    app.config.update(
        DOCUMENTS_STORAGE=request.param,
        DOCUMENTS_FOLDER=str(path),
        OUTCOME_DOCUMENT_MAX_BYTES=LIMIT,
        MAX_CONTENT_LENGTH=LIMIT + UPLOAD_OVERHEAD_BYTES,
    )
    return path


def storage(app):
    return document_storage(app.config)


@pytest.fixture
def memorandum(create_visit):
    outcome = Outcome(
        visit=create_visit(),
        kind=OutcomeKind.AGREEMENT,
        summary="Memorandum of understanding on trade cooperation.",
        day=date(2026, 12, 15),
    )
    db.session.add(outcome)
    db.session.commit()
    return outcome


def upload(client, outcome, content: bytes, filename: str, content_type="application/pdf"):
    return client.post(
        f"/outcomes/{outcome.id}/documents",
        data={"document": (io.BytesIO(content), filename, content_type)},
        content_type="multipart/form-data",
    )


def stored_files(folder) -> list[tuple[str, bytes]]:
    """(name, bytes) of every document kept, in the folder or in the database; the folder
    must stay empty when documents are in the database."""
    on_disk = (
        sorted((path.name, path.read_bytes()) for path in folder.iterdir())
        if folder.exists()
        else []
    )
    if document_storage(current_app.config) == DatabaseStorage():
        assert on_disk == []
        query = sa.select(OutcomeDocument.stored_name, DocumentBlob.content).join(
            DocumentBlob, DocumentBlob.document_id == OutcomeDocument.id
        )
        return sorted(tuple(row) for row in db.session.execute(query))
    return on_disk


def rows() -> int:
    return db.session.scalar(sa.select(sa.func.count(OutcomeDocument.id)))


def test_a_signed_memorandum_is_uploaded_stored_under_a_random_name_and_served(
    client, signed_in, memorandum, folder
):
    planner = signed_in(Role.PLANNER)
    response = upload(client, memorandum, MEMORANDUM, "Memorandum signed 16 Dec.pdf")

    assert response.status_code == 302, response.text
    assert response.location == f"/outcomes/{memorandum.id}#documents"
    document = db.session.scalars(sa.select(OutcomeDocument)).one()
    assert document.filename == "Memorandum signed 16 Dec.pdf"
    assert document.content_type == "application/pdf"
    assert document.size == len(MEMORANDUM)
    assert document.sha256 == hashlib.sha256(MEMORANDUM).hexdigest()
    assert document.uploaded_by_id == planner.id
    [(name, content)] = stored_files(folder)
    assert name == document.stored_name and content == MEMORANDUM
    assert "Memorandum" not in name and name.endswith(".pdf")

    page = client.get(f"/outcomes/{memorandum.id}").text
    assert f'href="/documents/{document.id}"' in page and "Memorandum signed 16 Dec.pdf" in page

    with client.get(f"/documents/{document.id}") as served:  # closes the file it streams
        assert served.status_code == 200
        assert served.data == MEMORANDUM
    assert served.headers["Content-Type"] == "application/pdf"
    assert served.headers["Content-Disposition"].startswith("attachment;")
    assert "Memorandum%20signed%2016%20Dec.pdf" in served.headers["Content-Disposition"] or (
        'filename="Memorandum signed 16 Dec.pdf"' in served.headers["Content-Disposition"]
    )
    assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_a_document_is_served_to_signed_in_staff_only(
    client, auth, create_staff, memorandum, folder
):
    auth.login(create_staff(Role.PLANNER))
    upload(client, memorandum, MEMORANDUM, "memo.pdf")
    document = db.session.scalars(sa.select(OutcomeDocument)).one()
    auth.logout()

    anonymous = client.get(f"/documents/{document.id}")
    assert anonymous.status_code == 302 and anonymous.location.startswith("/sign-in")
    auth.login(create_staff(Role.VIEWER))
    with client.get(f"/documents/{document.id}") as served:
        assert served.data == MEMORANDUM
    assert upload(client, memorandum, MEMORANDUM, "again.pdf").status_code == 403
    assert client.post(f"/documents/{document.id}/delete").status_code == 403
    assert client.get("/documents/999").status_code == 404


@pytest.mark.parametrize(
    ("content", "filename", "content_type"),
    [
        (PNG, "site photo.png", "image/png"),
        (JPEG, "signing.JPG", "image/jpeg"),
        (word_document(), "memorandum.docx", "application/octet-stream"),
    ],
)
def test_images_and_word_documents_are_kept_too(
    client, signed_in, memorandum, folder, content, filename, content_type
):
    signed_in(Role.PLANNER)
    assert upload(client, memorandum, content, filename, content_type).status_code == 302
    document = db.session.scalars(sa.select(OutcomeDocument)).one()
    assert document.content_type == sniff(content).content_type
    assert len(stored_files(folder)) == 1


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"Memorandum of understanding\n", "memo.pdf", "is not a PDF, PNG or JPEG image"),
        (b"<html><script>alert(1)</script>", "memo.pdf", "is not a PDF, PNG or JPEG image"),
        (PNG, "memo.pdf", "is named as a PDF but its content is a PNG image"),
        (MEMORANDUM, "memo.docx", "is named as a Word document but its content is a PDF"),
        (plain_zip(), "memo.docx", "is not a PDF, PNG or JPEG image"),
        (b"", "memo.pdf", "memo.pdf is empty"),
        (b"%PDF-1.4\n" + bytes(LIMIT), "big.pdf", "big.pdf is larger than 4 KB, the most"),
    ],
)
def test_a_file_that_is_not_what_it_claims_or_too_large_is_refused_and_nothing_kept(
    client, signed_in, memorandum, folder, content, filename, message
):
    signed_in(Role.PLANNER)
    response = upload(client, memorandum, content, filename)
    assert response.status_code == 400
    error = response.text.split('id="document-error"', 1)[1].split("</ul>", 1)[0]
    assert message in error
    assert rows() == 0
    assert stored_files(folder) == []


def test_a_request_far_over_the_limit_is_cut_off_with_a_message(
    client, signed_in, memorandum, folder
):
    signed_in(Role.PLANNER)
    response = upload(client, memorandum, b"%PDF-1.4\n" + bytes(LIMIT * 40), "scan.pdf")
    assert response.status_code == 413
    assert "The file is larger than 4 KB, the most a document may be." in response.text
    assert "Memorandum of understanding on trade cooperation." in response.text  # its page
    assert rows() == 0 and stored_files(folder) == []


def test_the_size_limit_comes_from_the_settings_and_caps_every_request(database_url):
    app = make_app(database_url, OUTCOME_DOCUMENT_MAX_BYTES="2048")
    assert app.config["OUTCOME_DOCUMENT_MAX_BYTES"] == 2048
    assert app.config["MAX_CONTENT_LENGTH"] == 2048 + UPLOAD_OVERHEAD_BYTES
    assert app.config["DOCUMENTS_FOLDER"].endswith("instance/documents")
    assert make_app(database_url).config["OUTCOME_DOCUMENT_MAX_BYTES"] == 10 * 1024 * 1024
    with pytest.raises(ConfigError):
        make_app(database_url, OUTCOME_DOCUMENT_MAX_BYTES="ten megabytes")


def test_no_file_is_written_when_the_row_cannot_be_saved(
    client, signed_in, memorandum, folder, monkeypatch
):
    signed_in(Role.PLANNER)
    upload(client, memorandum, MEMORANDUM, "first.pdf")
    taken = db.session.scalars(sa.select(OutcomeDocument.stored_name)).one()
    # The next upload draws a stored name already in use: the flush fails on the UNIQUE.
    monkeypatch.setattr(documents, "new_stored_name", lambda _kind: taken)

    with pytest.raises(IntegrityError):
        upload(client, memorandum, PNG, "photo.png", "image/png")

    assert rows() == 1
    assert [name for name, _content in stored_files(folder)] == [taken]


def test_no_row_stays_when_the_file_cannot_be_written(
    client, signed_in, memorandum, folder, monkeypatch
):
    signed_in(Role.PLANNER)

    def disk_full(path, content):
        path.write_bytes(content[:10])  # half a file, then the disk is full
        raise OSError(28, "No space left on device")

    def refused_by_the_database(document_id, content):
        return DocumentBlob(document_id=document_id, content=None)  # NOT NULL refuses it

    monkeypatch.setattr(documents, "write_file", disk_full)
    monkeypatch.setattr(documents, "DocumentBlob", refused_by_the_database)
    response = upload(client, memorandum, MEMORANDUM, "memo.pdf")

    assert response.status_code == 500
    assert "The document could not be stored, so nothing was kept." in response.text
    assert rows() == 0
    assert stored_files(folder) == []


def test_a_file_written_in_a_transaction_that_rolls_back_is_removed(
    app, create_staff, memorandum, folder
):
    planner = create_staff(Role.PLANNER)
    document = add_document(
        db.session,
        memorandum,
        acting=planner,
        filename="memo.pdf",
        content=MEMORANDUM,
        kind=PDF,
        storage=storage(app),
    )
    assert [name for name, _content in stored_files(folder)] == [document.stored_name]

    db.session.rollback()  # e.g. the request's commit failed

    assert rows() == 0
    assert stored_files(folder) == []


def test_deleting_a_document_removes_its_file_once_committed(
    app, client, signed_in, create_staff, memorandum, folder
):
    signed_in(Role.PLANNER)
    upload(client, memorandum, MEMORANDUM, "memo.pdf")
    document = db.session.scalars(sa.select(OutcomeDocument)).one()
    assert "Delete memo.pdf?" in shown(client.get(f"/documents/{document.id}/delete").text)

    # A deletion that rolls back keeps the file.
    delete_document(db.session, document, acting=create_staff(), storage=storage(app))
    db.session.rollback()
    assert len(stored_files(folder)) == 1 and rows() == 1

    response = client.post(f"/documents/{document.id}/delete")
    assert response.location == f"/outcomes/{memorandum.id}#documents"
    assert rows() == 0
    assert stored_files(folder) == []
    assert client.get(f"/documents/{document.id}").status_code == 404


def test_deleting_an_outcome_removes_its_documents_files(client, signed_in, memorandum, folder):
    signed_in(Role.PLANNER)
    upload(client, memorandum, MEMORANDUM, "memo.pdf")
    upload(client, memorandum, PNG, "signing.png", "image/png")
    assert len(stored_files(folder)) == 2

    client.post(f"/outcomes/{memorandum.id}/delete")

    assert rows() == 0
    assert stored_files(folder) == []


def test_documents_are_kept_in_the_folder_unless_the_settings_say_database(database_url, tmp_path):
    folder = make_app(database_url, DOCUMENTS_FOLDER=str(tmp_path))
    assert document_storage(folder.config) == documents.FolderStorage(str(tmp_path))
    in_database = make_app(database_url, DOCUMENTS_STORAGE="database")
    assert document_storage(in_database.config) == DatabaseStorage()
    with pytest.raises(ConfigError, match="DOCUMENTS_STORAGE='s3' is not folder or database"):
        make_app(database_url, DOCUMENTS_STORAGE="s3")
