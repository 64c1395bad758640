"""Every fixed word printed on an invoice, in the five languages an invoice may be written in.

One ``Labels`` instance per language, so a missing translation is a type error rather than a
blank on a customer's invoice. Spanish legal terms follow RD 1619/2012 and the VAT Act (LIVA):
"Factura rectificativa", "Base imponible", "Cuota", "Retención IRPF", and the rectification
causes R1–R5 are the VERI*FACTU ``TipoFactura`` codes with the articles they stand for.
Galician says IVE for IVA and Basque says BEZ and PFEZ, as their official tax texts do.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Languages an invoice may be printed in, in the order the /v1 ``/info`` endpoint lists them.
LANGUAGES: tuple[str, ...] = ("es", "en", "ca", "gl", "eu")

#: The QR heading the tax agency prescribes, in Spanish whatever the invoice's language.
QR_TITLE = "QR tributario:"

#: The name the rectification service gives a rectificative invoice (in Spanish, whatever the
#: invoice's language); the printed documents replace it by ``Labels.rectification_of``.
SERVICE_RECTIFICATION_NAME = "Rectificativa de {number}"

#: Legal reference of each VAT exemption code (Ley 37/1992, del IVA).
EXEMPTION_REFERENCES: dict[str, str] = {
    "E1": "art. 20 LIVA",
    "E2": "art. 21 LIVA",
    "E3": "art. 22 LIVA",
    "E4": "arts. 23-24 LIVA",
    "E5": "art. 25 LIVA",
    "E6": "",
}


@dataclass(frozen=True, slots=True)
class Labels:
    """The fixed texts of one language; ``page_of`` keeps ``{page}`` and ``{pages}`` slots."""

    invoice: str
    rectificative_invoice: str
    simplified_invoice: str
    draft: str
    annulled: str
    number: str
    issue_date: str
    operation_date: str
    due_date: str
    reference: str
    issuer: str
    recipient: str
    tax_id: str
    email: str
    description: str
    quantity: str
    unit_price: str
    discount: str
    line_taxes: str
    amount: str
    subtotal: str
    total_discount: str
    tax: str
    tax_base: str
    rate: str
    tax_amount: str
    vat: str
    withholding: str
    surcharge: str
    total_invoice: str
    total_to_pay: str
    rectified_invoice: str
    rectified_date: str
    rectification_cause: str
    rectification_reason: str
    rectification_kind: str
    by_differences: str
    by_substitution: str
    payment_method: str
    paid_on: str
    notes: str
    exempt: str
    not_subject: str
    reverse_charge: str
    page_of: str
    total_to_refund: str
    rectification_of: str
    exchange_rate: str
    in_euros: str
    causes: dict[str, str]
    payment_kinds: dict[str, str]


_ES = Labels(
    invoice="Factura",
    rectificative_invoice="Factura rectificativa",
    simplified_invoice="Factura simplificada",
    draft="Borrador",
    annulled="Anulada",
    number="Número",
    issue_date="Fecha de expedición",
    operation_date="Fecha de operación",
    due_date="Vencimiento",
    reference="Referencia",
    issuer="Emisor",
    recipient="Destinatario",
    tax_id="NIF",
    email="Correo",
    description="Descripción",
    quantity="Cantidad",
    unit_price="Precio unitario",
    discount="Dto.",
    line_taxes="Impuestos",
    amount="Importe",
    subtotal="Subtotal",
    total_discount="Descuento",
    tax="Impuesto",
    tax_base="Base imponible",
    rate="Tipo",
    tax_amount="Cuota",
    vat="IVA",
    withholding="Retención IRPF",
    surcharge="Recargo de equivalencia",
    total_invoice="Total factura",
    total_to_pay="Total a pagar",
    rectified_invoice="Factura rectificada",
    rectified_date="Fecha de la factura rectificada",
    rectification_cause="Causa de la rectificación",
    rectification_reason="Motivo",
    rectification_kind="Tipo de rectificación",
    by_differences="Por diferencias",
    by_substitution="Por sustitución",
    payment_method="Forma de pago",
    paid_on="Pagada el",
    notes="Observaciones",
    exempt="Operación exenta",
    not_subject="Operación no sujeta",
    reverse_charge="Inversión del sujeto pasivo",
    page_of="Página {page} de {pages}",
    total_to_refund="Total a devolver",
    rectification_of="Rectificativa de {number}",
    exchange_rate="Tipo de cambio: 1 € = {rate} {currency}",
    in_euros="en euros",
    causes={
        "R1": "Error fundado en derecho y causas del artículo 80 Uno, Dos y Seis de la Ley del IVA",
        "R2": "Concurso de acreedores del destinatario (artículo 80 Tres de la Ley del IVA)",
        "R3": "Créditos incobrables (artículo 80 Cuatro de la Ley del IVA)",
        "R4": "Resto de causas",
        "R5": "Rectificación de una factura simplificada",
    },
    payment_kinds={
        "bank_transfer": "Transferencia bancaria",
        "card": "Tarjeta",
        "cash": "Efectivo",
        "direct_debit": "Domiciliación bancaria",
        "other": "Otro",
    },
)

_EN = Labels(
    invoice="Invoice",
    rectificative_invoice="Corrective invoice",
    simplified_invoice="Simplified invoice",
    draft="Draft",
    annulled="Cancelled",
    number="Number",
    issue_date="Issue date",
    operation_date="Date of supply",
    due_date="Due date",
    reference="Reference",
    issuer="From",
    recipient="Bill to",
    tax_id="Tax ID",
    email="Email",
    description="Description",
    quantity="Qty",
    unit_price="Unit price",
    discount="Disc.",
    line_taxes="Taxes",
    amount="Amount",
    subtotal="Subtotal",
    total_discount="Discount",
    tax="Tax",
    tax_base="Taxable base",
    rate="Rate",
    tax_amount="Tax amount",
    vat="VAT",
    withholding="IRPF withholding",
    surcharge="Equivalence surcharge",
    total_invoice="Invoice total",
    total_to_pay="Total to pay",
    rectified_invoice="Corrected invoice",
    rectified_date="Date of the corrected invoice",
    rectification_cause="Reason for the correction",
    rectification_reason="Details",
    rectification_kind="Type of correction",
    by_differences="By differences",
    by_substitution="By substitution",
    payment_method="Payment method",
    paid_on="Paid on",
    notes="Notes",
    exempt="Exempt supply",
    not_subject="Supply not subject to VAT",
    reverse_charge="Reverse charge",
    page_of="Page {page} of {pages}",
    total_to_refund="Total to refund",
    rectification_of="Correction of {number}",
    exchange_rate="Exchange rate: 1 € = {rate} {currency}",
    in_euros="in euros",
    causes={
        "R1": "Error founded in law and causes of article 80 One, Two and Six of the VAT Act",
        "R2": "Customer's insolvency proceedings (article 80 Three of the VAT Act)",
        "R3": "Bad debts (article 80 Four of the VAT Act)",
        "R4": "Other causes",
        "R5": "Correction of a simplified invoice",
    },
    payment_kinds={
        "bank_transfer": "Bank transfer",
        "card": "Card",
        "cash": "Cash",
        "direct_debit": "Direct debit",
        "other": "Other",
    },
)

_CA = Labels(
    invoice="Factura",
    rectificative_invoice="Factura rectificativa",
    simplified_invoice="Factura simplificada",
    draft="Esborrany",
    annulled="Anul·lada",
    number="Número",
    issue_date="Data d'expedició",
    operation_date="Data de l'operació",
    due_date="Venciment",
    reference="Referència",
    issuer="Emissor",
    recipient="Destinatari",
    tax_id="NIF",
    email="Correu",
    description="Descripció",
    quantity="Quantitat",
    unit_price="Preu unitari",
    discount="Dte.",
    line_taxes="Impostos",
    amount="Import",
    subtotal="Subtotal",
    total_discount="Descompte",
    tax="Impost",
    tax_base="Base imposable",
    rate="Tipus",
    tax_amount="Quota",
    vat="IVA",
    withholding="Retenció IRPF",
    surcharge="Recàrrec d'equivalència",
    total_invoice="Total factura",
    total_to_pay="Total a pagar",
    rectified_invoice="Factura rectificada",
    rectified_date="Data de la factura rectificada",
    rectification_cause="Causa de la rectificació",
    rectification_reason="Motiu",
    rectification_kind="Tipus de rectificació",
    by_differences="Per diferències",
    by_substitution="Per substitució",
    payment_method="Forma de pagament",
    paid_on="Pagada el",
    notes="Observacions",
    exempt="Operació exempta",
    not_subject="Operació no subjecta",
    reverse_charge="Inversió del subjecte passiu",
    page_of="Pàgina {page} de {pages}",
    total_to_refund="Total a retornar",
    rectification_of="Rectificativa de {number}",
    exchange_rate="Tipus de canvi: 1 € = {rate} {currency}",
    in_euros="en euros",
    causes={
        "R1": "Error fonamentat en dret i causes de l'article 80 U, Dos i Sis de la Llei de l'IVA",
        "R2": "Concurs de creditors del destinatari (article 80 Tres de la Llei de l'IVA)",
        "R3": "Crèdits incobrables (article 80 Quatre de la Llei de l'IVA)",
        "R4": "Altres causes",
        "R5": "Rectificació d'una factura simplificada",
    },
    payment_kinds={
        "bank_transfer": "Transferència bancària",
        "card": "Targeta",
        "cash": "Efectiu",
        "direct_debit": "Domiciliació bancària",
        "other": "Altres",
    },
)

_GL = Labels(
    invoice="Factura",
    rectificative_invoice="Factura rectificativa",
    simplified_invoice="Factura simplificada",
    draft="Borrador",
    annulled="Anulada",
    number="Número",
    issue_date="Data de expedición",
    operation_date="Data da operación",
    due_date="Vencemento",
    reference="Referencia",
    issuer="Emisor",
    recipient="Destinatario",
    tax_id="NIF",
    email="Correo",
    description="Descrición",
    quantity="Cantidade",
    unit_price="Prezo unitario",
    discount="Desc.",
    line_taxes="Impostos",
    amount="Importe",
    subtotal="Subtotal",
    total_discount="Desconto",
    tax="Imposto",
    tax_base="Base impoñible",
    rate="Tipo",
    tax_amount="Cota",
    vat="IVE",
    withholding="Retención IRPF",
    surcharge="Recargo de equivalencia",
    total_invoice="Total factura",
    total_to_pay="Total a pagar",
    rectified_invoice="Factura rectificada",
    rectified_date="Data da factura rectificada",
    rectification_cause="Causa da rectificación",
    rectification_reason="Motivo",
    rectification_kind="Tipo de rectificación",
    by_differences="Por diferenzas",
    by_substitution="Por substitución",
    payment_method="Forma de pagamento",
    paid_on="Pagada o",
    notes="Observacións",
    exempt="Operación exenta",
    not_subject="Operación non suxeita",
    reverse_charge="Inversión do suxeito pasivo",
    page_of="Páxina {page} de {pages}",
    total_to_refund="Total a devolver",
    rectification_of="Rectificativa de {number}",
    exchange_rate="Tipo de cambio: 1 € = {rate} {currency}",
    in_euros="en euros",
    causes={
        "R1": "Erro fundado en dereito e causas do artigo 80 Un, Dous e Seis da Lei do IVE",
        "R2": "Concurso de acredores do destinatario (artigo 80 Tres da Lei do IVE)",
        "R3": "Créditos incobrables (artigo 80 Catro da Lei do IVE)",
        "R4": "Outras causas",
        "R5": "Rectificación dunha factura simplificada",
    },
    payment_kinds={
        "bank_transfer": "Transferencia bancaria",
        "card": "Tarxeta",
        "cash": "Efectivo",
        "direct_debit": "Domiciliación bancaria",
        "other": "Outro",
    },
)

_EU = Labels(
    invoice="Faktura",
    rectificative_invoice="Faktura zuzentzailea",
    simplified_invoice="Faktura erraztua",
    draft="Zirriborroa",
    annulled="Baliogabetua",
    number="Zenbakia",
    issue_date="Jaulkipen-data",
    operation_date="Eragiketaren data",
    due_date="Muga-eguna",
    reference="Erreferentzia",
    issuer="Jaulkitzailea",
    recipient="Hartzailea",
    tax_id="IFZ",
    email="Posta",
    description="Deskribapena",
    quantity="Kopurua",
    unit_price="Unitate-prezioa",
    discount="Desk.",
    line_taxes="Zergak",
    amount="Zenbatekoa",
    subtotal="Subtotala",
    total_discount="Deskontua",
    tax="Zerga",
    tax_base="Zerga-oinarria",
    rate="Tasa",
    tax_amount="Kuota",
    vat="BEZ",
    withholding="PFEZ atxikipena",
    surcharge="Baliokidetasun-errekargua",
    total_invoice="Fakturaren guztizkoa",
    total_to_pay="Ordaintzeko guztira",
    rectified_invoice="Zuzendutako faktura",
    rectified_date="Zuzendutako fakturaren data",
    rectification_cause="Zuzenketaren arrazoia",
    rectification_reason="Xehetasunak",
    rectification_kind="Zuzenketa mota",
    by_differences="Diferentziengatik",
    by_substitution="Ordezkapenagatik",
    payment_method="Ordainketa-modua",
    paid_on="Ordainketa-data",
    notes="Oharrak",
    exempt="Salbuetsitako eragiketa",
    not_subject="Zergapean ez dagoen eragiketa",
    reverse_charge="Subjektu pasiboaren inbertsioa",
    page_of="{page}/{pages} orria",
    total_to_refund="Itzultzeko guztira",
    rectification_of="{number} fakturaren zuzenketa",
    exchange_rate="Truke-tasa: 1 € = {rate} {currency}",
    in_euros="eurotan",
    causes={
        "R1": "Zuzenbidean oinarritutako akatsa eta BEZaren Legearen 80. artikuluko Bat, Bi eta "
        "Sei idatz-zatietako arrazoiak",
        "R2": "Hartzailearen hartzekodunen konkurtsoa (BEZaren Legearen 80. artikuluko Hiru)",
        "R3": "Kobraezinak diren kredituak (BEZaren Legearen 80. artikuluko Lau)",
        "R4": "Gainerako arrazoiak",
        "R5": "Faktura erraztu baten zuzenketa",
    },
    payment_kinds={
        "bank_transfer": "Banku-transferentzia",
        "card": "Txartela",
        "cash": "Eskudirua",
        "direct_debit": "Banku-helbideratzea",
        "other": "Beste bat",
    },
)

_BY_LANGUAGE: dict[str, Labels] = {"es": _ES, "en": _EN, "ca": _CA, "gl": _GL, "eu": _EU}


def is_built_in_payment_name(kind: str, text: str) -> bool:
    """Whether ``text`` is only the name of the payment ``kind`` (the catalogue's default
    "Bank transfer", or its name in any invoice language), so it may be printed translated;
    any other text is the user's own words and is printed as written."""
    wanted = text.strip().casefold()
    names = [labels.payment_kinds.get(kind, "") for labels in _BY_LANGUAGE.values()]
    return wanted in {name.casefold() for name in names if name}


def labels_for(lang: str) -> Labels:
    """The labels of ``lang``; an unknown language is a bug upstream, so it raises."""
    try:
        return _BY_LANGUAGE[lang]
    except KeyError:
        raise ValueError(f"unsupported invoice language {lang!r}") from None
