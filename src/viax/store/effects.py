"""Writing a decision's effects: one small writer per effect type.

The engine names every row it creates (positions, revisions), so each
writer is a plain insert or update of the rows the effect describes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from viax.motion.decision import (
    AgreementSigned,
    ApprovalDecided,
    ApprovalRequested,
    ApprovalVoided,
    Effect,
    EntitlementsEnded,
    EntitlementsGranted,
    EntitlementsRevoked,
    FulfilmentRecorded,
    InvoiceRecorded,
    LinesReplaced,
    ModelMigrated,
    MotionStarted,
    OrderPlaced,
    OrderStatusChanged,
    PaymentRecorded,
    QuoteIssued,
    QuoteStatusChanged,
    UnitsReturned,
)
from viax.motion.snapshot import (
    ApprovalStatus,
    QuoteLine,
)
from viax.store import holdings
from viax.store.quotes import steps_document
from viax.store.tables import (
    agreements,
    approval_decisions,
    approvals,
    fulfilment_lines,
    fulfilments,
    invoices,
    motion_lines,
    motions,
    order_lines,
    orders,
    payments,
    quote_lines,
    quotes,
)


@dataclass(frozen=True, slots=True)
class Target:
    """The motion effects are written to, inside the open transaction."""

    connection: AsyncConnection
    motion_id: int
    account_id: int


E = TypeVar("E")
Writer = Callable[[Target, Any], Awaitable[None]]
_WRITERS: dict[type[Any], Writer] = {}


def _writes(
    kind: type[E],
) -> Callable[[Callable[[Target, E], Awaitable[None]]], Writer]:
    def register(writer: Callable[[Target, E], Awaitable[None]]) -> Writer:
        _WRITERS[kind] = writer
        return writer

    return register


async def write_effects(target: Target, effects: Iterable[Effect]) -> None:
    """Write every effect, in the order the engine listed them."""
    for effect in effects:
        await _WRITERS[type(effect)](target, effect)


async def _insert(target: Target, table: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        await target.connection.execute(insert(table), rows)


@_writes(MotionStarted)
async def _motion_started(target: Target, effect: MotionStarted) -> None:
    # Everything it says is on the motion row, which the transition inserts
    # first because every other effect needs the id it gets.
    return None


@_writes(ModelMigrated)
async def _model_migrated(target: Target, effect: ModelMigrated) -> None:
    await target.connection.execute(
        update(motions)
        .where(motions.c.id == target.motion_id)
        .values(model_version=effect.to_version)
    )


@_writes(LinesReplaced)
async def _lines_replaced(target: Target, effect: LinesReplaced) -> None:
    await target.connection.execute(
        delete(motion_lines).where(motion_lines.c.motion_id == target.motion_id)
    )
    rows = [
        {
            "motion_id": target.motion_id,
            "position": line.position,
            "product_id": line.product_id,
            "quantity": line.quantity,
            "discount_percent": line.discount_percent,
            "uplift_percent": line.uplift_percent,
        }
        for line in effect.lines
    ]
    await _insert(target, motion_lines, rows)


def _quote_line_row(motion_id: int, revision: int, line: QuoteLine) -> dict[str, Any]:
    return {
        "motion_id": motion_id,
        "revision": revision,
        "position": line.position,
        "product_id": line.product_id,
        "sku": line.sku,
        "quantity": line.quantity,
        "discount_percent": line.discount_percent,
        "uplift_percent": line.uplift_percent,
        "unit_list": line.unit_list,
        "steps": steps_document(line.steps),
        "unit_net": line.unit_net,
        "net": line.net,
    }


@_writes(QuoteIssued)
async def _quote_issued(target: Target, effect: QuoteIssued) -> None:
    quote = effect.quote
    await target.connection.execute(
        insert(quotes).values(
            motion_id=target.motion_id,
            revision=quote.revision,
            number=quote.number,
            status=quote.status,
            issued_at=quote.issued_at,
            expires_at=quote.expires_at,
            term_months=quote.term_months,
            currency=quote.currency,
            list_total=quote.list_total,
            total=quote.total,
            price_hash=quote.price_hash,
            accepted_by=quote.accepted_by,
            accepted_at=quote.accepted_at,
        )
    )
    rows = [
        _quote_line_row(target.motion_id, quote.revision, line) for line in quote.lines
    ]
    await _insert(target, quote_lines, rows)


@_writes(QuoteStatusChanged)
async def _quote_status_changed(target: Target, effect: QuoteStatusChanged) -> None:
    await target.connection.execute(
        update(quotes)
        .where(
            quotes.c.motion_id == target.motion_id,
            quotes.c.revision == effect.revision,
        )
        .values(
            status=effect.status,
            accepted_by=effect.accepted_by,
            accepted_at=effect.accepted_at,
        )
    )


@_writes(ApprovalRequested)
async def _approval_requested(target: Target, effect: ApprovalRequested) -> None:
    approval = effect.approval
    await target.connection.execute(
        insert(approvals).values(
            motion_id=target.motion_id,
            revision=approval.revision,
            status=approval.status,
            tiers=list(approval.tiers),
            current_tier=approval.current_tier,
        )
    )
    for decision in approval.decisions:
        await _approval_decided(
            target,
            ApprovalDecided(
                approval.revision, decision, approval.status, approval.current_tier
            ),
        )


@_writes(ApprovalDecided)
async def _approval_decided(target: Target, effect: ApprovalDecided) -> None:
    decided = approval_decisions.c
    of_approval = (
        decided.motion_id == target.motion_id,
        decided.revision == effect.revision,
    )
    next_seq = (
        select(func.coalesce(func.max(decided.seq), 0) + 1)
        .where(*of_approval)
        .scalar_subquery()
    )
    decision = effect.decision
    await target.connection.execute(
        insert(approval_decisions).values(
            motion_id=target.motion_id,
            revision=effect.revision,
            seq=next_seq,
            tier=decision.tier,
            role=decision.role,
            actor=decision.actor,
            verdict=decision.verdict,
            comment=decision.comment,
            at=decision.at,
        )
    )
    await _set_approval(target, effect.revision, effect.status, effect.current_tier)


async def _set_approval(
    target: Target,
    revision: int,
    status: ApprovalStatus,
    current_tier: int | None,
) -> None:
    await target.connection.execute(
        update(approvals)
        .where(
            approvals.c.motion_id == target.motion_id,
            approvals.c.revision == revision,
        )
        .values(status=status, current_tier=current_tier)
    )


@_writes(ApprovalVoided)
async def _approval_voided(target: Target, effect: ApprovalVoided) -> None:
    await _set_approval(target, effect.revision, ApprovalStatus.VOID, None)


@_writes(AgreementSigned)
async def _agreement_signed(target: Target, effect: AgreementSigned) -> None:
    agreement = effect.agreement
    await target.connection.execute(
        insert(agreements).values(
            motion_id=target.motion_id,
            number=agreement.number,
            start_date=agreement.start_date,
            end_date=agreement.end_date,
            signed_by=agreement.signed_by,
            signed_at=agreement.signed_at,
            payment_days=agreement.payment_days,
            uplift_cap_percent=agreement.uplift_cap_percent,
        )
    )


@_writes(OrderPlaced)
async def _order_placed(target: Target, effect: OrderPlaced) -> None:
    order = effect.order
    await target.connection.execute(
        insert(orders).values(
            motion_id=target.motion_id,
            number=order.number,
            status=order.status,
            placed_at=order.placed_at,
            total=order.total,
            price_hash=order.price_hash,
        )
    )
    rows = [
        {
            "motion_id": target.motion_id,
            "position": line.position,
            "product_id": line.product_id,
            "quantity": line.quantity,
            "fulfilled_quantity": line.fulfilled_quantity,
            "unit_net": line.unit_net,
            "net": line.net,
            "returned_quantity": line.returned_quantity,
        }
        for line in order.lines
    ]
    await _insert(target, order_lines, rows)


@_writes(OrderStatusChanged)
async def _order_status_changed(target: Target, effect: OrderStatusChanged) -> None:
    await target.connection.execute(
        update(orders)
        .where(orders.c.motion_id == target.motion_id)
        .values(status=effect.status)
    )


@_writes(FulfilmentRecorded)
async def _fulfilment_recorded(target: Target, effect: FulfilmentRecorded) -> None:
    fulfilment = effect.fulfilment
    await target.connection.execute(
        insert(fulfilments).values(
            motion_id=target.motion_id,
            position=fulfilment.position,
            at=fulfilment.at,
            actor=fulfilment.actor,
        )
    )
    rows = [
        {
            "motion_id": target.motion_id,
            "fulfilment": fulfilment.position,
            "seq": seq,
            "order_line": line.order_line,
            "quantity": line.quantity,
        }
        for seq, line in enumerate(fulfilment.lines, start=1)
    ]
    await _insert(target, fulfilment_lines, rows)
    await _grow_fulfilled(
        target, [(line.order_line, line.quantity) for line in fulfilment.lines]
    )


async def _grow_fulfilled(target: Target, quantities: list[tuple[int, int]]) -> None:
    if not quantities:
        return
    lines = order_lines.c
    await target.connection.execute(
        update(order_lines)
        .where(
            lines.motion_id == bindparam("of_motion"),
            lines.position == bindparam("of_line"),
        )
        .values(fulfilled_quantity=lines.fulfilled_quantity + bindparam("more")),
        [
            {"of_motion": target.motion_id, "of_line": position, "more": quantity}
            for position, quantity in quantities
        ],
    )


@_writes(UnitsReturned)
async def _units_returned(target: Target, effect: UnitsReturned) -> None:
    lines = order_lines.c
    await target.connection.execute(
        update(order_lines)
        .where(
            lines.motion_id == bindparam("of_motion"),
            lines.position == bindparam("of_line"),
        )
        .values(returned_quantity=lines.returned_quantity + bindparam("back")),
        [
            {
                "of_motion": target.motion_id,
                "of_line": line.order_line,
                "back": line.quantity,
            }
            for line in effect.lines
        ],
    )


_writes(EntitlementsGranted)(holdings.grant)
_writes(EntitlementsRevoked)(holdings.revoke)
_writes(EntitlementsEnded)(holdings.end)


@_writes(InvoiceRecorded)
async def _invoice_recorded(target: Target, effect: InvoiceRecorded) -> None:
    invoice = effect.invoice
    await target.connection.execute(
        insert(invoices).values(
            motion_id=target.motion_id,
            number=invoice.number,
            amount=invoice.amount,
            issued_on=invoice.issued_on,
        )
    )


@_writes(PaymentRecorded)
async def _payment_recorded(target: Target, effect: PaymentRecorded) -> None:
    payment = effect.payment
    await target.connection.execute(
        insert(payments).values(
            motion_id=target.motion_id,
            reference=payment.reference,
            amount=payment.amount,
            paid_on=payment.paid_on,
        )
    )
