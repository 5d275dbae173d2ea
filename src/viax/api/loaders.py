"""Per-request data loaders: every read the API makes goes through one.

Each loader opens its own connection for its batch, so loaders that
dispatch together never share a connection.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from aiodataloader import DataLoader
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from viax.motion.snapshot import Account, MotionSnapshot, Partner, Product
from viax.store import queries
from viax.store.queries import EventRecord

T = TypeVar("T")


class StoreLoader(DataLoader[int, T], Generic[T]):
    """Loads values by integer key with one batched store read."""

    missing: ClassVar[Any] = None

    @staticmethod
    async def fetch(
        connection: AsyncConnection, keys: Sequence[int], /
    ) -> Mapping[int, Any]:
        """The values of these keys that exist, in one batched store read."""
        raise NotImplementedError

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__()
        self._engine = engine

    async def batch_load_fn(self, keys: Sequence[int]) -> list[T]:
        async with self._engine.connect() as conn:
            found = await type(self).fetch(conn, list(keys))
        return [found.get(key, self.missing) for key in keys]


class MotionByIdLoader(StoreLoader[MotionSnapshot | None]):
    fetch = staticmethod(queries.fetch_motions)


class ChildrenByMotionLoader(StoreLoader[list[MotionSnapshot]]):
    """The change motions of each motion: amendments, renewals, returns."""

    fetch = staticmethod(queries.fetch_children)
    missing: ClassVar[list[MotionSnapshot]] = []


class SnapshotByMotionLoader(StoreLoader[MotionSnapshot | None]):
    """The whole aggregate: every facet of a page of motions resolves at once."""

    fetch = staticmethod(queries.fetch_snapshots)


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
    children: ChildrenByMotionLoader
    snapshot: SnapshotByMotionLoader
    events: EventsByMotionLoader
    product: ProductByIdLoader
    account: AccountByIdLoader
    partner: PartnerByIdLoader
    entitled_skus: EntitledSkusByAccountLoader

    @classmethod
    def create(cls, engine: AsyncEngine) -> Loaders:
        return cls(
            motion=MotionByIdLoader(engine),
            children=ChildrenByMotionLoader(engine),
            snapshot=SnapshotByMotionLoader(engine),
            events=EventsByMotionLoader(engine),
            product=ProductByIdLoader(engine),
            account=AccountByIdLoader(engine),
            partner=PartnerByIdLoader(engine),
            entitled_skus=EntitledSkusByAccountLoader(engine),
        )
