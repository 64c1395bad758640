"""UBL 2.1 Invoice / CreditNote following PEPPOL BIS Billing 3.0.

The business terms come from ``en16931`` (shared with CII); this module adds what PEPPOL
asks on top of EN 16931:

* ``CustomizationID`` / ``ProfileID`` of BIS Billing 3.0;
* an electronic address for seller and buyer (``EndpointID``, rules R010/R020): the VAT
  number under its EAS scheme (9920 for Spain), else the e-mail address (EAS "EM"). A party
  with neither cannot be addressed on the PEPPOL network, which is an error here;
* a buyer reference or order reference (R003): the document's external reference as the
  order reference, else our invoice number as the buyer reference;
* one document-level note at most (R002): the notes are joined;
* a 381 credit note is a ``CreditNote`` document (``CreditNoteLine``, ``CreditedQuantity``),
  whose payment due date lives in ``PaymentMeans`` since UBL 2.1 CreditNote has no DueDate.
"""

from __future__ import annotations

import datetime as dt

from lxml import etree

from invoicegraph.pdf.document import InvoiceDocument
from invoicegraph.pdf.einvoice.en16931 import (
    UNIT_CODE,
    VERIFACTU_DESCRIPTION,
    VERIFACTU_REFERENCE,
    Invoice,
    Line,
    TradeParty,
    to_en16931,
)
from invoicegraph.pdf.einvoice.errors import EInvoiceError
from invoicegraph.pdf.einvoice.vat import VatCategory
from invoicegraph.pdf.einvoice.xmltree import amount, child, decimal, optional_child, serialize

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"


def _cac(parent: etree._Element, name: str) -> etree._Element:
    return child(parent, f"{{{CAC}}}{name}")


def _cbc(
    parent: etree._Element, name: str, text: str, attrib: dict[str, str] | None = None
) -> etree._Element:
    return child(parent, f"{{{CBC}}}{name}", text, attrib)


def _opt(parent: etree._Element, name: str, text: str | None) -> None:
    optional_child(parent, f"{{{CBC}}}{name}", text)


def _money(parent: etree._Element, name: str, value: str, currency: str) -> None:
    _cbc(parent, name, value, {"currencyID": currency})


def _date(value: dt.date) -> str:
    return value.isoformat()


