"""`viax serve | migrate | seed | schema | token`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from viax.api.auth import AuthenticationError, mint_token
from viax.api.ids import decode_int
from viax.errors import ViaxError
from viax.settings import Settings, load_settings

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; errors are printed plainly with exit status 2."""
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        return int(COMMANDS[args.command](args, settings) or 0)
    except ViaxError as error:
        print(f"viax: {error}", file=sys.stderr)
        return 2


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from viax.app import create_app
    from viax.logs import configure_logging

    configure_logging(settings)
    if args.demo:
        asyncio.run(_prepare_demo(settings))
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
    )
    return 0


async def _prepare_demo(settings: Settings) -> None:
    from viax.store.schema import migrate

    await migrate(settings.database_url)
    report = await _seed(settings, motions=40)
    print(report, flush=True)
    await _print_demo_tokens(settings)


async def _seed(settings: Settings, *, motions: int) -> object:
    from viax.app import system_clock
    from viax.motion.model import default_registry
    from viax.seed import seed
    from viax.store.database import create_engine
    from viax.store.transitions import Store

    engine = create_engine(settings.database_url)
    try:
        store = Store(engine, default_registry())
        return await seed(store, motions=motions, now=system_clock())
    finally:
        await engine.dispose()


async def _print_demo_tokens(settings: Settings) -> None:
    from viax.store import queries
    from viax.store.database import create_engine

    engine = create_engine(settings.database_url)
    try:
        async with engine.connect() as conn:
            partners = await queries.list_partners(conn, first=1, after=None)
            accounts = await queries.list_accounts(conn, first=1, after=None)
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
    print(f"GraphiQL: http://{settings.host}:{settings.port}/graphql", flush=True)


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    from viax.store.schema import migrate

    asyncio.run(migrate(settings.database_url))
    print("database migrated to head")
    return 0


def _seed_command(args: argparse.Namespace, settings: Settings) -> int:
    if args.motions < 0:
        raise ViaxError("--motions must not be negative")
    print(asyncio.run(_seed(settings, motions=args.motions)))
    return 0


def _schema(args: argparse.Namespace, settings: Settings) -> int:
    from viax.api.schema import schema_sdl

    sdl = schema_sdl()
    if not args.check:
        sys.stdout.write(sdl)
        return 0
    if not SCHEMA_PATH.exists() or SCHEMA_PATH.read_text() != sdl:
        print(f"{SCHEMA_PATH} is stale: run `make schema`", file=sys.stderr)
        return 1
    print(f"{SCHEMA_PATH} is up to date")
    return 0


def _token(args: argparse.Namespace, settings: Settings) -> int:
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
    print(token)
    return 0


def _id_option(value: str | None, type_name: str, flag: str) -> int | None:
    if value is None:
        return None
    key = decode_int(value, type_name)
    if key is None:
        raise ViaxError(f"{flag} must be the GraphQL id of a {type_name}")
    return key


COMMANDS = {
    "serve": _serve,
    "migrate": _migrate,
    "seed": _seed_command,
    "schema": _schema,
    "token": _token,
}


if __name__ == "__main__":
    sys.exit(main())
