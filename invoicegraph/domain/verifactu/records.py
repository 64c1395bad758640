"""The two VERI*FACTU records as immutable values: registration (alta) and cancellation.

A record holds exactly what its fingerprint, its QR code and its XML need, and nothing derived
from the database, so the same object can be hashed, rendered, sent and re-verified years later.
Construction checks the structural rules the agency rejects a record for (types and recipients,
rectification data, 1–12 breakdown lines, amounts with at most 2 decimals, an aware timestamp);
rules that need a clock or the rest of the chain live with the caller and in :mod:`.chain`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from invoicegraph import __version__
from invoicegraph.domain.errors import FieldError
from invoicegraph.domain.verifactu._checks import (
    ZERO,
    check_amount,
    check_fingerprint,
    check_nif,
    check_number,
    check_rate,
    check_text,
    check_timestamp,
    raise_if,
)
from invoicegraph.domain.verifactu.codes import (
    MAX_BREAKDOWN_LINES,
    MAX_LINKED_INVOICES,
    SIMPLIFIED_INVOICE_MAX_TOTAL,
    TYPES_WITH_RECIPIENT,
    CalificacionOperacion,
    ClaveRegimen,
    IdType,
    Impuesto,
    OperacionExenta,
    TipoFactura,
    TipoOperacion,
    TipoRectificativa,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class SistemaInformatico:
    """The invoicing system that generated a record (``SistemaInformatico``).

    The producer is the company answerable for the software's *declaración responsable*; it has
    no default because a made-up tax id would be a false statement on every record. The flags
    say that this system only works in VERI*FACTU mode (it keeps no signed event log, which the
    other mode needs) and that one installation serves many taxpayers (every account).
    """

    producer_name: str
    producer_nif: str
    name: str = "invoicegraph"
    system_id: str = "IG"
    version: str = __version__
    installation_number: str = "1"
    only_verifactu: bool = True
    multiple_taxpayers_possible: bool = True
    multiple_taxpayers: bool = True

    def __post_init__(self) -> None:
        errors: list[FieldError] = []
        check_text(errors, "producer_name", self.producer_name, 120)
        check_nif(errors, "producer_nif", self.producer_nif)
        check_text(errors, "name", self.name, 30)
        check_text(errors, "system_id", self.system_id, 2)
        check_text(errors, "version", self.version, 50)
        check_text(errors, "installation_number", self.installation_number, 100)
        raise_if(errors, "Invalid invoicing system")


@dataclass(frozen=True, slots=True)
class InvoiceId:
    """An invoice's identity at the agency: issuer tax id, series-and-number, issue date."""

    issuer_nif: str
    number: str
    issue_date: date


@dataclass(frozen=True, slots=True)
class ChainLink:
    """What a record says about the record before it (``RegistroAnterior``)."""

    issuer_nif: str
    number: str
    issue_date: date
    fingerprint: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ForeignId:
    """A recipient identified by something other than a Spanish NIF (``IDOtro``)."""

    id_type: IdType
    value: str
    country: str | None = None  # ISO 3166-1 alpha-2; optional only for NIF-IVA (02)


@dataclass(frozen=True, slots=True, kw_only=True)
class Recipient:
    """The invoice's recipient (``IDDestinatario``): a name and either a NIF or a foreign id."""

    name: str
    nif: str | None = None
    foreign_id: ForeignId | None = None

    def __post_init__(self) -> None:
        errors: list[FieldError] = []
        check_text(errors, "recipient.name", self.name, 120)
        if (self.nif is None) == (self.foreign_id is None):
            errors.append(FieldError("recipient", "needs exactly one of nif or foreign_id"))
        if self.nif is not None:
            check_nif(errors, "recipient.nif", self.nif)
        other = self.foreign_id
        if other is not None:
            check_text(errors, "recipient.foreign_id.value", other.value, 20)
            if other.country is None and other.id_type is not IdType.NIF_IVA:
                errors.append(FieldError("recipient.foreign_id.country", "is required"))
            if other.country is not None and (
                len(other.country) != 2 or not (other.country.isalpha() and other.country.isupper())
            ):
                errors.append(FieldError("recipient.foreign_id.country", "must be ISO alpha-2"))
            if other.country == "ES" and other.id_type not in (IdType.PASAPORTE, IdType.NO_CENSADO):
                errors.append(FieldError("recipient.foreign_id", "use nif for Spanish ids"))
        raise_if(errors, "Invalid recipient")