def _party(parent: etree._Element, tag: str, party: TradeParty, role: str) -> None:
    if party.endpoint is None:
        raise EInvoiceError(
            f"the {role} has no PEPPOL electronic address: give a VAT number of a country with "
            "an EAS VAT scheme, or an e-mail address"
        )
    element = _cac(_cac(parent, tag), "Party")
    scheme, identifier = party.endpoint
    _cbc(element, "EndpointID", identifier, {"schemeID": scheme})
    address = _cac(element, "PostalAddress")
    _opt(address, "StreetName", party.address_line)
    _opt(address, "CityName", party.city)
    _opt(address, "PostalZone", party.postal_code)
    _opt(address, "CountrySubentity", party.subdivision)
    _cbc(_cac(address, "Country"), "IdentificationCode", party.country)
    for company_id, scheme in ((party.vat_id, "VAT"), (party.tax_registration, "FC")):
        if company_id is not None:
            tax_scheme = _cac(element, "PartyTaxScheme")
            _cbc(tax_scheme, "CompanyID", company_id)
            _cbc(_cac(tax_scheme, "TaxScheme"), "ID", scheme)
    legal = _cac(element, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", party.name)
    _opt(legal, "CompanyID", party.legal_id)
    if party.email:
        _cbc(_cac(element, "Contact"), "ElectronicMail", party.email)


def _tax_category(parent: etree._Element, tag: str, category: VatCategory) -> None:
    element = _cac(parent, tag)
    _cbc(element, "ID", category.code)
    if category.rate is not None:
        _cbc(element, "Percent", decimal(category.rate, min_places=2))
    if tag == "TaxCategory":  # exemption reasons belong to the breakdown, not to lines
        _opt(element, "TaxExemptionReasonCode", category.exemption_code)
        _opt(element, "TaxExemptionReason", category.exemption_reason)
    _cbc(_cac(element, "TaxScheme"), "ID", "VAT")


def _line(parent: etree._Element, line: Line, invoice: Invoice) -> None:
    credit = invoice.is_credit_note
    currency = invoice.currency
    element = _cac(parent, "CreditNoteLine" if credit else "InvoiceLine")
    _cbc(element, "ID", line.line_id)
    quantity_tag = "CreditedQuantity" if credit else "InvoicedQuantity"
    _cbc(element, quantity_tag, decimal(line.quantity), {"unitCode": UNIT_CODE})
    _money(element, "LineExtensionAmount", amount(line.net_amount), currency)
    if line.allowance is not None:
        allowance = _cac(element, "AllowanceCharge")
        _cbc(allowance, "ChargeIndicator", "false")
        _cbc(allowance, "AllowanceChargeReasonCode", "95")
        _cbc(allowance, "AllowanceChargeReason", line.allowance.reason)
        _cbc(allowance, "MultiplierFactorNumeric", decimal(line.allowance.percent))
        _money(allowance, "Amount", amount(line.allowance.amount), currency)
        _money(allowance, "BaseAmount", amount(line.allowance.base), currency)
    item = _cac(element, "Item")
    _cbc(item, "Name", line.name)
    if line.seller_item_id is not None:
        _cbc(_cac(item, "SellersItemIdentification"), "ID", line.seller_item_id)
    _tax_category(item, "ClassifiedTaxCategory", line.vat)
    price = _cac(element, "Price")
    _money(price, "PriceAmount", decimal(line.net_price, min_places=2), currency)


def _payment(root: etree._Element, invoice: Invoice) -> None:
    payment = invoice.payment
    if payment is None:
        return
    means = _cac(root, "PaymentMeans")
    attrib = {"name": payment.text} if payment.text else None
    _cbc(means, "PaymentMeansCode", payment.untdid_4461, attrib)
    if invoice.is_credit_note and invoice.due_date is not None:
        _cbc(means, "PaymentDueDate", _date(invoice.due_date))
    _cbc(means, "PaymentID", invoice.number)
    if payment.iban is not None:
        _cbc(_cac(means, "PayeeFinancialAccount"), "ID", payment.iban)


def _taxes(root: etree._Element, invoice: Invoice) -> None:
    totals = invoice.totals
    tax_total = _cac(root, "TaxTotal")
    _money(tax_total, "TaxAmount", amount(totals.tax_total), invoice.currency)
    for row in invoice.breakdown:
        subtotal = _cac(tax_total, "TaxSubtotal")
        _money(subtotal, "TaxableAmount", amount(row.taxable_amount), invoice.currency)
        _money(subtotal, "TaxAmount", amount(row.tax_amount), invoice.currency)
        _tax_category(subtotal, "TaxCategory", row.category)
    if invoice.accounting_currency is not None and totals.tax_total_accounting is not None:
        accounting = _cac(root, "TaxTotal")
        _money(
            accounting,
            "TaxAmount",
            amount(totals.tax_total_accounting),
            invoice.accounting_currency,
        )


def _monetary_total(root: etree._Element, invoice: Invoice) -> None:
    totals, currency = invoice.totals, invoice.currency
    summary = _cac(root, "LegalMonetaryTotal")
    _money(summary, "LineExtensionAmount", amount(totals.line_total), currency)
    _money(summary, "TaxExclusiveAmount", amount(totals.tax_basis_total), currency)
    _money(summary, "TaxInclusiveAmount", amount(totals.grand_total), currency)
    if totals.paid != 0:
        _money(summary, "PrepaidAmount", amount(totals.paid), currency)
    _money(summary, "PayableAmount", amount(totals.due), currency)


def ubl_from_model(invoice: Invoice) -> bytes:
    """Write an already-mapped EN 16931 invoice as a PEPPOL BIS 3 UBL document (UTF-8)."""
    credit = invoice.is_credit_note
    namespace = CREDIT_NOTE_NS if credit else INVOICE_NS
    root = etree.Element(
        f"{{{namespace}}}{'CreditNote' if credit else 'Invoice'}",
        nsmap={None: namespace, "cac": CAC, "cbc": CBC},
    )
    _cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    _cbc(root, "ProfileID", PROFILE_ID)
    _cbc(root, "ID", invoice.number)
    _cbc(root, "IssueDate", _date(invoice.issue_date))
    if not credit and invoice.due_date is not None:
        _cbc(root, "DueDate", _date(invoice.due_date))
    _cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode", invoice.type_code)
    if invoice.notes:
        _cbc(root, "Note", "\n\n".join(invoice.notes))
    _cbc(root, "DocumentCurrencyCode", invoice.currency)
    _opt(root, "TaxCurrencyCode", invoice.accounting_currency)
    if invoice.order_reference is None:
        _cbc(root, "BuyerReference", invoice.number)
    else:
        _cbc(_cac(root, "OrderReference"), "ID", invoice.order_reference)
    if invoice.preceding_number is not None:
        reference = _cac(_cac(root, "BillingReference"), "InvoiceDocumentReference")
        _cbc(reference, "ID", invoice.preceding_number)
        if invoice.preceding_date is not None:
            _cbc(reference, "IssueDate", _date(invoice.preceding_date))
    if invoice.verification_url is not None:
        # BG-24: the tax agency's page that checks this invoice's VERI*FACTU registration.
        check = _cac(root, "AdditionalDocumentReference")
        _cbc(check, "ID", VERIFACTU_REFERENCE)
        _cbc(check, "DocumentDescription", VERIFACTU_DESCRIPTION)
        _cbc(_cac(_cac(check, "Attachment"), "ExternalReference"), "URI", invoice.verification_url)
    _party(root, "AccountingSupplierParty", invoice.seller, "seller")
    _party(root, "AccountingCustomerParty", invoice.buyer, "buyer")
    delivery = _cac(root, "Delivery")
    if invoice.delivery_date is not None:
        _cbc(delivery, "ActualDeliveryDate", _date(invoice.delivery_date))
    if invoice.deliver_to_country is not None:
        address = _cac(_cac(delivery, "DeliveryLocation"), "Address")
        _cbc(_cac(address, "Country"), "IdentificationCode", invoice.deliver_to_country)
    _payment(root, invoice)
    if invoice.payment_terms is not None:
        _cbc(_cac(root, "PaymentTerms"), "Note", invoice.payment_terms)
    _taxes(root, invoice)
    _monetary_total(root, invoice)
    for line in invoice.lines:
        _line(root, line, invoice)
    return serialize(root)


def render_ubl(document: InvoiceDocument) -> bytes:
    """The document as PEPPOL BIS 3 UBL; raises ``EInvoiceError`` if it cannot be expressed."""
    return ubl_from_model(to_en16931(document))
