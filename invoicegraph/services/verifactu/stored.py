"""A record as a ``verifactu_records`` row and back, losslessly.

The row keeps everything the record's XML needs (the breakdown, the recipient, the rectified
invoice, the ``SistemaInformatico`` of the time), so the exact record can be rebuilt years later
to be sent again or verified. The generation time is rebuilt from the text that was hashed, with
its own offset, because converting it would change the fingerprint's input. Amounts are stored
as text in JSON: JSON numbers would pass through float.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from invoicegraph.db.models import VerifactuRecord
from invoicegraph.domain.verifactu.codes import (
    CalificacionOperacion,
    ClaveRegimen,
    IdType,
    Impuesto,
    OperacionExenta,
    TipoFactura,
    TipoOperacion,
    TipoRectificativa,
)
from invoicegraph.domain.verifactu.fingerprint import format_timestamp
from invoicegraph.domain.verifactu.records import (
    BreakdownLine,
    ChainLink,
    ForeignId,
    InvoiceId,
    Recipient,
    RectifiedAmounts,
    Registro,
    RegistroAlta,
    RegistroAnulacion,
    SistemaInformatico,
)

ALTA = "alta"
ANULACION = "anulacion"
RECORD_TYPES = {TipoOperacion.ALTA: ALTA, TipoOperacion.ANULACION: ANULACION}


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _code(kind: Any, value: Any) -> Any:
    return None if value is None else kind(value)


def _value(code: StrEnum | None) -> str | None:
    return None if code is None else code.value


def breakdown_to_json(lines: tuple[BreakdownLine, ...]) -> list[dict[str, Any]]:
    return [
        {
            "impuesto": line.impuesto.value,
            "clave_regimen": _value(line.clave_regimen),
            "calificacion": _value(line.calificacion),
            "exencion": _value(line.exencion),
            "rate": _text(line.rate),
            "base": str(line.base),
            "cuota": _text(line.cuota),
            "surcharge_rate": _text(line.surcharge_rate),
            "surcharge_cuota": _text(line.surcharge_cuota),
        }
        for line in lines
    ]


def breakdown_from_json(items: list[dict[str, Any]]) -> tuple[BreakdownLine, ...]:
    return tuple(
        BreakdownLine(
            base=Decimal(str(item["base"])),
            impuesto=Impuesto(item["impuesto"]),
            clave_regimen=_code(ClaveRegimen, item.get("clave_regimen")),
            calificacion=_code(CalificacionOperacion, item.get("calificacion")),
            exencion=_code(OperacionExenta, item.get("exencion")),
            rate=_decimal(item.get("rate")),
            cuota=_decimal(item.get("cuota")),
            surcharge_rate=_decimal(item.get("surcharge_rate")),
            surcharge_cuota=_decimal(item.get("surcharge_cuota")),
        )
        for item in items
    )


def _recipient_to_json(recipient: Recipient | None) -> dict[str, Any] | None:
    if recipient is None:
        return None
    other = recipient.foreign_id
    return {
        "name": recipient.name,
        "nif": recipient.nif,
        "foreign_id": None
        if other is None
        else {"id_type": other.id_type.value, "value": other.value, "country": other.country},
    }


def _recipient_from_json(data: dict[str, Any] | None) -> Recipient | None:
    if data is None:
        return None
    other = data.get("foreign_id")
    return Recipient(
        name=data["name"],
        nif=data.get("nif"),
        foreign_id=None
        if other is None
        else ForeignId(
            id_type=IdType(other["id_type"]), value=other["value"], country=other.get("country")
        ),
    )


def _invoice_id_to_json(invoice: InvoiceId) -> dict[str, str]:
    return {
        "issuer_nif": invoice.issuer_nif,
        "number": invoice.number,
        "issue_date": invoice.issue_date.isoformat(),
    }


def _invoice_id_from_json(data: dict[str, str]) -> InvoiceId:
    return InvoiceId(data["issuer_nif"], data["number"], date.fromisoformat(data["issue_date"]))


def record_row(
    record: Registro,
    *,
    account_id: int,
    invoice_id: int,
    chain_position: int,
    test_mode: bool,
    issuer_name: str,
    notes: dict[str, Any] | None = None,
) -> VerifactuRecord:
    """The row that stores a sealed ``record``. ``issuer_name`` is the registration's (a
    cancellation carries none); ``notes`` are kept in ``details`` and never sent."""
    details: dict[str, Any] = {"system": asdict(record.system), **(notes or {})}
    previous = record.previous
    row = VerifactuRecord(
        account_id=account_id,
        chain_position=chain_position,
        record_type=RECORD_TYPES[record.operation],
        invoice_id=invoice_id,
        issuer_tax_id=record.issuer_nif,
        issuer_name=issuer_name,
        invoice_number=record.number,
        invoice_date=record.issue_date,
        is_first=previous is None,
        previous_issuer_tax_id=None if previous is None else previous.issuer_nif,
        previous_invoice_number=None if previous is None else previous.number,
        previous_invoice_date=None if previous is None else previous.issue_date,
        previous_fingerprint=None if previous is None else previous.fingerprint,
        generated_at=record.generated_at,
        generated_at_text=format_timestamp(record.generated_at),
        fingerprint=record.fingerprint,
        test_mode=test_mode,
        breakdown=[],
        details=details,
    )
    if isinstance(record, RegistroAlta):
        row.invoice_type = record.invoice_type.value
        row.rectification_type = _value(record.rectification_type)
        row.total_tax = record.cuota_total
        row.total_amount = record.importe_total
        row.breakdown = breakdown_to_json(record.lines)
        details["description"] = record.description
        details["recipient"] = _recipient_to_json(record.recipient)
        details["rectified"] = [_invoice_id_to_json(i) for i in record.rectified]
        amounts = record.rectified_amounts
        if amounts is not None:  # absent, not null, on every other record
            details["rectified_amounts"] = {
                "base": str(amounts.base),
                "cuota": str(amounts.cuota),
                "surcharge_cuota": _text(amounts.surcharge_cuota),
            }
        operation_date = record.operation_date
        details["operation_date"] = None if operation_date is None else operation_date.isoformat()
        details["external_ref"] = record.external_ref
    else:
        details["no_prior_record"] = record.no_prior_record
        details["external_ref"] = record.external_ref
    return row


def _amounts_from_json(data: dict[str, Any] | None) -> RectifiedAmounts | None:
    if data is None:
        return None
    return RectifiedAmounts(
        base=Decimal(str(data["base"])),
        cuota=Decimal(str(data["cuota"])),
        surcharge_cuota=_decimal(data.get("surcharge_cuota")),
    )


def _previous(row: VerifactuRecord) -> ChainLink | None:
    if row.is_first:
        return None
    return ChainLink(
        issuer_nif=row.previous_issuer_tax_id or "",
        number=row.previous_invoice_number or "",
        issue_date=row.previous_invoice_date or date.min,
        fingerprint=row.previous_fingerprint or "",
    )


def registro_from_row(row: VerifactuRecord) -> Registro:
    """The domain record a row stores. Raises ``ValidationFailed`` or ``ValueError`` when the
    stored fields no longer form a valid record (a damaged or tampered row)."""
    details = row.details
    system = SistemaInformatico(**details["system"])
    generated_at = datetime.fromisoformat(row.generated_at_text)
    if row.record_type == ANULACION:
        return RegistroAnulacion(
            issuer_nif=row.issuer_tax_id,
            number=row.invoice_number,
            issue_date=row.invoice_date,
            previous=_previous(row),
            generated_at=generated_at,
            system=system,
            fingerprint=row.fingerprint,
            external_ref=details.get("external_ref"),
            no_prior_record=bool(details.get("no_prior_record", False)),
        )
    if row.record_type != ALTA or row.invoice_type is None:
        raise ValueError(f"unknown record type {row.record_type!r}")
    operation_date = details.get("operation_date")
    return RegistroAlta(
        issuer_nif=row.issuer_tax_id,
        issuer_name=row.issuer_name,
        number=row.invoice_number,
        issue_date=row.invoice_date,
        invoice_type=TipoFactura(row.invoice_type),
        description=details["description"],
        lines=breakdown_from_json(row.breakdown),
        cuota_total=row.total_tax if row.total_tax is not None else Decimal("NaN"),
        importe_total=row.total_amount if row.total_amount is not None else Decimal("NaN"),
        previous=_previous(row),
        generated_at=generated_at,
        system=system,
        fingerprint=row.fingerprint,
        rectification_type=_code(TipoRectificativa, row.rectification_type),
        rectified=tuple(_invoice_id_from_json(i) for i in details.get("rectified", [])),
        rectified_amounts=_amounts_from_json(details.get("rectified_amounts")),
        recipient=_recipient_from_json(details.get("recipient")),
        operation_date=None if operation_date is None else date.fromisoformat(operation_date),
        external_ref=details.get("external_ref"),
    )
