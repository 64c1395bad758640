"""Reading the agency's answers: ``RespuestaRegFactuSistemaFacturacion`` and SOAP faults.

Per-record outcomes are data (accepted, accepted with errors, rejected, duplicate), so the
outbox can settle each record; a fault refuses the whole request and is raised. A duplicate is
what a resend answers when the agency accepted the records but the first answer was lost: it is
reconciled as accepted, because the agency holds the record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from lxml import etree

from invoicegraph.domain.verifactu.codes import (
    DEFAULT_WAIT_SECONDS,
    DUPLICATE_ERROR_CODES,
    NS_RESPUESTA_SUMINISTRO,
    NS_SOAP_ENVELOPE,
    NS_SUMINISTRO_INFORMACION,
    EstadoEnvio,
    EstadoRegistro,
    EstadoRegistroDuplicado,
    TipoOperacion,
)
from invoicegraph.domain.verifactu.records import InvoiceId

_NS = {"r": NS_RESPUESTA_SUMINISTRO, "sf": NS_SUMINISTRO_INFORMACION, "env": NS_SOAP_ENVELOPE}
_AGENCY_CODE = re.compile(r"Codigo\[(\d+)\]")


class UnexpectedAnswer(ValueError):
    """The body is not an answer we understand: treat it as no answer and retry later."""


class RecordOutcome(StrEnum):
    """How the outbox settles one record, with duplicates already reconciled."""

    ACCEPTED = "accepted"
    ACCEPTED_WITH_ERRORS = "accepted_with_errors"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class SoapFault:
    """A SOAP 1.1 fault: the agency refused the whole request (schema, certificate, outage)."""

    code: str  # faultcode, e.g. "env:Client" or "env:Server"
    message: str  # faultstring, whitespace collapsed
    agency_code: int | None  # the "Codigo[4102]" the agency puts in faultstring, if any

    @property
    def retryable(self) -> bool:
        """A server-side fault may pass; a client-side one repeats until the request changes."""
        return self.code.rpartition(":")[2] == "Server"


class AgencyFault(Exception):
    """Raised when the answer to a submission is a SOAP fault."""

    def __init__(self, fault: SoapFault) -> None:
        super().__init__(f"{fault.code}: {fault.message}")
        self.fault = fault


@dataclass(frozen=True, slots=True)
class DuplicateRecord:
    """``RegistroDuplicado``: what the agency already holds under this invoice's identity."""

    request_id: str
    state: EstadoRegistroDuplicado
    error_code: int | None
    error_description: str | None


@dataclass(frozen=True, slots=True)
class RecordResponse:
    """``RespuestaLinea``: the agency's verdict on one record."""

    invoice: InvoiceId
    operation: TipoOperacion
    status: EstadoRegistro
    error_code: int | None = None
    error_description: str | None = None
    external_ref: str | None = None
    duplicate: DuplicateRecord | None = None

    @property
    def is_duplicate(self) -> bool:
        """The agency already holds this record: a resend after a lost answer."""
        return self.duplicate is not None or (
            self.status is EstadoRegistro.INCORRECTO
            and self.error_code in DUPLICATE_ERROR_CODES[self.operation]
        )

    @property
    def outcome(self) -> RecordOutcome:
        """Accepted, accepted with errors or rejected, a duplicate counting as accepted.

        A duplicate takes the state of the record the agency holds: if that one was accepted
        with errors, so was ours. Only reconcile records this system has sent before.
        """
        if self.status is EstadoRegistro.CORRECTO:
            return RecordOutcome.ACCEPTED
        if self.status is EstadoRegistro.ACEPTADO_CON_ERRORES:
            return RecordOutcome.ACCEPTED_WITH_ERRORS
        if not self.is_duplicate:
            return RecordOutcome.REJECTED
        if (
            self.duplicate is not None
            and self.duplicate.state is EstadoRegistroDuplicado.ACEPTADA_CON_ERRORES
        ):
            return RecordOutcome.ACCEPTED_WITH_ERRORS
        return RecordOutcome.ACCEPTED


@dataclass(frozen=True, slots=True)
class SubmissionResponse:
    """``RespuestaRegFactuSistemaFacturacion``: the answer to one submission."""

    status: EstadoEnvio
    wait_seconds: int  # TiempoEsperaEnvio: wait this long before the next submission
    records: tuple[RecordResponse, ...]
    csv: str | None = None  # secure verification code; absent when the submission is refused
    presenter_nif: str | None = None
    presented_at: datetime | None = None


