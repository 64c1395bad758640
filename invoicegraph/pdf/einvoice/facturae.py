"""Facturae 3.2.2, the Spanish public administration's invoice format (FACe, FACeB2B).

Facturae keeps the Spanish view of the invoice, so unlike EN 16931 nothing is re-signed or
re-categorised: a rectificative keeps its negative amounts, IVA goes in ``TaxesOutputs``
(with the recargo de equivalencia beside its IVA as ``EquivalenceSurcharge``) and IRPF in
``TaxesWithheld``, with ``InvoiceTotal = base + outputs − withheld`` (the document's total
to pay). Exempt and not-subject lines carry ``SpecialTaxableEvent`` and the legal literal.

The file is not signed. FACe requires a XAdES-EPES signature made with the issuer's (or its
representative's) qualified certificate; that key belongs to the taxpayer, so signing is a
separate step done where the certificate lives.

Facturae's text fields are shorter than ours (Province 20, CorporateName 80, …): text is cut
to the XSD's limit; identifiers that do not fit (an invoice number over 20) are an error.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

from invoicegraph.pdf.document import DocumentLine, InvoiceDocument, Party
from invoicegraph.pdf.einvoice import facturae_codes as codes
from invoicegraph.pdf.einvoice import parties
from invoicegraph.pdf.einvoice.errors import EInvoiceError
from invoicegraph.pdf.einvoice.notes import annulment_note, verification_note
from invoicegraph.pdf.einvoice.payment import payment_means
from invoicegraph.pdf.einvoice.vat import line_vat
from invoicegraph.pdf.einvoice.xmltree import amount, child, decimal, serialize
from invoicegraph.pdf.labels import labels_for

NAMESPACE = "http://www.facturae.gob.es/formato/Versiones/Facturaev3_2_2.xml"
XMLDSIG = "http://www.w3.org/2000/09/xmldsig#"
_ZERO = Decimal(0)
_CENT = Decimal("0.01")


def _text(parent: etree._Element, tag: str, value: str | None, limit: int) -> None:
    """A text element cut to Facturae's length limit; nothing when there is no text."""
    if value is not None and value.strip():
        child(parent, tag, value.strip()[:limit])


def _required(value: str | None, what: str) -> str:
    if value is None or not value.strip():
        raise EInvoiceError(f"Facturae requires {what}")
    return value.strip()


