"""API key text: generation, parsing and hashing (pure; storage is the services' job).

A key reads ``fv_<mode>_<account>_<secret>``: the mode (``live``/``test``), the account's
UUID in hex (so resolution is one lookup on an index that leads with the account) and 40
base62 characters of secret (about 238 bits). Only the SHA-256 of the secret is stored; a
high-entropy secret needs no slow hash, and a fast one keeps authentication cheap.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
import uuid
from dataclasses import dataclass

MODES = ("live", "test")
ACCESS_LEVELS = ("read", "write", "admin")
SECRET_LENGTH = 40
_ALPHABET = string.ascii_letters + string.digits
_KEY_RE = re.compile(rf"^fv_(live|test)_([0-9a-f]{{32}})_([A-Za-z0-9]{{{SECRET_LENGTH}}})$")


@dataclass(frozen=True, slots=True)
class ParsedKey:
    mode: str
    account_uuid: uuid.UUID
    secret_hash: str


@dataclass(frozen=True, slots=True)
class NewKey:
    text: str  # shown to the user once, never stored
    secret_hash: str
    hint: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def generate_key(mode: str, account_uuid: uuid.UUID) -> NewKey:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    secret = "".join(secrets.choice(_ALPHABET) for _ in range(SECRET_LENGTH))
    text = f"fv_{mode}_{account_uuid.hex}_{secret}"
    return NewKey(text=text, secret_hash=hash_secret(secret), hint=secret[-4:])


def parse_key(text: str) -> ParsedKey | None:
    """Split a key into its parts, or ``None`` when it is not shaped like one of ours."""
    match = _KEY_RE.match(text.strip())
    if match is None:
        return None
    mode, account_hex, secret = match.groups()
    return ParsedKey(
        mode=mode, account_uuid=uuid.UUID(account_hex), secret_hash=hash_secret(secret)
    )


def hashes_match(stored: str, presented: str) -> bool:
    """Constant-time comparison, so response time says nothing about how much matched."""
    return hmac.compare_digest(stored.encode(), presented.encode())


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer …`` header (scheme case-insensitive)."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()
