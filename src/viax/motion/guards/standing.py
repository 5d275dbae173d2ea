"""The guards every action runs: the state, the actor's role, the input."""

from __future__ import annotations

from collections.abc import Iterator

from viax.motion.codec import shape_problems
from viax.motion.guards.call import GuardCall, GuardCode, Problem, guard
from viax.motion.inputs import INPUT_TYPES
from viax.motion.snapshot import Action, ApprovalStatus

# Role expressions a model may name besides plain roles; each is decided
# against the motion, not the token alone.
ROLE_EXPRESSIONS = frozenset(
    {"owner", "sales_owner", "partner_own", "customer_own", "approver_current_tier"}
)


@guard(
    "state", GuardCode.NOT_ALLOWED_IN_STATE, "the motion is in a state that allows it"
)
def state(call: GuardCall) -> Iterator[Problem]:
    spec = call.model.action(call.action)
    snapshot = call.snapshot
    if spec is None:
        yield f"the model {call.model.name} has no action {call.action.value}"
    elif call.action is Action.START:
        if snapshot is not None:
            yield f"motion {snapshot.id} has already started"
    elif snapshot is None:
        yield f"{call.action.value} needs a motion that has started"
    elif not spec.allows_from(snapshot.state):
        allowed = ", ".join(spec.sources)
        yield (
            f"{call.action.value} is not allowed in state {snapshot.state.value}"
            f"; it needs one of {allowed}"
        )


@guard("role", GuardCode.FORBIDDEN_ROLE, "the actor may take this action")
def role(call: GuardCall) -> Iterator[Problem]:
    spec = call.model.action(call.action)
    if spec is None or call.actor.has("admin"):
        return
    if not any(_holds(call, expression) for expression in spec.roles):
        wanted = ", ".join(_describe(call, expression) for expression in spec.roles)
        yield f"{call.action.value} needs one of: {wanted}"


def _holds(call: GuardCall, expression: str) -> bool:
    actor = call.actor
    if expression == "owner":
        snapshot = call.snapshot
        return snapshot is not None and snapshot.owner.subject == actor.subject
    if expression == "sales_owner":
        return actor.has("sales") and _holds(call, "owner")
    if expression == "partner_own":
        return actor.has("partner") and _same(actor.partner_id, call.partner_id)
    if expression == "customer_own":
        return actor.has("customer") and _same(actor.account_id, call.account_id)
    if expression == "approver_current_tier":
        tier_role = current_tier_role(call)
        return tier_role is not None and actor.has(tier_role)
    return actor.has(expression)


def _same(claim: int | None, motion: int | None) -> bool:
    return claim is not None and claim == motion


def _describe(call: GuardCall, expression: str) -> str:
    if expression == "owner":
        return "the owner of the motion"
    if expression == "sales_owner":
        return "the seller who owns the motion"
    if expression == "partner_own":
        return "a partner user of the motion's partner"
    if expression == "customer_own":
        return "a customer user of the motion's account"
    if expression == "approver_current_tier":
        tier_role = current_tier_role(call)
        if tier_role is None:
            return "the approver of a pending approval (there is none)"
        return f"the role {tier_role} of the current approval tier"
    return f"the role {expression}"


def current_tier_role(call: GuardCall) -> str | None:
    """The role that decides the pending approval tier, if one is pending."""
    snapshot = call.snapshot
    approval = None if snapshot is None else snapshot.approval
    if approval is None or approval.status is not ApprovalStatus.PENDING:
        return None
    tier = approval.current_tier
    if tier is None or not 1 <= tier <= len(approval.tiers):
        return None
    return approval.tiers[tier - 1]


@guard(
    "input",
    GuardCode.INVALID_INPUT,
    "the input has the shape the action takes",
    needs_input=True,
)
def input_shape(call: GuardCall) -> Iterator[Problem]:
    expected = INPUT_TYPES[call.action]
    if type(call.input) is not expected:
        given = type(call.input).__name__
        yield f"{call.action.value} takes a {expected.__name__}, not a {given}"
    else:
        yield from shape_problems(call.input)


STANDING = (state, role, input_shape)
"""Run before the action's own guards, in this order."""
