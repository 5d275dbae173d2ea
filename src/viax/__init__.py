"""viax: one governed motion graph from intent to cash, served as GraphQL."""

__version__ = "0.1.0"
