"""VERI*FACTU, pure: records, fingerprints, QR URLs, the agency's XML and chain verification.

No I/O here: sending records, storing them and validating against the agency's schema files
belong to the services and the tests. The agency's codes and hosts live in :mod:`.codes` only.
"""
