"""The sealed file format (adapters/sealed_files.py): chunks of 64 KiB sealed with AES-256-GCM under a
key derived per file; reordered, cut, altered or foreign chunks do not open; clear files still read."""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from egide.adapters.sealed_files import CHUNK, HEADER_BYTES, TAG, opened_chunks, plain_size, sealed_key_id, sealing
from egide.domain.errors import ConfigurationError, NotFoundError

KEY_ID, KEY = b"\x01" * 8, os.urandom(32)


def sealed(path, data: bytes, name: str = "access-r1.json", key: bytes = KEY):
    with sealing(path.open("wb"), KEY_ID, key, name) as out:
        for start in range(0, len(data), 10_000):  # written in pieces, as the reports are
            out.write(data[start:start + 10_000])
    return path


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17])
def test_a_sealed_file_opens_to_exactly_what_was_written(tmp_path, size):
    data = os.urandom(size)
    path = sealed(tmp_path / "f", data)
    assert b"".join(opened_chunks(path, KEY, "access-r1.json")) == data
    assert plain_size(path) == size and sealed_key_id(path) == KEY_ID
    chunks = max(1, -(-size // CHUNK))  # the last chunk is sealed at close, even when empty
    assert path.stat().st_size == HEADER_BYTES + size + chunks * TAG


def test_the_content_is_not_on_disk_in_clear(tmp_path):
    path = sealed(tmp_path / "f", b'{"email": "alice.martin@example.com"}' * 5000)
    assert b"alice.martin" not in path.read_bytes()


def test_a_text_stream_and_a_zip_can_be_written_through_the_seal(tmp_path):
    with sealing((tmp_path / "t").open("wb"), KEY_ID, KEY, "access-r1.html", text=True) as out:
        out.write("<p>Élodie Dupont</p>\n" * 10_000)
    assert b"".join(opened_chunks(tmp_path / "t", KEY, "access-r1.html")).decode() == "<p>Élodie Dupont</p>\n" * 10_000
    with sealing((tmp_path / "z").open("wb"), KEY_ID, KEY, "portability-r1.zip") as out, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("orders.json", "w", force_zip64=True) as entry:
            entry.write(os.urandom(200_000))
        archive.writestr("manifest.json", '{"format": "egide-portability/1"}')
    opened = io.BytesIO(b"".join(opened_chunks(tmp_path / "z", KEY, "portability-r1.zip")))
    with zipfile.ZipFile(opened) as archive:
        assert archive.read("manifest.json") == b'{"format": "egide-portability/1"}'
        assert len(archive.read("orders.json")) == 200_000


def test_a_file_cut_short_at_a_chunk_boundary_does_not_open(tmp_path):
    path = sealed(tmp_path / "f", os.urandom(3 * CHUNK + 5))
    raw = path.read_bytes()
    path.write_bytes(raw[:HEADER_BYTES + 2 * (CHUNK + TAG)])  # the last chunk dropped
    with pytest.raises(ConfigurationError, match="altered, cut short"):
        b"".join(opened_chunks(path, KEY, "access-r1.json"))


def test_swapped_chunks_an_altered_byte_or_another_name_do_not_open(tmp_path):
    path = sealed(tmp_path / "f", os.urandom(2 * CHUNK + 5))
    raw = bytearray(path.read_bytes())
    first, second = slice(HEADER_BYTES, HEADER_BYTES + CHUNK + TAG), slice(HEADER_BYTES + CHUNK + TAG,
                                                                           HEADER_BYTES + 2 * (CHUNK + TAG))
    swapped = bytes(raw[:HEADER_BYTES]) + bytes(raw[second]) + bytes(raw[first]) + bytes(raw[second.stop:])
    (tmp_path / "swapped").write_bytes(swapped)
    raw[HEADER_BYTES + 100] ^= 1
    (tmp_path / "altered").write_bytes(bytes(raw))
    for name, context in (("swapped", "access-r1.json"), ("altered", "access-r1.json"), ("f", "access-r2.json")):
        with pytest.raises(ConfigurationError):
            b"".join(opened_chunks(tmp_path / name, KEY, context))
    with pytest.raises(ConfigurationError):
        b"".join(opened_chunks(path, os.urandom(32), "access-r1.json"))


def test_without_the_key_a_sealed_file_says_its_key_was_destroyed(tmp_path):
    path = sealed(tmp_path / "f", b"data")
    with pytest.raises(NotFoundError, match="destroyed"):
        b"".join(opened_chunks(path, None, "access-r1.json"))


def test_a_file_written_in_clear_before_sealing_still_reads(tmp_path):
    path = tmp_path / "access-old.json"
    path.write_bytes(b'{"orders": 2}')
    assert sealed_key_id(path) is None and plain_size(path) == 13
    assert b"".join(opened_chunks(path, None, path.name)) == b'{"orders": 2}'
