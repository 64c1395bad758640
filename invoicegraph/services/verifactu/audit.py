"""What the chain's fingerprints cannot see: a record against its invoice and against its XML.

The fingerprint covers only a few fields of a record (number, date, type, totals); the
recipient, the breakdown and the invoice itself are outside it. So ``verify`` also compares

- every registration record with the invoice it registers, rebuilt as issuing would build it
  from the stored snapshot (number, date, issuer and recipient tax ids, type, rectification
  kind, totals and breakdown), and a cancellation with the annulled invoice's identity;
- every stored field of a record with the XML that would be sent for it, read back from the
  XML itself, so a field that the builder drops or rewrites cannot pass unnoticed.

Each function answers the first mismatch in words an operator can act on, or ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from lxml import etree

from invoicegraph.db.models import Invoice, VerifactuRecord
from invoicegraph.domain.errors import ValidationFailed
from invoicegraph.domain.verifactu.codes import NS_SUMINISTRO_INFORMACION
from invoicegraph.domain.verifactu.fingerprint import format_amount, format_date
from invoicegraph.domain.verifactu.records import (
    BreakdownLine,
    InvoiceId,
    Recipient,
    RectifiedAmounts,
    Registro,
    RegistroAlta,
)
from invoicegraph.domain.verifactu.xml import registro_element
from invoicegraph.services.verifactu import alta_fields
from invoicegraph.services.verifactu.stored import ALTA, breakdown_to_json

_NS = {"sf": NS_SUMINISTRO_INFORMACION}


def _recipient_id(recipient: Recipient | None) -> str | None:
    if recipient is None:
        return None
    if recipient.nif is not None:
        return recipient.nif
    return None if recipient.foreign_id is None else recipient.foreign_id.value


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else format_amount(value)


def _differs(name: str, recorded: object, expected: object) -> str | None:
    if recorded == expected:
        return None
    return f"{name} is {recorded!r} in the record but {expected!r} on the invoice"


def invoice_mismatch(
    row: VerifactuRecord,
    record: Registro,
    invoice: Invoice | None,
    rectified: tuple[InvoiceId, ...],
    replaced: Invoice | None = None,
) -> str | None:
    """The first field on which the record and its invoice disagree; ``replaced`` is the
    original a substitution replaces, whose amounts its ImporteRectificacion states."""
    if invoice is None:
        return f"invoice {row.invoice_id} of the record does not exist"
    number = _differs("NumSerieFactura", record.number, invoice.full_number)
    checks: list[Callable[[], str | None]] = [
        lambda: number,
        lambda: _differs(
            "FechaExpedicionFactura", format_date(record.issue_date), format_date(invoice.date)
        ),
        lambda: _differs("IDEmisorFactura", record.issuer_nif, invoice.issuer_tax_id),
    ]
    if not isinstance(record, RegistroAlta):
        checks.append(
            lambda: (
                None
                if invoice.status == "annulled"
                else f"the cancelled invoice is {invoice.status}, not annulled"
            )
        )
        return _first(checks)
    kind = alta_fields.invoice_type(invoice)

    def recipient() -> str | None:
        try:
            expected = alta_fields.recipient(invoice, kind)
        except ValidationFailed as exc:
            return f"the invoice cannot name the record's recipient: {exc.message}"
        return _differs(
            "Destinatario NIF", _recipient_id(record.recipient), _recipient_id(expected)
        ) or _differs(
            "Destinatario NombreRazon",
            None if record.recipient is None else record.recipient.name,
            None if expected is None else expected.name,
        )

    def lines() -> str | None:
        try:
            expected = alta_fields.breakdown(invoice)
        except ValidationFailed as exc:
            return f"the invoice no longer has a breakdown: {exc.message}"
        return _breakdown_differs(record.lines, expected)

    def amounts() -> str | None:
        expected: RectifiedAmounts | None = None
        if kind.is_rectificative and invoice.rectification_kind == "S":
            if replaced is None:
                return "the invoice a substitution replaces does not exist"
            try:
                expected = alta_fields.amounts_replaced(replaced)
            except ValidationFailed as exc:
                return f"the replaced invoice no longer has a breakdown: {exc.message}"
        return _amounts_differ(record.rectified_amounts, expected)

    expected_kind = (invoice.rectification_kind or "I") if kind.is_rectificative else None
    recorded_kind = record.rectification_type
    checks += [
        lambda: _differs("TipoFactura", record.invoice_type.value, kind.value),
        lambda: _differs(
            "TipoRectificativa",
            None if recorded_kind is None else recorded_kind.value,
            expected_kind,
        ),
        lambda: _differs("CuotaTotal", _amount(record.cuota_total), _amount(invoice.total_vat)),
        lambda: _differs(
            "ImporteTotal",
            _amount(record.importe_total),
            _amount(invoice.total_before_taxes + invoice.total_vat),
        ),
        recipient,
        lines,
        amounts,
        lambda: _differs(
            "FacturasRectificadas",
            [(i.issuer_nif, i.number, i.issue_date.isoformat()) for i in record.rectified],
            [(i.issuer_nif, i.number, i.issue_date.isoformat()) for i in rectified],
        ),
    ]
    return _first(checks)


def _amounts_differ(
    recorded: RectifiedAmounts | None, expected: RectifiedAmounts | None
) -> str | None:
    if recorded is None and expected is not None:
        return "the record has no ImporteRectificacion; the invoice is a substitution"
    if recorded is not None and expected is None:
        return "the record has an ImporteRectificacion; the invoice is no substitution"
    if recorded is None or expected is None:
        return None
    for name, mine, theirs in (
        ("BaseRectificada", recorded.base, expected.base),
        ("CuotaRectificada", recorded.cuota, expected.cuota),
        ("CuotaRecargoRectificado", recorded.surcharge_cuota, expected.surcharge_cuota),
    ):
        if _amount(mine) != _amount(theirs):
            return (
                f"ImporteRectificacion {name} is {_amount(mine)!r} in the record "
                f"but {_amount(theirs)!r} on the replaced invoice"
            )
    return None


def _breakdown_differs(
    recorded: tuple[BreakdownLine, ...], expected: tuple[BreakdownLine, ...]
) -> str | None:
    if len(recorded) != len(expected):
        return (
            f"Desglose has {len(recorded)} lines in the record but {len(expected)} on the invoice"
        )
    for index, (mine, theirs) in enumerate(
        zip(breakdown_to_json(recorded), breakdown_to_json(expected), strict=True)
    ):
        for key, value in mine.items():
            if _normal(key, value) != _normal(key, theirs[key]):
                return (
                    f"Desglose line {index + 1} {key} is {value} in the record "
                    f"but {theirs[key]} on the invoice"
                )
    return None


_AMOUNT_KEYS = frozenset({"rate", "base", "cuota", "surcharge_rate", "surcharge_cuota"})


def _normal(key: str, value: Any) -> str | None:
    """A stored breakdown value as the XML writes it (amounts with exactly 2 decimals)."""
    if value is None:
        return None
    return format_amount(Decimal(str(value))) if key in _AMOUNT_KEYS else str(value)


def _first(checks: list[Callable[[], str | None]]) -> str | None:
    for check in checks:
        found = check()
        if found is not None:
            return found
    return None


def _texts(root: etree._Element, path: str) -> list[str]:
    return [str(e.text or "") for e in root.xpath(path, namespaces=_NS)]


def _one(root: etree._Element, path: str) -> str | None:
    found = _texts(root, path)
    return found[0] if found else None


def xml_mismatch(row: VerifactuRecord, record: Registro) -> str | None:
    """The first stored field of ``row`` that the record's XML does not say as stored."""
    try:
        root = registro_element(record)
    except ValueError as exc:
        return f"the record's XML cannot be built: {exc}"
    alta = row.record_type == ALTA
    ident = "sf:IDFactura/sf:"
    suffix = "" if alta else "Anulada"
    wanted: list[tuple[str, str | None, str | None]] = [
        (
            "issuer_tax_id",
            _one(root, f"{ident}IDEmisorFactura{suffix}"),
            row.issuer_tax_id,
        ),
        ("invoice_number", _one(root, f"{ident}NumSerieFactura{suffix}"), row.invoice_number),
        (
            "invoice_date",
            _one(root, f"{ident}FechaExpedicionFactura{suffix}"),
            format_date(row.invoice_date),
        ),
        ("fingerprint", _one(root, "sf:Huella"), row.fingerprint),
        ("generated_at_text", _one(root, "sf:FechaHoraHusoGenRegistro"), row.generated_at_text),
        (
            "previous_fingerprint",
            _one(root, "sf:Encadenamiento/sf:RegistroAnterior/sf:Huella"),
            None if row.is_first else row.previous_fingerprint,
        ),
        (
            "previous_invoice_number",
            _one(root, "sf:Encadenamiento/sf:RegistroAnterior/sf:NumSerieFactura"),
            None if row.is_first else row.previous_invoice_number,
        ),
    ]
    if alta:
        recipient = (row.details or {}).get("recipient") or {}
        foreign = recipient.get("foreign_id") or {}
        wanted += [
            ("issuer_name", _one(root, "sf:NombreRazonEmisor"), row.issuer_name),
            ("invoice_type", _one(root, "sf:TipoFactura"), row.invoice_type),
            ("rectification_type", _one(root, "sf:TipoRectificativa"), row.rectification_type),
            ("total_tax", _one(root, "sf:CuotaTotal"), _stored_amount(row.total_tax)),
            ("total_amount", _one(root, "sf:ImporteTotal"), _stored_amount(row.total_amount)),
            (
                "recipient.nif",
                _one(root, "sf:Destinatarios/sf:IDDestinatario/sf:NIF")
                or _one(root, "sf:Destinatarios/sf:IDDestinatario/sf:IDOtro/sf:ID"),
                recipient.get("nif") or foreign.get("value"),
            ),
            (
                "recipient.name",
                _one(root, "sf:Destinatarios/sf:IDDestinatario/sf:NombreRazon"),
                recipient.get("name"),
            ),
        ]
        amounts = (row.details or {}).get("rectified_amounts") or {}
        for key, element in (
            ("base", "BaseRectificada"),
            ("cuota", "CuotaRectificada"),
            ("surcharge_cuota", "CuotaRecargoRectificado"),
        ):
            wanted.append(
                (
                    f"rectified_amounts.{key}",
                    _one(root, f"sf:ImporteRectificacion/sf:{element}"),
                    _normal("base", amounts.get(key)),
                )
            )
    for name, said, stored in wanted:
        if said != stored:
            return f"the stored {name} {stored!r} is {said!r} in the XML"
    if alta:
        return _xml_breakdown_mismatch(root, row)
    return None


