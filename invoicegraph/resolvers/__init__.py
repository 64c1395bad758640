"""GraphQL resolvers and DataLoaders: translate GraphQL to service calls."""
