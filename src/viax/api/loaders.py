"""Per-request data loaders: every read the API makes goes through one.

Each loader opens its own connection for its batch, so loaders that
dispatch together never share a connection.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from aiodataloader import DataLoader
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from viax.motion.snapshot import (
    Account,
    Agreement,
    Approval,
    Entitlement,
    Fulfilment,
    Invoice,
    Line,
    MotionSnapshot,
    Order,
    Partner,
    Payment,
    Product,
    Quote,
)
from viax.store import queries
from viax.store.queries import EventRecord

T = TypeVar("T")
Fetch = Callable[[AsyncConnection, list[int]], Awaitable[Mapping[int, Any]]]


class StoreLoader(DataLoader[int, T], Generic[T]):
    """Loads values by integer key with one batched store read."""

    fetch: ClassVar[Fetch]
    missing: ClassVar[Any] = None

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__()
        self._engine = engine

    async def batch_load_fn(self, keys: Sequence[int]) -> list[T]:
        async with self._engine.connect() as conn:
            found = await type(self).fetch(conn, list(keys))
        return [found.get(key, self.missing) for key in keys]


class MotionByIdLoader(StoreLoader[MotionSnapshot | None]):
    fetch = staticmethod(queries.fetch_motions)


class LinesByMotionLoader(StoreLoader[tuple[Line, ...]]):
    fetch = staticmethod(queries.fetch_lines)
    missing = ()


class QuoteByMotionLoader(StoreLoader[Quote | None]):
    fetch = staticmethod(queries.fetch_quotes)


class ApprovalByMotionLoader(StoreLoader[Approval | None]):
    fetch = staticmethod(queries.fetch_approvals)


class AgreementByMotionLoader(StoreLoader[Agreement | None]):
    fetch = staticmethod(queries.fetch_agreements)


class OrderByMotionLoader(StoreLoader[Order | None]):
    fetch = staticmethod(queries.fetch_orders)


class FulfilmentsByMotionLoader(StoreLoader[tuple[Fulfilment, ...]]):
    fetch = staticmethod(queries.fetch_fulfilments)
    missing = ()


class EntitlementsByMotionLoader(StoreLoader[tuple[Entitlement, ...]]):
    fetch = staticmethod(queries.fetch_entitlements)
    missing = ()


class InvoiceByMotionLoader(StoreLoader[Invoice | None]):
    fetch = staticmethod(queries.fetch_invoices)


class PaymentByMotionLoader(StoreLoader[Payment | None]):
    fetch = staticmethod(queries.fetch_payments)


class EventsByMotionLoader(StoreLoader[list[EventRecord]]):
    fetch = staticmethod(queries.fetch_events)
    missing: ClassVar[list[EventRecord]] = []


class ProductByIdLoader(StoreLoader[Product | None]):
    fetch = staticmethod(queries.fetch_products)


class AccountByIdLoader(StoreLoader[Account | None]):
    fetch = staticmethod(queries.fetch_accounts)


class PartnerByIdLoader(StoreLoader[Partner | None]):
    fetch = staticmethod(queries.fetch_partners)


class EntitledSkusByAccountLoader(StoreLoader[frozenset[str]]):
    fetch = staticmethod(queries.fetch_entitled_skus)
    missing = frozenset()


@dataclass(frozen=True, slots=True)
class Loaders:
    """A fresh set for every request (and every subscription event)."""

    motion: MotionByIdLoader
    lines: LinesByMotionLoader
    quote: QuoteByMotionLoader
    approval: ApprovalByMotionLoader
    agreement: AgreementByMotionLoader
    order: OrderByMotionLoader
    fulfilments: FulfilmentsByMotionLoader
    entitlements: EntitlementsByMotionLoader
    invoice: InvoiceByMotionLoader
    payment: PaymentByMotionLoader
    events: EventsByMotionLoader
    product: ProductByIdLoader
    account: AccountByIdLoader
    partner: PartnerByIdLoader
    entitled_skus: EntitledSkusByAccountLoader

    @classmethod
    def create(cls, engine: AsyncEngine) -> Loaders:
        return cls(
            motion=MotionByIdLoader(engine),
            lines=LinesByMotionLoader(engine),
            quote=QuoteByMotionLoader(engine),
            approval=ApprovalByMotionLoader(engine),
            agreement=AgreementByMotionLoader(engine),
            order=OrderByMotionLoader(engine),
            fulfilments=FulfilmentsByMotionLoader(engine),
            entitlements=EntitlementsByMotionLoader(engine),
            invoice=InvoiceByMotionLoader(engine),
            payment=PaymentByMotionLoader(engine),
            events=EventsByMotionLoader(engine),
            product=ProductByIdLoader(engine),
            account=AccountByIdLoader(engine),
            partner=PartnerByIdLoader(engine),
            entitled_skus=EntitledSkusByAccountLoader(engine),
        )
