"""The GraphQL API: Strawberry types, resolvers, loaders and auth."""
