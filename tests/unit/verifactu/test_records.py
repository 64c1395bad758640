"""The records' own rules: what the agency would reject never becomes a record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

import pytest

from invoicegraph import __version__
from invoicegraph.domain.errors import ValidationFailed
from invoicegraph.domain.verifactu.codes import (
    CalificacionOperacion,
    ClaveRegimen,
    IdType,
    OperacionExenta,
    TipoFactura,
    TipoRectificativa,
    is_valid_iva_rate,
    is_valid_surcharge_rate,
)
from invoicegraph.domain.verifactu.records import (
    BreakdownLine,
    ChainLink,
    ForeignId,
    InvoiceId,
    Recipient,
    RectifiedAmounts,
    RegistroAlta,
    SistemaInformatico,
    compute_cuota_total,
    compute_importe_total,
)

D = Decimal
MakeAlta = Callable[..., RegistroAlta]


def fields_of(caught: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [error.field for error in caught.value.fields]


def test_totals_add_vat_and_surcharge_but_never_irpf() -> None:
    # given lines at 21% with surcharge, 10%, exempt and not subject
    lines = [
        BreakdownLine(
            base=D("100.00"),
            clave_regimen=ClaveRegimen.RECARGO_EQUIVALENCIA,
            rate=D("21"),
            cuota=D("21.00"),
            surcharge_rate=D("5.2"),
            surcharge_cuota=D("5.20"),
        ),
        BreakdownLine(base=D("50.00"), rate=D("10"), cuota=D("5.00")),
        BreakdownLine(base=D("30.00"), calificacion=None, exencion=OperacionExenta.E1),
        BreakdownLine(base=D("20.00"), calificacion=CalificacionOperacion.N2),
    ]
    # then CuotaTotal is VAT + surcharge and ImporteTotal adds every base to it
    assert compute_cuota_total(lines) == D("31.20")
    assert compute_importe_total(lines) == D("231.20")


def test_negative_lines_of_a_rectification_by_differences_add_up() -> None:
    lines = [BreakdownLine(base=D("-100.00"), rate=D("21"), cuota=D("-21.00"))]
    assert compute_importe_total(lines) == D("-121.00")
    assert compute_cuota_total([]) == D("0.00")


def test_a_valid_record_knows_its_identity_and_link(make_alta: MakeAlta) -> None:
    record = make_alta(fingerprint="B" * 64)
    assert record.invoice_id == InvoiceId("B12345674", "F2025/0001", date(2025, 3, 14))
    assert record.link() == ChainLink("B12345674", "F2025/0001", date(2025, 3, 14), "B" * 64)
    assert record.is_first and record.totals_match_lines()


def test_the_system_defaults_describe_invoicegraph() -> None:
    system = SistemaInformatico(producer_name="Invoicegraph Labs SL", producer_nif="B00000000")
    assert (system.name, system.system_id, system.version) == ("invoicegraph", "IG", __version__)
    assert system.only_verifactu and system.multiple_taxpayers


def test_system_fields_respect_the_schema_lengths() -> None:
    with pytest.raises(ValidationFailed) as caught:
        SistemaInformatico(producer_name="X", producer_nif="B0", system_id="IGX")
    assert fields_of(caught) == ["producer_nif", "system_id"]


@pytest.mark.parametrize("kind", [TipoFactura.F1, TipoFactura.F3])
def test_a_full_invoice_needs_a_recipient(make_alta: MakeAlta, kind: TipoFactura) -> None:
    with pytest.raises(ValidationFailed) as caught:
        make_alta(invoice_type=kind, recipient=None)
    assert fields_of(caught) == ["recipient"]


def test_a_simplified_invoice_has_no_recipient(make_alta: MakeAlta) -> None:
    with pytest.raises(ValidationFailed) as caught:
        make_alta(invoice_type=TipoFactura.F2)
    assert fields_of(caught) == ["recipient"]
    assert make_alta(invoice_type=TipoFactura.F2, recipient=None).recipient is None


def test_a_simplified_invoice_is_at_most_3000(make_alta: MakeAlta) -> None:
    line = BreakdownLine(base=D("2500.00"), rate=D("21"), cuota=D("525.00"))
    with pytest.raises(ValidationFailed) as caught:
        make_alta(
            invoice_type=TipoFactura.F2,
            recipient=None,
            lines=(line,),
            cuota_total=D("525.00"),
            importe_total=D("3025.00"),
        )
    assert fields_of(caught) == ["lines"]


def test_a_rectificative_invoice_says_how_it_rectifies(make_alta: MakeAlta) -> None:
    original = InvoiceId("B12345674", "F2025/0001", date(2025, 3, 14))
    with pytest.raises(ValidationFailed) as caught:
        make_alta(invoice_type=TipoFactura.R1, number="R2025/0001", rectified=(original,))
    assert fields_of(caught) == ["rectification_type"]
    record = make_alta(
        invoice_type=TipoFactura.R1,
        number="R2025/0001",
        rectification_type=TipoRectificativa.DIFERENCIAS,
        rectified=(original,),
    )
    assert record.rectified == (original,)


def test_an_ordinary_invoice_rectifies_nothing(make_alta: MakeAlta) -> None:
    original = InvoiceId("B12345674", "F2025/0001", date(2025, 3, 14))
    with pytest.raises(ValidationFailed) as caught:
        make_alta(rectification_type=TipoRectificativa.DIFERENCIAS, rectified=(original,))
    assert fields_of(caught) == ["rectification_type", "rectified"]


def test_a_substitution_carries_the_rectified_amounts(make_alta: MakeAlta) -> None:
    with pytest.raises(ValidationFailed) as caught:
        make_alta(invoice_type=TipoFactura.R4, rectification_type=TipoRectificativa.SUSTITUCION)
    assert fields_of(caught) == ["rectified_amounts"]
    amounts = RectifiedAmounts(base=D("100.00"), cuota=D("21.00"))
    with pytest.raises(ValidationFailed) as caught:
        make_alta(
            invoice_type=TipoFactura.R4,
            rectification_type=TipoRectificativa.DIFERENCIAS,
            rectified_amounts=amounts,
        )
    assert fields_of(caught) == ["rectified_amounts"]


def test_only_an_f3_replaces_simplified_invoices(make_alta: MakeAlta) -> None:
    ticket = InvoiceId("B12345674", "T2025/0007", date(2025, 3, 1))
    with pytest.raises(ValidationFailed) as caught:
        make_alta(replaced=(ticket,))
    assert fields_of(caught) == ["replaced"]
    assert make_alta(invoice_type=TipoFactura.F3, replaced=(ticket,)).replaced == (ticket,)


def test_one_to_twelve_breakdown_lines(make_alta: MakeAlta) -> None:
    line = BreakdownLine(base=D("1.00"), rate=D("21"), cuota=D("0.21"))
    with pytest.raises(ValidationFailed):
        make_alta(lines=())
    with pytest.raises(ValidationFailed) as caught:
        make_alta(lines=(line,) * 13)
    assert fields_of(caught) == ["lines"]
    assert len(make_alta(lines=(line,) * 12).lines) == 12


def test_amounts_with_more_than_two_decimals_are_refused(make_alta: MakeAlta) -> None:
    with pytest.raises(ValidationFailed) as caught:
        make_alta(cuota_total=D("21.001"), importe_total=D("NaN"))
    assert fields_of(caught) == ["cuota_total", "importe_total"]


def test_a_naive_generation_time_is_refused(make_alta: MakeAlta) -> None:
    with pytest.raises(ValidationFailed) as caught:
        make_alta(generated_at=datetime(2025, 3, 14, 10, 0))
    assert fields_of(caught) == ["generated_at"]


def test_numbers_are_printable_ascii_up_to_60(make_alta: MakeAlta) -> None:
    for bad in ["", "F" * 61, "F1\u00a0", "Fé1"]:
        with pytest.raises(ValidationFailed) as caught:
            make_alta(number=bad)
        assert fields_of(caught) == ["number"]


def test_a_previous_link_carries_a_real_fingerprint(make_alta: MakeAlta) -> None:
    with pytest.raises(ValidationFailed) as caught:
        make_alta(previous=ChainLink("B12345674", "F1", date(2025, 1, 1), "abc"))
    assert fields_of(caught) == ["previous.fingerprint"]


def test_a_line_is_qualified_or_exempt_never_both() -> None:
    line = BreakdownLine(base=D("10.00"), rate=D("21"), cuota=D("2.10"))
    both = BreakdownLine(
        base=D("10.00"), calificacion=CalificacionOperacion.N1, exencion=OperacionExenta.E1
    )
    assert line.problems("l") == []
    messages = [error.message for error in both.problems("l")]
    assert messages == ["needs exactly one of calificacion or exencion"]


@pytest.mark.parametrize(
    "line",
    [
        BreakdownLine(base=D("10.00"), rate=D("21")),  # S1 without cuota
        BreakdownLine(
            base=D("10.00"), calificacion=CalificacionOperacion.S2, rate=D("21"), cuota=D("2.10")
        ),  # reverse charge with VAT
        BreakdownLine(
            base=D("10.00"), calificacion=None, exencion=OperacionExenta.E2, rate=D("0")
        ),  # exempt with a rate
        BreakdownLine(
            base=D("10.00"), rate=D("21"), cuota=D("2.10"), surcharge_rate=D("5.2")
        ),  # surcharge rate without its cuota
        BreakdownLine(
            base=D("10.00"),
            rate=D("21"),
            cuota=D("2.10"),
            surcharge_rate=D("5.2"),
            surcharge_cuota=D("0.52"),
        ),  # surcharge outside regime 18
        BreakdownLine(
            base=D("10.00"),
            clave_regimen=ClaveRegimen.RECARGO_EQUIVALENCIA,
            rate=D("21"),
            cuota=D("2.10"),
        ),  # regime 18 without surcharge
        BreakdownLine(base=D("10.00"), rate=D("-21"), cuota=D("2.10")),  # negative rate
        BreakdownLine(
            base=D("10.00"), clave_regimen=None, rate=D("21"), cuota=D("2.10")
        ),  # IVA without regime
    ],
)
def test_lines_the_agency_would_reject(line: BreakdownLine) -> None:
    assert line.problems("lines.0")


def test_recipient_by_nif_or_foreign_id() -> None:
    assert Recipient(name="Kunde GmbH", foreign_id=ForeignId(id_type=IdType.NIF_IVA, value="DE1"))
    with pytest.raises(ValidationFailed):
        Recipient(name="Nadie")
    with pytest.raises(ValidationFailed):
        Recipient(
            name="Dos", nif="A58818501", foreign_id=ForeignId(id_type=IdType.PASAPORTE, value="X")
        )
    with pytest.raises(ValidationFailed) as caught:
        Recipient(name="Sin país", foreign_id=ForeignId(id_type=IdType.PASAPORTE, value="X1"))
    assert [error.field for error in caught.value.fields] == ["recipient.foreign_id.country"]
    with pytest.raises(ValidationFailed):
        Recipient(
            name="Español", foreign_id=ForeignId(id_type=IdType.NIF_IVA, value="1", country="ES")
        )


def test_iva_rates_and_their_windows() -> None:
    assert is_valid_iva_rate(D("21"), date(2025, 1, 1))
    assert is_valid_iva_rate(D("21.00"), date(2025, 1, 1))
    assert is_valid_iva_rate(D("5"), date(2023, 6, 1))
    assert not is_valid_iva_rate(D("5"), date(2024, 10, 1))
    assert is_valid_iva_rate(D("7.5"), date(2024, 11, 1))
    assert not is_valid_iva_rate(D("7.5"), date(2025, 1, 1))
    assert not is_valid_iva_rate(D("16"), date(2025, 1, 1))


def test_equivalence_surcharge_pairs() -> None:
    today = date(2025, 6, 1)
    assert is_valid_surcharge_rate(D("21"), D("5.2"), today)
    assert is_valid_surcharge_rate(D("21"), D("1.75"), today)
    assert is_valid_surcharge_rate(D("10"), D("1.4"), today)
    assert is_valid_surcharge_rate(D("4"), D("0.5"), today)
    assert not is_valid_surcharge_rate(D("10"), D("5.2"), today)
    assert is_valid_surcharge_rate(D("5"), D("0.62"), date(2024, 1, 1))
    assert not is_valid_surcharge_rate(D("5"), D("0.62"), today)
