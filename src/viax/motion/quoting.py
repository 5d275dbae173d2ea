"""A new quote of a motion's lines, priced the way the motion's kind prices.

New business runs the waterfall over the asked term; a renewal prices the
previous nets of the term it renews; an amendment prices its changes over
the whole months its agreement has left. It runs only after every guard of
`issueQuote` passed, so a missing parent fact is a programming error.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TypeVar

from viax.motion.amendment import (
    agreement_units,
    amendments_of,
    months_left,
    price_amendment,
)
from viax.motion.decision import IssueQuoteInput
from viax.motion.guards import GuardCall
from viax.motion.pricing import PricedLines, partner_rate, price_lines
from viax.motion.renewal import price_renewal
from viax.motion.snapshot import MotionKind, MotionSnapshot, Quote, QuoteStatus

T = TypeVar("T")


def new_quote(call: GuardCall, motion: MotionSnapshot, asked: IssueQuoteInput) -> Quote:
    """The next revision of the motion's quote, priced and hashed."""
    terms = call.model.terms
    term = terms.default_months if asked.term_months is None else asked.term_months
    term, priced = _priced(call, motion, term)
    revision = motion.quote_revisions + 1
    now = call.context.now
    return Quote(
        revision=revision,
        number=f"Q-{motion.id:06d}-{revision}",
        status=QuoteStatus.ACTIVE,
        issued_at=now,
        expires_at=now + timedelta(days=terms.quote_validity_days),
        term_months=term,
        currency=motion.currency,
        lines=priced.lines,
        list_total=priced.list_total,
        total=priced.total,
        price_hash=priced.price_hash,
    )


def _priced(
    call: GuardCall, motion: MotionSnapshot, term: int
) -> tuple[int, PricedLines]:
    if motion.kind is MotionKind.RENEWAL:
        return _renewal_priced(call, motion)
    if motion.kind is MotionKind.AMENDMENT:
        return _amendment_priced(call, motion)
    return term, price_lines(
        motion.lines,
        call.context.products,
        currency=motion.currency,
        term_months=term,
        partner_rate=partner_rate(call.model, motion.channel, call.partner),
        model=call.model,
    )


def _renewal_priced(call: GuardCall, motion: MotionSnapshot) -> tuple[int, PricedLines]:
    # A renewal runs for the term it renews, at the nets of that term.
    parent = _known(call.context.parent, "parent motion")
    term = _known(parent.quote, "parent quote").term_months
    return term, price_renewal(
        motion.lines,
        call.context.products,
        parent,
        currency=motion.currency,
        term_months=term,
        model=call.model,
        amendments=amendments_of(call.context.siblings),
    )


def _amendment_priced(
    call: GuardCall, motion: MotionSnapshot
) -> tuple[int, PricedLines]:
    # Co-termed: the change runs for the whole months the agreement has left.
    parent = _known(call.context.parent, "parent motion")
    effective = _known(motion.effective_date, "effective date")
    held = agreement_units(
        parent, call.context.siblings, effective, excluding=motion.id
    )
    months = months_left(parent, effective)
    return months, price_amendment(
        motion.lines,
        call.context.products,
        held,
        currency=motion.currency,
        months=months,
        partner_rate=partner_rate(call.model, motion.channel, call.partner),
        model=call.model,
    )


def _known(value: T | None, what: str) -> T:
    if value is None:
        raise ValueError(f"a quote was asked for without the {what}")
    return value
