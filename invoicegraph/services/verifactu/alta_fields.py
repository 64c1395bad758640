"""What a registration record says about an invoice: its type, breakdown, recipient and the
invoice it rectifies.

The record describes the invoice *as issued*, from its stored snapshot (lines with their tax
snapshots, the recipient copied at issue), never from today's catalogue or client data. IRPF
withholding has no place in a record, so ``ImporteTotal`` is the total before withholding; an
equivalence surcharge belongs to the IVA rate it goes with (regime 18).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from stdnum.eu import vat as eu_vat

from invoicegraph.db.models import Account, Invoice, InvoiceLineTax
from invoicegraph.domain.errors import FieldError, ValidationFailed
from invoicegraph.domain.money import BreakdownKey, line_keys, stored_breakdown, stored_tax
from invoicegraph.domain.verifactu.codes import (
    TYPES_WITH_RECIPIENT,
    CalificacionOperacion,
    ClaveRegimen,
    IdType,
    Impuesto,
    OperacionExenta,
    TipoFactura,
)
from invoicegraph.domain.verifactu.records import (
    BreakdownLine,
    ForeignId,
    InvoiceId,
    Recipient,
    RectifiedAmounts,
)
from invoicegraph.services.invoices.loading import load_invoice

_CENT = Decimal("0.01")
_ZERO = Decimal("0.00")
NAME_LENGTH = 120  # NombreRazon of issuer and recipient
DESCRIPTION_LENGTH = 500  # DescripcionOperacion
RECORD_CURRENCY = "EUR"


def invoice_type(invoice: Invoice) -> TipoFactura:
    """F1, F2 for a simplified invoice, or the rectification cause R1–R5."""
    if invoice.is_rectificative:
        default = "R5" if invoice.is_simplified else "R1"
        return TipoFactura(invoice.rectification_cause or default)
    return TipoFactura.F2 if invoice.is_simplified else TipoFactura.F1


def invoice_identity(invoice: Invoice) -> InvoiceId:
    """The invoice's identity at the agency: issuer tax id, series-and-number, issue date."""
    if invoice.full_number is None:
        raise ValidationFailed.single("number", "the invoice has no number yet", "required")
    return InvoiceId(invoice.issuer_tax_id, invoice.full_number, invoice.date)


def description(invoice: Invoice) -> str:
    """``DescripcionOperacion``: the invoice's name, else what its lines describe."""
    text = (invoice.name or "").strip() or "; ".join(
        line.description.strip() for line in invoice.lines if line.description.strip()
    )
    return (text or f"Factura {invoice.full_number}")[:DESCRIPTION_LENGTH]


def recipient(invoice: Invoice, kind: TipoFactura) -> Recipient | None:
    """The recipient the type requires (F1, F3, R1–R4), from the invoice's snapshot.

    Spanish recipients go by NIF; an EU recipient by its VAT number (``IDOtro`` 02); anyone
    else by the identifier of their country of residence (``IDOtro`` 04).
    """
    if kind not in TYPES_WITH_RECIPIENT:
        return None
    name = (invoice.recipient_name or "").strip()
    tax_id = (invoice.recipient_tax_id or "").strip()
    if not name or not tax_id:
        raise ValidationFailed.single(
            "client_id",
            f"a VERI*FACTU {kind.value} invoice needs the recipient's name and tax id",
            "required",
        )
    name = name[:NAME_LENGTH]
    country = (invoice.recipient_country or "ES").upper()
    if country == "ES":
        return Recipient(name=name, nif=tax_id)
    in_eu = country.lower() in eu_vat.MEMBER_STATES
    id_type = IdType.NIF_IVA if in_eu else IdType.ID_PAIS_RESIDENCIA
    return Recipient(
        name=name, foreign_id=ForeignId(id_type=id_type, value=tax_id, country=country)
    )


async def rectified_identities(
    session: AsyncSession, account: Account, invoice: Invoice
) -> tuple[InvoiceId, ...]:
    """The identity of the invoice a rectificative corrects (``IDFacturaRectificada``)."""
    if not invoice.is_rectificative or invoice.rectifies_invoice_id is None:
        return ()
    row = (
        await session.execute(
            select(Invoice.issuer_tax_id, Invoice.full_number, Invoice.date).where(
                Invoice.account_id == account.id, Invoice.id == invoice.rectifies_invoice_id
            )
        )
    ).one_or_none()
    if row is None or row.full_number is None:
        raise ValidationFailed.single(
            "rectifies_invoice_id", "the rectified invoice has not been issued", "invalid"
        )
    return (InvoiceId(row.issuer_tax_id, row.full_number, row.date),)


async def rectified_amounts(
    session: AsyncSession, account: Account, invoice: Invoice
) -> RectifiedAmounts | None:
    """``ImporteRectificacion`` of a substitution: the base, tax and surcharge of the invoice
    it replaces, from that invoice's own breakdown."""
    if not invoice.is_rectificative or invoice.rectification_kind != "S":
        return None
    assert invoice.rectifies_invoice_id is not None
    original = await load_invoice(session, account, invoice.rectifies_invoice_id)
    return amounts_replaced(original)


def amounts_replaced(original: Invoice) -> RectifiedAmounts:
    """What a substitution of ``original`` rectifies: its breakdown's base, tax and surcharge."""
    lines = breakdown(original)
    surcharges = [line.surcharge_cuota for line in lines if line.surcharge_cuota is not None]
    return RectifiedAmounts(
        base=sum((line.base for line in lines), _ZERO),
        cuota=sum((line.cuota or _ZERO for line in lines), _ZERO),
        surcharge_cuota=sum(surcharges, _ZERO) if surcharges else None,
    )


