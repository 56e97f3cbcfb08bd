"""Files sealed with one person's key: the access reports and portability exports Egide keeps for
the privacy centre's download (docs/operations.md, "Keys").

The format streams: a header, then the plaintext cut in chunks of 64 KiB, each sealed with
AES-256-GCM under a key derived for this file alone (HKDF-SHA256 of the person's key, a random
salt and the file's name). A chunk's nonce is its index and a flag marking the last one, and the
header is every chunk's associated data, so chunks cannot be reordered, dropped, swapped between
files or the file cut short without the reader noticing::

    MAGIC (8) | key id (8) | salt (16) | chunk 0 (<= 64 KiB + 16) | chunk 1 | ... | last chunk

The key id names the person's key (``subject_keys.key_id``); once an erasure destroyed that key
no copy of the file opens again. A file without the magic bytes is a file written before sealing
(revision 0014) and is read as it is.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import IO, Any, Iterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from egide.adapters.keyring import KEY_ID_BYTES
from egide.domain.errors import ConfigurationError, NotFoundError

MAGIC = b"EGIDEsf1"
SALT_BYTES = 16
HEADER_BYTES = len(MAGIC) + KEY_ID_BYTES + SALT_BYTES
CHUNK = 64 * 1024
TAG = 16


def _file_key(key: bytes, salt: bytes, context: str) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt,
                   info=b"egide-sealed-file:" + context.encode("utf-8")).derive(key)
    return AESGCM(derived)


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class SealingWriter(io.RawIOBase):
    """A write-only binary stream: bytes in, sealed chunks out to ``handle`` (closed with it)."""

    def __init__(self, handle: IO[bytes], key_id: bytes, key: bytes, context: str) -> None:
        super().__init__()
        salt = os.urandom(SALT_BYTES)
        self._header = MAGIC + key_id + salt
        self._aead = _file_key(key, salt, context)
        self._handle = handle
        self._buffer = bytearray()
        self._index = 0
        handle.write(self._header)

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        self._buffer += view
        while len(self._buffer) > CHUNK:  # keep at least one byte back: the last chunk is sealed at close
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(view)

    def close(self) -> None:
        if self.closed:
            return
        try:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._handle.flush()
        finally:
            self._handle.close()
            super().close()

    def _seal(self, plaintext: bytes, last: bool) -> None:
        self._handle.write(self._aead.encrypt(_nonce(self._index, last), plaintext, self._header))
        self._index += 1


def sealing(handle: IO[bytes], key_id: bytes, key: bytes, context: str, text: bool = False) -> IO[Any]:
    """Wrap a new file's binary handle: what is written goes to disk sealed. ``text``: a UTF-8 text stream."""
    raw = SealingWriter(handle, key_id, key, context)
    buffered = io.BufferedWriter(raw, CHUNK)
    return io.TextIOWrapper(buffered, encoding="utf-8", newline="") if text else buffered


def sealed_key_id(path: Path) -> bytes | None:
    """The id of the person's key the file is sealed with; None for a file written in clear."""
    with path.open("rb") as handle:
        header = handle.read(HEADER_BYTES)
    if len(header) == HEADER_BYTES and header.startswith(MAGIC):
        return header[len(MAGIC):len(MAGIC) + KEY_ID_BYTES]
    return None


def plain_size(path: Path) -> int:
    """The size of what the file holds once opened (a sealed file's chunks each carry a 16-byte tag)."""
    size = path.stat().st_size
    if sealed_key_id(path) is None:
        return size
    body = size - HEADER_BYTES
    chunks = max(1, -(-body // (CHUNK + TAG)))
    return body - chunks * TAG


def opened_chunks(path: Path, key: bytes | None, context: str) -> Iterator[bytes]:
    """The file's plaintext, a chunk at a time. A file in clear is read as it is (``key`` unused);
    a sealed one needs the key its header names. Any chunk altered, moved or cut: ConfigurationError."""
    with path.open("rb") as handle:
        header = handle.read(HEADER_BYTES)
        if not (len(header) == HEADER_BYTES and header.startswith(MAGIC)):
            yield header
            while block := handle.read(CHUNK):
                yield block
            return
        if key is None:
            raise NotFoundError(f"{path.name} can no longer be opened: the key it was sealed with was destroyed")
        aead = _file_key(key, header[len(MAGIC) + KEY_ID_BYTES:], context)
        block, index = handle.read(CHUNK + TAG), 0
        while True:
            following = handle.read(CHUNK + TAG)
            try:
                yield aead.decrypt(_nonce(index, not following), block, header)
            except InvalidTag:
                raise ConfigurationError(f"{path.name} was altered, cut short or sealed for someone else: "
                                         f"chunk {index} does not open") from None
            if not following:
                return
            block, index = following, index + 1


class SealedFiles:
    """A person's files sealed and opened with their key, read from the store (``Store.files``).
    The context a file is sealed under is its final name (``access-<request>.json``...)."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def sealing(self, handle: IO[bytes], subject_id: str, name: str, text: bool = False) -> IO[Any]:
        """Seal what is written to ``handle`` for this person (their key is created if they have none)."""
        with self._store.unit_of_work() as uow:
            key_id, key = uow.subject_keys.data_key(subject_id, self._store.clock.now())
        return sealing(handle, key_id, key, name, text)

    def readable(self, path: Path, subject_id: str | None) -> bool:
        """True for a file in clear, or one sealed with a key of this person that still exists."""
        key_id = sealed_key_id(path)
        return key_id is None or self._key(subject_id, key_id) is not None

    def chunks(self, path: Path, subject_id: str | None) -> Iterator[bytes]:
        """The file's content, a chunk at a time. Its key destroyed (the person was erased):
        NotFoundError at once, before anything is read."""
        key_id = sealed_key_id(path)
        key = self._key(subject_id, key_id) if key_id is not None else None
        if key_id is not None and key is None:
            raise NotFoundError(f"{path.name} can no longer be opened: the key of the person it was sealed for "
                                "was destroyed (erasure)", details={"reason": "key_destroyed"})
        return opened_chunks(path, key, path.name)

    def read(self, path: Path, subject_id: str | None) -> bytes:
        return b"".join(self.chunks(path, subject_id))

    @staticmethod
    def size(path: Path) -> int:
        return plain_size(path)

    def _key(self, subject_id: str | None, key_id: bytes) -> bytes | None:
        if subject_id is None:
            return None
        with self._store.unit_of_work(read_only=True) as uow:
            return uow.subject_keys.key_for(subject_id, key_id)
