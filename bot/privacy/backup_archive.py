"""The encrypted backup archive: one file, written and read as a stream.

    RAPPORT-BACKUP/1\\n  <header length, 4 bytes big-endian>  <header: canonical JSON>
    <segment>...                      each: <length, 4 bytes> <AES-256-GCM ciphertext + tag>
    <manifest ciphertext> <its length, 4 bytes>

The header is plaintext and carries no personal data: format, tenant, created_at
(epoch seconds), the id of the data key (bot/base/sealing.py `key_id`), a random
salt and nonce prefix, the segment size. The file key is derived with HKDF-SHA256 from
the data key (RAPPORT_DATA_KEYS: the first one encrypts, any configured one decrypts)
and the salt, under its own `info`, so no two archives share a key and no archive key
is a contact-sealing key.

The plaintext is a sequence of BSON frames (`bson.encode`, types preserved),
compressed with zlib and cut into segments of 1 MiB. Segment i is sealed with the
nonce `prefix(7) || i(4) || last(1)` and the SHA-256 of the header as associated data:
the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015), the layout of
Tink's AES-GCM-HKDF streaming AEAD. So the tenant and creation time are authenticated,
a changed, moved, reordered or dropped segment fails its tag, and a truncated archive
fails because its new final segment was not sealed as the last. The manifest (counts and
checksums, no personal data) is sealed the same way with the flag byte 2, at the end,
so `backup list` reads it without decrypting the data.

Memory is bounded by a segment and a frame, whatever the tenant's size.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

import bson
from bson.codec_options import CodecOptions
from bson.errors import InvalidBSON
from bson.raw_bson import RawBSONDocument
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.base.errors import RapportError
from bot.base.sealing import key_id
from bot.base.settings import Secret

MAGIC = b"RAPPORT-BACKUP/1\n"
FORMAT = "rapport.backup.v1"
SEGMENT = 1 << 20
INFO = b"rapport backup archive v1"
_LEN = struct.Struct(">I")
_LAST, _MANIFEST = 1, 2
RAW = CodecOptions(document_class=RawBSONDocument, tz_aware=True)


class ArchiveError(RapportError):
    """Not a backup archive, or tampered with, truncated, sealed under a key that is not
    configured, or of another tenant: nothing is restored from it."""


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


@dataclass(frozen=True)
class Header:
    tenant: str
    created_at: float
    key_id: str
    salt: bytes
    prefix: bytes
    segment: int = SEGMENT
    format: str = FORMAT

    def encode(self) -> bytes:
        doc = {
            "format": self.format,
            "tenant": self.tenant,
            "created_at": self.created_at,
            "key_id": self.key_id,
            "salt": _b64(self.salt),
            "prefix": _b64(self.prefix),
            "segment": self.segment,
            "compression": "zlib",
        }
        return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode("ascii")

    @classmethod
    def decode(cls, raw: bytes) -> "Header":
        try:
            doc = json.loads(raw)
            header = cls(
                tenant=str(doc["tenant"]),
                created_at=float(doc["created_at"]),
                key_id=str(doc["key_id"]),
                salt=base64.b64decode(doc["salt"], validate=True),
                prefix=base64.b64decode(doc["prefix"], validate=True),
                segment=int(doc["segment"]),
                format=str(doc["format"]),
            )
        except (ValueError, KeyError, TypeError) as e:
            raise ArchiveError("the archive's header cannot be read") from e
        if header.format != FORMAT or len(header.prefix) != 7 or not 0 < header.segment <= 1 << 26:
            raise ArchiveError("not a Rapport backup archive of a known format")
        return header


def _aead(secret: Secret, salt: bytes) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=INFO).derive(secret.value.encode())
    return AESGCM(key)


def _nonce(prefix: bytes, counter: int, flag: int) -> bytes:
    return prefix + counter.to_bytes(4, "big") + bytes([flag])


class ArchiveWriter:
    """Frames in, one sealed archive out. `close(manifest)` seals the last segment and
    the manifest; without it the file is not a valid archive."""

    def __init__(self, fh: IO[bytes], tenant: str, created_at: float, secret: Secret) -> None:
        self.header = Header(tenant, created_at, key_id(secret), os.urandom(32), os.urandom(7))
        self._aead = _aead(secret, self.header.salt)
        encoded = self.header.encode()
        self._aad = hashlib.sha256(MAGIC + encoded).digest()
        self._fh = fh
        self._zip = zlib.compressobj(1)
        self._buf = bytearray()
        self._counter = 0
        fh.write(MAGIC + _LEN.pack(len(encoded)) + encoded)

    def write(self, frame: Mapping[str, Any]) -> int:
        """Append one frame (a BSON document); its encoded size."""
        raw = bson.encode(frame)
        self._buf += self._zip.compress(raw)
        while len(self._buf) > self.header.segment:  # keep one back: it may be the last
            self._seal(bytes(self._buf[: self.header.segment]), last=False)
            del self._buf[: self.header.segment]
        return len(raw)

    def _seal(self, plain: bytes, *, last: bool) -> None:
        nonce = _nonce(self.header.prefix, self._counter, _LAST if last else 0)
        sealed = self._aead.encrypt(nonce, plain, self._aad)
        self._fh.write(_LEN.pack(len(sealed)) + sealed)
        self._counter += 1

    def close(self, manifest: Mapping[str, Any]) -> None:
        self._buf += self._zip.flush()
        while len(self._buf) > self.header.segment:
            self._seal(bytes(self._buf[: self.header.segment]), last=False)
            del self._buf[: self.header.segment]
        self._seal(bytes(self._buf), last=True)
        body = json.dumps({**manifest, "segments": self._counter}, sort_keys=True).encode()
        sealed = self._aead.encrypt(_nonce(self.header.prefix, 0, _MANIFEST), body, self._aad)
        self._fh.write(sealed + _LEN.pack(len(sealed)))


class ArchiveReader:
    """Opens an archive on an open binary file: header, key, manifest (authenticated);
    `frames()` then decrypts and yields every frame, failing on the first bad segment."""

    def __init__(self, fh: IO[bytes], secrets: Sequence[Secret]) -> None:
        self._fh = fh
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        fh.seek(0)
        if fh.read(len(MAGIC)) != MAGIC:
            raise ArchiveError("not a Rapport backup archive")
        n = self._length()
        encoded = fh.read(n)
        self.header = Header.decode(encoded)
        keys = {key_id(s): s for s in secrets}
        if self.header.key_id not in keys:
            raise ArchiveError(
                f"sealed under data key {self.header.key_id}, which is not in RAPPORT_DATA_KEYS"
            )
        self._aead = _aead(keys[self.header.key_id], self.header.salt)
        self._aad = hashlib.sha256(MAGIC + encoded).digest()
        self._start = fh.tell()
        fh.seek(size - _LEN.size)
        m = self._length()
        self._end = size - _LEN.size - m
        if self._end < self._start:
            raise ArchiveError("the archive is truncated")
        fh.seek(self._end)
        try:
            body = self._aead.decrypt(_nonce(self.header.prefix, 0, _MANIFEST), fh.read(m), self._aad)
            self.manifest: dict[str, Any] = json.loads(body)
        except (InvalidTag, ValueError) as e:
            raise ArchiveError("the archive's manifest does not authenticate (tampered or wrong key)") from e

    def _length(self) -> int:
        raw = self._fh.read(_LEN.size)
        if len(raw) != _LEN.size:
            raise ArchiveError("the archive is truncated")
        return int(_LEN.unpack(raw)[0])

    def _segments(self) -> Iterator[bytes]:
        self._fh.seek(self._start)
        counter = 0
        while True:
            if self._fh.tell() + _LEN.size > self._end:
                raise ArchiveError("the archive is truncated")
            n = self._length()
            if self._fh.tell() + n > self._end:
                raise ArchiveError("the archive is truncated")
            sealed = self._fh.read(n)
            last = self._fh.tell() == self._end
            try:
                yield self._aead.decrypt(
                    _nonce(self.header.prefix, counter, _LAST if last else 0), sealed, self._aad
                )
            except InvalidTag as e:
                raise ArchiveError(f"segment {counter} does not authenticate (tampered or truncated)") from e
            counter += 1
            if last:
                if counter != self.manifest.get("segments"):
                    raise ArchiveError("the archive's segments do not match its manifest")
                return

    def frames(self) -> Iterator[RawBSONDocument]:
        """Every frame in order (raw BSON: documents stay bytes until a field is read)."""
        unzip = zlib.decompressobj()
        buf = bytearray()
        try:
            for plain in self._segments():
                buf += unzip.decompress(plain)
                while len(buf) >= 4:
                    n = int.from_bytes(buf[:4], "little")
                    if n < 5 or len(buf) < n:
                        break
                    yield bson.decode(bytes(buf[:n]), codec_options=RAW)
                    del buf[:n]
            buf += unzip.flush()
        except (zlib.error, InvalidBSON) as e:
            raise ArchiveError("the archive's content cannot be read") from e
        if buf or not unzip.eof:
            raise ArchiveError("the archive's content ends mid-frame")
