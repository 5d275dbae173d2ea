"""The priced quote with its waterfall, and the approval it may need."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from viax.api.audience import Audience, restricted, restricted_resolver
from viax.api.context import Info
from viax.api.ids import decode_int
from viax.api.types.catalog import Money, Product
from viax.motion import snapshot as domain
from viax.motion.renewal import uplift_of
from viax.motion.scope import can_see
from viax.motion.snapshot import ProductKind
from viax.motion.waterfall import LineChange, waterfall_diff


async def load_product(info: Info, product_id: int) -> Product:
    """A product named by a motion; the catalog never drops products."""
    product = await info.context.loaders.product.load(product_id)
    if product is None:
        raise LookupError(f"product {product_id} is missing from the catalog")
    return Product.of(product)


# What a customer is shown of a waterfall: the price it starts from and ends at.
CUSTOMER_STEPS = frozenset({"LIST", "NET"})


@strawberry.type(description="One step of a line's pricing waterfall.")
class PriceStep:
    step: str = strawberry.field(description="LIST, VOLUME, PARTNER, DISCOUNT or NET.")
    amount: Money = strawberry.field(
        description="What the step adds; negative for deductions."
    )
    subtotal: Money = strawberry.field(description="Running total after the step.")


@strawberry.type(description="A priced line of a quote.")
class QuoteLine:
    quantity: int = strawberry.field(description="Units quoted.")
    discount_percent: Decimal = strawberry.field(description="Requested discount.")
    uplift_percent: Decimal = strawberry.field(
        description="A renewal's raise on the previous unit net, in %; 0 when none."
    )
    unit_list: Money = strawberry.field(description="Unit list price.")
    unit_net: Money = strawberry.field(description="Net per unit for the term.")
    net: Money = strawberry.field(description="Net of the line for the term.")
    product_id: strawberry.Private[int]
    term_months: strawberry.Private[int]
    waterfall: strawberry.Private[list[PriceStep]]

    @strawberry.field(description="The quoted product.")
    async def product(self, info: Info) -> Product:
        return await load_product(info, self.product_id)

    async def _margin(self, info: Info) -> Money:
        product = await info.context.loaders.product.load(self.product_id)
        if product is None:
            raise LookupError(f"product {self.product_id} is missing")
        months = self.term_months if product.kind is ProductKind.SUBSCRIPTION else 1
        cost = product.unit_cost * self.quantity * months
        return Money(
            amount=self.net.amount - Money.of(cost, "").amount,
            currency=self.net.currency,
        )

    @strawberry.field(
        description="The waterfall, step by step. Internal roles and partners"
        " see every step; customers see only LIST and NET."
    )
    def steps(self, info: Info) -> list[PriceStep]:
        if Audience.PARTNER.admits(info.context.principal):
            return self.waterfall
        return [step for step in self.waterfall if step.step in CUSTOMER_STEPS]

    margin: Money | None = restricted_resolver(
        Audience.INTERNAL,
        "Net of the line less its internal cost for the term.",
        _margin,
    )

    @classmethod
    def of(cls, line: domain.QuoteLine, currency: str, term_months: int) -> QuoteLine:
        return cls(
            quantity=line.quantity,
            discount_percent=line.discount_percent,
            uplift_percent=uplift_of(line),
            unit_list=Money.of(line.unit_list, currency),
            term_months=term_months,
            waterfall=[
                PriceStep(
                    step=s.step,
                    amount=Money.of(s.amount, currency),
                    subtotal=Money.of(s.subtotal, currency),
                )
                for s in line.steps
            ],
            unit_net=Money.of(line.unit_net, currency),
            net=Money.of(line.net, currency),
            product_id=line.product_id,
        )


strawberry.enum(domain.QuoteStatus, name="QuoteStatus")


@strawberry.type(description="One waterfall step in both quotes.")
class StepChange:
    step: str = strawberry.field(description="LIST, VOLUME, UPLIFT, NET...")
    amount: Money | None = strawberry.field(
        description="In this quote; null when it has no such step."
    )
    against: Money | None = strawberry.field(
        description="In the other quote; null when it has no such step."
    )


@strawberry.type(description="One product in both quotes, side by side.")
class QuoteLineChange:
    quantity: int = strawberry.field(description="Units in this quote.")
    against_quantity: int = strawberry.field(description="Units in the other.")
    unit_net: Money = strawberry.field(description="Net per unit here.")
    against_unit_net: Money = strawberry.field(description="Net per unit there.")
    net: Money = strawberry.field(description="Net of the product here.")
    against_net: Money = strawberry.field(description="Net of the product there.")
    change: Money = strawberry.field(description="Net here less net there.")
    changes: strawberry.Private[list[StepChange]]
    product_id: strawberry.Private[int]

    @strawberry.field(
        description="Each step in both. Internal roles and partners see every"
        " step; customers see only LIST and NET, as in QuoteLine.steps."
    )
    def steps(self, info: Info) -> list[StepChange]:
        if Audience.PARTNER.admits(info.context.principal):
            return self.changes
        return [change for change in self.changes if change.step in CUSTOMER_STEPS]

    @strawberry.field(description="The product compared.")
    async def product(self, info: Info) -> Product:
        return await load_product(info, self.product_id)

    @classmethod
    def of(cls, change: LineChange, currency: str) -> QuoteLineChange:
        def money(amount: int | None) -> Money | None:
            return None if amount is None else Money.of(amount, currency)

        return cls(
            quantity=change.quantity,
            against_quantity=change.against_quantity,
            unit_net=Money.of(change.unit_net, currency),
            against_unit_net=Money.of(change.against_unit_net, currency),
            net=Money.of(change.net, currency),
            against_net=Money.of(change.against_net, currency),
            change=Money.of(change.change, currency),
            changes=[
                StepChange(
                    step=s.step, amount=money(s.amount), against=money(s.against)
                )
                for s in change.steps
            ],
            product_id=change.product_id,
        )


async def _visible_quote(info: Info, motion_gid: str) -> domain.Quote | None:
    key = decode_int(motion_gid, "Motion")
    core = None if key is None else await info.context.loaders.motion.load(key)
    principal = info.context.principal
    if core is None or not can_see(principal, core.partner_id, core.account_id):
        return None
    return (await info.context.full_snapshot(core)).quote


@strawberry.type(description="A priced offer; its price hash binds the order.")
class Quote:
    number: str = strawberry.field(description="Quote reference.")
    status: domain.QuoteStatus = strawberry.field(description="ACTIVE or ACCEPTED.")
    issued_at: datetime = strawberry.field(description="When it was issued.")
    expires_at: datetime = strawberry.field(description="When it lapses.")
    term_months: int = strawberry.field(description="Subscription term.")
    list_total: Money = strawberry.field(description="Sum of LIST steps.")
    total: Money = strawberry.field(description="Sum of NET steps.")
    price_hash: str = strawberry.field(description="Digest of the priced lines.")
    accepted_by: str | None = strawberry.field(description="Who accepted it.")
    accepted_at: datetime | None = strawberry.field(description="When.")
    lines: list[QuoteLine] = strawberry.field(description="Priced lines.")
    source: strawberry.Private[domain.Quote]

    @strawberry.field(
        description="How these prices differ from another motion's quote (e.g. "
        "a renewal's parent), product by product and step by step; null when "
        "that motion is not visible or has no quote."
    )
    async def waterfall_diff(
        self, info: Info, against: strawberry.ID
    ) -> list[QuoteLineChange] | None:
        other = await _visible_quote(info, against)
        if other is None:
            return None
        currency = self.source.currency
        return [
            QuoteLineChange.of(change, currency)
            for change in waterfall_diff(self.source, other)
        ]

    @classmethod
    def of(cls, quote: domain.Quote) -> Quote:
        currency = quote.currency
        return cls(
            source=quote,
            number=quote.number,
            status=quote.status,
            issued_at=quote.issued_at,
            expires_at=quote.expires_at,
            term_months=quote.term_months,
            list_total=Money.of(quote.list_total, currency),
            total=Money.of(quote.total, currency),
            price_hash=quote.price_hash,
            accepted_by=quote.accepted_by,
            accepted_at=quote.accepted_at,
            lines=[
                QuoteLine.of(line, currency, quote.term_months) for line in quote.lines
            ],
        )


@strawberry.type(description="One approver's decision on a tier.")
class ApprovalDecision:
    tier: int = strawberry.field(description="1 for deal desk, 2 for finance.")
    role: str = strawberry.field(description="Role the approver acted in.")
    verdict: str = strawberry.field(description="APPROVED or REJECTED.")
    at: datetime = strawberry.field(description="When it was decided.")
    approver: strawberry.Private[str]
    note: strawberry.Private[str | None]
    # Nullable so that they can read as null outside their audience; every
    # decision has an approver, so `actor` is null for no one else.
    actor: str | None = restricted(
        Audience.INTERNAL,
        "Subject of the approver; never null for its audience, nullable only"
        " so that it can be hidden.",
        "approver",
    )
    comment: str | None = restricted(
        Audience.INTERNAL,
        "Reason or note; null when the approver gave none.",
        "note",
    )


strawberry.enum(domain.ApprovalStatus, name="ApprovalStatus")


@strawberry.type(description="The approval a quote needs, tier by tier.")
class Approval:
    status: domain.ApprovalStatus = strawberry.field(description="Where it stands.")
    current_tier: int | None = strawberry.field(
        description="Tier awaiting a decision (1-based); null once decided."
    )
    required_roles: list[str] = strawberry.field(
        description="Approver role of each tier, in order."
    )
    decisions: list[ApprovalDecision] = strawberry.field(
        description="Decisions taken so far."
    )

    @classmethod
    def of(cls, approval: domain.Approval) -> Approval:
        return cls(
            status=approval.status,
            current_tier=approval.current_tier,
            required_roles=list(approval.tiers),
            decisions=[
                ApprovalDecision(
                    tier=d.tier,
                    role=d.role,
                    approver=d.actor,
                    verdict=d.verdict,
                    note=d.comment,
                    at=d.at,
                )
                for d in approval.decisions
            ],
        )
