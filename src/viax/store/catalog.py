"""Reading the catalog and the parties: products, accounts, partners."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select, select
from sqlalchemy.ext.asyncio import AsyncConnection

from viax.motion.snapshot import (
    Account,
    EntitlementStatus,
    Partner,
    Product,
    ProductKind,
)
from viax.store.selection import Page, Window, among, keyset_page
from viax.store.tables import accounts, entitlements, partners, product_prices, products


def _product(row: Row[Any], prices: dict[str, int]) -> Product:
    return Product(
        id=row.id,
        sku=row.sku,
        name=row.name,
        family=row.family,
        kind=ProductKind(row.kind),
        list_prices=prices,
        unit_cost=row.unit_cost,
        active=row.active,
        regions=frozenset(row.regions),
        segments=frozenset(row.segments),
        partner_tiers=frozenset(row.partner_tiers),
        prerequisite_sku=row.prerequisite_sku,
    )


def _account(row: Row[Any]) -> Account:
    return Account(row.id, row.name, row.segment, row.region, row.currency)


def _partner(row: Row[Any]) -> Partner:
    return Partner(row.id, row.name, row.tier, frozenset(row.regions))


async def _with_prices(
    connection: AsyncConnection, rows: list[Row[Any]]
) -> list[Product]:
    if not rows:
        return []
    ids = [row.id for row in rows]
    result = await connection.execute(
        select(product_prices).where(
            among(connection, product_prices.c.product_id, ids)
        )
    )
    prices: dict[int, dict[str, int]] = defaultdict(dict)
    for price in result:
        prices[price.product_id][price.currency] = price.amount
    return [_product(row, prices[row.id]) for row in rows]


async def fetch_products(
    connection: AsyncConnection, ids: Sequence[int]
) -> dict[int, Product]:
    """The products with these ids, with their list prices."""
    if not ids:
        return {}
    prices = product_prices.c
    result = await connection.execute(
        select(products, prices.currency, prices.amount)
        .select_from(
            products.outerjoin(product_prices, prices.product_id == products.c.id)
        )
        .where(among(connection, products.c.id, ids))
        .order_by(products.c.id)
    )
    rows: dict[int, Row[Any]] = {}
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for row in result:
        rows.setdefault(row.id, row)
        if row.currency is not None:
            found[row.id][row.currency] = row.amount
    return {key: _product(row, found[key]) for key, row in rows.items()}


async def fetch_accounts(
    connection: AsyncConnection, ids: Sequence[int]
) -> dict[int, Account]:
    """The accounts with these ids."""
    if not ids:
        return {}
    result = await connection.execute(
        select(accounts).where(among(connection, accounts.c.id, ids))
    )
    return {row.id: _account(row) for row in result}


async def fetch_partners(
    connection: AsyncConnection, ids: Sequence[int]
) -> dict[int, Partner]:
    """The partners with these ids."""
    if not ids:
        return {}
    result = await connection.execute(
        select(partners).where(among(connection, partners.c.id, ids))
    )
    return {row.id: _partner(row) for row in result}


async def fetch_entitled_skus(
    connection: AsyncConnection, account_ids: Sequence[int]
) -> dict[int, frozenset[str]]:
    """The skus each account holds as active entitlements."""
    if not account_ids:
        return {}
    result = await connection.execute(
        select(entitlements.c.account_id, products.c.sku)
        .join(products, products.c.id == entitlements.c.product_id)
        .where(
            among(connection, entitlements.c.account_id, account_ids),
            entitlements.c.status == EntitlementStatus.ACTIVE,
        )
        .distinct()
    )
    skus: dict[int, set[str]] = defaultdict(set)
    for row in result:
        skus[row.account_id].add(row.sku)
    return {account_id: frozenset(found) for account_id, found in skus.items()}


async def entitled_skus(connection: AsyncConnection, account_id: int) -> frozenset[str]:
    """The skus one account holds as active entitlements."""
    found = await fetch_entitled_skus(connection, [account_id])
    return found.get(account_id, frozenset())


async def _page(
    connection: AsyncConnection, query: Select[Any], window: Window
) -> tuple[list[Row[Any]], bool, bool]:
    key = query.selected_columns.id
    return await keyset_page(connection, query, key, window, descending=False)


async def list_products(connection: AsyncConnection, window: Window) -> Page[Product]:
    """Products in id order."""
    rows, has_next, has_previous = await _page(connection, select(products), window)
    items = tuple(await _with_prices(connection, rows))
    return Page(items, has_next, has_previous)


async def list_accounts(connection: AsyncConnection, window: Window) -> Page[Account]:
    """Accounts in id order."""
    rows, has_next, has_previous = await _page(connection, select(accounts), window)
    return Page(tuple(_account(row) for row in rows), has_next, has_previous)


async def list_partners(connection: AsyncConnection, window: Window) -> Page[Partner]:
    """Partners in id order."""
    rows, has_next, has_previous = await _page(connection, select(partners), window)
    return Page(tuple(_partner(row) for row in rows), has_next, has_previous)
