"""Complete party data for tests: a complete invoice names the issuer's and the recipient's
address (RD 1619/2012 art. 6.1.e), so every account and client a test issues to carries one.

``ISSUER_ADDRESS`` goes into ``create_account``; ``CLIENT_ADDRESS`` into the service's
``ClientInput`` and the /api client body; ``CLIENT_ADDRESS_GRAPHQL`` into GraphQL's
``ClientInput``; ``CONTACT_ADDRESS_V1`` into a /v1 contact body.
"""

from __future__ import annotations

ISSUER_ADDRESS: dict[str, str] = {
    "address": "Gran Vía 1",
    "postal_code": "28013",
    "city": "Madrid",
    "province": "Madrid",
}
CLIENT_ADDRESS: dict[str, str] = {
    "address": "Calle Mayor 1",
    "postal_code": "28001",
    "city": "Madrid",
    "province": "Madrid",
}
CLIENT_ADDRESS_GRAPHQL: dict[str, str] = {
    "address": CLIENT_ADDRESS["address"],
    "postalCode": CLIENT_ADDRESS["postal_code"],
    "city": CLIENT_ADDRESS["city"],
    "province": CLIENT_ADDRESS["province"],
}
CONTACT_ADDRESS_V1: dict[str, str] = {
    "address": CLIENT_ADDRESS["address"],
    "zip": CLIENT_ADDRESS["postal_code"],
    "population": CLIENT_ADDRESS["city"],
    "province_state": CLIENT_ADDRESS["province"],
}
# a recipient's tax id, for bodies that name a complete client (no account owns it)
CLIENT_TAX_ID = "B27346063"
# GraphQL ClientInput fields after the name, to splice into a query's literal:
# 'createClient(input: {name: "X", %s})' % CLIENT_FIELDS_GRAPHQL
CLIENT_FIELDS_GRAPHQL = ", ".join(
    [f'taxId: "{CLIENT_TAX_ID}"'] + [f'{k}: "{v}"' for k, v in CLIENT_ADDRESS_GRAPHQL.items()]
)
# the /api client body and the /v1 contact body of a complete recipient, after the name
CLIENT_BODY_API: dict[str, str] = {"tax_id": CLIENT_TAX_ID, **CLIENT_ADDRESS}
CONTACT_BODY_V1: dict[str, str] = {"number": CLIENT_TAX_ID, **CONTACT_ADDRESS_V1}
