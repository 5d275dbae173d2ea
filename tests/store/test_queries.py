"""Batched reads: fixed statement counts, filters, scopes and pages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, update
from sqlalchemy.ext.asyncio import AsyncEngine

from viax.motion.decision import InvoiceRecorded
from viax.motion.snapshot import Channel, MotionKind, MotionState, Principal
from viax.seed import ACCOUNTS, PARTNERS, PRODUCTS
from viax.store.effects import Target, write_effects
from viax.store.queries import (
    MotionFilter,
    Window,
    entitled_skus,
    fetch_accounts,
    fetch_partners,
    fetch_products,
    fetch_snapshots,
    list_accounts,
    list_motions,
    list_partners,
    list_products,
)
from viax.store.tables import motions

from .life import INVOICE, LIFE
from .records import NOW, catalog_loaded, insert_motion

ADMIN = Principal("admin@demo", frozenset({"admin"}))


@contextmanager
def counted(engine: AsyncEngine) -> Iterator[list[str]]:
    """Collect every statement sent to the database inside the block."""
    statements: list[str] = []

    def _count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine.sync_engine, "before_cursor_execute", _count)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", _count)


async def _full_lives(engine: AsyncEngine, count: int) -> list[int]:
    await catalog_loaded(engine)
    ids = []
    async with engine.begin() as connection:
        for index in range(count):
            motion_id = await insert_motion(connection)
            invoice = replace(INVOICE, number=f"INV-{index}")
            effects = (*LIFE[:-2], InvoiceRecorded(invoice), LIFE[-1])
            await write_effects(Target(connection, motion_id, 1), effects)
            ids.append(motion_id)
    return ids


async def _statements_for(engine: AsyncEngine, ids: list[int]) -> int:
    async with engine.connect() as connection:
        with counted(engine) as statements:
            found = await fetch_snapshots(connection, ids)
    assert sorted(found) == sorted(ids)
    return len(statements)


async def test_snapshots_of_5_or_50_motions_take_the_same_statements(
    store_engine: AsyncEngine,
) -> None:
    ids = await _full_lives(store_engine, 50)

    few = await _statements_for(store_engine, ids[:5])
    many = await _statements_for(store_engine, ids)

    assert few == many
    assert many <= 8  # seven reads, and the BEGIN on SQLite


async def test_reading_unknown_ids_finds_nothing(store_engine: AsyncEngine) -> None:
    async with store_engine.connect() as connection:
        assert await fetch_snapshots(connection, [404, 405]) == {}
        assert await fetch_snapshots(connection, []) == {}


async def test_catalog_reads_return_what_was_loaded(store_engine: AsyncEngine) -> None:
    await catalog_loaded(store_engine)

    async with store_engine.connect() as connection:
        products = await fetch_products(connection, [p.id for p in PRODUCTS])
        accounts = await fetch_accounts(connection, [a.id for a in ACCOUNTS])
        partners = await fetch_partners(connection, [p.id for p in PARTNERS])

    assert list(products.values()) == list(PRODUCTS)
    assert sorted(accounts.values(), key=lambda a: a.id) == list(ACCOUNTS)
    assert sorted(partners.values(), key=lambda p: p.id) == list(PARTNERS)


async def test_catalog_lists_page_in_id_order(store_engine: AsyncEngine) -> None:
    await catalog_loaded(store_engine)

    async with store_engine.connect() as connection:
        first = await list_products(connection, Window(first=5))
        rest = await list_products(
            connection, Window(first=5, after=first.items[-1].id)
        )
        accounts = await list_accounts(connection, Window(first=100, after=2))
        partners = await list_partners(connection, Window(first=1))

    assert [p.id for p in first.items + rest.items] == [p.id for p in PRODUCTS]
    assert (first.has_next, rest.has_next) == (True, False)
    assert [a.id for a in accounts.items] == [3, 4, 5, 6]
    assert (partners.items, partners.has_next) == ((PARTNERS[0],), True)


async def test_entitled_skus_are_the_active_entitlements_of_the_account(
    store_engine: AsyncEngine,
) -> None:
    await _full_lives(store_engine, 1)

    async with store_engine.connect() as connection:
        held = await entitled_skus(connection, 1)
        none = await entitled_skus(connection, 2)

    assert (held, none) == (frozenset({"CRM-PRO", "ONBOARD"}), frozenset())


async def _motions_across_parties(engine: AsyncEngine) -> dict[str, int]:
    await catalog_loaded(engine)
    async with engine.begin() as connection:
        made = {
            "direct_1": await insert_motion(connection, account_id=1),
            "partner_2_acct_2": await insert_motion(
                connection, account_id=2, partner_id=2, channel=Channel.PARTNER
            ),
            "partner_3_acct_1": await insert_motion(
                connection,
                account_id=1,
                partner_id=3,
                channel=Channel.PARTNER,
                state=MotionState.QUOTED,
            ),
            "direct_3": await insert_motion(
                connection, account_id=3, state=MotionState.QUOTED
            ),
        }
        await connection.execute(
            update(motions)
            .where(motions.c.id == made["direct_3"])
            .values(updated_at=NOW + timedelta(days=1))
        )
    return made


async def _listed(
    engine: AsyncEngine, who: Principal, wanted: MotionFilter | None = None
) -> list[int]:
    async with engine.connect() as connection:
        page = await list_motions(
            connection,
            filter=wanted or MotionFilter(),
            visible_to=who,
            window=Window(first=100),
        )
    return [motion.id for motion in page.items]


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        (ADMIN, ["direct_3", "partner_3_acct_1", "partner_2_acct_2", "direct_1"]),
        (Principal("p@2", frozenset({"partner"}), partner_id=2), ["partner_2_acct_2"]),
        (
            Principal("c@1", frozenset({"customer"}), account_id=1),
            ["partner_3_acct_1", "direct_1"],
        ),
        (Principal("nobody", frozenset()), []),
        (Principal("p@none", frozenset({"partner"})), []),
    ],
)
async def test_motion_lists_show_only_what_the_principal_may_see(
    store_engine: AsyncEngine, who: Principal, sees: list[str]
) -> None:
    made = await _motions_across_parties(store_engine)

    assert await _listed(store_engine, who) == [made[name] for name in sees]


@pytest.mark.parametrize(
    ("wanted", "finds"),
    [
        (MotionFilter(state=MotionState.QUOTED), ["direct_3", "partner_3_acct_1"]),
        (
            MotionFilter(channel=Channel.PARTNER),
            ["partner_3_acct_1", "partner_2_acct_2"],
        ),
        (MotionFilter(account_id=1), ["partner_3_acct_1", "direct_1"]),
        (MotionFilter(partner_id=2), ["partner_2_acct_2"]),
        (MotionFilter(kind=MotionKind.RENEWAL), []),
        (MotionFilter(updated_after=NOW), ["direct_3"]),
        (
            MotionFilter(state=MotionState.DRAFT, channel=Channel.DIRECT),
            ["direct_1"],
        ),
    ],
)
async def test_motion_lists_narrow_by_every_filter(
    store_engine: AsyncEngine, wanted: MotionFilter, finds: list[str]
) -> None:
    made = await _motions_across_parties(store_engine)

    assert await _listed(store_engine, ADMIN, wanted) == [made[name] for name in finds]


async def test_motion_lists_page_newest_first(store_engine: AsyncEngine) -> None:
    made = await _motions_across_parties(store_engine)
    newest_first = sorted(made.values(), reverse=True)

    async with store_engine.connect() as connection:
        first = await list_motions(
            connection,
            filter=MotionFilter(),
            visible_to=ADMIN,
            window=Window(first=3),
        )
        rest = await list_motions(
            connection,
            filter=MotionFilter(),
            visible_to=ADMIN,
            window=Window(first=3, after=first.items[-1].id),
        )

    assert [m.id for m in first.items] == newest_first[:3]
    assert [m.id for m in rest.items] == newest_first[3:]
    assert (first.has_next, rest.has_next) == (True, False)
