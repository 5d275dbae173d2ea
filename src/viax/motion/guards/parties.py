"""Guards on who a motion is for: the account, the partner, the currency."""

from __future__ import annotations

from collections.abc import Iterator

from viax.motion.guards.call import GuardCall, GuardCode, Problem, guard
from viax.motion.scope import is_internal
from viax.motion.snapshot import Channel


@guard("account_exists", GuardCode.INVALID_INPUT, "the account exists")
def account_exists(call: GuardCall) -> Iterator[Problem]:
    wanted = call.account_id
    if call.account is None or call.account.id != wanted:
        yield f"account {wanted} does not exist"


@guard(
    "partner_channel",
    GuardCode.INVALID_INPUT,
    "a partner is named exactly in the PARTNER channel, and is the actor's own",
)
def partner_channel(call: GuardCall) -> Iterator[Problem]:
    channel, partner_id = call.channel, call.partner_id
    if channel is Channel.PARTNER and partner_id is None:
        yield "the PARTNER channel needs a partner_id"
    if channel is not Channel.PARTNER and partner_id is not None:
        yield f"a partner_id is only allowed in the PARTNER channel, not {channel}"
    if partner_id is not None and (
        call.partner is None or call.partner.id != partner_id
    ):
        yield f"partner {partner_id} does not exist"
    yield from _partner_actor_problems(call)


def _partner_actor_problems(call: GuardCall) -> Iterator[Problem]:
    actor = call.actor
    if "partner" not in actor.roles or is_internal(actor):
        return
    if call.channel is not Channel.PARTNER or call.partner_id != actor.partner_id:
        yield (
            GuardCode.FORBIDDEN_ROLE,
            "a partner user may start motions only in the PARTNER channel for "
            f"its own partner {actor.partner_id}",
        )


@guard(
    "partner_region",
    GuardCode.INVALID_INPUT,
    "the partner sells in the account's region",
)
def partner_region(call: GuardCall) -> Iterator[Problem]:
    partner, account = call.partner, call.account
    if call.channel is not Channel.PARTNER or partner is None or account is None:
        return
    if partner.regions and account.region not in partner.regions:
        regions = ", ".join(sorted(partner.regions))
        yield (
            f"partner {partner.id} sells in {regions}, not in the account's "
            f"region {account.region}"
        )


@guard(
    "account_currency",
    GuardCode.INVALID_INPUT,
    "the motion's currency is the account's",
)
def account_currency(call: GuardCall) -> Iterator[Problem]:
    account = call.account
    if account is None:
        yield "the account's currency is unknown: there is no account"
        return
    code = account.currency
    if len(code) != 3 or not code.isalpha() or not code.isupper():
        yield f"the account's currency {code!r} is not an ISO 4217 code"
    snapshot = call.snapshot
    if snapshot is not None and snapshot.currency != code:
        yield f"the motion is in {snapshot.currency}, the account in {code}"
