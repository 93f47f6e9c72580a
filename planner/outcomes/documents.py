"""Documents of an outcome: what a file is by its content, and its bytes kept no longer
than its row in the database.

The bytes are kept by a DocumentStorage that the setting DOCUMENTS_STORAGE chooses: a
folder of this server (the default), or the database, for an office served by more than
one web server. A file is written only after its row has been flushed, and it is removed
again if the transaction does not commit; a deleted document's file goes once the deletion
commits. The session events at the end keep that promise for every way a transaction can
end; in the database the transaction itself keeps it.
"""

import hashlib
import io
import os
import re
import secrets
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path, PurePath
from typing import BinaryIO, Protocol

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from planner.accounts.models import User
from planner.outcomes.models import DocumentBlob, Outcome, OutcomeDocument


@dataclass(frozen=True)
class DocumentType:
    content_type: str
    extensions: tuple[str, ...]  # the first is given to the stored file
    label: str


PDF = DocumentType("application/pdf", (".pdf",), _l("PDF"))
PNG = DocumentType("image/png", (".png",), _l("PNG image"))
JPEG = DocumentType("image/jpeg", (".jpg", ".jpeg"), _l("JPEG image"))
DOCX = DocumentType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
    _l("Word document"),
)
DOCUMENT_TYPES = (PDF, PNG, JPEG, DOCX)
TYPE_BY_EXTENSION = {ext: kind for kind in DOCUMENT_TYPES for ext in kind.extensions}
ACCEPT = ",".join(TYPE_BY_EXTENSION)  # the file input's accept attribute: a hint, not a check


class DocumentError(Exception):
    """An upload that was not stored, with a message for the person who sent it."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class DocumentRefused(DocumentError):
    """The file is empty, too large, or not a type we keep."""


class DocumentNotStored(DocumentError):
    """The file could not be written to disk; nothing of it was kept."""


def sniff(content: bytes) -> DocumentType | None:
    """The document's type from its first bytes, whatever its name or its claimed type."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04") and _is_word_document(content):
        return DOCX
    return None


def _is_word_document(content: bytes) -> bool:
    """Any ZIP file starts with PK: a Word document is one holding word/document.xml."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return {"[Content_Types].xml", "word/document.xml"} <= names


UNSAFE_IN_NAMES = re.compile(r"[\x00-\x1f\x7f]")


def clean_filename(name: str | None) -> str:
    """The name as the uploader knew it, without folders or control characters."""
    base = PurePath((name or "").replace("\\", "/")).name
    base = UNSAFE_IN_NAMES.sub("", base).strip()
    return base[-255:] or "document"


def size_text(size: int):
    """'850 KB', '2.5 MB': a size as people read it."""
    if size < 1024 * 1024:
        return _l("%(size)s KB", size=max(1, round(size / 1024)))
    return _l("%(size)s MB", size=f"{size / (1024 * 1024):.1f}".removesuffix(".0"))


def read_upload(stream, filename: str, max_bytes: int) -> tuple[bytes, DocumentType]:
    """The upload's bytes and type, or DocumentRefused saying why it cannot be kept.

    Reads at most one byte more than the limit: enough to know it is too large.
    """
    content = stream.read(max_bytes + 1)
    if not content:
        raise DocumentRefused(_l("%(name)s is empty.", name=filename))
    if len(content) > max_bytes:
        raise DocumentRefused(
            _l(
                "%(name)s is larger than %(limit)s, the most a document may be.",
                name=filename,
                limit=size_text(max_bytes),
            )
        )
    kind = sniff(content)
    if kind is None:
        raise DocumentRefused(
            _l(
                "%(name)s is not a PDF, PNG or JPEG image, or Word document: "
                "its content says otherwise, whatever its name.",
                name=filename,
            )
        )
    claimed = TYPE_BY_EXTENSION.get(PurePath(filename).suffix.lower())
    if claimed is not None and claimed != kind:
        raise DocumentRefused(
            _l(
                "%(name)s is named as a %(claimed)s but its content is a %(actual)s.",
                name=filename,
                claimed=claimed.label,
                actual=kind.label,
            )
        )
    return content, kind


def new_stored_name(kind: DocumentType) -> str:
    """A random name on disk: nothing of the uploader's name reaches the file system."""
    return secrets.token_hex(16) + kind.extensions[0]


def document_path(folder: str, document: OutcomeDocument) -> Path:
    # Stored names are ours (random hex and an extension); refuse anything else outright.
    if not re.fullmatch(r"[0-9a-f]{32}\.[a-z]{3,4}", document.stored_name):
        raise ValueError(f"unexpected stored name {document.stored_name!r}")
    return Path(folder) / document.stored_name


@dataclass(frozen=True)
class StoredFile:
    """A document's file as the pages and the API hand it out (planner/web.py sends it)."""

    source: Path | BinaryIO  # a file on disk, or the bytes read from the database
    name: str  # the uploader's name for it
    content_type: str
    sha256: str


def write_file(path: Path, content: bytes) -> None:
    """Write to a temporary name, then rename: a reader never sees half a file."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        with open(partial, "xb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


NOT_STORED = _l("The document could not be stored, so nothing was kept. Try again later.")


class DocumentStorage(Protocol):
    """Where documents' bytes are kept. Both follow the transaction of the document's row."""

    def save(self, session, document: OutcomeDocument, content: bytes) -> None:
        """Keep the bytes of a flushed document, or raise DocumentNotStored (nothing kept)."""

    def open(self, session, document: OutcomeDocument) -> StoredFile | None:
        """The document's bytes; None when they are missing."""

    def remove_on_commit(self, session, documents) -> None:
        """Let the documents' bytes go with their rows, once the deletion commits."""