def _stored_amount(value: Decimal | None) -> str | None:
    return None if value is None else format_amount(value)


_XML_BREAKDOWN = (
    ("impuesto", "sf:Impuesto"),
    ("clave_regimen", "sf:ClaveRegimen"),
    ("calificacion", "sf:CalificacionOperacion"),
    ("exencion", "sf:OperacionExenta"),
    ("rate", "sf:TipoImpositivo"),
    ("base", "sf:BaseImponibleOimporteNoSujeto"),
    ("cuota", "sf:CuotaRepercutida"),
    ("surcharge_rate", "sf:TipoRecargoEquivalencia"),
    ("surcharge_cuota", "sf:CuotaRecargoEquivalencia"),
)


def _xml_breakdown_mismatch(root: etree._Element, row: VerifactuRecord) -> str | None:
    details = root.xpath("sf:Desglose/sf:DetalleDesglose", namespaces=_NS)
    stored = row.breakdown or []
    if len(details) != len(stored):
        return f"the stored breakdown has {len(stored)} lines, the XML {len(details)}"
    for index, (detail, item) in enumerate(zip(details, stored, strict=True)):
        for key, path in _XML_BREAKDOWN:
            said = _one(detail, path)
            value = item.get(key)
            expected = _normal(key, value)
            if said != expected:
                return (
                    f"the stored breakdown line {index + 1} {key} {value!r} is {said!r} in the XML"
                )
    return None
