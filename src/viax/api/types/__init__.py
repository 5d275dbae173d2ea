"""GraphQL object types, one module per facet of the motion."""
