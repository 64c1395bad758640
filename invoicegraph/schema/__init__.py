"""GraphQL types and inputs (Strawberry)."""
