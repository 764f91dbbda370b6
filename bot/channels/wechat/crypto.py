"""WeChat's safe mode (安全模式): AES-256-CBC with the account's EncodingAESKey.

key = base64 of the 43-character EncodingAESKey plus "=", iv = its first 16 bytes; the
plaintext is 16 random bytes, the message's length (4 bytes, big-endian), the message and the
app id, padded PKCS#7-style to a multiple of 32 bytes (not AES's 16).
"""

from __future__ import annotations

import base64
import binascii
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32
KEY_LENGTH = 43


class DecryptError(ValueError):
    """A safe-mode message that is not WeChat's for this account (the kind, never content)."""


def aes_key(encoding_aes_key: str) -> bytes:
    """Return the 32-byte AES key of an EncodingAESKey."""
    if len(encoding_aes_key) != KEY_LENGTH:
        raise ValueError("an EncodingAESKey has 43 characters")
    return base64.b64decode(encoding_aes_key + "=", validate=True)


def _pad(data: bytes) -> bytes:
    size = BLOCK - len(data) % BLOCK
    return data + bytes([size]) * size


def _unpad(data: bytes) -> bytes:
    size = data[-1] if data else 0
    if not 1 <= size <= BLOCK or data[-size:] != bytes([size]) * size:
        raise DecryptError("bad padding")
    return data[:-size]


class SafeMode:
    """Encrypts and decrypts one account's messages."""

    def __init__(self, encoding_aes_key: str, app_id: str) -> None:
        self._key = aes_key(encoding_aes_key)
        self._app_id = app_id.encode()

    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))

    def encrypt(self, message: str, random16: bytes | None = None) -> str:
        """Return the base64 ciphertext of a message, as WeChat puts it in Encrypt."""
        body = message.encode()
        prefix = random16 if random16 is not None else os.urandom(16)
        plain = _pad(prefix + struct.pack(">I", len(body)) + body + self._app_id)
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()

    def decrypt(self, encrypted: str) -> str:
        """Return the message of an Encrypt field; raise DecryptError if not this account's."""
        try:
            data = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError):
            raise DecryptError("not base64") from None
        if not data or len(data) % 16:
            raise DecryptError("bad length")
        decryptor = self._cipher().decryptor()
        plain = _unpad(decryptor.update(data) + decryptor.finalize())
        if len(plain) < 20:
            raise DecryptError("too short")
        (length,) = struct.unpack(">I", plain[16:20])
        body, app_id = plain[20 : 20 + length], plain[20 + length :]
        if len(body) != length or app_id != self._app_id:
            raise DecryptError("another app id")
        try:
            return body.decode()
        except UnicodeDecodeError:
            raise DecryptError("not UTF-8") from None
