"""`viax serve | migrate | seed | schema | token | model`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from viax.api.auth import AuthenticationError, mint_token
from viax.api.ids import decode_int
from viax.errors import ConfigurationError, StoreError, ViaxError
from viax.model_commands import add_model_parser, run_model
from viax.settings import Settings, load_settings

if TYPE_CHECKING:
    from viax.seed import SeedReport

logger = logging.getLogger(__name__)

SCHEMA_PATH = Path("schema/schema.graphql")
DEMO_SUBJECTS = {
    "sales": "sales@demo",
    "deal_desk": "deal-desk@demo",
    "finance": "finance@demo",
    "partner": "partner@demo",
    "customer": "customer@demo",
    "fulfilment": "fulfilment@demo",
    "erp": "erp@demo",
    "admin": "admin@demo",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="viax", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the gateway")
    serve.add_argument(
        "--demo",
        action="store_true",
        help="migrate and seed the database when empty, print demo tokens",
    )
    commands.add_parser("migrate", help="upgrade the database to the head")
    seed = commands.add_parser("seed", help="load deterministic demo data")
    seed.add_argument("--motions", type=int, default=40, help="motions to create")
    schema = commands.add_parser("schema", help="print the GraphQL SDL")
    schema.add_argument(
        "--check",
        action="store_true",
        help=f"exit 1 when {SCHEMA_PATH} differs from the code",
    )
    token = commands.add_parser("token", help="mint a development JWT")
    token.add_argument("--role", required=True, help="ROLE[,ROLE...]")
    token.add_argument("--sub", help="subject (default: the first role @dev)")
    token.add_argument("--partner", help="GraphQL id of the partner")
    token.add_argument("--account", help="GraphQL id of the account")
    token.add_argument("--ttl", type=int, default=7 * 24 * 3600, help="seconds")
    add_model_parser(commands)
    return parser


class DatabaseUnavailableError(StoreError):
    """The database cannot be opened: a bad URL, a missing file or server."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; errors are printed plainly with exit status 2."""
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        return int(COMMANDS[args.command](args, settings) or 0)
    except ViaxError as error:
        print(f"viax: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from viax.app import create_app
    from viax.logs import configure_logging

    configure_logging(settings)
    if args.demo:
        asyncio.run(_prepare_demo(settings))
    else:
        _warn_of_development_secret(settings)
        # The app refuses a database behind the head as well, but only with
        # a traceback from inside uvicorn's startup.
        asyncio.run(_check_database(settings, migrated=True))
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
    )
    return 0


def _warn_of_development_secret(settings: Settings) -> None:
    if settings.uses_development_secret:
        logger.warning(
            "the gateway checks tokens with the public development JWT "
            "secret, so anyone can mint a valid one: set VIAX_JWT_SECRET "
            "(32 characters or more) or VIAX_JWT_PUBLIC_KEY before exposing it"
        )


async def _check_database(settings: Settings, *, migrated: bool) -> None:
    """Open the database once, so that a bad URL or a down server reads plainly.

    With `migrated`, also require the database to be at the head revision.
    """
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    from viax.store.database import create_engine
    from viax.store.schema import ensure_migrated

    shown = _database_shown(settings)
    engine = create_engine(settings.database_url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        if migrated:
            await ensure_migrated(engine)
    except (OSError, SQLAlchemyError) as error:
        cause = error.orig if isinstance(error, DBAPIError) else error
        raise DatabaseUnavailableError(
            f"cannot open the database {shown}: {cause}"
        ) from error
    finally:
        await engine.dispose()


def _database_shown(settings: Settings) -> str:
    """The database URL with its password hidden; refuses one that cannot work."""
    from sqlalchemy import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(settings.database_url)
    except ArgumentError as error:
        raise ConfigurationError(f"VIAX_DATABASE_URL: {error}") from error
    shown = url.render_as_string(hide_password=True)
    # aiosqlite, failing to open a file, may report from its worker thread
    # after the event loop has closed; a missing folder is caught before.
    folder = Path(url.database or ".").parent
    if url.get_backend_name() == "sqlite" and not folder.is_dir():
        raise DatabaseUnavailableError(
            f"cannot open the database {shown}: there is no directory {folder}"
        )
    return shown


async def _prepare_demo(settings: Settings) -> None:
    from viax.store.schema import migrate

    await _check_database(settings, migrated=False)
    await migrate(settings.database_url)
    report = await _seed(settings, motions=40)
    print(report.message, flush=True)
    await _print_demo_tokens(settings)


async def _seed(settings: Settings, *, motions: int) -> SeedReport:
    from viax.app import system_clock
    from viax.motion.model import deployment_registry
    from viax.seed import seed
    from viax.store.database import create_engine
    from viax.store.transitions import Store

    engine = create_engine(settings.database_url)
    try:
        store = Store(engine, deployment_registry(settings.model_dir))
        return await seed(store, motions=motions, now=system_clock(), journey=True)
    finally:
        await engine.dispose()


async def _print_demo_tokens(settings: Settings) -> None:
    from viax.store import queries
    from viax.store.database import create_engine

    engine = create_engine(settings.database_url)
    try:
        async with engine.connect() as conn:
            partners = await queries.list_partners(conn, queries.Window(first=1))
            accounts = await queries.list_accounts(conn, queries.Window(first=1))
    finally:
        await engine.dispose()
    partner_id = partners.items[0].id if partners.items else None
    account_id = accounts.items[0].id if accounts.items else None
    print("Development tokens (send as 'Authorization: Bearer TOKEN'):")
    for role, subject in DEMO_SUBJECTS.items():
        token = mint_token(
            settings,
            roles=[role],
            subject=subject,
            partner_id=partner_id if role == "partner" else None,
            account_id=account_id if role == "customer" else None,
        )
        print(f"  {role:<10} {token}")
    print(f"GraphiQL: {_local_url(settings)}/graphql", flush=True)


def _local_url(settings: Settings) -> str:
    """Where a browser on this machine reaches the gateway."""
    host = settings.host
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"  # a wildcard bind is not an address to browse to
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.port}"


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    asyncio.run(_migrate_database(settings))
    print("database migrated to head")
    return 0


