"""Every VERI*FACTU code, host, namespace and limit, in one place.

The agency revises its documents (QR spec, validations, schemas) a few times a year. Keeping
every value it dictates here makes a revision a one-module change, and keeps the other modules
free of magic strings. Values follow ``SuministroInformacion.xsd`` / ``RespuestaSuministro.xsd``
(v1.0) and the agency's error list (``errores.properties``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

# --- Hosts and endpoints --------------------------------------------------------------------------

QR_URL_PRODUCTION = "https://www2.agenciatributaria.gob.es/wlpl/TIKE-CONT/ValidarQR"
QR_URL_TEST = "https://prewww2.aeat.es/wlpl/TIKE-CONT/ValidarQR"

_SOAP_PATH = "/wlpl/TIKE-CONT/ws/SistemaFacturacion/VerifactuSOAP"
SOAP_ENDPOINT_PRODUCTION = "https://www1.agenciatributaria.gob.es" + _SOAP_PATH
SOAP_ENDPOINT_TEST = "https://prewww1.aeat.es" + _SOAP_PATH
# Hosts for a company seal certificate ("certificado de sello"), as in SistemaFacturacion.wsdl.
SOAP_ENDPOINT_PRODUCTION_SEAL = "https://www10.agenciatributaria.gob.es" + _SOAP_PATH
SOAP_ENDPOINT_TEST_SEAL = "https://prewww10.aeat.es" + _SOAP_PATH

# --- XML namespaces and fixed values --------------------------------------------------------------

_AEAT_WS = (
    "https://www2.agenciatributaria.gob.es/static_files/common/internet/dep/aplicaciones/es/aeat/"
    "tike/cont/ws/"
)
NS_SUMINISTRO_LR = _AEAT_WS + "SuministroLR.xsd"
NS_SUMINISTRO_INFORMACION = _AEAT_WS + "SuministroInformacion.xsd"
NS_RESPUESTA_SUMINISTRO = _AEAT_WS + "RespuestaSuministro.xsd"
NS_SOAP_ENVELOPE = "http://schemas.xmlsoap.org/soap/envelope/"
# The agency's schemas import the W3C signature schema by this absolute URL; offline validation
# must map it to a local copy.
XMLDSIG_SCHEMA_URL = "http://www.w3.org/TR/xmldsig-core/xmldsig-core-schema.xsd"

ID_VERSION = "1.0"  # IDVersion: the only version the schema accepts
TIPO_HUELLA_SHA256 = "01"  # TipoHuella: SHA-256

# --- Limits ---------------------------------------------------------------------------------------

MAX_RECORDS_PER_SUBMISSION = 1000
DEFAULT_WAIT_SECONDS = 60  # TiempoEsperaEnvio before the first answer (Orden HAC/1177/2024)
MAX_BREAKDOWN_LINES = 12  # DetalleDesglose per record
MAX_LINKED_INVOICES = 1000  # IDFacturaRectificada / IDFacturaSustituida per record
SIMPLIFIED_INVOICE_MAX_TOTAL = Decimal("3000.00")  # F2: Σ (base + VAT), validation 1150
MACRODATO_THRESHOLD = Decimal("100000000.00")  # |ImporteTotal| from here needs Macrodato=S
ISSUING_TIME_ZONES = ("Europe/Madrid", "Atlantic/Canary")

# --- Invoice types --------------------------------------------------------------------------------


class TipoFactura(StrEnum):
    """``TipoFactura``: what kind of invoice the record registers."""

    F1 = "F1"
    F2 = "F2"
    F3 = "F3"
    R1 = "R1"
    R2 = "R2"
    R3 = "R3"
    R4 = "R4"
    R5 = "R5"

    @property
    def description(self) -> str:
        return TIPO_FACTURA_DESCRIPTIONS[self]

    @property
    def is_rectificative(self) -> bool:
        return self in RECTIFICATIVE_TYPES


TIPO_FACTURA_DESCRIPTIONS: Mapping[TipoFactura, str] = MappingProxyType(
    {
        TipoFactura.F1: "Factura (art. 6, 7.2 y 7.3 del RD 1619/2012)",
        TipoFactura.F2: "Factura simplificada y factura sin identificación del destinatario "
        "(art. 6.1.d RD 1619/2012)",
        TipoFactura.F3: "Factura emitida en sustitución de facturas simplificadas facturadas y "
        "declaradas",
        TipoFactura.R1: "Factura rectificativa (error fundado en derecho y art. 80 Uno, Dos y "
        "Seis LIVA)",
        TipoFactura.R2: "Factura rectificativa (art. 80.3 LIVA: concurso del destinatario)",
        TipoFactura.R3: "Factura rectificativa (art. 80.4 LIVA: créditos incobrables)",
        TipoFactura.R4: "Factura rectificativa (resto de causas)",
        TipoFactura.R5: "Factura rectificativa en facturas simplificadas",
    }
)
RECTIFICATIVE_TYPES = frozenset(
    {TipoFactura.R1, TipoFactura.R2, TipoFactura.R3, TipoFactura.R4, TipoFactura.R5}
)
# Recipients are mandatory for these types and forbidden for the others (F2, R5).
TYPES_WITH_RECIPIENT = frozenset(
    {TipoFactura.F1, TipoFactura.F3, TipoFactura.R1, TipoFactura.R2, TipoFactura.R3, TipoFactura.R4}
)


class TipoRectificativa(StrEnum):
    """``TipoRectificativa``: S carries the corrected full amounts, I only the differences."""

    SUSTITUCION = "S"
    DIFERENCIAS = "I"


# --- Tax breakdown --------------------------------------------------------------------------------


class Impuesto(StrEnum):
    """``Impuesto``. IRPF withholding has no code: it is never part of a record."""

    IVA = "01"
    IPSI = "02"
    IGIC = "03"
    OTROS = "05"


class ClaveRegimen(StrEnum):
    """``ClaveRegimen`` (list L8A of the agency), the values the schema accepts."""

    GENERAL = "01"
    EXPORTACION = "02"
    BIENES_USADOS = "03"
    ORO_INVERSION = "04"
    AGENCIAS_VIAJES = "05"
    GRUPO_ENTIDADES = "06"
    CRITERIO_CAJA = "07"
    IPSI_IGIC = "08"
    AGENCIAS_VIAJES_MEDIADORAS = "09"
    COBROS_TERCEROS = "10"
    ARRENDAMIENTO_LOCAL = "11"
    OBRA_PUBLICA_PENDIENTE_DEVENGO = "14"
    TRACTO_SUCESIVO_PENDIENTE_DEVENGO = "15"
    OSS_IOSS = "17"
    RECARGO_EQUIVALENCIA = "18"
    AGRICULTURA_GANADERIA_PESCA = "19"
    SIMPLIFICADO = "20"
    CLAVE_21 = "21"  # in the schema; its meaning is in the agency's current L8A list


class CalificacionOperacion(StrEnum):
    """``CalificacionOperacion``: subject (S1, S2 reverse charge) or not subject (N1, N2)."""

    S1 = "S1"
    S2 = "S2"
    N1 = "N1"
    N2 = "N2"


CALIFICACION_DESCRIPTIONS: Mapping[CalificacionOperacion, str] = MappingProxyType(
    {
        CalificacionOperacion.S1: "Sujeta y no exenta, sin inversión del sujeto pasivo",
        CalificacionOperacion.S2: "Sujeta y no exenta, con inversión del sujeto pasivo",
        CalificacionOperacion.N1: "No sujeta (art. 7, 14 y otros)",
        CalificacionOperacion.N2: "No sujeta por reglas de localización",
    }
)


class OperacionExenta(StrEnum):
    """``OperacionExenta``: an exempt line carries one of these instead of a calificación.

    The v1.0 schema also lists E7 and E8; they are left out until we issue such operations.
    """

    E1 = "E1"
    E2 = "E2"
    E3 = "E3"
    E4 = "E4"
    E5 = "E5"
    E6 = "E6"


EXENCION_DESCRIPTIONS: Mapping[OperacionExenta, str] = MappingProxyType(
    {
        OperacionExenta.E1: "Exenta por el artículo 20 LIVA",
        OperacionExenta.E2: "Exenta por el artículo 21 LIVA",
        OperacionExenta.E3: "Exenta por el artículo 22 LIVA",
        OperacionExenta.E4: "Exenta por los artículos 23 y 24 LIVA",
        OperacionExenta.E5: "Exenta por el artículo 25 LIVA",
        OperacionExenta.E6: "Exenta por otros",
    }
)

# IVA rates valid with S1 today, and the historic ones with the (inclusive) window of the
# operation date in which the agency still accepts them.
IVA_RATES = frozenset({Decimal("0"), Decimal("4"), Decimal("10"), Decimal("21")})
HISTORIC_IVA_RATES: Mapping[Decimal, tuple[date, date]] = MappingProxyType(
    {
        Decimal("5"): (date(2022, 7, 1), date(2024, 9, 30)),
        Decimal("2"): (date(2024, 10, 1), date(2024, 12, 31)),
        Decimal("7.5"): (date(2024, 10, 1), date(2024, 12, 31)),
    }
)

# Equivalence surcharge allowed for each IVA rate (1.75 is tobacco), validations 1162-1164.
EQUIVALENCE_SURCHARGE_RATES: Mapping[Decimal, frozenset[Decimal]] = MappingProxyType(
    {
        Decimal("21"): frozenset({Decimal("5.2"), Decimal("1.75")}),
        Decimal("10"): frozenset({Decimal("1.4")}),
        Decimal("4"): frozenset({Decimal("0.5")}),
    }
)
# Historic pairs, validations 1165-1169: (IVA rate, surcharge rate) -> window of the operation.
HISTORIC_EQUIVALENCE_SURCHARGE_RATES: Mapping[tuple[Decimal, Decimal], tuple[date, date]] = (
    MappingProxyType(
        {
            (Decimal("0"), Decimal("0")): (date(2023, 1, 1), date(2024, 9, 30)),
            (Decimal("5"), Decimal("0.5")): (date(2022, 7, 1), date(2022, 12, 31)),
            (Decimal("5"), Decimal("0.62")): (date(2023, 1, 1), date(2024, 9, 30)),
            (Decimal("2"), Decimal("0.26")): (date(2024, 10, 1), date(2024, 12, 31)),
            (Decimal("7.5"), Decimal("1")): (date(2024, 10, 1), date(2024, 12, 31)),
        }
    )
)


def is_valid_iva_rate(rate: Decimal, operation_date: date) -> bool:
    """Whether the agency accepts ``rate`` for an S1 IVA line of an operation on that date."""
    if rate in IVA_RATES:
        return True
    window = HISTORIC_IVA_RATES.get(rate)
    return window is not None and window[0] <= operation_date <= window[1]


def is_valid_surcharge_rate(
    iva_rate: Decimal, surcharge_rate: Decimal, operation_date: date
) -> bool:
    """Whether the equivalence surcharge ``surcharge_rate`` may go with ``iva_rate``."""
    if surcharge_rate in EQUIVALENCE_SURCHARGE_RATES.get(iva_rate, frozenset()):
        return True
    window = HISTORIC_EQUIVALENCE_SURCHARGE_RATES.get((iva_rate, surcharge_rate))
    return window is not None and window[0] <= operation_date <= window[1]


# --- Parties --------------------------------------------------------------------------------------


class IdType(StrEnum):
    """``IDType`` of a foreign identifier (``IDOtro``). Spanish NIFs go in ``NIF`` instead."""

    NIF_IVA = "02"
    PASAPORTE = "03"
    ID_PAIS_RESIDENCIA = "04"
    CERTIFICADO_RESIDENCIA = "05"
    OTRO_DOCUMENTO = "06"
    NO_CENSADO = "07"


# --- Answers --------------------------------------------------------------------------------------


class TipoOperacion(StrEnum):
    """``TipoOperacion``: which kind of record an answer line is about."""

    ALTA = "Alta"
    ANULACION = "Anulacion"


class EstadoEnvio(StrEnum):
    """``EstadoEnvio``: the outcome of a whole submission."""

    CORRECTO = "Correcto"
    PARCIALMENTE_CORRECTO = "ParcialmenteCorrecto"
    INCORRECTO = "Incorrecto"


class EstadoRegistro(StrEnum):
    """``EstadoRegistro``: the outcome of one record."""

    CORRECTO = "Correcto"
    ACEPTADO_CON_ERRORES = "AceptadoConErrores"
    INCORRECTO = "Incorrecto"


class EstadoRegistroDuplicado(StrEnum):
    """``EstadoRegistroDuplicado``: the state of the record the agency already holds."""

    CORRECTA = "Correcta"
    ACEPTADA_CON_ERRORES = "AceptadaConErrores"
    ANULADA = "Anulada"


# A resend after a lost answer: the agency already holds the record. 3000 answers a repeated
# registration; 3001 answers a repeated cancellation ("ya ha sido dado de baja").
ERROR_DUPLICATE_RECORD = 3000
ERROR_ALREADY_CANCELLED = 3001
DUPLICATE_ERROR_CODES: Mapping[TipoOperacion, frozenset[int]] = MappingProxyType(
    {
        TipoOperacion.ALTA: frozenset({ERROR_DUPLICATE_RECORD}),
        TipoOperacion.ANULACION: frozenset({ERROR_ALREADY_CANCELLED}),
    }
)
ERROR_WRONG_FINGERPRINT = 2000  # accepted with errors: the fingerprint does not compute
