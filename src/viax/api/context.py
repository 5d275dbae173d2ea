"""What every resolver can reach: the principal, loaders, store and clock."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from strawberry.types import Info as StrawberryInfo

from viax.api.budget import Ledger
from viax.api.loaders import Loaders
from viax.events.feed import EventFeed
from viax.motion.decision import DecisionContext
from viax.motion.model import ModelRegistry
from viax.motion.scope import can_see
from viax.motion.snapshot import MotionSnapshot, Principal
from viax.store.transitions import Store

if TYPE_CHECKING:
    from viax.api.fanout import Fanout


@dataclass(slots=True)
class RequestContext:
    """One per request, and one per subscription event."""

    principal: Principal
    store: Store
    models: ModelRegistry
    clock: Callable[[], datetime]
    request_id: str
    feed: EventFeed | None = None
    fanout: Fanout | None = None
    # A WebSocket's connection_init payload, and when its token expires.
    connection_params: dict[str, object] | None = None
    expires_at: datetime | None = None
    # Set when the request carries the federation gateway's credential.
    trusted_gateway: bool = False
    # The cost budgets this request is charged to; a bare schema keeps its own.
    ledger: Ledger | None = None
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.refresh_loaders()

    def for_event(self) -> RequestContext:
        """The same viewer with loaders of its own, for one live event."""
        return replace(self, connection_params=None)

    def refresh_loaders(self) -> None:
        """Start over with empty loaders, as for a new request."""
        self.loaders = Loaders.create(self.store.engine)

    async def full_snapshot(self, core: MotionSnapshot) -> MotionSnapshot:
        """The whole aggregate of a motion, read through the loaders."""
        snapshot = await self.loaders.snapshot.load(core.id)
        if snapshot is None:
            raise LookupError(f"motion {core.id} vanished")
        return snapshot

    async def decision_context(
        self, snapshot: MotionSnapshot, now: datetime | None = None
    ) -> DecisionContext:
        """The facts the engine needs to judge actions on this motion, at `now`."""
        product_ids = {line.product_id for line in snapshot.lines}
        if snapshot.quote is not None:
            product_ids |= {line.product_id for line in snapshot.quote.lines}
        products, account, partner, skus = await asyncio.gather(
            self.loaders.product.load_many(sorted(product_ids)),
            self.loaders.account.load(snapshot.account_id),
            self._partner(snapshot.partner_id),
            self.loaders.entitled_skus.load(snapshot.account_id),
        )
        parent, siblings = await self._parent_of(snapshot)
        return DecisionContext(
            now=self.clock() if now is None else now,
            snapshot=snapshot,
            account=account,
            partner=partner,
            products={p.id: p for p in products if p is not None},
            entitled_skus=skus,
            parent=parent,
            siblings=siblings,
        )

    async def _parent_of(
        self, snapshot: MotionSnapshot
    ) -> tuple[MotionSnapshot | None, tuple[MotionSnapshot, ...]]:
        # A change motion's guards read its parent and the parent's other
        # change motions, as the store gathers them for a transition.
        if snapshot.parent_id is None:
            return None, ()
        parent = await self.loaders.snapshot.load(snapshot.parent_id)
        if parent is None or not can_see(
            self.principal, parent.partner_id, parent.account_id
        ):
            return None, ()
        children = await self.loaders.children.load(parent.id)
        found = await self.loaders.snapshot.load_many([c.id for c in children])
        return parent, tuple(s for s in found if s is not None)

    async def _partner(self, partner_id: int | None) -> Any:
        if partner_id is None:
            return None
        return await self.loaders.partner.load(partner_id)


Info = StrawberryInfo[RequestContext, None]