@dataclass(frozen=True)
class FolderStorage:
    """One file per document in a folder of this server (the instance folder by default)."""

    folder: str

    def save(self, session, document: OutcomeDocument, content: bytes) -> None:
        path = document_path(self.folder, document)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_file(path, content)
        except OSError as error:
            path.unlink(missing_ok=True)
            raise DocumentNotStored(NOT_STORED) from error
        _pending(session, WRITTEN).append(path)

    def open(self, session, document: OutcomeDocument) -> StoredFile | None:
        path = document_path(self.folder, document)
        if not path.is_file():
            return None
        return StoredFile(path, document.filename, document.content_type, document.sha256)

    def remove_on_commit(self, session, documents) -> None:
        _pending(session, TO_REMOVE).extend(document_path(self.folder, d) for d in documents)


@dataclass(frozen=True)
class DatabaseStorage:
    """The bytes in document_blobs, in the same transaction as the row: what every web
    server of the office sees, and what a database backup holds."""

    def save(self, session, document: OutcomeDocument, content: bytes) -> None:
        try:
            with session.begin_nested():  # a refused insert leaves the request usable
                session.add(DocumentBlob(document_id=document.id, content=content))
        except sa.exc.DBAPIError as error:
            raise DocumentNotStored(NOT_STORED) from error

    def open(self, session, document: OutcomeDocument) -> StoredFile | None:
        content = session.scalar(
            sa.select(DocumentBlob.content).where(DocumentBlob.document_id == document.id)
        )
        if content is None:
            return None
        return StoredFile(
            io.BytesIO(content), document.filename, document.content_type, document.sha256
        )

    def remove_on_commit(self, session, documents) -> None:
        pass  # document_blobs rows go with their document (ON DELETE CASCADE)


def document_storage(config) -> DocumentStorage:
    """The storage the settings choose: DOCUMENTS_STORAGE, and DOCUMENTS_FOLDER for a folder."""
    if config["DOCUMENTS_STORAGE"] == "database":
        return DatabaseStorage()
    return FolderStorage(config["DOCUMENTS_FOLDER"])


# An upload takes seconds; a partial file this old was left by a server that was killed.
ABANDONED_AFTER = timedelta(hours=1)


def remove_abandoned_uploads(
    folder: str, *, now: datetime, older_than: timedelta = ABANDONED_AFTER
) -> list[Path]:
    """Delete the half-written files (`.<name>.partial`, see write_file) older than
    `older_than`; the paths deleted. The worker runs this every hour."""
    removed = []
    for path in sorted(Path(folder).glob(".*.partial")):
        try:
            if path.stat().st_mtime < (now - older_than).timestamp():
                path.unlink()
                removed.append(path)
        except FileNotFoundError:  # finished (renamed) or removed meanwhile
            continue
    return removed


def store_upload(session, outcome: Outcome, upload, *, acting: User, config) -> OutcomeDocument:
    """A browser's or a script's uploaded file, checked and stored as the outcome's document.
    Raises DocumentRefused (its content or size) or DocumentNotStored (the disk)."""
    filename = clean_filename(upload.filename)
    content, kind = read_upload(upload.stream, filename, config["OUTCOME_DOCUMENT_MAX_BYTES"])
    return add_document(
        session,
        outcome,
        acting=acting,
        filename=filename,
        content=content,
        kind=kind,
        storage=document_storage(config),
    )


def add_document(
    session,
    outcome: Outcome,
    *,
    acting: User,
    filename: str,
    content: bytes,
    kind: DocumentType,
    storage: DocumentStorage,
) -> OutcomeDocument:
    """The row first, flushed; then the bytes. If they cannot be kept, neither stays."""
    document = OutcomeDocument(
        outcome=outcome,
        filename=clean_filename(filename),
        stored_name=new_stored_name(kind),
        content_type=kind.content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by_id=acting.id,
    )
    session.add(document)
    session.flush()
    storage.save(session, document, content)
    return document


def delete_document(
    session, document: OutcomeDocument, *, acting: User, storage: DocumentStorage
) -> None:
    """The row now; the file once the deletion is committed."""
    storage.remove_on_commit(session, [document])
    session.delete(document)
    session.flush()


# Files follow the transaction: kept on commit, removed on rollback (and the other way
# round for deletions). The lists live in session.info, one session per request.

WRITTEN = "outcome_documents_written"
TO_REMOVE = "outcome_documents_to_remove"


def _pending(session, key: str) -> list[Path]:
    return session.info.setdefault(key, [])


def _unlink_all(paths) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


@sa.event.listens_for(Session, "after_commit")
def _files_follow_commit(session) -> None:
    session.info.pop(WRITTEN, None)
    _unlink_all(session.info.pop(TO_REMOVE, []))


@sa.event.listens_for(Session, "after_transaction_end")
def _files_follow_rollback(session, transaction) -> None:
    # After a commit the lists are already empty; anything left belongs to a rollback.
    if transaction.parent is None:
        session.info.pop(TO_REMOVE, None)
        _unlink_all(session.info.pop(WRITTEN, []))
