"""Use cases: one async function per operation, each owning its transaction."""
