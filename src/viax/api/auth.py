"""Bearer JWT authentication: tokens in, principals out."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import jwt

from viax.api.ids import decode_int, encode_id
from viax.errors import ViaxError
from viax.motion.snapshot import Principal
from viax.settings import Settings

KNOWN_ROLES = frozenset(
    {"sales", "deal_desk", "finance", "partner", "customer", "fulfilment", "erp"}
    | {"admin"}
)


class AuthenticationError(ViaxError):
    """The request carries no valid token."""


def _verification_key(
    settings: Settings, keys: jwt.PyJWKClient | None, token: str
) -> tuple[Any, list[str]]:
    # One fixed algorithm per kind of key: an HMAC secret is never tried as
    # a public key, nor a public key as an HMAC secret.
    if keys is not None:
        return keys.get_signing_key_from_jwt(token).key, ["RS256"]
    if settings.jwt_public_key:
        return settings.jwt_public_key, ["RS256"]
    return settings.jwt_secret, ["HS256"]


def principal_from_claims(claims: Mapping[str, object]) -> Principal:
    """Build the principal a verified token speaks for."""
    roles = claims.get("roles")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise AuthenticationError("token has no subject")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise AuthenticationError("token roles must be a list of strings")
    unknown = set(roles) - KNOWN_ROLES
    if unknown:
        raise AuthenticationError(f"token names unknown roles: {sorted(unknown)}")
    return Principal(
        subject=subject,
        roles=frozenset(roles),
        partner_id=_claim_id(claims, "partner_id", "Partner"),
        account_id=_claim_id(claims, "account_id", "Account"),
    )


def _claim_id(claims: Mapping[str, object], name: str, type_name: str) -> int | None:
    value = claims.get(name)
    if value is None:
        return None
    key = decode_int(value, type_name) if isinstance(value, str) else None
    if key is None:
        raise AuthenticationError(f"token claim {name} is not a {type_name} id")
    return key


def key_set(settings: Settings) -> jwt.PyJWKClient | None:
    """The cached JWKS client of the settings, if they name a key set."""
    if settings.jwt_jwks_url is None:
        return None
    # The set is kept for five minutes, so a rotated key is picked up without
    # a restart, and a flood of unknown key ids cannot make it fetch again.
    return jwt.PyJWKClient(
        settings.jwt_jwks_url, cache_keys=True, lifespan=300, timeout=5
    )


async def authenticate_request(
    authorization: str | None,
    settings: Settings,
    keys: jwt.PyJWKClient | None,
) -> Principal:
    """`authenticate`, off the event loop when a key set may be fetched."""
    return (await verify_request(authorization, settings, keys))[0]


async def verify_request(
    authorization: str | None,
    settings: Settings,
    keys: jwt.PyJWKClient | None,
) -> tuple[Principal, datetime]:
    """`authenticate_until`, off the event loop when a key set may be fetched."""
    if keys is None:
        return authenticate_until(authorization, settings)
    return await asyncio.to_thread(authenticate_until, authorization, settings, keys)


def authenticate(
    authorization: str | None,
    settings: Settings,
    keys: jwt.PyJWKClient | None = None,
) -> Principal:
    """The principal of an `Authorization: Bearer` value, or an error."""
    return authenticate_until(authorization, settings, keys)[0]


def authenticate_until(
    authorization: str | None,
    settings: Settings,
    keys: jwt.PyJWKClient | None = None,
) -> tuple[Principal, datetime]:
    """The principal of a bearer value, and when its token expires."""
    if not authorization:
        raise AuthenticationError("missing bearer token")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("authorization must be 'Bearer <token>'")
    try:
        key, algorithms = _verification_key(settings, keys, token.strip())
        claims = jwt.decode(
            token.strip(),
            key,
            algorithms=algorithms,
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["sub", "exp", "iss", "aud"]},
        )
    except jwt.PyJWTError as error:
        raise AuthenticationError(f"invalid token: {error}") from error
    expires_at = datetime.fromtimestamp(int(claims["exp"]), UTC)
    return principal_from_claims(claims), expires_at


def mint_token(
    settings: Settings,
    *,
    roles: Iterable[str],
    subject: str,
    partner_id: int | None = None,
    account_id: int | None = None,
    ttl_seconds: int = 7 * 24 * 3600,
) -> str:
    """A signed development token (HS256 with the configured secret)."""
    roles = sorted(set(roles))
    unknown = set(roles) - KNOWN_ROLES
    if unknown or not roles:
        raise AuthenticationError(
            f"roles must be among {sorted(KNOWN_ROLES)}, got {roles}"
        )
    now = int(time.time())
    claims: dict[str, object] = {
        "sub": subject,
        "roles": roles,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    if partner_id is not None:
        claims["partner_id"] = encode_id("Partner", partner_id)
    if account_id is not None:
        claims["account_id"] = encode_id("Account", account_id)
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")
