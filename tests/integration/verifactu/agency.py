"""A small stand-in for the agency's VERI*FACTU SOAP service, on loopback, over mutual TLS.

It does what the outbox depends on: refuses a client without a certificate of its CA,
validates each request against the agency's SuministroLR.xsd, holds what it accepts (keyed by
operation and invoice identity, as the agency does) and answers a resend with "duplicate".
Tests script its misbehaviour request by request: drop the connection, stall past the
client's timeout, accept and then lose the answer, answer a server fault, or answer slowly.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from enum import StrEnum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from xml.sax.saxutils import escape

from lxml import etree

from invoicegraph.domain.verifactu.codes import (
    NS_RESPUESTA_SUMINISTRO,
    NS_SOAP_ENVELOPE,
    NS_SUMINISTRO_INFORMACION,
    NS_SUMINISTRO_LR,
)

from .pki import Pki

Key = tuple[str, str, str, str]  # operation, issuer NIF, number, issue date (dd-mm-yyyy)
_NS = {"env": NS_SOAP_ENVELOPE, "sum": NS_SUMINISTRO_LR, "sf": NS_SUMINISTRO_INFORMACION}


class Behaviour(StrEnum):
    ANSWER = "answer"  # process and answer
    DROP = "drop"  # close the connection, processing nothing
    STALL = "stall"  # process nothing, say nothing until long after the client gave up
    LOSE = "lose"  # process, then close the connection: the answer is lost
    FAULT = "fault"  # a SOAP server fault, processing nothing
    SLOW = "slow"  # process, then answer only once ``release`` is set


@dataclass
class Received:
    path: str
    issuer: str
    keys: list[Key]
    client: str
    started: float
    finished: float = 0.0


@dataclass
class FakeAgency:
    pki: Pki
    schema: Any
    wait_seconds: int = 0
    stall_seconds: float = 3.0
    script: deque[Behaviour] = field(default_factory=deque)
    reject: set[str] = field(default_factory=set)  # invoice numbers refused (error 1100)
    with_errors: set[str] = field(default_factory=set)  # accepted with errors (2000)
    held: dict[Key, str] = field(default_factory=dict)
    acceptances: Counter[Key] = field(default_factory=Counter)
    requests: list[Received] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"https://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeAgency:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.pki.server_cert, self.pki.server_key)
        context.load_verify_locations(self.pki.ca)
        context.verify_mode = ssl.CERT_REQUIRED  # mutual TLS, like the agency
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.socket = context.wrap_socket(server.socket, server_side=True)
        server.agency = self  # type: ignore[attr-defined]
        self._server = server
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def accepted_once(self) -> bool:
        return all(count == 1 for count in self.acceptances.values())

    # --- one request -----------------------------------------------------------------------

    def handle(self, path: str, body: bytes, client: str) -> bytes | None:
        """The answer to send, or ``None`` to close the connection without one."""
        with self._lock:
            behaviour = self.script.popleft() if self.script else Behaviour.ANSWER
        try:
            request = _submission(body)
            with self._lock:  # one schema object: its error log is not thread-safe
                self.schema.assertValid(request)
        except (etree.XMLSyntaxError, etree.DocumentInvalid, ValueError) as exc:
            self.invalid.append(str(exc))
            return _fault("env:Client", f"Codigo[4102].El XML no cumple el esquema: {exc}")
        issuer = str(request.findtext("sum:Cabecera/sf:ObligadoEmision/sf:NIF", namespaces=_NS))
        name = str(
            request.findtext("sum:Cabecera/sf:ObligadoEmision/sf:NombreRazon", namespaces=_NS)
        )
        keys = [_key(element) for element in request.iterfind("sum:RegistroFactura/*", _NS)]
        received = Received(path, issuer, keys, client, time.monotonic())
        with self._lock:
            self.requests.append(received)
        try:
            if behaviour is Behaviour.DROP:
                return None
            if behaviour is Behaviour.STALL:
                time.sleep(self.stall_seconds)
                return None
            if behaviour is Behaviour.FAULT:
                return _fault("env:Server", "Servicio no disponible temporalmente")
            with self._lock:
                answer = self._process(keys, name, issuer)
            if behaviour is Behaviour.LOSE:
                return None
            if behaviour is Behaviour.SLOW:
                self.release.wait(timeout=30)
            return answer
        finally:
            received.finished = time.monotonic()

    def _process(self, keys: list[Key], name: str, issuer: str) -> bytes:
        lines: list[str] = []
        states: list[str] = []
        for key in keys:
            operation, _, number, _ = key
            if key in self.held:
                code = 3000 if operation == "Alta" else 3001
                held = self.held[key]
                lines.append(
                    _line(key, "Incorrecto", code, "Registro de facturación duplicado.", held)
                )
                states.append("Incorrecto")
            elif number in self.reject:
                lines.append(_line(key, "Incorrecto", 1100, "Valor o tipo incorrecto."))
                states.append("Incorrecto")
            elif number in self.with_errors:
                self.held[key] = "AceptadaConErrores"
                self.acceptances[key] += 1
                lines.append(_line(key, "AceptadoConErrores", 2000, "Huella incorrecta."))
                states.append("Correcto")
            else:
                self.held[key] = "Correcta"
                self.acceptances[key] += 1
                lines.append(_line(key, "Correcto"))
                states.append("Correcto")
        status = (
            "Correcto"
            if all(s == "Correcto" for s in states)
            else "Incorrecto"
            if all(s == "Incorrecto" for s in states)
            else "ParcialmenteCorrecto"
        )
        header = (
            "<tikR:Cabecera><tik:ObligadoEmision>"
            f"<tik:NombreRazon>{escape(name)}</tik:NombreRazon><tik:NIF>{issuer}</tik:NIF>"
            "</tik:ObligadoEmision></tikR:Cabecera>"
        )
        csv = "Correcto" in states
        return _answer(status, header, "".join(lines), self.wait_seconds, csv)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        agency: FakeAgency = self.server.agency  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        peer = self.connection.getpeercert() or {}  # type: ignore[attr-defined]
        subject = dict(item[0] for item in peer.get("subject", ()))
        answer = agency.handle(self.path, body, str(subject.get("commonName", "")))
        if answer is None:
            self.close_connection = True
            return
        self.send_response(500 if b"Fault>" in answer else 200)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        try:
            self.wfile.write(answer)
        except OSError:
            self.close_connection = True  # the client gave up first

    def log_message(self, format: str, *args: Any) -> None:
        return


def _submission(body: bytes) -> Any:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    envelope = etree.fromstring(body, parser)
    found = envelope.find("env:Body/sum:RegFactuSistemaFacturacion", _NS)
    if found is None:
        raise ValueError("no RegFactuSistemaFacturacion in the body")
    return found


def _key(record: Any) -> Key:
    if etree.QName(record).localname == "RegistroAlta":
        base = "sf:IDFactura/sf:"
        names = ("IDEmisorFactura", "NumSerieFactura", "FechaExpedicionFactura")
        return ("Alta", *(str(record.findtext(base + n, namespaces=_NS)) for n in names))  # type: ignore[return-value]
    names = ("IDEmisorFacturaAnulada", "NumSerieFacturaAnulada", "FechaExpedicionFacturaAnulada")
    base = "sf:IDFactura/sf:"
    return ("Anulacion", *(str(record.findtext(base + n, namespaces=_NS)) for n in names))  # type: ignore[return-value]


_sequence = iter(range(10**9))


def _line(key: Key, state: str, code: int | None = None, text: str = "", held: str = "") -> str:
    operation, nif, number, issued = key
    error = (
        f"<tikR:CodigoErrorRegistro>{code}</tikR:CodigoErrorRegistro>"
        f"<tikR:DescripcionErrorRegistro>{text}</tikR:DescripcionErrorRegistro>"
        if code is not None
        else ""
    )
    duplicate = (
        "<tikR:RegistroDuplicado>"
        f"<tik:IdPeticionRegistroDuplicado>{next(_sequence):018d}</tik:IdPeticionRegistroDuplicado>"
        f"<tik:EstadoRegistroDuplicado>{held}</tik:EstadoRegistroDuplicado>"
        "</tikR:RegistroDuplicado>"
        if held
        else ""
    )
    return (
        f"<tikR:RespuestaLinea><tikR:IDFactura><tik:IDEmisorFactura>{nif}</tik:IDEmisorFactura>"
        f"<tik:NumSerieFactura>{number}</tik:NumSerieFactura>"
        f"<tik:FechaExpedicionFactura>{issued}</tik:FechaExpedicionFactura></tikR:IDFactura>"
        f"<tikR:Operacion><tik:TipoOperacion>{operation}</tik:TipoOperacion></tikR:Operacion>"
        f"<tikR:EstadoRegistro>{state}</tikR:EstadoRegistro>{error}{duplicate}"
        "</tikR:RespuestaLinea>"
    )


def _answer(status: str, header: str, lines: str, wait: int, with_csv: bool) -> bytes:
    csv = "<tikR:CSV>A-TESTCSV0001</tikR:CSV>" if with_csv else ""
    sf = NS_SUMINISTRO_INFORMACION
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<env:Envelope xmlns:env="{NS_SOAP_ENVELOPE}"><env:Header/><env:Body>'
        f'<tikR:RespuestaRegFactuSistemaFacturacion xmlns:tikR="{NS_RESPUESTA_SUMINISTRO}" '
        f'xmlns:tik="{sf}">{csv}{header}'
        f"<tikR:TiempoEsperaEnvio>{wait}</tikR:TiempoEsperaEnvio>"
        f"<tikR:EstadoEnvio>{status}</tikR:EstadoEnvio>{lines}"
        "</tikR:RespuestaRegFactuSistemaFacturacion></env:Body></env:Envelope>"
    ).encode()


def _fault(code: str, message: str) -> bytes:
    return (
        f'<env:Envelope xmlns:env="{NS_SOAP_ENVELOPE}"><env:Body><env:Fault>'
        f"<faultcode>{code}</faultcode><faultstring>{escape(message)}</faultstring>"
        "</env:Fault></env:Body></env:Envelope>"
    ).encode()
