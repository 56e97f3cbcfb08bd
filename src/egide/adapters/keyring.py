"""Keys that protect identifiers at rest: AES-256-GCM to encrypt, HMAC-SHA256 to look up.

Keys live in files of the data directory (mode 0600) or come from the environment; they are
never written to the database, so a copy of the database alone reveals no identifier.
A sealed value starts with a one-byte key version so keys can be rotated (see
docs/operations.md): version 1 is sealed with the store's encryption key, version 2 with a key
of one person (their data key, stored only wrapped by the master key in ``subject_keys``), so
destroying that person's wrapped key makes every value sealed for them unreadable, backups included.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from egide.domain.errors import ConfigurationError
from egide.domain.identity import Identifier

KEY_VERSION = 1
SUBJECT_KEY_VERSION = 2
KEY_ID_BYTES = 8


@dataclass(frozen=True)
class Keyring:
    encryption_key: bytes
    lookup_key: bytes
    signing_key: bytes
    master_key: bytes = b""  # wraps the people's keys; the encryption key when none is given

    def __post_init__(self) -> None:
        if not self.master_key:
            object.__setattr__(self, "master_key", self.encryption_key)

    @property
    def master_id(self) -> str:
        """A fingerprint naming the master key (which master wrapped a person's key)."""
        return master_fingerprint(self.master_key)

    def wrap(self, subject_id: str, key: bytes, master: bytes | None = None) -> bytes:
        nonce = os.urandom(12)
        return nonce + AESGCM(master or self.master_key).encrypt(nonce, key, f"subject-key:{subject_id}".encode())

    def unwrap(self, subject_id: str, wrapped: bytes) -> bytes:
        try:
            return AESGCM(self.master_key).decrypt(wrapped[:12], wrapped[12:], f"subject-key:{subject_id}".encode())
        except InvalidTag:
            raise ConfigurationError("a person's key is wrapped by another master key: "
                                     "is EGIDE_MASTER_KEY (or keys/master.key) the current one?") from None

    @staticmethod
    def seal_for(key_id: bytes, key: bytes, plaintext: str, context: str) -> bytes:
        """Seal with one person's key (version 2: the key's id follows the version byte)."""
        nonce = os.urandom(12)
        sealed = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), context.encode())
        return bytes([SUBJECT_KEY_VERSION]) + key_id + nonce + sealed

    @staticmethod
    def key_id_of(blob: bytes) -> bytes | None:
        """The id of the person's key a version-2 value was sealed with (None for version 1)."""
        if blob and blob[0] == SUBJECT_KEY_VERSION:
            return blob[1:1 + KEY_ID_BYTES]
        return None

    @staticmethod
    def open_for(key: bytes, blob: bytes, context: str) -> str:
        body = blob[1 + KEY_ID_BYTES:]
        return AESGCM(key).decrypt(body[:12], body[12:], context.encode()).decode("utf-8")

    def sign(self, message: bytes) -> str:
        """An HMAC-SHA256 signature (base64url) for links sent to people (unsubscribe)."""
        digest = hmac.new(self.signing_key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def verify(self, message: bytes, signature: str) -> bool:
        return hmac.compare_digest(self.sign(message), signature)

    def seal(self, plaintext: str, context: str) -> bytes:
        nonce = os.urandom(12)
        sealed = AESGCM(self.encryption_key).encrypt(nonce, plaintext.encode("utf-8"), context.encode())
        return bytes([KEY_VERSION]) + nonce + sealed

    def open(self, blob: bytes, context: str) -> str:
        if not blob or blob[0] != KEY_VERSION:
            raise ConfigurationError("a sealed value uses a key version this keyring does not hold")
        return AESGCM(self.encryption_key).decrypt(blob[1:13], blob[13:], context.encode()).decode("utf-8")

    def lookup_hash(self, identifier: Identifier) -> str:
        message = f"{identifier.kind.value}:{identifier.value}".encode("utf-8")
        return hmac.new(self.lookup_key, message, hashlib.sha256).hexdigest()

    def rate_limit_key(self, form: str, client: str) -> str:
        """A keyed hash of a public form and a client's address: the rate limits' counters hold no address."""
        message = f"rate-limit:{form}:{client}".encode("utf-8")
        return hmac.new(self.lookup_key, message, hashlib.sha256).hexdigest()

    def code_hash(self, request_id: str, code: str) -> str:
        """A keyed hash of a one-time verification code, bound to its request (the code is never stored)."""
        message = f"verification-code:{request_id}:{code}".encode("utf-8")
        return hmac.new(self.lookup_key, message, hashlib.sha256).hexdigest()


def master_fingerprint(key: bytes) -> str:
    return hashlib.sha256(b"egide-master-key:" + key).hexdigest()[:16]


def new_key_text() -> str:
    return base64.b64encode(os.urandom(32)).decode() + "\n"


def write_key_file(path: Path, text: str) -> None:
    """Write a key file (0600) atomically: a temporary file renamed over the path."""
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def decode_key(name: str, text: str) -> bytes:
    return _decode(name, text)


def _decode(name: str, text: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except ValueError:
        raise ConfigurationError(f"{name} is not base64") from None
    if len(key) != 32:
        raise ConfigurationError(f"{name} must decode to 32 bytes, got {len(key)}")
    return key


def create_key_files(keys_dir: Path) -> list[Path]:
    """Create missing key files (0600). Existing keys are never overwritten."""
    keys_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(keys_dir, 0o700)
    created = []
    for name in ("encryption.key", "lookup.key", "signing.key"):
        path = keys_dir / name
        if path.exists():
            continue
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(base64.b64encode(os.urandom(32)).decode() + "\n")
        created.append(path)
    return created


def load_keyring(keys_dir: Path, encryption_key: str | None, lookup_key: str | None,
                 signing_key: str | None = None, master_key: str | None = None) -> Keyring:
    def read(name: str, given: str | None, env: str) -> bytes:
        if given:
            return _decode(env, given)
        path = keys_dir / name
        if not path.exists():
            raise ConfigurationError(
                f"no {name}: run `egide init` to create the keys in {keys_dir}, or set {env}")
        return _decode(str(path), path.read_text())

    master = b""  # no master key given: the encryption key wraps the people's keys
    if master_key:
        master = _decode("EGIDE_MASTER_KEY", master_key)
    elif (keys_dir / "master.key").exists():
        master = _decode(str(keys_dir / "master.key"), (keys_dir / "master.key").read_text())
    return Keyring(read("encryption.key", encryption_key, "EGIDE_ENCRYPTION_KEY"),
                   read("lookup.key", lookup_key, "EGIDE_LOOKUP_KEY"),
                   read("signing.key", signing_key, "EGIDE_SIGNING_KEY"), master)