class _Writer:
    """Holds the document and its currency conversion while the tree is written."""

    def __init__(self, document: InvoiceDocument) -> None:
        self.document = document
        self.foreign = document.currency != "EUR"

    def money(self, parent: etree._Element, tag: str, value: Decimal) -> None:
        """An ``AmountType``: the amount, and in euros too (taxes are declared in euros)."""
        element = child(parent, tag)
        child(element, "TotalAmount", amount(value))
        # ``exchange_rate`` is units of the invoice currency per euro, as Banco de España
        # publishes it and as ExchangeRate states it.
        euros = value / self.document.exchange_rate if self.foreign else value
        child(element, "EquivalentInEuros", amount(euros.quantize(_CENT, ROUND_HALF_UP)))

    def party(self, parent: etree._Element, tag: str, party: Party, role: str) -> None:
        element = child(parent, tag)
        identification = child(element, "TaxIdentification")
        person = parties.is_natural_person(party)
        residence = parties.residence(party)
        child(identification, "PersonTypeCode", "F" if person else "J")
        child(identification, "ResidenceTypeCode", residence)
        tax_id = parties.vat_id(party) if residence == "U" else parties.national_tax_id(party)
        tax_id = _required(tax_id, f"the {role}'s tax id")
        child(identification, "TaxIdentificationNumber", tax_id[:30])
        if person:
            name = parties.split_person_name(party.name)
            holder = child(element, "Individual")
            _text(holder, "Name", name.name, 40)
            _text(holder, "FirstSurname", name.first_surname, 40)
            _text(holder, "SecondSurname", name.second_surname, 40)
        else:
            holder = child(element, "LegalEntity")
            _text(holder, "CorporateName", _required(party.name, f"the {role}'s name"), 80)
        self.address(holder, party, role)
        if party.email:
            _text(child(holder, "ContactDetails"), "ElectronicMail", party.email, 60)

    def address(self, parent: etree._Element, party: Party, role: str) -> None:
        street = _required(party.address, f"the {role}'s address")
        town = _required(party.city, f"the {role}'s town")
        province = party.province or town
        if party.country == "ES":
            postcode = _required(party.postal_code, f"the {role}'s postal code")
            if not (len(postcode) == 5 and postcode.isdigit()):
                raise EInvoiceError(f"the {role}'s postal code {postcode!r} is not 5 digits")
            element = child(parent, "AddressInSpain")
            _text(element, "Address", street, 80)
            child(element, "PostCode", postcode)
            _text(element, "Town", town, 50)
            _text(element, "Province", province, 20)
        else:
            element = child(parent, "OverseasAddress")
            _text(element, "Address", street, 80)
            _text(element, "PostCodeAndTown", f"{party.postal_code or ''} {town}", 50)
            _text(element, "Province", province, 20)
        child(element, "CountryCode", parties.alpha3(party.country))

    def file_header(self, root: etree._Element) -> None:
        document = self.document
        header = child(root, "FileHeader")
        child(header, "SchemaVersion", "3.2.2")
        child(header, "Modality", "I")
        child(header, "InvoiceIssuerType", "EM")
        batch = child(header, "Batch")
        issuer_id = parties.national_tax_id(document.issuer) or ""
        child(batch, "BatchIdentifier", f"{issuer_id}{document.full_number}"[:70])
        child(batch, "InvoicesCount", "1")
        for tag in ("TotalInvoicesAmount", "TotalOutstandingAmount", "TotalExecutableAmount"):
            self.money(batch, tag, document.total_with_taxes)
        child(batch, "InvoiceCurrencyCode", document.currency)

    def invoice_header(self, invoice: etree._Element, number: str) -> None:
        document = self.document
        header = child(invoice, "InvoiceHeader")
        child(header, "InvoiceNumber", number)
        child(header, "InvoiceDocumentType", "FA" if document.is_simplified else "FC")
        child(header, "InvoiceClass", "OR" if document.is_rectificative else "OO")
        rectification = document.rectification
        if not document.is_rectificative or rectification is None:
            return
        reason = codes.REASON_BY_CAUSE.get(rectification.cause)
        method = codes.CORRECTION_METHODS.get(rectification.kind)
        if reason is None or method is None:
            raise EInvoiceError(
                f"unknown rectification cause {rectification.cause!r} "
                f"or kind {rectification.kind!r}"
            )
        corrective = child(header, "Corrective")
        _text(corrective, "InvoiceNumber", rectification.original_number, 20)
        child(corrective, "ReasonCode", reason)
        child(corrective, "ReasonDescription", codes.REASON_DESCRIPTIONS[reason])
        period = child(corrective, "TaxPeriod")
        child(period, "StartDate", rectification.original_date.isoformat())
        child(period, "EndDate", rectification.original_date.isoformat())
        child(corrective, "CorrectionMethod", method[0])
        child(corrective, "CorrectionMethodDescription", method[1])
        _text(corrective, "AdditionalReasonDescription", rectification.reason, 2500)
        child(corrective, "InvoiceIssueDate", rectification.original_date.isoformat())

    def issue_data(self, invoice: etree._Element) -> None:
        document = self.document
        data = child(invoice, "InvoiceIssueData")
        child(data, "IssueDate", document.issue_date.isoformat())
        if document.operation_date is not None:
            child(data, "OperationDate", document.operation_date.isoformat())
        child(data, "InvoiceCurrencyCode", document.currency)
        if self.foreign:
            details = child(data, "ExchangeRateDetails")
            child(details, "ExchangeRate", decimal(document.exchange_rate, min_places=2))
            child(details, "ExchangeRateDate", document.issue_date.isoformat())
        child(data, "TaxCurrencyCode", "EUR")
        child(data, "LanguageName", document.lang if document.lang in codes.LANGUAGES else "es")

    def output_tax(
        self,
        parent: etree._Element,
        rate: Decimal,
        base: Decimal,
        tax: Decimal,
        surcharge: tuple[Decimal, Decimal] | None,
    ) -> None:
        element = child(parent, "Tax")
        child(element, "TaxTypeCode", codes.TAX_IVA)
        child(element, "TaxRate", decimal(rate, min_places=2))
        self.money(element, "TaxableBase", base)
        self.money(element, "TaxAmount", tax)
        if surcharge is not None:
            child(element, "EquivalenceSurcharge", amount(surcharge[0]))
            self.money(element, "EquivalenceSurchargeAmount", surcharge[1])

    def withheld_tax(
        self, parent: etree._Element, rate: Decimal, base: Decimal, tax: Decimal
    ) -> None:
        element = child(parent, "Tax")
        child(element, "TaxTypeCode", codes.TAX_IRPF)
        child(element, "TaxRate", decimal(abs(rate), min_places=2))
        self.money(element, "TaxableBase", base)
        self.money(element, "TaxAmount", -tax)

    def line_taxes(
        self, line: DocumentLine
    ) -> tuple[Decimal, Decimal, Decimal, tuple[Decimal, Decimal] | None]:
        """(IVA rate, base, IVA amount, (surcharge rate, amount) or None) of one line."""
        vat = [tax for tax in line.taxes if tax.kind == "vat"]
        surcharges = [tax for tax in line.taxes if tax.kind == "surcharge"]
        rate = vat[0].percentage if vat else _ZERO
        tax = vat[0].amount if vat else _ZERO
        surcharge = None
        if surcharges:
            surcharge = (
                sum((s.percentage for s in surcharges), _ZERO),
                sum((s.amount for s in surcharges), _ZERO),
            )
        return rate, line.total_before_taxes, tax, surcharge

    def taxes_outputs(self, invoice: etree._Element) -> None:
        """Invoice-level IVA, grouped by rate and surcharge rate like the legal breakdown."""
        groups: dict[tuple[Decimal, Decimal | None], list[Decimal]] = {}
        for line in self.document.lines:
            rate, base, _, surcharge = self.line_taxes(line)
            key = (rate, surcharge[0] if surcharge else None)
            groups.setdefault(key, [_ZERO, _ZERO, _ZERO])[0] += base
        # the amounts are the document's rows, each rounded once on its summed base
        for row in self.document.breakdown:
            if row.kind == "vat":
                groups[(row.percentage, row.paired_rate)][1] += row.amount
            elif row.kind == "surcharge" and row.paired_rate is not None:
                groups[(row.paired_rate, row.percentage)][2] += row.amount
        outputs = child(invoice, "TaxesOutputs")
        for (rate, surcharge_rate), (base, tax, surcharge_amount) in groups.items():
            surcharge = (surcharge_rate, surcharge_amount) if surcharge_rate is not None else None
            self.output_tax(outputs, rate, base, tax, surcharge)

    def taxes_withheld(self, invoice: etree._Element) -> None:
        rows = [row for row in self.document.breakdown if row.kind == "withholding"]
        if rows:
            withheld = child(invoice, "TaxesWithheld")
            for row in rows:
                self.withheld_tax(withheld, row.percentage, row.base, row.amount)

    def totals(self, invoice: etree._Element) -> None:
        document = self.document
        totals = child(invoice, "InvoiceTotals")
        child(totals, "TotalGrossAmount", amount(document.total_before_taxes))
        child(totals, "TotalGrossAmountBeforeTaxes", amount(document.total_before_taxes))
        child(totals, "TotalTaxOutputs", amount(document.total_vat))
        child(totals, "TotalTaxesWithheld", amount(-document.total_withholding))
        child(totals, "InvoiceTotal", amount(document.total_with_taxes))
        child(totals, "TotalOutstandingAmount", amount(document.total_with_taxes))
        child(totals, "TotalExecutableAmount", amount(document.total_with_taxes))

    def line(self, items: etree._Element, line: DocumentLine) -> None:
        element = child(items, "InvoiceLine")
        _text(element, "ItemDescription", line.description, 2500)
        child(element, "Quantity", decimal(line.quantity))
        child(element, "UnitPriceWithoutTax", decimal(line.price, min_places=2))
        child(element, "TotalCost", amount(line.subtotal))
        if line.total_discount != 0:
            discount = child(child(element, "DiscountsAndRebates"), "Discount")
            child(discount, "DiscountReason", labels_for(self.document.lang).total_discount)
            child(discount, "DiscountRate", decimal(line.discount, min_places=2))
            child(discount, "DiscountAmount", amount(line.total_discount))
        child(element, "GrossAmount", amount(line.total_before_taxes))
        withholding = [tax for tax in line.taxes if tax.kind == "withholding"]
        if withholding:
            withheld = child(element, "TaxesWithheld")
            for tax in withholding:
                self.withheld_tax(withheld, tax.percentage, line.total_before_taxes, tax.amount)
        rate, base, tax_amount, surcharge = self.line_taxes(line)
        self.output_tax(child(element, "TaxesOutputs"), rate, base, tax_amount, surcharge)
        category = line_vat(line).category
        if category.code in ("E", "G", "K", "O"):
            event = child(element, "SpecialTaxableEvent")
            code = (
                codes.SPECIAL_EVENT_NOT_SUBJECT
                if category.code == "O"
                else codes.SPECIAL_EVENT_EXEMPT
            )
            child(event, "SpecialTaxableEventCode", code)
            _text(event, "SpecialTaxableEventReason", category.exemption_reason, 2500)
        _text(element, "ArticleCode", line.sku, 20)

    def payment(self, invoice: etree._Element) -> None:
        document = self.document
        means = payment_means(document)
        if means is None or document.total_with_taxes <= 0:
            return
        installment = child(child(invoice, "PaymentDetails"), "Installment")
        due = document.due_date or document.issue_date
        child(installment, "InstallmentDueDate", due.isoformat())
        child(installment, "InstallmentAmount", amount(document.total_with_taxes))
        child(installment, "PaymentMeans", means.facturae)
        if means.iban is not None:
            child(child(installment, "AccountToBeCredited"), "IBAN", means.iban)

    def legal_literals(self, invoice: etree._Element) -> None:
        reasons = dict.fromkeys(
            category.exemption_reason
            for category in (line_vat(line).category for line in self.document.lines)
            if category.exemption_reason
        )
        if reasons:
            literals = child(invoice, "LegalLiterals")
            for reason in reasons:
                _text(literals, "LegalReference", reason, 250)

    def write(self) -> bytes:
        document = self.document
        number = _required(document.full_number, "an invoice number (a draft has none)")
        if len(number) > 20:
            raise EInvoiceError(f"Facturae invoice numbers have at most 20 characters: {number!r}")
        if document.recipient is None:
            raise EInvoiceError("Facturae requires a buyer; this invoice has no recipient")
        if not document.lines:
            raise EInvoiceError("Facturae requires at least one invoice line")
        root = etree.Element(f"{{{NAMESPACE}}}Facturae", nsmap={"fe": NAMESPACE, "ds": XMLDSIG})
        self.file_header(root)
        parties_element = child(root, "Parties")
        self.party(parties_element, "SellerParty", document.issuer, "issuer")
        self.party(parties_element, "BuyerParty", document.recipient, "recipient")
        invoice = child(child(root, "Invoices"), "Invoice")
        self.invoice_header(invoice, number)
        self.issue_data(invoice)
        self.taxes_outputs(invoice)
        self.taxes_withheld(invoice)
        self.totals(invoice)
        items = child(invoice, "Items")
        for line in document.lines:
            self.line(items, line)
        self.payment(invoice)
        self.legal_literals(invoice)
        # IRPF, surcharge and rectification have their own elements here; the annulment mark,
        # the public notes and the VERI*FACTU check URL (Facturae has no element for a link)
        # need free text.
        public = (document.notes_public or "").strip() or None
        texts = [annulment_note(document), verification_note(document), public]
        information = "\n\n".join(text for text in texts if text)
        if information:
            additional = child(invoice, "AdditionalData")
            _text(additional, "InvoiceAdditionalInformation", information, 2500)
        return serialize(root)


def render_facturae(document: InvoiceDocument) -> bytes:
    """The document as unsigned Facturae 3.2.2; raises ``EInvoiceError`` if not expressible."""
    return _Writer(document).write()
