"""The agency's XML: RegistroAlta, RegistroAnulacion, the submission and its SOAP envelope.

Element order follows ``SuministroInformacion.xsd`` and ``SuministroLR.xsd`` (v1.0); the unit
tests validate every builder's output against those schemas. Amounts, dates and timestamps are
written by the same functions the fingerprint uses, so the agency recomputes the same hash
from the XML that we computed from the record. Building is pure: validating against the
schema files and sending are the caller's I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from invoicegraph.domain.verifactu.codes import (
    ID_VERSION,
    MACRODATO_THRESHOLD,
    MAX_RECORDS_PER_SUBMISSION,
    NS_SOAP_ENVELOPE,
    NS_SUMINISTRO_INFORMACION,
    NS_SUMINISTRO_LR,
    TIPO_HUELLA_SHA256,
)
from invoicegraph.domain.verifactu.fingerprint import (
    compute_fingerprint,
    format_amount,
    format_date,
    format_timestamp,
)
from invoicegraph.domain.verifactu.records import (
    BreakdownLine,
    ChainLink,
    InvoiceId,
    Recipient,
    Registro,
    RegistroAlta,
    RegistroAnulacion,
    SistemaInformatico,
)

# The prefixes of the agency's own examples; any prefix is valid XML, these read familiar.
_NSMAP_RECORD = {"sum1": NS_SUMINISTRO_INFORMACION}
_NSMAP_SOAP = {"soapenv": NS_SOAP_ENVELOPE, "sum": NS_SUMINISTRO_LR, **_NSMAP_RECORD}


@dataclass(frozen=True, slots=True)
class ObligadoEmision:
    """The taxpayer a submission is for (``Cabecera/ObligadoEmision``): name and NIF."""

    name: str
    nif: str


def _sf(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NS_SUMINISTRO_INFORMACION}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _yes(flag: bool) -> str:
    return "S" if flag else "N"


def _invoice_id(parent: etree._Element, tag: str, invoice: InvoiceId) -> None:
    block = _sf(parent, tag)
    _sf(block, "IDEmisorFactura", invoice.issuer_nif)
    _sf(block, "NumSerieFactura", invoice.number)
    _sf(block, "FechaExpedicionFactura", format_date(invoice.issue_date))


def _recipient(parent: etree._Element, recipient: Recipient) -> None:
    block = _sf(_sf(parent, "Destinatarios"), "IDDestinatario")
    _sf(block, "NombreRazon", recipient.name)
    if recipient.nif is not None:
        _sf(block, "NIF", recipient.nif)
        return
    assert recipient.foreign_id is not None  # Recipient guarantees one of the two
    other = _sf(block, "IDOtro")
    if recipient.foreign_id.country is not None:
        _sf(other, "CodigoPais", recipient.foreign_id.country)
    _sf(other, "IDType", recipient.foreign_id.id_type.value)
    _sf(other, "ID", recipient.foreign_id.value)


def _breakdown_line(parent: etree._Element, line: BreakdownLine) -> None:
    detail = _sf(parent, "DetalleDesglose")
    _sf(detail, "Impuesto", line.impuesto.value)
    if line.clave_regimen is not None:
        _sf(detail, "ClaveRegimen", line.clave_regimen.value)
    if line.calificacion is not None:
        _sf(detail, "CalificacionOperacion", line.calificacion.value)
    elif line.exencion is not None:
        _sf(detail, "OperacionExenta", line.exencion.value)
    if line.rate is not None:
        _sf(detail, "TipoImpositivo", format_amount(line.rate))
    _sf(detail, "BaseImponibleOimporteNoSujeto", format_amount(line.base))
    if line.cuota is not None:
        _sf(detail, "CuotaRepercutida", format_amount(line.cuota))
    if line.surcharge_rate is not None and line.surcharge_cuota is not None:
        _sf(detail, "TipoRecargoEquivalencia", format_amount(line.surcharge_rate))
        _sf(detail, "CuotaRecargoEquivalencia", format_amount(line.surcharge_cuota))


def _chaining(parent: etree._Element, previous: ChainLink | None) -> None:
    block = _sf(parent, "Encadenamiento")
    if previous is None:
        _sf(block, "PrimerRegistro", "S")
        return
    anterior = _sf(block, "RegistroAnterior")
    _sf(anterior, "IDEmisorFactura", previous.issuer_nif)
    _sf(anterior, "NumSerieFactura", previous.number)
    _sf(anterior, "FechaExpedicionFactura", format_date(previous.issue_date))
    _sf(anterior, "Huella", previous.fingerprint)


def _system(parent: etree._Element, system: SistemaInformatico) -> None:
    block = _sf(parent, "SistemaInformatico")
    _sf(block, "NombreRazon", system.producer_name)
    _sf(block, "NIF", system.producer_nif)
    _sf(block, "NombreSistemaInformatico", system.name)
    _sf(block, "IdSistemaInformatico", system.system_id)
    _sf(block, "Version", system.version)
    _sf(block, "NumeroInstalacion", system.installation_number)
    _sf(block, "TipoUsoPosibleSoloVerifactu", _yes(system.only_verifactu))
    _sf(block, "TipoUsoPosibleMultiOT", _yes(system.multiple_taxpayers_possible))
    _sf(block, "IndicadorMultiplesOT", _yes(system.multiple_taxpayers))


def _closing(parent: etree._Element, record: Registro) -> None:
    """The fields both record kinds end with, in schema order."""
    _chaining(parent, record.previous)
    _system(parent, record.system)
    _sf(parent, "FechaHoraHusoGenRegistro", format_timestamp(record.generated_at))
    _sf(parent, "TipoHuella", TIPO_HUELLA_SHA256)
    _sf(parent, "Huella", record.fingerprint)


def _check_sealed(record: Registro) -> None:
    # A record whose fingerprint does not cover its own fields would be "accepted with errors"
    # (error 2000) and poison the chain: refuse to write it rather than send it.
    if record.fingerprint != compute_fingerprint(record):
        raise ValueError(
            f"record {record.number} carries fingerprint {record.fingerprint!r}, which does not "
            "match its fields; seal() it after its last change"
        )


def registro_alta_element(record: RegistroAlta) -> etree._Element:
    """The ``sum1:RegistroAlta`` element of a sealed registration record."""
    _check_sealed(record)
    root = etree.Element(f"{{{NS_SUMINISTRO_INFORMACION}}}RegistroAlta", nsmap=_NSMAP_RECORD)
    _sf(root, "IDVersion", ID_VERSION)
    _invoice_id(root, "IDFactura", record.invoice_id)
    if record.external_ref is not None:
        _sf(root, "RefExterna", record.external_ref)
    _sf(root, "NombreRazonEmisor", record.issuer_name)
    if record.correction:
        _sf(root, "Subsanacion", "S")
    if record.previously_rejected:
        _sf(root, "RechazoPrevio", "S")
    _sf(root, "TipoFactura", record.invoice_type.value)
    if record.rectification_type is not None:
        _sf(root, "TipoRectificativa", record.rectification_type.value)
    if record.rectified:
        block = _sf(root, "FacturasRectificadas")
        for invoice in record.rectified:
            _invoice_id(block, "IDFacturaRectificada", invoice)
    if record.replaced:
        block = _sf(root, "FacturasSustituidas")
        for invoice in record.replaced:
            _invoice_id(block, "IDFacturaSustituida", invoice)
    amounts = record.rectified_amounts
    if amounts is not None:
        block = _sf(root, "ImporteRectificacion")
        _sf(block, "BaseRectificada", format_amount(amounts.base))
        _sf(block, "CuotaRectificada", format_amount(amounts.cuota))
        if amounts.surcharge_cuota is not None:
            _sf(block, "CuotaRecargoRectificado", format_amount(amounts.surcharge_cuota))
    if record.operation_date is not None:
        _sf(root, "FechaOperacion", format_date(record.operation_date))
    _sf(root, "DescripcionOperacion", record.description)
    if abs(record.importe_total) >= MACRODATO_THRESHOLD:
        _sf(root, "Macrodato", "S")  # required from 100 million on (validation 1139)
    if record.recipient is not None:
        _recipient(root, record.recipient)
    breakdown = _sf(root, "Desglose")
    for line in record.lines:
        _breakdown_line(breakdown, line)
    _sf(root, "CuotaTotal", format_amount(record.cuota_total))
    _sf(root, "ImporteTotal", format_amount(record.importe_total))
    _closing(root, record)
    return root


def registro_anulacion_element(record: RegistroAnulacion) -> etree._Element:
    """The ``sum1:RegistroAnulacion`` element of a sealed cancellation record."""
    _check_sealed(record)
    root = etree.Element(f"{{{NS_SUMINISTRO_INFORMACION}}}RegistroAnulacion", nsmap=_NSMAP_RECORD)
    _sf(root, "IDVersion", ID_VERSION)
    block = _sf(root, "IDFactura")
    _sf(block, "IDEmisorFacturaAnulada", record.issuer_nif)
    _sf(block, "NumSerieFacturaAnulada", record.number)
    _sf(block, "FechaExpedicionFacturaAnulada", format_date(record.issue_date))
    if record.external_ref is not None:
        _sf(root, "RefExterna", record.external_ref)
    if record.no_prior_record:
        _sf(root, "SinRegistroPrevio", "S")
    if record.previously_rejected:
        _sf(root, "RechazoPrevio", "S")
    _closing(root, record)
    return root


def registro_element(record: Registro) -> etree._Element:
    """The element of either record kind."""
    if isinstance(record, RegistroAlta):
        return registro_alta_element(record)
    return registro_anulacion_element(record)


def submission_element(obligado: ObligadoEmision, records: Sequence[Registro]) -> etree._Element:
    """``sum:RegFactuSistemaFacturacion``: the header and 1 to 1000 records of one taxpayer.

    The agency refuses a record whose issuer is not the header's taxpayer (validation 1108),
    and the records must go in chain order, so they are written in the order given.
    """
    if not 1 <= len(records) <= MAX_RECORDS_PER_SUBMISSION:
        raise ValueError(
            f"a submission carries 1 to {MAX_RECORDS_PER_SUBMISSION} records, got {len(records)}"
        )
    for record in records:
        if record.issuer_nif != obligado.nif:
            raise ValueError(f"record {record.number} is not issued by {obligado.nif}")
    nsmap = {"sum": NS_SUMINISTRO_LR, **_NSMAP_RECORD}
    root = etree.Element(f"{{{NS_SUMINISTRO_LR}}}RegFactuSistemaFacturacion", nsmap=nsmap)
    header = etree.SubElement(root, f"{{{NS_SUMINISTRO_LR}}}Cabecera")
    taxpayer = _sf(header, "ObligadoEmision")
    _sf(taxpayer, "NombreRazon", obligado.name)
    _sf(taxpayer, "NIF", obligado.nif)
    for record in records:
        wrapper = etree.SubElement(root, f"{{{NS_SUMINISTRO_LR}}}RegistroFactura")
        wrapper.append(registro_element(record))
    etree.cleanup_namespaces(root)
    return root


def soap_envelope(body: etree._Element) -> etree._Element:
    """A SOAP 1.1 envelope (empty header) around ``body``, as the agency's service expects."""
    envelope = etree.Element(f"{{{NS_SOAP_ENVELOPE}}}Envelope", nsmap=_NSMAP_SOAP)
    etree.SubElement(envelope, f"{{{NS_SOAP_ENVELOPE}}}Header")
    etree.SubElement(envelope, f"{{{NS_SOAP_ENVELOPE}}}Body").append(body)
    etree.cleanup_namespaces(envelope)
    return envelope


def to_bytes(element: etree._Element) -> bytes:
    """UTF-8 serialisation with an XML declaration: what is stored and what goes on the wire."""
    result: bytes = etree.tostring(element, encoding="UTF-8", xml_declaration=True)
    return result


def submission_request(obligado: ObligadoEmision, records: Sequence[Registro]) -> bytes:
    """The complete SOAP request body for ``RegFactuSistemaFacturacion``."""
    return to_bytes(soap_envelope(submission_element(obligado, records)))
