"""UN/CEFACT Cross Industry Invoice (D16B) in the Factur-X / ZUGFeRD 2 "EN 16931" profile.

This only spells the business terms that ``en16931`` decided (type code, credit-note signs,
IRPF as paid amount, VAT categories) in CII's element order, which the Factur-X EN16931 XSD
enforces. The guideline id ``urn:cen.eu:en16931:2017`` is what makes a reader apply the
EN 16931 profile (Factur-X's schematron picks its rules from it).
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
    VatBreakdown,
    to_en16931,
)
from invoicegraph.pdf.einvoice.vat import VatCategory
from invoicegraph.pdf.einvoice.xmltree import amount, child, decimal, optional_child, serialize

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
GUIDELINE_EN16931 = "urn:cen.eu:en16931:2017"


def _ram(name: str) -> str:
    return f"{{{RAM}}}{name}"


def _date(parent: etree._Element, tag: str, value: dt.date, *, qualified: bool = False) -> None:
    """CII dates are ``DateTimeString`` in format 102 (CCYYMMDD)."""
    holder = child(parent, _ram(tag))
    namespace = QDT if qualified else UDT
    child(holder, f"{{{namespace}}}DateTimeString", value.strftime("%Y%m%d"), {"format": "102"})


def _party(parent: etree._Element, tag: str, party: TradeParty) -> None:
    element = child(parent, _ram(tag))
    child(element, _ram("Name"), party.name)
    if party.legal_id is not None:
        legal = child(element, _ram("SpecifiedLegalOrganization"))
        child(legal, _ram("ID"), party.legal_id)
    address = child(element, _ram("PostalTradeAddress"))
    optional_child(address, _ram("PostcodeCode"), party.postal_code)
    optional_child(address, _ram("LineOne"), party.address_line)
    optional_child(address, _ram("CityName"), party.city)
    child(address, _ram("CountryID"), party.country)
    optional_child(address, _ram("CountrySubDivisionName"), party.subdivision)
    if party.endpoint is not None:
        scheme, identifier = party.endpoint
        uri = child(element, _ram("URIUniversalCommunication"))
        child(uri, _ram("URIID"), identifier, {"schemeID": scheme})
    if party.vat_id is not None:
        registration = child(element, _ram("SpecifiedTaxRegistration"))
        child(registration, _ram("ID"), party.vat_id, {"schemeID": "VA"})
    if party.tax_registration is not None:
        registration = child(element, _ram("SpecifiedTaxRegistration"))
        child(registration, _ram("ID"), party.tax_registration, {"schemeID": "FC"})


def _category(parent: etree._Element, category: VatCategory) -> None:
    """The category part of a trade tax, shared by lines and breakdown rows (same order)."""
    child(parent, _ram("CategoryCode"), category.code)


def _rate(parent: etree._Element, category: VatCategory) -> None:
    if category.rate is not None:
        child(parent, _ram("RateApplicablePercent"), decimal(category.rate, min_places=2))


def _line(parent: etree._Element, line: Line) -> None:
    item = child(parent, _ram("IncludedSupplyChainTradeLineItem"))
    document_line = child(item, _ram("AssociatedDocumentLineDocument"))
    child(document_line, _ram("LineID"), line.line_id)
    product = child(item, _ram("SpecifiedTradeProduct"))
    optional_child(product, _ram("SellerAssignedID"), line.seller_item_id)
    child(product, _ram("Name"), line.name)
    agreement = child(item, _ram("SpecifiedLineTradeAgreement"))
    price = child(agreement, _ram("NetPriceProductTradePrice"))
    child(price, _ram("ChargeAmount"), decimal(line.net_price, min_places=2))
    delivery = child(item, _ram("SpecifiedLineTradeDelivery"))
    child(delivery, _ram("BilledQuantity"), decimal(line.quantity), {"unitCode": UNIT_CODE})
    settlement = child(item, _ram("SpecifiedLineTradeSettlement"))
    tax = child(settlement, _ram("ApplicableTradeTax"))
    child(tax, _ram("TypeCode"), "VAT")
    _category(tax, line.vat)
    _rate(tax, line.vat)
    if line.allowance is not None:
        allowance = child(settlement, _ram("SpecifiedTradeAllowanceCharge"))
        indicator = child(allowance, _ram("ChargeIndicator"))
        child(indicator, f"{{{UDT}}}Indicator", "false")
        child(allowance, _ram("CalculationPercent"), decimal(line.allowance.percent))
        child(allowance, _ram("BasisAmount"), amount(line.allowance.base))
        child(allowance, _ram("ActualAmount"), amount(line.allowance.amount))
        child(allowance, _ram("ReasonCode"), "95")  # UNTDID 5189: discount
        child(allowance, _ram("Reason"), line.allowance.reason)
    summation = child(settlement, _ram("SpecifiedTradeSettlementLineMonetarySummation"))
    child(summation, _ram("LineTotalAmount"), amount(line.net_amount))


def _breakdown(parent: etree._Element, row: VatBreakdown) -> None:
    tax = child(parent, _ram("ApplicableTradeTax"))
    child(tax, _ram("CalculatedAmount"), amount(row.tax_amount))
    child(tax, _ram("TypeCode"), "VAT")
    optional_child(tax, _ram("ExemptionReason"), row.category.exemption_reason)
    child(tax, _ram("BasisAmount"), amount(row.taxable_amount))
    _category(tax, row.category)
    optional_child(tax, _ram("ExemptionReasonCode"), row.category.exemption_code)
    _rate(tax, row.category)


def _agreement(parent: etree._Element, invoice: Invoice) -> None:
    agreement = child(parent, _ram("ApplicableHeaderTradeAgreement"))
    _party(agreement, "SellerTradeParty", invoice.seller)
    _party(agreement, "BuyerTradeParty", invoice.buyer)
    if invoice.order_reference is not None:
        order = child(agreement, _ram("BuyerOrderReferencedDocument"))
        child(order, _ram("IssuerAssignedID"), invoice.order_reference)
    if invoice.verification_url is not None:
        # BG-24: a supporting document (UNTDID 1001 code 916) at an external location, the
        # tax agency's page that checks this invoice's VERI*FACTU registration.
        check = child(agreement, _ram("AdditionalReferencedDocument"))
        child(check, _ram("IssuerAssignedID"), VERIFACTU_REFERENCE)
        child(check, _ram("URIID"), invoice.verification_url)
        child(check, _ram("TypeCode"), "916")
        child(check, _ram("Name"), VERIFACTU_DESCRIPTION)


def _delivery(parent: etree._Element, invoice: Invoice) -> None:
    delivery = child(parent, _ram("ApplicableHeaderTradeDelivery"))
    if invoice.deliver_to_country is not None:
        ship_to = child(delivery, _ram("ShipToTradeParty"))
        address = child(ship_to, _ram("PostalTradeAddress"))
        child(address, _ram("CountryID"), invoice.deliver_to_country)
    if invoice.delivery_date is not None:
        event = child(delivery, _ram("ActualDeliverySupplyChainEvent"))
        _date(event, "OccurrenceDateTime", invoice.delivery_date)


def _settlement(parent: etree._Element, invoice: Invoice) -> None:
    settlement = child(parent, _ram("ApplicableHeaderTradeSettlement"))
    child(settlement, _ram("PaymentReference"), invoice.number)
    optional_child(settlement, _ram("TaxCurrencyCode"), invoice.accounting_currency)
    child(settlement, _ram("InvoiceCurrencyCode"), invoice.currency)
    if invoice.payment is not None:
        means = child(settlement, _ram("SpecifiedTradeSettlementPaymentMeans"))
        child(means, _ram("TypeCode"), invoice.payment.untdid_4461)
        optional_child(means, _ram("Information"), invoice.payment.text)
        if invoice.payment.iban is not None:
            account = child(means, _ram("PayeePartyCreditorFinancialAccount"))
            child(account, _ram("IBANID"), invoice.payment.iban)
    for row in invoice.breakdown:
        _breakdown(settlement, row)
    if invoice.due_date is not None or invoice.payment_terms is not None:
        terms = child(settlement, _ram("SpecifiedTradePaymentTerms"))
        optional_child(terms, _ram("Description"), invoice.payment_terms)
        if invoice.due_date is not None:
            _date(terms, "DueDateDateTime", invoice.due_date)
    totals = invoice.totals
    summation = child(settlement, _ram("SpecifiedTradeSettlementHeaderMonetarySummation"))
    child(summation, _ram("LineTotalAmount"), amount(totals.line_total))
    child(summation, _ram("TaxBasisTotalAmount"), amount(totals.tax_basis_total))
    child(
        summation,
        _ram("TaxTotalAmount"),
        amount(totals.tax_total),
        {"currencyID": invoice.currency},
    )
    if invoice.accounting_currency is not None and totals.tax_total_accounting is not None:
        child(
            summation,
            _ram("TaxTotalAmount"),
            amount(totals.tax_total_accounting),
            {"currencyID": invoice.accounting_currency},
        )
    child(summation, _ram("GrandTotalAmount"), amount(totals.grand_total))
    if totals.paid != 0:
        child(summation, _ram("TotalPrepaidAmount"), amount(totals.paid))
    child(summation, _ram("DuePayableAmount"), amount(totals.due))
    if invoice.preceding_number is not None:
        preceding = child(settlement, _ram("InvoiceReferencedDocument"))
        child(preceding, _ram("IssuerAssignedID"), invoice.preceding_number)
        if invoice.preceding_date is not None:
            _date(preceding, "FormattedIssueDateTime", invoice.preceding_date, qualified=True)


def cii_from_model(invoice: Invoice) -> bytes:
    """Write an already-mapped EN 16931 invoice as CII XML (UTF-8)."""
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = child(root, f"{{{RSM}}}ExchangedDocumentContext")
    guideline = child(context, _ram("GuidelineSpecifiedDocumentContextParameter"))
    child(guideline, _ram("ID"), GUIDELINE_EN16931)
    header = child(root, f"{{{RSM}}}ExchangedDocument")
    child(header, _ram("ID"), invoice.number)
    child(header, _ram("TypeCode"), invoice.type_code)
    _date(header, "IssueDateTime", invoice.issue_date)
    for note in invoice.notes:
        included = child(header, _ram("IncludedNote"))
        child(included, _ram("Content"), note)
    transaction = child(root, f"{{{RSM}}}SupplyChainTradeTransaction")
    for line in invoice.lines:
        _line(transaction, line)
    _agreement(transaction, invoice)
    _delivery(transaction, invoice)
    _settlement(transaction, invoice)
    return serialize(root)


def render_cii(document: InvoiceDocument) -> bytes:
    """The document as Factur-X EN 16931 CII XML; raises ``EInvoiceError`` if not expressible."""
    return cii_from_model(to_en16931(document))
