"""Facturae 3.2.2 code lists the writer needs, with the exact texts its XSD enumerates.

The XSD validates descriptions against fixed strings (``ReasonDescriptionType``,
``CorrectionMethodDescriptionType``), some with different capitalisation from the PDF
specification, so the texts here are copied from the XSD's enumerations.

Rectification causes. VERI*FACTU classifies a rectificative by legal cause (R1..R5) while
Facturae asks which item was corrected (01..16) or which base modification applies (80..85).
No table maps one onto the other, so each cause takes the code that describes it best:

=====  ==================================================  ====  =========================
Cause  Meaning (Ley 37/1992)                               Code  Facturae description
=====  ==================================================  ====  =========================
R1     error in law; art. 80 Uno, Dos, Seis (returns,      16    Base imponible
       discounts, price changes: the base changes)
R2     art. 80 Tres: the buyer is in insolvency            85    cuotas no satisfechas,
       proceedings                                               auto de concurso
R3     art. 80 Cuatro: bad debts                           16    Base imponible
R4     any other correction                                10    Detalle Operación
R5     correction of a simplified invoice                  10    Detalle Operación
=====  ==================================================  ====  =========================

The free-text reason travels in ``AdditionalReasonDescription``.
"""

from __future__ import annotations

REASON_DESCRIPTIONS = {
    "01": "Número de la factura",
    "02": "Serie de la factura",
    "03": "Fecha expedición",
    "04": "Nombre y apellidos/Razón Social-Emisor",
    "05": "Nombre y apellidos/Razón Social-Receptor",
    "06": "Identificación fiscal Emisor/obligado",
    "07": "Identificación fiscal Receptor",
    "08": "Domicilio Emisor/Obligado",
    "09": "Domicilio Receptor",
    "10": "Detalle Operación",
    "11": "Porcentaje impositivo a aplicar",
    "12": "Cuota tributaria a aplicar",
    "13": "Fecha/Periodo a aplicar",
    "14": "Clase de factura",
    "15": "Literales legales",
    "16": "Base imponible",
    "80": "Cálculo de cuotas repercutidas",
    "81": "Cálculo de cuotas retenidas",
    "82": "Base imponible modificada por devolución de envases / embalajes",
    "83": "Base imponible modificada por descuentos y bonificaciones",
    "84": "Base imponible modificada por resolución firme, judicial o administrativa",
    "85": (
        "Base imponible modificada cuotas repercutidas no satisfechas. "
        "Auto de declaración de concurso"
    ),
}
REASON_BY_CAUSE = {"R1": "16", "R2": "85", "R3": "16", "R4": "10", "R5": "10"}

# VERI*FACTU TipoRectificativa: S substitution rewrites the whole invoice, I corrects by
# differences.
CORRECTION_METHODS = {
    "S": ("01", "Rectificación íntegra"),
    "I": ("02", "Rectificación por diferencias"),
}

TAX_IVA = "01"
TAX_IRPF = "04"
SPECIAL_EVENT_EXEMPT = "01"  # operación sujeta y exenta
SPECIAL_EVENT_NOT_SUBJECT = "02"  # operación no sujeta

# Facturae's LanguageCodeType covers the languages the product prints invoices in.
LANGUAGES = frozenset({"es", "en", "ca", "gl", "eu"})
