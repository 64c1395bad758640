"""The ``SistemaInformatico`` every record names, built from the settings.

The producer (the company answerable for the software's *declaración responsable*) has no
default: a made-up name or tax id would be a false statement on every record, so generating a
record without it configured refuses the operation instead.
"""

from __future__ import annotations

from invoicegraph.domain.errors import ServiceUnavailable
from invoicegraph.domain.verifactu.records import SistemaInformatico
from invoicegraph.settings import Settings, get_settings


def invoicing_system(settings: Settings | None = None) -> SistemaInformatico:
    """This installation as the records describe it; ``ServiceUnavailable`` if unconfigured."""
    settings = settings or get_settings()
    name, nif = settings.verifactu_producer_name, settings.verifactu_producer_nif
    if not name or not nif:
        raise ServiceUnavailable(
            "VERI*FACTU is on but the invoicing system is not configured: set "
            "VERIFACTU_PRODUCER_NAME and VERIFACTU_PRODUCER_NIF"
        )
    return SistemaInformatico(
        producer_name=name,
        producer_nif=nif,
        installation_number=settings.verifactu_installation_number,
    )