async def _migrate_database(settings: Settings) -> None:
    from viax.store.schema import migrate

    await _check_database(settings, migrated=False)
    await migrate(settings.database_url)


def _seed_command(args: argparse.Namespace, settings: Settings) -> int:
    if args.motions < 0:
        raise ViaxError("--motions must not be negative")
    print(asyncio.run(_seed_database(settings, motions=args.motions)).message)
    return 0


async def _seed_database(settings: Settings, *, motions: int) -> SeedReport:
    await _check_database(settings, migrated=True)
    return await _seed(settings, motions=motions)


def _schema(args: argparse.Namespace, settings: Settings) -> int:
    from viax.api.schema import schema_sdl

    sdl = schema_sdl()
    if not args.check:
        sys.stdout.write(sdl)
        return 0
    if not SCHEMA_PATH.exists():
        print(
            f"{SCHEMA_PATH} is missing: run this in the repository root, "
            "or `make schema` to write it",
            file=sys.stderr,
        )
        return 1
    if SCHEMA_PATH.read_text() != sdl:
        print(f"{SCHEMA_PATH} is stale: run `make schema`", file=sys.stderr)
        return 1
    print(f"{SCHEMA_PATH} is up to date")
    return 0


def _token(args: argparse.Namespace, settings: Settings) -> int:
    _check_token_options(args, settings)
    roles = [r.strip() for r in args.role.split(",") if r.strip()]
    partner = _id_option(args.partner, "Partner", "--partner")
    account = _id_option(args.account, "Account", "--account")
    try:
        token = mint_token(
            settings,
            roles=roles,
            subject=args.sub or f"{roles[0] if roles else 'user'}@dev",
            partner_id=partner,
            account_id=account,
            ttl_seconds=args.ttl,
        )
    except AuthenticationError as error:
        raise ViaxError(str(error)) from error
    _note_unscoped_roles(roles, partner, account)
    print(token)
    return 0


def _check_token_options(args: argparse.Namespace, settings: Settings) -> None:
    if settings.jwt_public_key:
        # The gateway then verifies RS256 only; an HS256 token would be refused.
        raise ConfigurationError(
            "VIAX_JWT_PUBLIC_KEY is set, so the gateway accepts only tokens of "
            "your identity provider; `viax token` mints HS256 development tokens"
        )
    if args.ttl <= 0:
        raise ViaxError("--ttl must be a positive number of seconds")
    if args.sub is not None and not args.sub.strip():
        raise ViaxError("--sub must not be empty")


def _note_unscoped_roles(
    roles: Sequence[str], partner: int | None, account: int | None
) -> None:
    from viax.motion.scope import INTERNAL_ROLES

    # Such a token is valid but sees no motion at all, which looks like a bug.
    if not INTERNAL_ROLES.isdisjoint(roles):
        return
    for role, key, flag in (
        ("partner", partner, "--partner"),
        ("customer", account, "--account"),
    ):
        if role in roles and key is None:
            print(
                f"viax: note: the {role} role without {flag} can see no motion",
                file=sys.stderr,
            )


def _id_option(value: str | None, type_name: str, flag: str) -> int | None:
    if value is None:
        return None
    key = decode_int(value, type_name)
    if key is None:
        raise ViaxError(f"{flag} must be the GraphQL id of a {type_name}")
    return key


COMMANDS = {
    "model": run_model,
    "serve": _serve,
    "migrate": _migrate,
    "seed": _seed_command,
    "schema": _schema,
    "token": _token,
}


if __name__ == "__main__":
    sys.exit(main())
