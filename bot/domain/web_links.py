"""Links to the mobile web pages: capabilities for one chat and one purpose, signed and short.

A token is a random id and a truncated HMAC-SHA256 of it under the web secret, base64url:
a forged token is refused before any lookup; the database keeps only the token's hash.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from datetime import timedelta
from enum import StrEnum

ID_BYTES = 9
MAC_BYTES = 6
TOKEN_LENGTH = (ID_BYTES + MAC_BYTES) * 4 // 3  # 20 characters, no padding


class LinkPurpose(StrEnum):
    CONVERSATION = "conversation"  # the check-in page: the chat's feed
    COMPLAINT = "complaint"  # the complaint/praise form
    STOP = "stop"  # stop messages (withdraw consent)
    REPLIES = "replies"  # staff's replies to the patient's cases (identity checked)


LIFETIME = {
    LinkPurpose.CONVERSATION: timedelta(days=14),
    LinkPurpose.COMPLAINT: timedelta(days=30),
    LinkPurpose.STOP: timedelta(days=30),
    LinkPurpose.REPLIES: timedelta(days=30),
}
PATH_PREFIX = {
    LinkPurpose.CONVERSATION: "m",
    LinkPurpose.COMPLAINT: "c",
    LinkPurpose.STOP: "s",
    LinkPurpose.REPLIES: "r",
}


def _mac(secret: bytes, link_id: bytes) -> bytes:
    return hmac.new(secret, link_id, hashlib.sha256).digest()[:MAC_BYTES]


def new_token(secret: bytes) -> str:
    """Return a fresh signed token (20 URL-safe characters)."""
    link_id = secrets.token_bytes(ID_BYTES)
    return base64.urlsafe_b64encode(link_id + _mac(secret, link_id)).decode("ascii")


def is_signed(secret: bytes, token: str) -> bool:
    """Say whether a token carries a valid signature (checked in constant time)."""
    if len(token) != TOKEN_LENGTH:
        return False
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return False
    link_id, mac = raw[:ID_BYTES], raw[ID_BYTES:]
    return len(raw) == ID_BYTES + MAC_BYTES and hmac.compare_digest(mac, _mac(secret, link_id))


def token_hash(token: str) -> str:
    """Return what the database keeps of a token."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def sibling_token(secret: bytes, token: str, purpose: LinkPurpose) -> str:
    """Return the token of the link for another purpose shown on a page reached by `token`:
    the same every time (so a page links to the same pages), signed like any other."""
    seed = hmac.new(secret, f"{purpose.value}:{token}".encode("ascii"), hashlib.sha256)
    link_id = seed.digest()[:ID_BYTES]
    return base64.urlsafe_b64encode(link_id + _mac(secret, link_id)).decode("ascii")


LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")
SECRET_MIN = 32


def check_public_url(url: str) -> str:
    """Return the pages' base URL without a trailing slash; raise ValueError saying what is
    expected (https, or http on this machine for tests and the demo)."""
    scheme, _, rest = url.strip().partition("://")
    host = rest.split("/", 1)[0].rsplit(":", 1)[0] if rest else ""
    if not host or "?" in rest or "#" in rest or "@" in rest:
        raise ValueError("expected the pages' public base URL, like https://fu.example.cn")
    if scheme != "https" and not (scheme == "http" and host in LOCAL_HOSTS):
        raise ValueError("expected an https:// URL (http:// only for 127.0.0.1 or localhost)")
    return url.strip().rstrip("/")


def check_web_secret(secret: str) -> str:
    """Return the secret links are signed with; raise ValueError when it is too short."""
    if len(secret) < SECRET_MIN:
        raise ValueError(
            f"expected at least {SECRET_MIN} characters, the same for every worker "
            "(e.g. openssl rand -hex 32); changing it makes every link sent so far invalid"
        )
    return secret
