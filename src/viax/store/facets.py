"""Reading the facets that follow the quote: agreement to payment."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from viax.motion.snapshot import (
    Agreement,
    Entitlement,
    EntitlementStatus,
    Fulfilment,
    FulfilmentLine,
    Invoice,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
)
from viax.store.selection import among
from viax.store.tables import (
    agreements,
    entitlements,
    fulfilment_lines,
    fulfilments,
    invoices,
    order_lines,
    orders,
    payments,
)


def agreement_from_row(row: Any) -> Agreement:
    """The agreement of an `agreements` row."""
    return Agreement(
        number=row.number,
        start_date=row.start_date,
        end_date=row.end_date,
        signed_by=row.signed_by,
        signed_at=row.signed_at,
        payment_days=row.payment_days,
        uplift_cap_percent=row.uplift_cap_percent,
    )


def order_from_row(row: Any, lines: tuple[OrderLine, ...]) -> Order:
    """The order of an `orders` row, with its lines."""
    return Order(
        number=row.number,
        status=OrderStatus(row.status),
        placed_at=row.placed_at,
        total=row.total,
        price_hash=row.price_hash,
        lines=lines,
    )


def invoice_from_row(row: Any) -> Invoice:
    """The invoice of an `invoices` row."""
    return Invoice(row.number, row.amount, row.issued_on)


def payment_from_row(row: Any) -> Payment:
    """The payment of a `payments` row."""
    return Payment(row.reference, row.amount, row.paid_on)


async def fetch_agreements(
    connection: AsyncConnection, ids: Sequence[int]
) -> dict[int, Agreement]:
    """The signed agreement of each motion that has one."""
    if not ids:
        return {}
    result = await connection.execute(
        select(agreements).where(among(connection, agreements.c.motion_id, ids))
    )
    return {row.motion_id: agreement_from_row(row) for row in result}


async def order_lines_of(
    connection: AsyncConnection, ids: Sequence[int]
) -> dict[int, tuple[OrderLine, ...]]:
    """The lines of each motion's order, in position order."""
    result = await connection.execute(
        select(order_lines)
        .where(among(connection, order_lines.c.motion_id, ids))
        .order_by(order_lines.c.motion_id, order_lines.c.position)
    )
    lines: dict[int, list[OrderLine]] = defaultdict(list)
    for row in result:
        lines[row.motion_id].append(
            OrderLine(
                position=row.position,
                product_id=row.product_id,
                quantity=row.quantity,
                fulfilled_quantity=row.fulfilled_quantity,
                unit_net=row.unit_net,
                net=row.net,
                returned_quantity=row.returned_quantity,
            )
        )
    return {motion_id: tuple(found) for motion_id, found in lines.items()}


async def fetch_orders(
    connection: AsyncConnection, ids: Sequence[int]
) -> dict[int, Order]:
    """The order of each motion that has one, with its lines."""
    if not ids:
        return {}
    heads = list(
        await connection.execute(
            select(orders).where(among(connection, orders.c.motion_id, ids))
        )
    )
    if not heads:
        return {}
    lines = await order_lines_of(connection, [row.motion_id for row in heads])
    return {
        row.motion_id: order_from_row(row, lines.get(row.motion_id, ()))
        for row in heads
    }


async def fetch_fulfilments(
    connection: AsyncConnection, ids: Sequence[int]
) -> dict[int, tuple[Fulfilment, ...]]:
    """The fulfilments of each motion, in the order they were recorded."""
    if not ids:
        return {}
    done, lines = fulfilments.c, fulfilment_lines.c
    result = await connection.execute(
        select(
            done.motion_id,
            done.position,
            done.at,
            done.actor,
            lines.order_line,
            lines.quantity,
        )
        .select_from(
            fulfilments.outerjoin(
                fulfilment_lines,
                and_(
                    lines.motion_id == done.motion_id, lines.fulfilment == done.position
                ),
            )
        )
        .where(among(connection, done.motion_id, ids))
        .order_by(done.motion_id, done.position, lines.seq)
    )
    heads: dict[tuple[int, int], tuple[Any, list[FulfilmentLine]]] = {}
    for row in result:
        _, found = heads.setdefault((row.motion_id, row.position), (row, []))
        if row.order_line is not None:
            found.append(FulfilmentLine(row.order_line, row.quantity))
    by_motion: dict[int, list[Fulfilment]] = defaultdict(list)
    for (motion_id, position), (head, found) in heads.items():
        by_motion[motion_id].append(
            Fulfilment(position, head.at, head.actor, tuple(found))
        )
    return {motion_id: tuple(items) for motion_id, items in by_motion.items()}


async def fetch_entitlements(
    connection: AsyncConnection, ids: Sequence[int]
) -> dict[int, tuple[Entitlement, ...]]:
    """The entitlements each motion granted, in position order."""
    if not ids:
        return {}
    result = await connection.execute(
        select(entitlements)
        .where(among(connection, entitlements.c.motion_id, ids))
        .order_by(entitlements.c.motion_id, entitlements.c.position)
    )
    found: dict[int, list[Entitlement]] = defaultdict(list)
    for row in result:
        found[row.motion_id].append(
            Entitlement(
                position=row.position,
                product_id=row.product_id,
                quantity=row.quantity,
                starts_on=row.starts_on,
                ends_on=row.ends_on,
                status=EntitlementStatus(row.status),
            )
        )
    return {motion_id: tuple(items) for motion_id, items in found.items()}


async def fetch_invoices(
    connection: AsyncConnection, ids: Sequence[int]
) -> dict[int, Invoice]:
    """The invoice of each motion that has one."""
    if not ids:
        return {}
    result = await connection.execute(
        select(invoices).where(among(connection, invoices.c.motion_id, ids))
    )
    return {
        row.motion_id: Invoice(row.number, row.amount, row.issued_on) for row in result
    }


async def fetch_payments(
    connection: AsyncConnection, ids: Sequence[int]
) -> dict[int, Payment]:
    """The payment of each motion that has one."""
    if not ids:
        return {}
    result = await connection.execute(
        select(payments).where(among(connection, payments.c.motion_id, ids))
    )
    return {
        row.motion_id: Payment(row.reference, row.amount, row.paid_on) for row in result
    }
