"""The closed sets of the API as GraphQL enums: a frontend gets a union type and autocomplete
instead of a String it must guess. Each value is the service's string, so resolvers pass
``member.value`` down and rows' strings serialise as the members they name."""

from __future__ import annotations

import enum

import strawberry


@strawberry.enum(description="Whether a key works on live data or on the account's sandbox.")
class ApiKeyMode(enum.Enum):
    LIVE = strawberry.enum_value("live", description="Real invoices (`fv_live_…`).")
    TEST = strawberry.enum_value("test", description="The sandbox of the account (`fv_test_…`).")


@strawberry.enum(description="What a key may do.")
class ApiKeyAccess(enum.Enum):
    READ = strawberry.enum_value("read", description="Queries only; every mutation is FORBIDDEN.")
    WRITE = strawberry.enum_value("write", description="Every invoicing query and mutation.")
    ADMIN = strawberry.enum_value(
        "admin", description="Everything, plus API keys and account settings."
    )


@strawberry.enum(description="Where a quote stands.")
class QuoteStatus(enum.Enum):
    DRAFT = strawberry.enum_value("draft", description="Being written; not sent yet.")
    SENT = strawberry.enum_value("sent", description="Sent to the client.")
    ACCEPTED = strawberry.enum_value("accepted", description="Accepted by the client.")
    REJECTED = strawberry.enum_value("rejected", description="Rejected by the client.")
    CONVERTED = strawberry.enum_value(
        "converted", description="Turned into a draft invoice (set by `convertQuoteToInvoice`)."
    )


@strawberry.enum(description="What a numbering series numbers.")
class SeriesKind(enum.Enum):
    ORDINARY = strawberry.enum_value("ordinary", description="Ordinary invoices.")
    RECTIFICATIVE = strawberry.enum_value(
        "rectificative", description="Rectificative invoices (they correct issued ones)."
    )
    SIMPLIFIED = strawberry.enum_value(
        "simplified", description="Simplified invoices (tickets, up to 3,000 €)."
    )


@strawberry.enum(description="The kind of a tax.")
class TaxKind(enum.Enum):
    VAT = strawberry.enum_value("vat", description="IVA (value added tax).")
    WITHHOLDING = strawberry.enum_value(
        "withholding", description="IRPF withholding: a negative rate."
    )
    SURCHARGE = strawberry.enum_value(
        "surcharge", description="Recargo de equivalencia (equivalence surcharge)."
    )


@strawberry.enum(description="VERI*FACTU qualification of the operations a tax applies to.")
class TaxQualification(enum.Enum):
    S1 = strawberry.enum_value("S1", description="Subject and not exempt, no reverse charge.")
    S2 = strawberry.enum_value("S2", description="Subject and not exempt, reverse charge.")
    N1 = strawberry.enum_value("N1", description="Not subject (articles 7, 14 and others).")
    N2 = strawberry.enum_value("N2", description="Not subject by the rules of location.")


@strawberry.enum(description="VERI*FACTU cause of an exemption from IVA.")
class TaxExemption(enum.Enum):
    E1 = strawberry.enum_value("E1", description="Exempt by article 20 of the IVA law.")
    E2 = strawberry.enum_value("E2", description="Exempt by article 21 (exports).")
    E3 = strawberry.enum_value("E3", description="Exempt by article 22.")
    E4 = strawberry.enum_value("E4", description="Exempt by articles 23 and 24.")
    E5 = strawberry.enum_value("E5", description="Exempt by article 25 (intra-EU supplies).")
    E6 = strawberry.enum_value("E6", description="Exempt for other reasons.")


@strawberry.enum(description="How much of an issued invoice rectificative invoices have undone.")
class RectifiedStatus(enum.Enum):
    NONE = strawberry.enum_value("none", description="Not rectified.")
    PARTIAL = strawberry.enum_value("partial", description="Some quantities rectified.")
    FULL = strawberry.enum_value("full", description="Every line rectified in full.")


@strawberry.enum(description="The account's plan.")
class Plan(enum.Enum):
    FREE = strawberry.enum_value(
        "free", description="Limited: issued invoices per month and number of keys."
    )
    PROFESSIONAL = strawberry.enum_value("professional", description="No limits.")


@strawberry.enum(description="How an invoice is paid.")
class PaymentMethodKind(enum.Enum):
    BANK_TRANSFER = strawberry.enum_value("bank_transfer", description="Bank transfer.")
    CARD = strawberry.enum_value("card", description="Card payment.")
    CASH = strawberry.enum_value("cash", description="Cash.")
    DIRECT_DEBIT = strawberry.enum_value("direct_debit", description="Direct debit (SEPA).")
    OTHER = strawberry.enum_value("other", description="Any other way.")


def service_value(member: enum.Enum) -> str:
    """The service's string of a member (``strawberry.enum_value`` members hold it at run
    time, though their declared type is the value's definition)."""
    return str(member.value)
