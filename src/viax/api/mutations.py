"""Transition mutations: thin calls into the one transition engine."""

from __future__ import annotations

import logging

import strawberry

from viax.api.context import Info
from viax.api.ids import decode_int
from viax.api.inputs import (
    AmendAgreementInput,
    CancelInput,
    ConfigureMotionInput,
    DecisionInput,
    FulfilmentInput,
    InvoiceInput,
    IssueQuoteInput,
    MigrateMotionInput,
    PaymentInput,
    RenewAgreementInput,
    RequestReturnInput,
    SignAgreementInput,
    StartMotionInput,
    TransitionInput,
)
from viax.api.loaders import Loaders
from viax.api.types.results import TransitionResult, not_found, result_of
from viax.motion.decision import TransitionRequest
from viax.motion.scope import can_see
from viax.motion.snapshot import Action
from viax.store.outcome import Applied

logger = logging.getLogger(__name__)


async def _run(
    info: Info, request: TransitionRequest, gid: str | None
) -> TransitionResult:
    context = info.context
    done = await context.store.transition(request, now=context.clock())
    if isinstance(done, Applied) and not done.replayed:
        # What this request's loaders cached is older than the transition.
        context.loaders = Loaders.create(context.store.engine)
    return result_of(done, gid)


async def _transition(
    info: Info, action: Action, data: TransitionInput
) -> TransitionResult:
    motion_id = decode_int(data.motion_id, "Motion")
    if motion_id is None:
        return not_found(data.motion_id)
    request = TransitionRequest(
        action=action,
        input=data.to_domain(),
        actor=info.context.principal,
        motion_id=motion_id,
        expected_version=data.expected_version,
        idempotency_key=data.idempotency_key,
        dry_run=bool(data.dry_run),
    )
    return await _run(info, request, data.motion_id)


async def _start_change(
    info: Info, input: RenewAgreementInput | RequestReturnInput | AmendAgreementInput
) -> TransitionResult:
    # A parent the actor may not see answers exactly as a missing one.
    parent_id = decode_int(input.motion_id, "Motion")
    loaded = None
    if parent_id is not None:
        loaded = await info.context.loaders.motion.load(parent_id)
    actor = info.context.principal
    if loaded is None or not can_see(actor, loaded.partner_id, loaded.account_id):
        return not_found(input.motion_id)
    request = TransitionRequest(
        action=Action.START,
        input=input.to_domain(loaded),
        actor=actor,
        idempotency_key=input.idempotency_key,
        dry_run=bool(input.dry_run),
    )
    return await _run(info, request, None)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Start a new-business motion in DRAFT.")
    async def start_motion(
        self, info: Info, input: StartMotionInput
    ) -> TransitionResult:
        request = TransitionRequest(
            action=Action.START,
            input=input.to_domain(),
            actor=info.context.principal,
            idempotency_key=input.idempotency_key,
            dry_run=bool(input.dry_run),
        )
        return await _run(info, request, None)

    @strawberry.mutation(
        description="Start a renewal motion of a motion's agreement, in DRAFT."
    )
    async def renew_agreement(
        self, info: Info, input: RenewAgreementInput
    ) -> TransitionResult:
        return await _start_change(info, input)

    @strawberry.mutation(
        description="Start a return motion of a motion's fulfilled units, in DRAFT."
    )
    async def request_return(
        self, info: Info, input: RequestReturnInput
    ) -> TransitionResult:
        return await _start_change(info, input)

    @strawberry.mutation(
        description="Start an amendment motion of a motion's agreement, in DRAFT:"
        " units added or removed, co-termed and prorated."
    )
    async def amend_agreement(
        self, info: Info, input: AmendAgreementInput
    ) -> TransitionResult:
        return await _start_change(info, input)

    @strawberry.mutation(description="Replace the lines; voids any quote.")
    async def configure_motion(
        self, info: Info, input: ConfigureMotionInput
    ) -> TransitionResult:
        return await _transition(info, Action.CONFIGURE, input)

    @strawberry.mutation(description="Price the lines and issue a quote.")
    async def issue_quote(self, info: Info, input: IssueQuoteInput) -> TransitionResult:
        return await _transition(info, Action.ISSUE_QUOTE, input)

    @strawberry.mutation(description="Approve the current approval tier.")
    async def approve_motion(
        self, info: Info, input: DecisionInput
    ) -> TransitionResult:
        return await _transition(info, Action.APPROVE, input)

    @strawberry.mutation(description="Reject the quote at the current tier.")
    async def reject_motion(self, info: Info, input: DecisionInput) -> TransitionResult:
        return await _transition(info, Action.REJECT, input)

    @strawberry.mutation(description="Accept the quote for the customer.")
    async def accept_quote(
        self, info: Info, input: TransitionInput
    ) -> TransitionResult:
        return await _transition(info, Action.ACCEPT_QUOTE, input)

    @strawberry.mutation(description="Sign the agreement.")
    async def sign_agreement(
        self, info: Info, input: SignAgreementInput
    ) -> TransitionResult:
        return await _transition(info, Action.SIGN_AGREEMENT, input)

    @strawberry.mutation(description="Place the order at the quote's prices.")
    async def place_order(self, info: Info, input: TransitionInput) -> TransitionResult:
        return await _transition(info, Action.PLACE_ORDER, input)

    @strawberry.mutation(description="Record fulfilment of order lines.")
    async def record_fulfilment(
        self, info: Info, input: FulfilmentInput
    ) -> TransitionResult:
        return await _transition(info, Action.FULFIL, input)

    @strawberry.mutation(description="Record the invoice (system of record).")
    async def record_invoice(self, info: Info, input: InvoiceInput) -> TransitionResult:
        return await _transition(info, Action.RECORD_INVOICE, input)

    @strawberry.mutation(description="Record the payment; closes the motion.")
    async def record_payment(self, info: Info, input: PaymentInput) -> TransitionResult:
        return await _transition(info, Action.RECORD_PAYMENT, input)

    @strawberry.mutation(description="Cancel the motion with a reason.")
    async def cancel_motion(self, info: Info, input: CancelInput) -> TransitionResult:
        return await _transition(info, Action.CANCEL, input)

    @strawberry.mutation(
        description="Move a motion to a later version of its model; a quote it "
        "holds must be voided first."
    )
    async def migrate_motion(
        self, info: Info, input: MigrateMotionInput
    ) -> TransitionResult:
        return await _transition(info, Action.MIGRATE, input)

    @strawberry.mutation(description="Expire a quote past its expiry (system).")
    async def expire_motion(
        self, info: Info, input: TransitionInput
    ) -> TransitionResult:
        return await _transition(info, Action.EXPIRE, input)
