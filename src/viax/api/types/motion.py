"""The motion: one deal from intent to cash, with every facet."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Self

import strawberry
from strawberry import relay

from viax.api.context import Info, RequestContext
from viax.api.ids import decode_int, int_keys
from viax.api.pagination import decode_cursor, encode_cursor, page_size
from viax.api.types.catalog import Account, Money, Partner, PrincipalType, Product
from viax.api.types.order import (
    Agreement,
    Entitlement,
    Invoice,
    Order,
    Payment,
    facet_id,
)
from viax.api.types.quote import Approval, Quote, load_product
from viax.motion import engine
from viax.motion import snapshot as domain
from viax.motion.codec import decode
from viax.motion.decision import Verdict
from viax.motion.inputs import ChangeInput
from viax.motion.renewal import uplift_of
from viax.motion.scope import can_see, is_internal
from viax.store.queries import EventRecord
from viax.store.rebuild import motion_after, motion_as_of

# Registered on the domain enums themselves, so that fields are annotated
# with the domain types and mypy sees real classes.
strawberry.enum(domain.MotionKind, name="MotionKind")
strawberry.enum(domain.MotionState, name="MotionState")
strawberry.enum(domain.Channel, name="Channel")
strawberry.enum(domain.Action, name="MotionAction")


@strawberry.type(description="The outcome of one guard for one action.")
class GuardVerdict:
    guard: str = strawberry.field(description="Name of the guard in the model.")
    code: str = strawberry.field(description="Stable code, e.g. QUOTE_EXPIRED.")
    passed: bool = strawberry.field(description="Whether the guard holds.")
    message: str = strawberry.field(description="What it found, and what passes.")

    @classmethod
    def of(cls, verdict: Verdict) -> GuardVerdict:
        return cls(
            guard=verdict.guard,
            code=verdict.code,
            passed=verdict.passed,
            message=verdict.message,
        )


@strawberry.type(description="Whether the viewer may take an action now.")
class ActionAvailability:
    action: domain.Action = strawberry.field(description="The action.")
    allowed: bool = strawberry.field(description="True when no guard blocks it.")
    blocked_by: list[GuardVerdict] = strawberry.field(
        description="The guards that fail, with reasons."
    )


@strawberry.type(description="A configured line, before pricing.")
class MotionLine:
    id: strawberry.ID = strawberry.field(description="Line id.")
    quantity: int = strawberry.field(description="Units asked for.")
    discount_percent: Decimal = strawberry.field(description="Requested discount.")
    uplift_percent: Decimal = strawberry.field(
        description="A renewal's raise on the previous unit net, in %; 0 when none."
    )
    product_id: strawberry.Private[int]

    @strawberry.field(description="The product of the line.")
    async def product(self, info: Info) -> Product:
        return await load_product(info, self.product_id)


# How an internal actor appears to partners and customers.
THE_HOUSE = domain.Principal(subject="internal", roles=frozenset())


@strawberry.type(description="An applied transition, as the audit trail holds it.")
class MotionEvent(relay.Node):
    key: relay.NodeID[int]
    sequence: int = strawberry.field(description="Position in the event stream.")
    action: domain.Action = strawberry.field(description="The action applied.")
    from_state: domain.MotionState | None = strawberry.field(
        description="State before; null for the start."
    )
    to_state: domain.MotionState = strawberry.field(description="State after.")
    version: int = strawberry.field(description="Motion version after the event.")
    at: datetime = strawberry.field(description="When it was applied.")
    idempotency_key: str | None = strawberry.field(description="Client's key.")
    input_digest: str = strawberry.field(description="Digest of the input.")
    motion_id: strawberry.Private[int]
    acting: strawberry.Private[domain.Principal]
    change_id: strawberry.Private[int | None] = None
    # Set on a live event whose result its subscription group shares.
    shared: strawberry.Private[object] = None

    @classmethod
    def of(cls, event: EventRecord) -> MotionEvent:
        return cls(
            key=event.sequence,
            sequence=event.sequence,
            action=domain.Action(event.action),
            from_state=None
            if event.from_state is None
            else domain.MotionState(event.from_state),
            to_state=domain.MotionState(event.to_state),
            version=event.version,
            acting=event.actor,
            at=event.at,
            idempotency_key=event.idempotency_key,
            input_digest=event.input_digest,
            motion_id=event.motion_id,
            change_id=_change_of(event),
        )

    @strawberry.field(
        description="Who acted. Partners and customers see the house's own"
        " people, approvers included, only as the principal `internal`."
    )
    def actor(self, info: Info) -> PrincipalType:
        if is_internal(self.acting) and not is_internal(info.context.principal):
            return PrincipalType.of(THE_HOUSE)
        return PrincipalType.of(self.acting)

    @strawberry.field(
        description="For an APPLY_CHANGE event, the change motion (a return or"
        " an amendment) whose completion it applied; null otherwise."
    )
    async def change(self, info: Info) -> Motion | None:
        if self.change_id is None:
            return None
        return await load_motion(info, self.change_id)

    @strawberry.field(description="The motion as it stood right after this event.")
    async def motion(self, info: Info) -> Motion:
        snapshot, rebuilt = await motion_after_event(info.context, self)
        motion = Motion.visible(info, snapshot)
        if motion is None or snapshot is None:
            raise LookupError(f"motion {self.motion_id} of an event is not visible")
        if not rebuilt:
            return motion
        return Motion.of(snapshot, complete=True, judged_at=self.at)


def _change_of(event: EventRecord) -> int | None:
    if event.action is not domain.Action.APPLY_CHANGE:
        return None
    return decode(event.payload["input"], ChangeInput).motion_id


@strawberry.federation.type(
    keys=["id"], name="Motion", description="One revenue deal, intent to cash."
)
class Motion(relay.Node):
    key: relay.NodeID[int]
    number: str = strawberry.field(description="Human reference, e.g. M-000042.")
    kind: domain.MotionKind = strawberry.field(description="What sort of motion it is.")
    state: domain.MotionState = strawberry.field(description="Where it stands.")
    version: int = strawberry.field(description="Optimistic concurrency version.")
    model_name: str = strawberry.field(description="Motion model it runs under.")
    model_version: int = strawberry.field(description="Version of that model.")
    channel: domain.Channel = strawberry.field(
        description="DIRECT, PARTNER or COMMERCE."
    )
    currency: str = strawberry.field(description="Currency of every amount.")
    effective_date: date | None = strawberry.field(
        description="An amendment's first day of the change; null for other kinds."
    )
    owner: PrincipalType = strawberry.field(description="Who started it.")
    created_at: datetime = strawberry.field(description="When it started.")
    updated_at: datetime = strawberry.field(description="Last transition.")
    core: strawberry.Private[domain.MotionSnapshot]
    # A full snapshot (a transition result or a preview) carries its facets;
    # a listed one reads them through the loaders.
    complete: strawberry.Private[bool]
    # The instant a motion rebuilt as of it is judged at; None means now.
    judged_at: strawberry.Private[datetime | None]

    @classmethod
    def of(
        cls,
        snapshot: domain.MotionSnapshot,
        *,
        complete: bool = False,
        judged_at: datetime | None = None,
    ) -> Self:
        return cls(
            key=snapshot.id,
            number=snapshot.number,
            kind=snapshot.kind,
            state=snapshot.state,
            version=snapshot.version,
            model_name=snapshot.model_name,
            model_version=snapshot.model_version,
            channel=snapshot.channel,
            currency=snapshot.currency,
            effective_date=snapshot.effective_date,
            owner=PrincipalType.of(snapshot.owner),
            created_at=snapshot.created_at,
            updated_at=snapshot.updated_at,
            core=snapshot,
            complete=complete,
            judged_at=judged_at,
        )

    async def _aggregate(self, info: Info) -> domain.MotionSnapshot:
        if self.complete:
            return self.core
        return await info.context.full_snapshot(self.core)

    @strawberry.field(description="The customer account.")
    async def account(self, info: Info) -> Account:
        account = await info.context.loaders.account.load(self.core.account_id)
        if account is None:
            raise LookupError(f"account {self.core.account_id} is missing")
        return Account.of(account)

    @strawberry.field(description="The selling partner, in the PARTNER channel.")
    async def partner(self, info: Info) -> Partner | None:
        if self.core.partner_id is None:
            return None
        partner = await info.context.loaders.partner.load(self.core.partner_id)
        return None if partner is None else Partner.of(partner)

    @strawberry.field(description="Configured lines.")
    async def lines(self, info: Info) -> list[MotionLine]:
        lines = (await self._aggregate(info)).lines
        return [
            MotionLine(
                id=facet_id("MotionLine", self.key, line.position),
                quantity=line.quantity,
                discount_percent=line.discount_percent,
                uplift_percent=uplift_of(line),
                product_id=line.product_id,
            )
            for line in lines
        ]

    @strawberry.field(description="The current quote; null until quoted.")
    async def quote(self, info: Info) -> Quote | None:
        quote = (await self._aggregate(info)).quote
        return None if quote is None else Quote.of(quote)

    @strawberry.field(description="Approval of the quote, if the policy asks one.")
    async def approval(self, info: Info) -> Approval | None:
        approval = (await self._aggregate(info)).approval
        return None if approval is None else Approval.of(approval)

    @strawberry.field(description="The agreement; null until signed.")
    async def agreement(self, info: Info) -> Agreement | None:
        agreement = (await self._aggregate(info)).agreement
        return None if agreement is None else Agreement.of(agreement, self.key)

    @strawberry.field(description="The order; null until placed.")
    async def order(self, info: Info) -> Order | None:
        order = (await self._aggregate(info)).order
        return None if order is None else Order.of(order, self.key, self.currency)

    @strawberry.field(description="Entitlements granted by fulfilment.")
    async def entitlements(self, info: Info) -> list[Entitlement]:
        entitlements = (await self._aggregate(info)).entitlements
        return [Entitlement.of(e, self.key) for e in entitlements]

    @strawberry.field(description="The invoice; null until recorded.")
    async def invoice(self, info: Info) -> Invoice | None:
        invoice = (await self._aggregate(info)).invoice
        if invoice is None:
            return None
        return Invoice(
            number=invoice.number,
            amount=Money.of(invoice.amount, self.currency),
            issued_on=invoice.issued_on,
        )

    @strawberry.field(description="The payment; null until recorded.")
    async def payment(self, info: Info) -> Payment | None:
        payment = (await self._aggregate(info)).payment
        if payment is None:
            return None
        return Payment(
            reference=payment.reference,
            amount=Money.of(payment.amount, self.currency),
            paid_on=payment.paid_on,
        )

    @strawberry.field(description="The motion this one changes, if any.")
    async def parent(self, info: Info) -> Motion | None:
        if self.core.parent_id is None:
            return None
        return await load_motion(info, self.core.parent_id)

    @strawberry.field(description="The change motions of this one, oldest first.")
    async def children(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[Motion]:
        found = await load_children(info, self.key)
        start = 0 if after is None else decode_cursor(after, "motion")
        chosen = [m for m in found if m.key > start]
        size = page_size(first)
        edges = [
            relay.Edge(cursor=encode_cursor("motion", m.key), node=m)
            for m in chosen[:size]
        ]
        return relay.Connection(
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=len(chosen) > size,
                has_previous_page=start > 0,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )

    @strawberry.field(description="Applied transitions, oldest first.")
    async def history(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[MotionEvent]:
        events = await info.context.loaders.events.load(self.key)
        start = 0 if after is None else decode_cursor(after, "event")
        # A motion rebuilt as of an instant has only the history up to it.
        chosen = [
            e for e in events if e.sequence > start and e.version <= self.core.version
        ]
        size = page_size(first)
        edges = [
            relay.Edge(
                cursor=encode_cursor("event", e.sequence), node=MotionEvent.of(e)
            )
            for e in chosen[:size]
        ]
        return relay.Connection(
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=len(chosen) > size,
                has_previous_page=start > 0,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )

    @strawberry.field(
        description="Each action with whether the viewer may take it: now, or "
        "at the instant a motion read with asOf is rebuilt at."
    )
    async def available_actions(self, info: Info) -> list[ActionAvailability]:
        context = info.context
        snapshot = await self._aggregate(info)
        facts = await context.decision_context(snapshot, self.judged_at)
        model = context.models.get(snapshot.model_name, snapshot.model_version)
        return [
            ActionAvailability(
                action=a.action,
                allowed=a.allowed,
                blocked_by=[GuardVerdict.of(v) for v in a.blocked_by],
            )
            for a in engine.availability(model, facts, context.principal)
        ]

    async def as_of(self, info: Info, instant: datetime) -> Motion | None:
        """This motion as its events had made it by `instant`."""
        events = await info.context.loaders.events.load(self.key)
        rebuilt = motion_as_of(self.core, events, instant)
        if rebuilt is None:
            return None
        return Motion.of(rebuilt, complete=True, judged_at=instant)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        keys = int_keys(node_ids)
        found = await info.context.loaders.motion.load_many(keys)
        return [cls.visible(info, snapshot) for snapshot in found]

    @classmethod
    async def resolve_reference(cls, id: strawberry.ID, info: Info) -> Self | None:
        key = decode_int(id, "Motion")
        if key is None:
            return None
        return cls.visible(info, await info.context.loaders.motion.load(key))

    @classmethod
    def visible(cls, info: Info, snapshot: domain.MotionSnapshot | None) -> Self | None:
        """The motion as GraphQL, or None when the viewer may not see it."""
        if snapshot is None:
            return None
        principal = info.context.principal
        if not can_see(principal, snapshot.partner_id, snapshot.account_id):
            return None
        return cls.of(snapshot)


async def motion_after_event(
    context: RequestContext, event: MotionEvent | EventRecord
) -> tuple[domain.MotionSnapshot | None, bool]:
    """The motion as `event` left it, and whether it was rebuilt for that.

    The current motion when no later event moved it on (the usual live
    case); otherwise the motion folded again from its events up to this one.
    """
    current = await context.loaders.motion.load(event.motion_id)
    if current is None or current.version == event.version:
        return current, False
    events = await context.loaders.events.load(event.motion_id)
    rebuilt = motion_after(current, events, event.sequence)
    return (current, False) if rebuilt is None else (rebuilt, True)


async def load_motion(info: Info, motion_id: int) -> Motion | None:
    """A motion by id through the loader, honouring the viewer's scope."""
    return Motion.visible(info, await info.context.loaders.motion.load(motion_id))


async def load_children(
    info: Info, motion_id: int, kind: domain.MotionKind | None = None
) -> list[Motion]:
    """The visible change motions of a motion, of one kind or of any."""
    found = await info.context.loaders.children.load(motion_id)
    chosen = [c for c in found if kind is None or c.kind is kind]
    visible = (Motion.visible(info, child) for child in chosen)
    return [motion for motion in visible if motion is not None]