@dataclass(frozen=True, slots=True, kw_only=True)
class BreakdownLine:
    """One ``DetalleDesglose``: a (tax, regime, qualification, rate) group with its amounts.

    A line is either qualified (``calificacion``) or exempt (``exencion``), never both. Subject
    lines (S1) carry rate and tax; reverse-charge lines (S2) carry rate 0 and tax 0; not-subject
    and exempt lines carry neither. IRPF withholding never appears here.
    """

    base: Decimal
    impuesto: Impuesto = Impuesto.IVA
    clave_regimen: ClaveRegimen | None = ClaveRegimen.GENERAL
    calificacion: CalificacionOperacion | None = CalificacionOperacion.S1
    exencion: OperacionExenta | None = None
    rate: Decimal | None = None
    cuota: Decimal | None = None
    surcharge_rate: Decimal | None = None
    surcharge_cuota: Decimal | None = None

    @property
    def total(self) -> Decimal:
        """Base plus tax plus surcharge: this line's share of ``ImporteTotal``."""
        return self.base + self.tax_total

    @property
    def tax_total(self) -> Decimal:
        """Tax plus surcharge: this line's share of ``CuotaTotal``."""
        return (self.cuota or ZERO) + (self.surcharge_cuota or ZERO)

    def problems(self, prefix: str) -> list[FieldError]:
        """Every rule this line breaks, with fields under ``prefix`` (e.g. ``lines.0``)."""
        errors: list[FieldError] = []
        check_amount(errors, f"{prefix}.base", self.base)
        check_amount(errors, f"{prefix}.cuota", self.cuota)
        check_amount(errors, f"{prefix}.surcharge_cuota", self.surcharge_cuota)
        check_rate(errors, f"{prefix}.rate", self.rate)
        check_rate(errors, f"{prefix}.surcharge_rate", self.surcharge_rate)
        if self.clave_regimen is None and self.impuesto in (Impuesto.IVA, Impuesto.IGIC):
            errors.append(FieldError(f"{prefix}.clave_regimen", "is required for IVA and IGIC"))
        if (self.calificacion is None) == (self.exencion is None):
            errors.append(FieldError(prefix, "needs exactly one of calificacion or exencion"))
        if self.calificacion is CalificacionOperacion.S1:
            if self.rate is None or self.cuota is None:
                errors.append(FieldError(prefix, "a subject line (S1) needs rate and cuota"))
        elif self.calificacion is CalificacionOperacion.S2:
            if self.rate != 0 or self.cuota != 0:
                errors.append(FieldError(prefix, "a reverse-charge line (S2) has rate 0, cuota 0"))
        elif self.rate is not None or self.cuota is not None:
            errors.append(FieldError(prefix, "exempt and not-subject lines carry no rate or cuota"))
        if (self.surcharge_rate is None) != (self.surcharge_cuota is None):
            errors.append(FieldError(prefix, "surcharge needs both its rate and its cuota"))
        has_surcharge = self.surcharge_rate is not None
        if has_surcharge and self.calificacion is not CalificacionOperacion.S1:
            errors.append(FieldError(prefix, "only a subject line (S1) carries a surcharge"))
        surcharge_regime = self.clave_regimen is ClaveRegimen.RECARGO_EQUIVALENCIA
        if self.impuesto is Impuesto.IVA and has_surcharge != surcharge_regime:
            errors.append(FieldError(prefix, "IVA surcharge goes with regime 18, and only there"))
        return errors