# (impuesto, regime, qualification, exemption, rate, surcharge rate)
_GroupKey = tuple[
    Impuesto,
    ClaveRegimen,
    CalificacionOperacion | None,
    OperacionExenta | None,
    Decimal | None,
    Decimal | None,
]


@dataclass(slots=True)
class _Group:
    """One ``DetalleDesglose`` being summed up."""

    impuesto: Impuesto
    clave_regimen: ClaveRegimen
    calificacion: CalificacionOperacion | None
    exencion: OperacionExenta | None
    rate: Decimal | None
    surcharge_rate: Decimal | None
    base: Decimal = _ZERO
    cuota: Decimal = _ZERO
    surcharge_cuota: Decimal = _ZERO

    def line(self) -> BreakdownLine:
        subject = self.calificacion in (CalificacionOperacion.S1, CalificacionOperacion.S2)
        with_surcharge = self.surcharge_rate is not None
        return BreakdownLine(
            base=self.base,
            impuesto=self.impuesto,
            clave_regimen=self.clave_regimen,
            calificacion=self.calificacion,
            exencion=self.exencion,
            rate=self.rate if subject else None,
            cuota=self.cuota if subject else None,
            surcharge_rate=self.surcharge_rate,
            surcharge_cuota=self.surcharge_cuota if with_surcharge else None,
        )


def _rate(value: Decimal, field_name: str, errors: list[FieldError]) -> Decimal:
    cents = value.quantize(_CENT)
    if cents != value:
        errors.append(FieldError(field_name, f"rate {value} has more than 2 decimals"))
    return cents


def _group_key(
    vat: InvoiceLineTax, surcharge: InvoiceLineTax | None, path: str, errors: list[FieldError]
) -> _GroupKey:
    try:
        impuesto = Impuesto(vat.impuesto)
        regime = ClaveRegimen(vat.regime_key)
        if vat.exemption_code is not None:
            qualification, exemption = None, OperacionExenta(vat.exemption_code)
        else:
            qualification, exemption = CalificacionOperacion(vat.qualification), None
    except ValueError as exc:
        errors.append(FieldError(f"{path}.taxes", f"unknown VERI*FACTU code: {exc}"))
        return Impuesto.IVA, ClaveRegimen.GENERAL, None, None, None, None
    subject = qualification in (CalificacionOperacion.S1, CalificacionOperacion.S2)
    rate = _rate(vat.percentage, f"{path}.taxes", errors) if subject else None
    if qualification is CalificacionOperacion.S2:
        rate = _ZERO  # reverse charge: the recipient pays the tax, the record shows 0
    surcharge_rate = None
    if surcharge is not None:
        surcharge_rate = _rate(surcharge.percentage, f"{path}.taxes", errors)
        regime = ClaveRegimen.RECARGO_EQUIVALENCIA  # the agency ties the surcharge to 18
    return impuesto, regime, qualification, exemption, rate, surcharge_rate


def breakdown(invoice: Invoice) -> tuple[BreakdownLine, ...]:
    """``Desglose``: one line per (tax, regime, qualification or exemption, rate, surcharge).

    Bases are the sums of the lines' bases; amounts are the invoice's breakdown rows (each
    rounded once on its summed base), so the record states the invoice's own figures. A line
    without IVA cannot be registered (the record must say whether it is subject, exempt or not
    subject), except a line of zero that adds nothing.
    """
    errors: list[FieldError] = []
    if invoice.currency != RECORD_CURRENCY:
        errors.append(FieldError("currency", "VERI*FACTU records are in euros: issue in EUR"))
    amounts = {row.key: row.amount for row in stored_breakdown(invoice.lines)}
    groups: dict[_GroupKey, _Group] = {}
    rows_of: dict[_GroupKey, tuple[set[BreakdownKey], set[BreakdownKey]]] = {}
    for index, line in enumerate(invoice.lines):
        path = f"lines.{index}"
        vats = [tax for tax in line.taxes if tax.kind == "vat"]
        surcharges = [tax for tax in line.taxes if tax.kind == "surcharge"]
        if not vats:
            if line.total_before_taxes != 0:
                errors.append(FieldError(f"{path}.taxes", "VERI*FACTU needs the IVA of every line"))
            continue
        vat, surcharge = vats[0], (surcharges[0] if surcharges else None)
        key = _group_key(vat, surcharge, path, errors)
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(*key)
            rows_of[key] = (set(), set())
        group.base += vat.base
        keys = line_keys(tuple(stored_tax(t) for t in line.taxes))
        for tax, (row_key, _, _) in zip(line.taxes, keys, strict=True):
            if tax is vat:
                rows_of[key][0].add(row_key)
            elif tax is surcharge:
                rows_of[key][1].add(row_key)
    if errors:
        raise ValidationFailed(errors, "The invoice cannot be registered in VERI*FACTU")
    for key, group in groups.items():
        vat_rows, surcharge_rows = rows_of[key]
        group.cuota = sum((amounts[k] for k in vat_rows), _ZERO)
        group.surcharge_cuota = sum((amounts[k] for k in surcharge_rows), _ZERO)
    return tuple(group.line() for group in groups.values())
