"""Reads compiled to SQL: lists and single documents answered with JSON the database writes,
byte for byte what the faces' shapers answer (``docs/sqlread.md``)."""