@dataclass(frozen=True, slots=True, kw_only=True)
class RectifiedAmounts:
    """``ImporteRectificacion`` of a substitution (S) rectification: the rectified totals."""

    base: Decimal
    cuota: Decimal
    surcharge_cuota: Decimal | None = None


def compute_cuota_total(lines: Iterable[BreakdownLine]) -> Decimal:
    """``CuotaTotal``: Σ VAT and equivalence surcharge of the lines (never IRPF)."""
    return sum((line.tax_total for line in lines), ZERO)


def compute_importe_total(lines: Iterable[BreakdownLine]) -> Decimal:
    """``ImporteTotal``: Σ (base + VAT + surcharge), the total *before* any IRPF withholding."""
    return sum((line.total for line in lines), ZERO)


@dataclass(frozen=True, slots=True, kw_only=True)
class RegistroAlta:
    """A registration record: one issued invoice, chained to the issuer's previous record.

    ``previous`` is ``None`` for the issuer's first record (``PrimerRegistro=S``).
    ``fingerprint`` is empty until :func:`.fingerprint.seal` computes it. Totals are kept as
    given, not recomputed, because they are what the fingerprint covers; use
    :func:`compute_cuota_total` / :func:`compute_importe_total` to fill them.
    """

    issuer_nif: str
    issuer_name: str
    number: str
    issue_date: date
    invoice_type: TipoFactura
    description: str
    lines: tuple[BreakdownLine, ...]
    cuota_total: Decimal
    importe_total: Decimal
    previous: ChainLink | None
    generated_at: datetime
    system: SistemaInformatico
    fingerprint: str = ""
    rectification_type: TipoRectificativa | None = None
    rectified: tuple[InvoiceId, ...] = ()
    rectified_amounts: RectifiedAmounts | None = None
    replaced: tuple[InvoiceId, ...] = ()
    recipient: Recipient | None = None
    operation_date: date | None = None
    external_ref: str | None = None
    correction: bool = False  # Subsanacion=S: re-registers an invoice after a fix
    previously_rejected: bool = False  # RechazoPrevio=S: the earlier attempt was refused

    def __post_init__(self) -> None:
        raise_if(_alta_problems(self), "Invalid VERI*FACTU registration record")

    @property
    def operation(self) -> TipoOperacion:
        return TipoOperacion.ALTA

    @property
    def invoice_id(self) -> InvoiceId:
        return InvoiceId(self.issuer_nif, self.number, self.issue_date)

    @property
    def is_first(self) -> bool:
        return self.previous is None

    def link(self) -> ChainLink:
        """The ``RegistroAnterior`` the next record of this issuer must carry."""
        return ChainLink(self.issuer_nif, self.number, self.issue_date, self.fingerprint)

    def totals_match_lines(self) -> bool:
        """Whether the stored totals are the sums of the lines (agency checks 2005 and 2006)."""
        return self.cuota_total == compute_cuota_total(self.lines) and (
            self.importe_total == compute_importe_total(self.lines)
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class RegistroAnulacion:
    """A cancellation record: voids an invoice issued by mistake, chained like any record.

    The identity fields name the *cancelled* invoice. ``no_prior_record`` (``SinRegistroPrevio``)
    cancels an invoice whose registration never reached the agency.
    """

    issuer_nif: str
    number: str
    issue_date: date
    previous: ChainLink | None
    generated_at: datetime
    system: SistemaInformatico
    fingerprint: str = ""
    external_ref: str | None = None
    no_prior_record: bool = False
    previously_rejected: bool = False

    def __post_init__(self) -> None:
        errors = _common_problems(self)
        raise_if(errors, "Invalid VERI*FACTU cancellation record")

    @property
    def operation(self) -> TipoOperacion:
        return TipoOperacion.ANULACION

    @property
    def invoice_id(self) -> InvoiceId:
        return InvoiceId(self.issuer_nif, self.number, self.issue_date)

    @property
    def is_first(self) -> bool:
        return self.previous is None

    def link(self) -> ChainLink:
        """The ``RegistroAnterior`` the next record of this issuer must carry."""
        return ChainLink(self.issuer_nif, self.number, self.issue_date, self.fingerprint)


Registro = RegistroAlta | RegistroAnulacion


def _common_problems(record: Registro) -> list[FieldError]:
    errors: list[FieldError] = []
    check_nif(errors, "issuer_nif", record.issuer_nif)
    check_number(errors, "number", record.number)
    check_timestamp(errors, "generated_at", record.generated_at)
    check_fingerprint(errors, "fingerprint", record.fingerprint, empty_ok=True)
    if record.external_ref is not None and len(record.external_ref) > 60:
        errors.append(FieldError("external_ref", "must be at most 60 characters"))
    if record.previous is not None:
        check_nif(errors, "previous.issuer_nif", record.previous.issuer_nif)
        check_number(errors, "previous.number", record.previous.number)
        check_fingerprint(
            errors, "previous.fingerprint", record.previous.fingerprint, empty_ok=False
        )
    return errors


def _linked_problems(field: str, invoices: Sequence[InvoiceId]) -> list[FieldError]:
    errors: list[FieldError] = []
    if len(invoices) > MAX_LINKED_INVOICES:
        errors.append(FieldError(field, f"at most {MAX_LINKED_INVOICES} invoices"))
    for index, invoice in enumerate(invoices):
        check_nif(errors, f"{field}.{index}.issuer_nif", invoice.issuer_nif)
        check_number(errors, f"{field}.{index}.number", invoice.number)
    return errors


def _alta_problems(record: RegistroAlta) -> list[FieldError]:
    errors = _common_problems(record)
    check_text(errors, "issuer_name", record.issuer_name, 120)
    check_text(errors, "description", record.description, 500)
    check_amount(errors, "cuota_total", record.cuota_total)
    check_amount(errors, "importe_total", record.importe_total)
    if not 1 <= len(record.lines) <= MAX_BREAKDOWN_LINES:
        errors.append(FieldError("lines", f"must hold 1 to {MAX_BREAKDOWN_LINES} lines"))
    line_errors = [e for i, line in enumerate(record.lines) for e in line.problems(f"lines.{i}")]
    errors.extend(line_errors)
    kind = record.invoice_type
    wants_recipient = kind in TYPES_WITH_RECIPIENT
    if wants_recipient and record.recipient is None:
        errors.append(FieldError("recipient", f"is required for {kind}"))
    if not wants_recipient and record.recipient is not None:
        errors.append(FieldError("recipient", f"is not allowed for {kind}"))
    if kind.is_rectificative != (record.rectification_type is not None):
        errors.append(FieldError("rectification_type", "is required exactly for R1-R5"))
    if record.rectified and not kind.is_rectificative:
        errors.append(FieldError("rectified", "only a rectificative invoice rectifies"))
    is_substitution = record.rectification_type is TipoRectificativa.SUSTITUCION
    if is_substitution != (record.rectified_amounts is not None):
        errors.append(FieldError("rectified_amounts", "is required exactly for type S"))
    if record.rectified_amounts is not None:
        check_amount(errors, "rectified_amounts.base", record.rectified_amounts.base)
        check_amount(errors, "rectified_amounts.cuota", record.rectified_amounts.cuota)
        surcharge = record.rectified_amounts.surcharge_cuota
        check_amount(errors, "rectified_amounts.surcharge_cuota", surcharge)
    if record.replaced and kind is not TipoFactura.F3:
        errors.append(FieldError("replaced", "only an F3 invoice replaces invoices"))
    errors.extend(_linked_problems("rectified", record.rectified))
    errors.extend(_linked_problems("replaced", record.replaced))
    if kind is TipoFactura.F2 and not line_errors:
        simplified_total = sum((line.base + (line.cuota or ZERO) for line in record.lines), ZERO)
        if simplified_total > SIMPLIFIED_INVOICE_MAX_TOTAL:
            errors.append(FieldError("lines", "a simplified invoice (F2) is at most 3000.00"))
    if record.previously_rejected and not record.correction:
        errors.append(FieldError("previously_rejected", "only a correction can follow one"))
    return errors
