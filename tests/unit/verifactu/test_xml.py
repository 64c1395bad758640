"""The agency's XML, validated against its own schemas (offline)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from lxml import etree

from invoicegraph.domain.verifactu.codes import (
    NS_SOAP_ENVELOPE,
    NS_SUMINISTRO_INFORMACION,
    NS_SUMINISTRO_LR,
    XMLDSIG_SCHEMA_URL,
    CalificacionOperacion,
    ClaveRegimen,
    IdType,
    Impuesto,
    OperacionExenta,
    TipoFactura,
    TipoRectificativa,
)
from invoicegraph.domain.verifactu.fingerprint import fingerprint_input, seal, sha256_upper
from invoicegraph.domain.verifactu.records import (
    BreakdownLine,
    ChainLink,
    ForeignId,
    InvoiceId,
    Recipient,
    RectifiedAmounts,
    RegistroAlta,
    RegistroAnulacion,
    compute_cuota_total,
    compute_importe_total,
)
from invoicegraph.domain.verifactu.xml import (
    ObligadoEmision,
    registro_alta_element,
    registro_anulacion_element,
    registro_element,
    soap_envelope,
    submission_element,
    submission_request,
    to_bytes,
)

D = Decimal
NS = {"sf": NS_SUMINISTRO_INFORMACION, "lr": NS_SUMINISTRO_LR, "env": NS_SOAP_ENVELOPE}
INFO = "SuministroInformacion.xsd"
LR = "SuministroLR.xsd"
Record = RegistroAlta | RegistroAnulacion
Validate = Callable[[Any, str], None]
OBLIGADO = ObligadoEmision("Empresa de ejemplo SL", "89890001K")


def text(element: Any, path: str) -> str:
    found = element.findtext(path, namespaces=NS)
    assert found is not None, path
    return str(found)


@pytest.fixture
def full_alta(make_alta: Callable[..., RegistroAlta], previous_link: ChainLink) -> RegistroAlta:
    """A substitution rectification that exercises every optional element we write."""
    lines = (
        BreakdownLine(
            base=D("100.00"),
            clave_regimen=ClaveRegimen.RECARGO_EQUIVALENCIA,
            rate=D("21"),
            cuota=D("21.00"),
            surcharge_rate=D("5.2"),
            surcharge_cuota=D("5.20"),
        ),
        BreakdownLine(base=D("40.00"), rate=D("10"), cuota=D("4.00")),
        BreakdownLine(
            base=D("30.00"), calificacion=CalificacionOperacion.S2, rate=D("0"), cuota=D("0")
        ),
        BreakdownLine(base=D("20.00"), calificacion=None, exencion=OperacionExenta.E5),
        BreakdownLine(base=D("-10.00"), calificacion=CalificacionOperacion.N2),
        BreakdownLine(
            base=D("10.00"),
            impuesto=Impuesto.OTROS,
            clave_regimen=None,
            rate=D("5"),
            cuota=D("0.50"),
        ),
    )
    return seal(
        make_alta(
            number="R2025/0003",
            invoice_type=TipoFactura.R1,
            rectification_type=TipoRectificativa.SUSTITUCION,
            rectified=(InvoiceId("B12345674", "F2025/0001", date(2025, 3, 1)),),
            rectified_amounts=RectifiedAmounts(
                base=D("100.00"), cuota=D("21.00"), surcharge_cuota=D("5.20")
            ),
            operation_date=date(2025, 3, 1),
            recipient=Recipient(
                name="Kunde GmbH",
                foreign_id=ForeignId(id_type=IdType.NIF_IVA, value="DE123456789", country="DE"),
            ),
            lines=lines,
            cuota_total=compute_cuota_total(lines),
            importe_total=compute_importe_total(lines),
            previous=previous_link,
            external_ref="order-8812",
            correction=True,
            previously_rejected=True,
        )
    )


def test_first_agency_record_is_a_valid_registro_alta(
    agency_chain: list[Record], validate: Validate
) -> None:
    # given the agency's first record / when written as XML
    first = agency_chain[0]
    assert isinstance(first, RegistroAlta)
    element = registro_alta_element(first)
    # then the schema accepts it, and it opens the chain
    validate(element, INFO)
    assert text(element, "sf:Encadenamiento/sf:PrimerRegistro") == "S"
    assert text(element, "sf:Huella") == first.fingerprint
    assert text(element, "sf:TipoHuella") == "01"
    assert text(element, "sf:CuotaTotal") == "12.35"


def test_an_alta_with_every_optional_part_is_valid(
    full_alta: RegistroAlta, validate: Validate
) -> None:
    element = registro_alta_element(full_alta)
    validate(element, INFO)
    assert text(element, "sf:RefExterna") == "order-8812"
    assert text(element, "sf:Subsanacion") == "S"
    assert text(element, "sf:TipoRectificativa") == "S"
    assert text(element, "sf:ImporteRectificacion/sf:CuotaRecargoRectificado") == "5.20"
    assert text(element, "sf:Destinatarios/sf:IDDestinatario/sf:IDOtro/sf:IDType") == "02"
    details = element.findall("sf:Desglose/sf:DetalleDesglose", NS)
    assert len(details) == 6
    assert text(details[0], "sf:TipoImpositivo") == "21.00"
    assert text(details[0], "sf:TipoRecargoEquivalencia") == "5.20"
    assert text(details[3], "sf:OperacionExenta") == "E5"
    assert details[3].find("sf:CuotaRepercutida", NS) is None
    assert details[5].find("sf:ClaveRegimen", NS) is None
    assert text(element, "sf:Encadenamiento/sf:RegistroAnterior/sf:Huella") == "A" * 64


def test_a_cancellation_is_a_valid_registro_anulacion(
    agency_chain: list[Record], validate: Validate
) -> None:
    cancellation = agency_chain[2]
    assert isinstance(cancellation, RegistroAnulacion)
    element = registro_anulacion_element(cancellation)
    validate(element, INFO)
    assert text(element, "sf:IDFactura/sf:NumSerieFacturaAnulada") == "12345679/G34"
    assert text(element, "sf:FechaHoraHusoGenRegistro") == "2024-01-01T19:20:40+01:00"


def test_a_cancellation_without_prior_record_is_valid(
    agency_chain: list[Record], validate: Validate
) -> None:
    cancellation = agency_chain[2]
    assert isinstance(cancellation, RegistroAnulacion)
    element = registro_element(
        seal(replace(cancellation, no_prior_record=True, external_ref="void-1"))
    )
    validate(element, INFO)
    assert text(element, "sf:SinRegistroPrevio") == "S"


def test_a_huge_invoice_is_flagged_as_macrodato(
    make_alta: Callable[..., RegistroAlta], validate: Validate
) -> None:
    line = BreakdownLine(base=D("100000000.00"), rate=D("21"), cuota=D("21000000.00"))
    record = seal(
        make_alta(lines=(line,), cuota_total=D("21000000.00"), importe_total=D("121000000.00"))
    )
    element = registro_alta_element(record)
    validate(element, INFO)
    assert text(element, "sf:Macrodato") == "S"


def test_the_agency_recomputes_our_fingerprint_from_the_xml(
    agency_chain: list[Record], full_alta: RegistroAlta
) -> None:
    # given the XML of each record, read back as the agency reads it
    for record in [*agency_chain, full_alta]:
        element = etree.fromstring(to_bytes(registro_element(record)))
        if isinstance(record, RegistroAlta):
            names = [
                ("IDEmisorFactura", "sf:IDFactura/sf:IDEmisorFactura"),
                ("NumSerieFactura", "sf:IDFactura/sf:NumSerieFactura"),
                ("FechaExpedicionFactura", "sf:IDFactura/sf:FechaExpedicionFactura"),
                ("TipoFactura", "sf:TipoFactura"),
                ("CuotaTotal", "sf:CuotaTotal"),
                ("ImporteTotal", "sf:ImporteTotal"),
            ]
        else:
            names = [
                ("IDEmisorFacturaAnulada", "sf:IDFactura/sf:IDEmisorFacturaAnulada"),
                ("NumSerieFacturaAnulada", "sf:IDFactura/sf:NumSerieFacturaAnulada"),
                ("FechaExpedicionFacturaAnulada", "sf:IDFactura/sf:FechaExpedicionFacturaAnulada"),
            ]
        pairs = [(name, text(element, path)) for name, path in names]
        previous = element.findtext("sf:Encadenamiento/sf:RegistroAnterior/sf:Huella", "", NS)
        pairs.append(("Huella", previous))
        pairs.append(("FechaHoraHusoGenRegistro", text(element, "sf:FechaHoraHusoGenRegistro")))
        # when the fingerprint is computed from the XML text alone
        # then it is the one the record carries
        assert sha256_upper(fingerprint_input(pairs)) == text(element, "sf:Huella")


def test_a_submission_of_the_agency_chain_is_valid(
    agency_chain: list[Record], validate: Validate
) -> None:
    element = submission_element(OBLIGADO, agency_chain)
    validate(element, LR)
    assert text(element, "lr:Cabecera/sf:ObligadoEmision/sf:NIF") == "89890001K"
    kinds = [etree.QName(child[0]).localname for child in element.findall("lr:RegistroFactura", NS)]
    assert kinds == ["RegistroAlta", "RegistroAlta", "RegistroAnulacion"]


def test_a_submission_of_1000_records_is_valid(
    agency_chain: list[Record], validate: Validate
) -> None:
    first = agency_chain[0]
    assert isinstance(first, RegistroAlta)
    records: list[Record] = [first]
    for index in range(1, 1000):
        before = records[-1]
        records.append(
            seal(
                replace(
                    first,
                    number=f"G33/{index}",
                    previous=before.link(),
                    generated_at=first.generated_at + timedelta(seconds=index),
                )
            )
        )
    validate(submission_element(OBLIGADO, records), LR)
    with pytest.raises(ValueError, match="1 to 1000"):
        submission_element(OBLIGADO, [*records, records[-1]])
    with pytest.raises(ValueError, match="1 to 1000"):
        submission_element(OBLIGADO, [])


def test_a_submission_holds_one_taxpayer_only(
    agency_chain: list[Record], full_alta: RegistroAlta
) -> None:
    with pytest.raises(ValueError, match="not issued by 89890001K"):
        submission_element(OBLIGADO, [*agency_chain, full_alta])


def test_the_soap_request_wraps_a_valid_submission(
    agency_chain: list[Record], validate: Validate
) -> None:
    # given the bytes that go on the wire
    body = submission_request(OBLIGADO, agency_chain)
    assert body.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    # when read back
    envelope = etree.fromstring(body, etree.XMLParser(no_network=True, resolve_entities=False))
    # then it is a SOAP 1.1 envelope with an empty header and the submission as the body
    assert envelope.tag == f"{{{NS_SOAP_ENVELOPE}}}Envelope"
    assert [child.tag for child in envelope] == [
        f"{{{NS_SOAP_ENVELOPE}}}Header",
        f"{{{NS_SOAP_ENVELOPE}}}Body",
    ]
    assert len(envelope[0]) == 0
    (submission,) = envelope[1]
    validate(submission, LR)
    assert soap_envelope(etree.Element("x")).find("env:Body/x", NS) is not None


def test_an_unsealed_or_tampered_record_is_never_written(
    agency_chain: list[Record], make_alta: Callable[..., RegistroAlta]
) -> None:
    with pytest.raises(ValueError, match="seal"):
        registro_alta_element(make_alta())
    first = agency_chain[0]
    assert isinstance(first, RegistroAlta)
    with pytest.raises(ValueError, match="does not match"):
        registro_alta_element(replace(first, importe_total=D("123.46")))
    with pytest.raises(ValueError, match="does not match"):
        registro_element(
            replace(
                agency_chain[2], generated_at=datetime(2024, 1, 2, tzinfo=first.generated_at.tzinfo)
            )
        )


def test_the_schemas_really_check(
    agency_chain: list[Record], load_schema: Callable[[str], Any]
) -> None:
    # given a valid record with its fingerprint removed
    element = registro_element(agency_chain[0])
    element.remove(element.find("sf:Huella", NS))
    # then the schema refuses it, so the other tests' passes mean something
    assert not load_schema(INFO).validate(element)


def test_the_signature_schema_is_never_fetched_from_the_network(xsd_dir: Any) -> None:
    # given the agency's schema parsed without the local resolver and with the network off
    parser = etree.XMLParser(no_network=True, load_dtd=False, resolve_entities=False)
    document = etree.parse(str(xsd_dir / INFO), parser)
    # then it cannot load: the xmldsig import really comes from our local copy
    assert XMLDSIG_SCHEMA_URL in etree.tostring(document).decode()
    with pytest.raises(etree.XMLSchemaParseError):
        etree.XMLSchema(document)
