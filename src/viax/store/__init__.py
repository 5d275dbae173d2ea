"""The store: SQLAlchemy Core tables, batched reads and the unit of work.

It knows `viax.motion` and nothing above it. Reads take an open
`AsyncConnection`; a transition runs in one transaction of its own.
"""
