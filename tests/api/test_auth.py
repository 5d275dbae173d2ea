"""Bearer tokens: only well-formed, correctly signed, current ones pass."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.server
import json
import threading
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from viax.api.auth import (
    AuthenticationError,
    authenticate,
    authenticate_request,
    key_set,
)
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


class KeySetServer:
    """Serves a JWKS document on loopback and counts how often it is read."""

    def __init__(self, document: dict[str, Any]) -> None:
        body = json.dumps(document).encode()
        served = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                served.reads += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.reads = 0
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/jwks.json"

    def __enter__(self) -> KeySetServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _jwks() -> dict[str, Any]:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
    return {"keys": [jwk | {"kid": "key-1", "use": "sig", "alg": "RS256"}]}


async def test_key_set_tokens_pass_and_unknown_key_ids_are_refused() -> None:
    with KeySetServer(_jwks()) as keys_server:
        settings = Settings(jwt_secret=SECRET, jwt_jwks_url=keys_server.url)
        keys = key_set(settings)
        good = jwt.encode(claims(), KEY, algorithm="RS256", headers={"kid": "key-1"})
        unknown = jwt.encode(claims(), KEY, algorithm="RS256", headers={"kid": "key-2"})

        first = await authenticate_request(bearer(good), settings, keys)
        second = await authenticate_request(bearer(good), settings, keys)
        with pytest.raises(AuthenticationError):
            await authenticate_request(bearer(unknown), settings, keys)

    assert first.subject == second.subject == "ann"
    assert keys_server.reads == 1  # cached: not one fetch per token


async def test_key_set_refuses_hs256_tokens() -> None:
    with KeySetServer(_jwks()) as keys_server:
        settings = Settings(jwt_secret=SECRET, jwt_jwks_url=keys_server.url)
        token = jwt.encode(
            claims(), SECRET, algorithm="HS256", headers={"kid": "key-1"}
        )

        with pytest.raises(AuthenticationError):
            await authenticate_request(bearer(token), settings, key_set(settings))
