"""Bearer tokens: only well-formed, correctly signed, current ones pass."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from viax.api.auth import AuthenticationError, authenticate
from viax.settings import Settings

SECRET = "a-test-secret-of-32-bytes-or-more"
HS = Settings(jwt_secret=SECRET)
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PUBLIC_PEM = (
    KEY.public_key()
    .public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    .decode()
)
RS = Settings(jwt_secret=SECRET, jwt_public_key=PUBLIC_PEM)


def claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {
        "sub": "ann",
        "roles": ["sales"],
        "iss": "viax",
        "aud": "viax",
        "iat": now,
        "exp": now + 600,
    }
    base.update(changes)
    return {name: value for name, value in base.items() if value is not None}


def bearer(token: str) -> str:
    return f"Bearer {token}"


def test_a_valid_hs256_token_names_its_principal() -> None:
    token = jwt.encode(claims(), SECRET, algorithm="HS256")

    assert authenticate(bearer(token), HS).subject == "ann"


def test_a_valid_rs256_token_names_its_principal() -> None:
    token = jwt.encode(claims(), KEY, algorithm="RS256")

    assert authenticate(bearer(token), RS).subject == "ann"


def test_unsigned_token_is_refused() -> None:
    token = jwt.encode(claims(), None, algorithm="none")

    with pytest.raises(AuthenticationError):
        authenticate(bearer(token), HS)


def test_hs256_token_signed_with_the_public_key_is_refused() -> None:
    # The classic confusion: the public key, which is no secret, used as an
    # HMAC secret in the hope that the verifier accepts HS256 with it.
    header = _segment({"alg": "HS256", "typ": "JWT"})
    body = _segment(claims())
    signed = f"{header}.{body}".encode()
    mac = hmac.new(PUBLIC_PEM.encode(), signed, hashlib.sha256).digest()
    forged = f"{header}.{body}.{_b64(mac)}"

    with pytest.raises(AuthenticationError):
        authenticate(bearer(forged), RS)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _segment(value: dict[str, Any]) -> str:
    return _b64(json.dumps(value).encode())


def test_hs256_token_is_refused_when_a_public_key_is_configured() -> None:
    token = jwt.encode(claims(), SECRET, algorithm="HS256")

    with pytest.raises(AuthenticationError):
        authenticate(bearer(token), RS)


@pytest.mark.parametrize("missing", ["sub", "exp", "iss", "aud"])
def test_token_missing_a_required_claim_is_refused(missing: str) -> None:
    token = jwt.encode(claims(**{missing: None}), SECRET, algorithm="HS256")

    with pytest.raises(AuthenticationError):
        authenticate(bearer(token), HS)


@pytest.mark.parametrize(
    "changes",
    [
        {"exp": int(time.time()) - 60},
        {"nbf": int(time.time()) + 3600},
        {"aud": "someone-else"},
        {"iss": "someone-else"},
    ],
)
def test_expired_early_or_foreign_token_is_refused(changes: dict[str, Any]) -> None:
    token = jwt.encode(claims(**changes), SECRET, algorithm="HS256")

    with pytest.raises(AuthenticationError):
        authenticate(bearer(token), HS)
