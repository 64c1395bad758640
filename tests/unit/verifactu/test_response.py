"""Reading the agency's answers: accepted, accepted with errors, rejected, duplicate, fault.

The sample answers follow the agency's style (``env``/``tikR``/``tik`` prefixes, the Cabecera
echoed back) and each one is validated against RespuestaSuministro.xsd, so they are answers the
agency could really send.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from lxml import etree

from invoicegraph.domain.verifactu.codes import (
    NS_RESPUESTA_SUMINISTRO,
    NS_SOAP_ENVELOPE,
    EstadoEnvio,
    EstadoRegistro,
    EstadoRegistroDuplicado,
    TipoOperacion,
)
from invoicegraph.domain.verifactu.records import InvoiceId
from invoicegraph.domain.verifactu.response import (
    AgencyFault,
    RecordOutcome,
    UnexpectedAnswer,
    parse_soap_fault,
    parse_submission_response,
)

R = NS_RESPUESTA_SUMINISTRO
SF = R.replace("RespuestaSuministro.xsd", "SuministroInformacion.xsd")
Validate = Callable[[Any, str], None]


def answer(status: str, lines: str, *, csv: bool = True, wait: int = 60) -> bytes:
    presented = (
        "<tikR:CSV>A-Y23JP3582934</tikR:CSV><tikR:DatosPresentacion>"
        "<tik:NIFPresentador>89890001K</tik:NIFPresentador>"
        "<tik:TimestampPresentacion>2024-01-01T19:21:03+01:00</tik:TimestampPresentacion>"
        "</tikR:DatosPresentacion>"
        if csv
        else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<env:Envelope xmlns:env="{NS_SOAP_ENVELOPE}"><env:Header/><env:Body Id="Body">'
        f'<tikR:RespuestaRegFactuSistemaFacturacion xmlns:tikR="{R}" xmlns:tik="{SF}">'
        f"{presented}<tikR:Cabecera><tik:ObligadoEmision>"
        "<tik:NombreRazon>Empresa de ejemplo SL</tik:NombreRazon><tik:NIF>89890001K</tik:NIF>"
        "</tik:ObligadoEmision></tikR:Cabecera>"
        f"<tikR:TiempoEsperaEnvio>{wait}</tikR:TiempoEsperaEnvio>"
        f"<tikR:EstadoEnvio>{status}</tikR:EstadoEnvio>{lines}"
        "</tikR:RespuestaRegFactuSistemaFacturacion></env:Body></env:Envelope>"
    ).encode()


def line(number: str, state: str, extra: str = "", operation: str = "Alta") -> str:
    return (
        "<tikR:RespuestaLinea><tikR:IDFactura><tik:IDEmisorFactura>89890001K</tik:IDEmisorFactura>"
        f"<tik:NumSerieFactura>{number}</tik:NumSerieFactura>"
        "<tik:FechaExpedicionFactura>01-01-2024</tik:FechaExpedicionFactura></tikR:IDFactura>"
        f"<tikR:Operacion><tik:TipoOperacion>{operation}</tik:TipoOperacion></tikR:Operacion>"
        f"<tikR:EstadoRegistro>{state}</tikR:EstadoRegistro>{extra}</tikR:RespuestaLinea>"
    )


def error(code: int, message: str) -> str:
    return (
        f"<tikR:CodigoErrorRegistro>{code}</tikR:CodigoErrorRegistro>"
        f"<tikR:DescripcionErrorRegistro>{message}</tikR:DescripcionErrorRegistro>"
    )


ACCEPTED = answer("Correcto", line("12345678/G33", "Correcto") + line("12345679/G34", "Correcto"))
WITH_ERRORS = answer(
    "Correcto",
    line(
        "12345678/G33",
        "AceptadoConErrores",
        error(2000, "El cálculo de la huella suministrada es incorrecta."),
    ),
)
PARTLY_REJECTED = answer(
    "ParcialmenteCorrecto",
    line("12345678/G33", "Correcto")
    + line(
        "12345679/G34",
        "Incorrecto",
        error(1112, "El campo FechaExpedicionFactura es superior a la fecha actual."),
    ),
)
DUPLICATE = answer(
    "Incorrecto",
    line(
        "12345678/G33",
        "Incorrecto",
        error(3000, "Registro de facturación duplicado.") + "<tikR:RegistroDuplicado>"
        "<tik:IdPeticionRegistroDuplicado>202401011921030001</tik:IdPeticionRegistroDuplicado>"
        "<tik:EstadoRegistroDuplicado>Correcta</tik:EstadoRegistroDuplicado>"
        "</tikR:RegistroDuplicado>",
    ),
    csv=False,
)
DUPLICATE_WITH_ERRORS = DUPLICATE.replace(b">Correcta<", b">AceptadaConErrores<").replace(
    b"</tikR:RegistroDuplicado>",
    b"<tik:CodigoErrorRegistro>2000</tik:CodigoErrorRegistro></tikR:RegistroDuplicado>",
)
CANCELLED_TWICE = answer(
    "Incorrecto",
    line(
        "12345679/G34",
        "Incorrecto",
        error(3001, "El registro de facturación ya ha sido dado de baja."),
        operation="Anulacion",
    ),
    csv=False,
)
FAULT = (
    f'<env:Envelope xmlns:env="{NS_SOAP_ENVELOPE}"><env:Body><env:Fault>'
    "<faultcode>env:Client</faultcode>"
    "<faultstring>Codigo[4102].El XML no cumple el esquema. Falta informar campo obligatorio.:\n"
    "   Cabecera</faultstring><detail><callstack>WSExcepcion</callstack></detail>"
    "</env:Fault></env:Body></env:Envelope>"
).encode()
SERVER_FAULT = FAULT.replace(b"env:Client", b"env:Server").replace(b"Codigo[4102].", b"")


@pytest.mark.parametrize(
    "body",
    [ACCEPTED, WITH_ERRORS, PARTLY_REJECTED, DUPLICATE, DUPLICATE_WITH_ERRORS, CANCELLED_TWICE],
)
def test_the_sample_answers_are_valid_agency_answers(body: bytes, validate: Validate) -> None:
    envelope = etree.fromstring(body)
    validate(envelope[1][0], "RespuestaSuministro.xsd")


def test_an_accepted_submission() -> None:
    # when the agency accepts both records
    response = parse_submission_response(ACCEPTED)
    # then the submission and each record are accepted, with the CSV and the wait
    assert response.status is EstadoEnvio.CORRECTO
    assert response.wait_seconds == 60
    assert response.csv == "A-Y23JP3582934"
    assert response.presenter_nif == "89890001K"
    assert response.presented_at == datetime(
        2024, 1, 1, 19, 21, 3, tzinfo=timezone(timedelta(hours=1))
    )
    assert [record.outcome for record in response.records] == [RecordOutcome.ACCEPTED] * 2
    first = response.records[0]
    assert first.invoice == InvoiceId("89890001K", "12345678/G33", date(2024, 1, 1))
    assert first.operation is TipoOperacion.ALTA
    assert first.error_code is None and not first.is_duplicate


def test_a_wrong_fingerprint_is_accepted_with_errors() -> None:
    (record,) = parse_submission_response(WITH_ERRORS).records
    assert record.status is EstadoRegistro.ACEPTADO_CON_ERRORES
    assert record.outcome is RecordOutcome.ACCEPTED_WITH_ERRORS
    assert record.error_code == 2000
    assert record.error_description == "El cálculo de la huella suministrada es incorrecta."


def test_a_rejected_record_in_a_partly_correct_submission() -> None:
    response = parse_submission_response(PARTLY_REJECTED)
    assert response.status is EstadoEnvio.PARCIALMENTE_CORRECTO
    outcomes = [record.outcome for record in response.records]
    assert outcomes == [RecordOutcome.ACCEPTED, RecordOutcome.REJECTED]
    assert response.records[1].error_code == 1112
    assert not response.records[1].is_duplicate


def test_a_duplicate_after_a_lost_answer_is_reconciled_as_accepted() -> None:
    # given a resend of records the agency already accepted
    response = parse_submission_response(DUPLICATE)
    # then the agency calls the submission incorrect, without CSV...
    assert response.status is EstadoEnvio.INCORRECTO
    assert response.csv is None and response.presented_at is None
    (record,) = response.records
    assert record.status is EstadoRegistro.INCORRECTO
    # ...but the record is a duplicate of an accepted one, so it is accepted
    assert record.is_duplicate
    assert record.duplicate is not None
    assert record.duplicate.state is EstadoRegistroDuplicado.CORRECTA
    assert record.duplicate.request_id == "202401011921030001"
    assert record.outcome is RecordOutcome.ACCEPTED


def test_a_duplicate_keeps_the_errors_of_the_record_the_agency_holds() -> None:
    (record,) = parse_submission_response(DUPLICATE_WITH_ERRORS).records
    assert record.duplicate is not None and record.duplicate.error_code == 2000
    assert record.outcome is RecordOutcome.ACCEPTED_WITH_ERRORS


def test_a_resent_cancellation_is_reconciled_as_accepted() -> None:
    (record,) = parse_submission_response(CANCELLED_TWICE).records
    assert record.operation is TipoOperacion.ANULACION
    assert record.duplicate is None and record.is_duplicate
    assert record.outcome is RecordOutcome.ACCEPTED


def test_the_wait_defaults_to_60_seconds_and_follows_the_agency() -> None:
    assert parse_submission_response(answer("Correcto", "", wait=120)).wait_seconds == 120
    without = ACCEPTED.replace(b"<tikR:TiempoEsperaEnvio>60</tikR:TiempoEsperaEnvio>", b"")
    assert parse_submission_response(without).wait_seconds == 60


def test_a_client_fault_is_raised_and_not_retryable() -> None:
    with pytest.raises(AgencyFault) as caught:
        parse_submission_response(FAULT)
    fault = caught.value.fault
    assert fault.code == "env:Client"
    assert fault.agency_code == 4102
    assert fault.message.endswith("Falta informar campo obligatorio.: Cabecera")
    assert not fault.retryable


def test_a_server_fault_is_retryable() -> None:
    fault = parse_soap_fault(SERVER_FAULT)
    assert fault is not None
    assert fault.retryable and fault.agency_code is None


def test_an_answer_is_not_a_fault() -> None:
    assert parse_soap_fault(ACCEPTED) is None


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body>502 Bad Gateway</body></html>",
        b"not xml at all",
        ACCEPTED[:200],
        ACCEPTED.replace(b">Correcto</tikR:EstadoEnvio>", b">Regular</tikR:EstadoEnvio>"),
        ACCEPTED.replace(b"01-01-2024", b"2024-01-01", 1),
        ACCEPTED.replace(b"<tikR:TiempoEsperaEnvio>60", b"<tikR:TiempoEsperaEnvio>soon"),
    ],
)
def test_an_answer_we_cannot_read_is_unexpected(body: bytes) -> None:
    with pytest.raises(UnexpectedAnswer):
        parse_submission_response(body)


def test_an_answer_with_a_doctype_is_refused() -> None:
    body = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]>' + ACCEPTED[38:]
    with pytest.raises(UnexpectedAnswer, match="DOCTYPE"):
        parse_submission_response(body)
