"""invoicegraph: an async GraphQL gateway over the invoicing domain (Spain first)."""

__version__ = "0.1.0"
