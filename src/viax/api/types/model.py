"""A motion model as GraphQL: what a frontend needs to draw and explain it."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from viax.motion import model as domain
from viax.motion.diagram import mermaid
from viax.motion.guards import GUARDS
from viax.motion.snapshot import Action, Channel, MotionKind, MotionState


@strawberry.type(description="A guard an action runs.")
class ModelGuard:
    name: str = strawberry.field(description="Name of the guard in the model.")
    code: str = strawberry.field(description="The code it fails with.")
    summary: str = strawberry.field(description="What holds when it passes.")


@strawberry.type(description="An action: where it starts and ends, who, and guards.")
class ModelAction:
    action: Action = strawberry.field(description="The action.")
    from_states: list[MotionState] = strawberry.field(
        description="States it may start from; empty for the start."
    )
    to_states: list[MotionState] = strawberry.field(
        description="States it may lead to."
    )
    roles: list[str] = strawberry.field(
        description="Roles or role expressions (owner, partner_own...) that may act."
    )
    guards: list[ModelGuard] = strawberry.field(
        description="The guards it runs after state, role and input."
    )


@strawberry.type(description="A volume discount from a quantity on.")
class ModelVolumeTier:
    min_quantity: int = strawberry.field(description="Lowest quantity of the tier.")
    rate: Decimal = strawberry.field(description="Rate taken off LIST, e.g. 0.05.")


@strawberry.type(description="The discount rate of one partner tier.")
class ModelPartnerRate:
    tier: str = strawberry.field(description="Partner tier, e.g. gold.")
    rate: Decimal = strawberry.field(description="Rate taken off, e.g. 0.15.")


@strawberry.type(description="The approver roles up to a line discount.")
class ModelApprovalBand:
    up_to_percent: Decimal = strawberry.field(description="Highest discount, in %.")
    roles: list[str] = strawberry.field(description="Approver role of each tier.")


@strawberry.type(description="The highest discount quoting allows in a channel.")
class ModelCeiling:
    channel: Channel = strawberry.field(description="Selling channel.")
    percent: Decimal = strawberry.field(description="Discount ceiling, in %.")


@strawberry.type(description="The numbers pricing and approval use.")
class ModelRules:
    volume_tiers: list[ModelVolumeTier] = strawberry.field(description="Volume tiers.")
    partner_rates: list[ModelPartnerRate] = strawberry.field(
        description="Partner rates."
    )
    approval_bands: list[ModelApprovalBand] = strawberry.field(
        description="Approval bands, by rising discount."
    )
    ceilings: list[ModelCeiling] = strawberry.field(description="Discount ceilings.")
    large_deal_above_minor: int = strawberry.field(
        description="A NET total above this (minor units) needs largeDealRole."
    )
    large_deal_role: str = strawberry.field(description="The role a large deal needs.")
    default_term_months: int = strawberry.field(description="Default term.")
    max_term_months: int = strawberry.field(description="Longest term.")
    quote_validity_days: int = strawberry.field(description="Quote validity.")
    payment_days: int = strawberry.field(description="Agreement payment terms.")
    renewal_uplift_cap_percent: Decimal = strawberry.field(
        description="Highest renewal uplift without tier-2 approval."
    )


@strawberry.type(name="MotionModel", description="A versioned motion model.")
class MotionModelType:
    name: str = strawberry.field(description="Model name, e.g. new-business.")
    version: int = strawberry.field(description="Model version.")
    kind: MotionKind = strawberry.field(description="The kind it governs.")
    initial: MotionState = strawberry.field(description="State after start.")
    states: list[MotionState] = strawberry.field(description="Every state.")
    terminal: list[MotionState] = strawberry.field(description="Final states.")
    roles: list[str] = strawberry.field(description="Roles the model knows.")
    actions: list[ModelAction] = strawberry.field(description="Every action.")
    rules: ModelRules = strawberry.field(description="Pricing and approval numbers.")
    diagram: str = strawberry.field(description="State diagram, Mermaid text.")

    @classmethod
    def of(cls, model: domain.MotionModel) -> MotionModelType:
        return cls(
            name=model.name,
            version=model.version,
            kind=model.motion_kind,
            initial=MotionState(model.initial),
            states=[MotionState(s) for s in model.states],
            terminal=[MotionState(s) for s in model.terminal],
            roles=list(model.roles),
            actions=[_action(name, spec) for name, spec in model.actions.items()],
            rules=_rules(model),
            diagram=mermaid(model),
        )


def _action(name: str, spec: domain.ActionSpec) -> ModelAction:
    guards = [GUARDS[guard] for guard in spec.guards]
    return ModelAction(
        action=Action(name),
        from_states=[MotionState(s) for s in spec.sources],
        to_states=[MotionState(s) for s in spec.targets],
        roles=list(spec.roles),
        guards=[
            ModelGuard(name=g.name, code=g.code.value, summary=g.summary)
            for g in guards
        ],
    )


def _rules(model: domain.MotionModel) -> ModelRules:
    pricing, approval = model.pricing, model.approval
    return ModelRules(
        volume_tiers=[
            ModelVolumeTier(min_quantity=t.min_quantity, rate=t.rate)
            for t in pricing.volume_tiers
        ],
        partner_rates=[
            ModelPartnerRate(tier=tier, rate=rate)
            for tier, rate in pricing.partner_rates.items()
        ],
        approval_bands=[
            ModelApprovalBand(up_to_percent=b.up_to, roles=list(b.roles))
            for b in approval.bands
        ],
        ceilings=[
            ModelCeiling(channel=Channel(channel), percent=percent)
            for channel, percent in approval.ceilings.items()
        ],
        large_deal_above_minor=approval.large_deal_above,
        large_deal_role=approval.large_deal_role,
        default_term_months=model.terms.default_months,
        max_term_months=model.terms.max_months,
        quote_validity_days=model.terms.quote_validity_days,
        payment_days=model.agreement.payment_days,
        renewal_uplift_cap_percent=model.agreement.uplift_cap_percent,
    )


def find_model(
    registry: domain.ModelRegistry, kind: MotionKind, version: int | None
) -> domain.MotionModel | None:
    """The model of a kind at a version, or its latest; None if not loaded."""
    found = [model for model in registry if model.kind == kind.value]
    if version is not None:
        found = [model for model in found if model.version == version]
    return max(found, key=lambda model: model.version, default=None)
