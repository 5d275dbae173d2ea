"""Every read of the store, batched: one statement per table, any number of ids.

Each function takes an open `AsyncConnection`; the caller owns it and never
shares it between coroutines running at once.
"""

from __future__ import annotations

from viax.store.catalog import (
    entitled_skus,
    fetch_accounts,
    fetch_entitled_skus,
    fetch_partners,
    fetch_products,
    list_accounts,
    list_partners,
    list_products,
)
from viax.store.events import (
    EventRecord,
    fetch_events,
    fetch_events_after,
    fetch_events_by_sequence,
    last_sequence,
)
from viax.store.facets import (
    fetch_agreements,
    fetch_entitlements,
    fetch_fulfilments,
    fetch_invoices,
    fetch_orders,
    fetch_payments,
)
from viax.store.motions import (
    MotionFilter,
    fetch_children,
    fetch_lines,
    fetch_motions,
    list_motions,
)
from viax.store.quotes import fetch_approvals, fetch_quotes
from viax.store.selection import MAX_PAGE, Page, Window
from viax.store.snapshots import fetch_snapshots

__all__ = [
    "MAX_PAGE",
    "EventRecord",
    "MotionFilter",
    "Page",
    "Window",
    "entitled_skus",
    "fetch_accounts",
    "fetch_agreements",
    "fetch_approvals",
    "fetch_children",
    "fetch_entitled_skus",
    "fetch_entitlements",
    "fetch_events",
    "fetch_events_after",
    "fetch_events_by_sequence",
    "fetch_fulfilments",
    "fetch_invoices",
    "fetch_lines",
    "fetch_motions",
    "fetch_orders",
    "fetch_partners",
    "fetch_payments",
    "fetch_products",
    "fetch_quotes",
    "fetch_snapshots",
    "last_sequence",
    "list_accounts",
    "list_motions",
    "list_partners",
    "list_products",
]
