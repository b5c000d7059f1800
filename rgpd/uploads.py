"""Scanned documents: keep the upload in memory only, and check its type by its first bytes.

Django writes uploads larger than ``FILE_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB by default) to a
temporary file: a document would then sit in clear on the disk. The scan view installs
:class:`BoundedMemoryUploadHandler` as the only handler of its request, so the file stays in
memory up to :func:`max_document_bytes` and is skipped (never buffered further) beyond it.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

#: Accepted formats, recognised by their signature (the name and claimed type are ignored).
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def max_document_bytes() -> int:
    return int(getattr(settings, "VAULT_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def sniff_content_type(content: bytes) -> str | None:
    """``application/pdf``, ``image/jpeg`` or ``image/png`` from the first bytes; else ``None``."""
    for signature, content_type in SIGNATURES:
        if content.startswith(signature):
            return content_type
    return None


class BoundedMemoryUploadHandler(FileUploadHandler):
    """Keeps each uploaded file in memory, up to ``max_bytes``; a larger file is dropped whole."""

    def __init__(self, request: HttpRequest | None = None, max_bytes: int | None = None) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes if max_bytes is not None else max_document_bytes()
        self.too_large = False
        self._buffer = BytesIO()

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self._buffer = BytesIO()
        if self.content_length is not None and self.content_length > self.max_bytes:
            self.too_large = True
            raise SkipFile

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > self.max_bytes:
            self.too_large = True
            self._buffer = BytesIO()
            raise SkipFile
        self._buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile | None:
        self._buffer.seek(0)
        return InMemoryUploadedFile(
            file=self._buffer,
            field_name=self.field_name,
            name=self.file_name or "document",
            content_type=self.content_type or "application/octet-stream",
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
