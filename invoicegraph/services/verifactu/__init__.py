"""VERI*FACTU services: registering issued and annulled invoices in the account's chain,
the ``e_invoicing`` state the faces show, chain verification and the outbox that sends
records to the tax agency.

The pure rules (fingerprints, XML, answers, chain checks) live in
:mod:`invoicegraph.domain.verifactu`; this package adds the database and the network.
"""