def _parse(body: bytes) -> etree._Element:
    # Answers come from the network: no DTDs, no entities, no network look-ups.
    parser = etree.XMLParser(
        no_network=True, load_dtd=False, resolve_entities=False, remove_blank_text=True
    )
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise UnexpectedAnswer(f"the answer is not XML: {exc}") from exc
    if root.getroottree().docinfo.doctype:
        raise UnexpectedAnswer("the answer carries a DOCTYPE")
    return root


def _text(element: etree._Element, path: str) -> str | None:
    text = element.findtext(path, namespaces=_NS)
    return None if text is None else str(text).strip()


def _required(element: etree._Element, path: str) -> str:
    text = _text(element, path)
    if text is None:
        raise UnexpectedAnswer(f"the answer lacks {path}")
    return text


def _integer(element: etree._Element, path: str) -> int | None:
    text = _text(element, path)
    if text is None:
        return None
    try:
        return int(text)
    except ValueError as exc:
        raise UnexpectedAnswer(f"{path} is not a number: {text!r}") from exc


def _date(text: str) -> date:
    day, month, year = text.split("-")
    return date(int(year), int(month), int(day))


def _fault(element: etree._Element) -> SoapFault:
    message = " ".join((_text(element, "faultstring") or "").split())
    match = _AGENCY_CODE.search(message)
    return SoapFault(
        code=_text(element, "faultcode") or "",
        message=message,
        agency_code=int(match.group(1)) if match else None,
    )


def parse_soap_fault(body: bytes) -> SoapFault | None:
    """The fault in a SOAP answer, or ``None`` when the answer is not a fault."""
    fault = _parse(body).find("env:Body/env:Fault", _NS)
    return None if fault is None else _fault(fault)


def _duplicate(line: etree._Element) -> DuplicateRecord | None:
    block = line.find("r:RegistroDuplicado", _NS)
    if block is None:
        return None
    return DuplicateRecord(
        request_id=_required(block, "sf:IdPeticionRegistroDuplicado"),
        state=EstadoRegistroDuplicado(_required(block, "sf:EstadoRegistroDuplicado")),
        error_code=_integer(block, "sf:CodigoErrorRegistro"),
        error_description=_text(block, "sf:DescripcionErrorRegistro"),
    )


def _record(line: etree._Element) -> RecordResponse:
    return RecordResponse(
        invoice=InvoiceId(
            issuer_nif=_required(line, "r:IDFactura/sf:IDEmisorFactura"),
            number=_required(line, "r:IDFactura/sf:NumSerieFactura"),
            issue_date=_date(_required(line, "r:IDFactura/sf:FechaExpedicionFactura")),
        ),
        operation=TipoOperacion(_required(line, "r:Operacion/sf:TipoOperacion")),
        status=EstadoRegistro(_required(line, "r:EstadoRegistro")),
        error_code=_integer(line, "r:CodigoErrorRegistro"),
        error_description=_text(line, "r:DescripcionErrorRegistro"),
        external_ref=_text(line, "r:RefExterna"),
        duplicate=_duplicate(line),
    )


def parse_submission_response(body: bytes) -> SubmissionResponse:
    """Read the answer to a ``RegFactuSistemaFacturacion`` request.

    Raises :class:`AgencyFault` when the answer is a SOAP fault and :class:`UnexpectedAnswer`
    when it is anything else we cannot read (a gateway's HTML page, a truncated body).
    """
    root = _parse(body)
    fault = root.find("env:Body/env:Fault", _NS)
    if fault is not None:
        raise AgencyFault(_fault(fault))
    answer = root.find("env:Body/r:RespuestaRegFactuSistemaFacturacion", _NS)
    if answer is None:
        raise UnexpectedAnswer("the answer holds no RespuestaRegFactuSistemaFacturacion")
    try:
        wait = _integer(answer, "r:TiempoEsperaEnvio")
        presented = _text(answer, "r:DatosPresentacion/sf:TimestampPresentacion")
        return SubmissionResponse(
            status=EstadoEnvio(_required(answer, "r:EstadoEnvio")),
            wait_seconds=DEFAULT_WAIT_SECONDS if wait is None else wait,
            records=tuple(_record(line) for line in answer.iterfind("r:RespuestaLinea", _NS)),
            csv=_text(answer, "r:CSV"),
            presenter_nif=_text(answer, "r:DatosPresentacion/sf:NIFPresentador"),
            presented_at=None if presented is None else datetime.fromisoformat(presented),
        )
    except ValueError as exc:  # unknown enum values, impossible dates
        if isinstance(exc, UnexpectedAnswer):
            raise
        raise UnexpectedAnswer(f"the answer has an unexpected value: {exc}") from exc
