"""SQL expressions that write JSON text, byte for byte as ``http.jsonio.dumps`` (orjson) writes
the same values, on PostgreSQL and on SQLite.

Why not ``json_build_object``/``json_agg`` or ``json_object``/``json_group_array``? They build
JSON, but not *our* bytes: PostgreSQL's ``json`` functions write ``{"a" : 1, "b" : 2}`` and put
``"\\n "`` between aggregated objects (``jsonb`` reorders keys), and neither engine writes a
``NUMERIC`` the way the faces do (``3937.5``, not ``3937.50``). So every value is written by
the engine's own JSON escaping (``to_json(text)``, ``json_quote``), numbers by exact decimal
text (``trim_scale`` on PostgreSQL; SQLite keeps money as integers scaled by ``10**scale``, so
the digits are cut out of the integer), and objects and arrays are concatenated from those
pieces with ``||`` and ``string_agg``/``group_concat``. The result is compact JSON in the
faces' key order: the bytes a client gets come straight from the database.

Every expression here is NOT NULL: a SQL NULL is written ``null``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import orjson
from sqlalchemy import Boolean, Date, Integer, String, Text, Uuid
from sqlalchemy.sql.elements import KeyedColumnElement
from sqlalchemy.types import BigInteger

from invoicegraph.db.types import ExactDecimal, UTCDateTime

Pairs = Sequence[tuple[str, str]]
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def constant(value: object) -> str:
    """A constant as JSON text inside a SQL string literal (``'"VERIFACTU"'``)."""
    return sql_text(orjson.dumps(value).decode())


def sql_text(text: str) -> str:
    """A SQL string literal; only ever called on texts this package writes itself."""
    return "'" + text.replace("'", "''") + "'"


class JsonSql:
    """One engine's JSON writers. ``ref`` is a qualified column (``i.total_taxes``)."""

    name = ""

    # ── scalars ────────────────────────────────────────────────────────────────────────────

    def string(self, ref: str) -> str:
        raise NotImplementedError

    def integer(self, ref: str) -> str:
        return f"coalesce(CAST({ref} AS TEXT), 'null')"

    def decimal(self, ref: str, scale: int) -> str:
        raise NotImplementedError

    def boolean(self, ref: str) -> str:
        return f"(CASE WHEN {ref} THEN 'true' WHEN NOT {ref} THEN 'false' ELSE 'null' END)"

    def date(self, ref: str) -> str:
        raise NotImplementedError

    def seconds(self, ref: str) -> str:
        """A UTC time to the second: ``"2024-12-01T12:33:44+00:00"`` (the /v1 dialect)."""
        raise NotImplementedError

    def instant(self, ref: str) -> str:
        """A UTC time as Python's ``isoformat()``: microseconds only when there are some."""
        raise NotImplementedError

    def uuid(self, ref: str) -> str:
        raise NotImplementedError

    def column(self, alias: str, column: KeyedColumnElement[Any], *, seconds: bool = False) -> str:
        """The column's value in its natural JSON form, chosen from its declared type."""
        ref = f"{alias}.{column.key}"
        kind = column.type
        if isinstance(kind, ExactDecimal):
            return self.decimal(ref, kind.scale)
        if isinstance(kind, UTCDateTime):
            return self.seconds(ref) if seconds else self.instant(ref)
        if isinstance(kind, Boolean):
            return self.boolean(ref)
        if isinstance(kind, Date):
            return self.date(ref)
        if isinstance(kind, Uuid):
            return self.uuid(ref)
        if isinstance(kind, Integer | BigInteger):
            return self.integer(ref)
        if isinstance(kind, String | Text):
            return self.string(ref)
        raise TypeError(f"no JSON writer for {column} ({kind!r})")

    # ── structures ─────────────────────────────────────────────────────────────────────────

    def concat(self, parts: Sequence[str]) -> str:
        return "(" + " || ".join(parts) + ")"

    def obj(self, pairs: Pairs) -> str:
        """An object with these keys in this order."""
        parts: list[str] = []
        for index, (key, value) in enumerate(pairs):
            opening = "{" if index == 0 else ","
            # every value is a text expression that binds at least as tightly as ``||``
            # (a call, a CASE, a literal, a parenthesised or ``||`` expression): no parentheses,
            # which SQLite's parser counts against its stack
            parts += [sql_text(opening + orjson.dumps(key).decode() + ":"), value]
        parts.append("'}'" if pairs else "'{}'")
        return self.concat(parts)

    def nullable_obj(self, condition: str, pairs: Pairs) -> str:
        """The object when ``condition`` holds, else ``null``."""
        return f"(CASE WHEN {condition} THEN {self.obj(pairs)} ELSE 'null' END)"

    def array(self, item: str, source: str, order: str) -> str:
        """``[item, …]`` over the rows of ``source`` (``FROM … WHERE …``), in ``order``."""
        raise NotImplementedError

    def decimal_text(self, ref: str, scale: int) -> str:
        """A decimal as GraphQL's ``Decimal`` writes it (``schema.scalars.serialize_decimal``):
        a JSON string with at least two decimals and no trailing zeros beyond (``"1.50"``,
        ``"-270.00"``, ``"0.333"``)."""
        raise NotImplementedError

    def global_id(self, type_name: str, uuid_ref: str) -> str:
        """A Relay global id, ``base64("<type>:<uuid>")``, as a JSON string."""
        raise NotImplementedError

    def first_in_group(self, value: str, order: str) -> str:
        """In a grouped select whose only ``min`` is ``min({order})``: ``value`` of the group's
        row with the least ``order``."""
        raise NotImplementedError

    def json_array(self, ref: str, item_of: Callable[[str], str]) -> str:
        """``[item, …]`` over the elements of a JSON array column; ``item_of`` writes an
        element's item from the element's expression (see ``member``)."""
        raise NotImplementedError

    def member(self, element: str, key: str) -> str:
        """A JSON object's string member as SQL text (NULL when absent)."""
        raise NotImplementedError

    def json_flag(self, ref: str, key: str, default: bool) -> str:
        """A JSON object column's boolean member (``default`` when absent)."""
        raise NotImplementedError

    def quote_text(self, expression: str) -> str:
        """A SQL text expression (not a column) as a JSON string."""
        raise NotImplementedError

    def url_component(self, expression: str) -> str:
        """``urllib.parse.quote(value, safe="")`` of a SQL text expression."""
        raise NotImplementedError

    def cents(self, ref: str) -> str:
        """A 2-decimal money column as text with exactly 2 decimals (``241.40``, ``0.00``)."""
        raise NotImplementedError

    def dmy(self, ref: str) -> str:
        """A date as ``dd-mm-yyyy`` (SQL text)."""
        raise NotImplementedError

    def tax_amount(self, base: str, percentage: str) -> str:
        """``round2(base × percentage / 100)`` (half away from zero) as a JSON number; the base
        is money (2 decimals), the percentage a rate (4)."""
        raise NotImplementedError


class PostgresJson(JsonSql):
    name = "postgresql"

    def string(self, ref: str) -> str:
        return f"coalesce(to_json({ref})::text, 'null')"

    def decimal(self, ref: str, scale: int) -> str:
        return f"coalesce(trim_scale({ref})::text, 'null')"

    def date(self, ref: str) -> str:
        return f"""coalesce('"' || to_char({ref}, 'YYYY-MM-DD') || '"', 'null')"""

    def seconds(self, ref: str) -> str:
        utc = f"({ref} AT TIME ZONE 'UTC')"
        return (
            f"""coalesce('"' || to_char({utc}, 'YYYY-MM-DD"T"HH24:MI:SS') || '+00:00"', 'null')"""
        )

    def instant(self, ref: str) -> str:
        utc = f"({ref} AT TIME ZONE 'UTC')"
        micro = f"to_char({utc}, 'US')"
        return (
            f"""coalesce('"' || to_char({utc}, 'YYYY-MM-DD"T"HH24:MI:SS')"""
            f" || (CASE WHEN {micro} = '000000' THEN '' ELSE '.' || {micro} END)"
            """ || '+00:00"', 'null')"""
        )

    def uuid(self, ref: str) -> str:
        return f"""coalesce('"' || CAST({ref} AS TEXT) || '"', 'null')"""

    def array(self, item: str, source: str, order: str) -> str:
        items = f"string_agg({item}, ',' ORDER BY {order})"
        return f"(SELECT '[' || coalesce({items}, '') || ']' {source})"

    def first_in_group(self, value: str, order: str) -> str:
        return f"(array_agg({value} ORDER BY {order}))[1]"

    def decimal_text(self, ref: str, scale: int) -> str:
        if scale == 2:
            # a NUMERIC(p, 2) column's text has exactly its two decimals: no arithmetic (money
            # is most of a page's values)
            return f"""coalesce('"' || CAST({ref} AS TEXT) || '"', 'null')"""
        return (
            f"""coalesce('"' || (CASE WHEN scale(trim_scale({ref})) < 2"""
            f" THEN CAST(round({ref}, 2) AS TEXT) ELSE CAST(trim_scale({ref}) AS TEXT) END)"
            """ || '"', 'null')"""
        )

    def global_id(self, type_name: str, uuid_ref: str) -> str:
        # under 57 bytes: base64 writes no line break
        prefix = sql_text(type_name + ":")
        return (
            f"""coalesce('"' || encode(convert_to({prefix} || CAST({uuid_ref} AS TEXT), 'UTF8'),"""
            """ 'base64') || '"', 'null')"""
        )

    def json_array(self, ref: str, item_of: Callable[[str], str]) -> str:
        item = item_of("elem.value")
        return (
            f"('[' || coalesce((SELECT string_agg({item}, ',' ORDER BY elem.ordinality)"
            f" FROM json_array_elements(coalesce({ref}, '[]'::json)) WITH ORDINALITY AS elem),"
            " '') || ']')"
        )

    def member(self, element: str, key: str) -> str:
        return f"({element} ->> {sql_text(key)})"

    def json_flag(self, ref: str, key: str, default: bool) -> str:
        fallback = "'true'" if default else "'false'"
        return (
            f"(CASE WHEN ({ref} -> {sql_text(key)}) IS NULL THEN {fallback}"
            f" WHEN ({ref} ->> {sql_text(key)}) = 'true' THEN 'true' ELSE 'false' END)"
        )

    def quote_text(self, expression: str) -> str:
        return f"coalesce(to_json(CAST({expression} AS TEXT))::text, 'null')"

    def url_component(self, expression: str) -> str:
        return (
            "coalesce((SELECT string_agg(CASE WHEN ch.c ~ '^[A-Za-z0-9_.~-]$' THEN ch.c ELSE"
            " upper(regexp_replace(encode(convert_to(ch.c, 'UTF8'), 'hex'), '(..)', '%\\1', 'g'))"
            f" END, '' ORDER BY ch.n) FROM regexp_split_to_table({expression}, '')"
            " WITH ORDINALITY AS ch(c, n)), '')"
        )

    def cents(self, ref: str) -> str:
        return f"CAST({ref} AS TEXT)"  # NUMERIC(18, 2) writes exactly its 2 decimals

    def dmy(self, ref: str) -> str:
        return f"to_char({ref}, 'DD-MM-YYYY')"

    def tax_amount(self, base: str, percentage: str) -> str:
        return self.decimal(f"round({base} * {percentage} / 100, 2)", 2)


class SqliteJson(JsonSql):
    name = "sqlite"

    def string(self, ref: str) -> str:
        return f"json_quote({ref})"

    def decimal(self, ref: str, scale: int) -> str:
        factor = 10**scale
        zeros = "0" * scale
        fraction = f"rtrim(substr('{zeros}' || (abs({ref}) % {factor}), -{scale}), '0')"
        return (
            f"(CASE WHEN {ref} IS NULL THEN 'null'"
            f" WHEN {ref} % {factor} = 0 THEN CAST({ref} / {factor} AS TEXT)"
            f" ELSE (CASE WHEN {ref} < 0 THEN '-' ELSE '' END)"
            f" || (abs({ref}) / {factor}) || '.' || {fraction} END)"
        )

    def date(self, ref: str) -> str:
        return f"json_quote({ref})"

    def seconds(self, ref: str) -> str:
        return (
            f"""(CASE WHEN {ref} IS NULL THEN 'null' ELSE '"' || substr({ref}, 1, 10) || 'T'"""
            f""" || substr({ref}, 12, 8) || '+00:00"' END)"""
        )

    def instant(self, ref: str) -> str:
        micro = f"substr({ref}, 21, 6)"
        return (
            f"""(CASE WHEN {ref} IS NULL THEN 'null' ELSE '"' || substr({ref}, 1, 10) || 'T'"""
            f" || substr({ref}, 12, 8)"
            f" || (CASE WHEN length({ref}) > 19 AND {micro} <> '000000' THEN '.' || {micro}"
            """ ELSE '' END) || '+00:00"' END)"""
        )

    def uuid(self, ref: str) -> str:
        # stored as 32 hex digits: the canonical text puts the dashes back
        h = f"lower({ref})"
        return (
            f"""(CASE WHEN {ref} IS NULL THEN 'null' ELSE '"' || substr({h}, 1, 8) || '-'"""
            f" || substr({h}, 9, 4) || '-' || substr({h}, 13, 4) || '-' || substr({h}, 17, 4)"
            f""" || '-' || substr({h}, 21, 12) || '"' END)"""
        )

    def array(self, item: str, source: str, order: str) -> str:
        # SQLite 3.40 has no ORDER BY inside an aggregate: group_concat reads an ordered
        # subquery, whose order it keeps
        return (
            "(SELECT '[' || coalesce(group_concat(ordered.item, ','), '') || ']' FROM"
            f" (SELECT {item} AS item {source} ORDER BY {order}) AS ordered)"
        )

    def first_in_group(self, value: str, order: str) -> str:
        # a bare column of a select with one min(): SQLite takes it from the min's row
        return value

    def decimal_text(self, ref: str, scale: int) -> str:
        factor = 10**scale
        zeros = "0" * scale
        fraction = f"rtrim(substr('{zeros}' || (abs({ref}) % {factor}), -{scale}), '0')"
        padded = f"substr({fraction} || '00', 1, max(2, length({fraction})))"
        return (
            f"""(CASE WHEN {ref} IS NULL THEN 'null' ELSE '"'"""
            f" || (CASE WHEN {ref} < 0 THEN '-' ELSE '' END) || (abs({ref}) / {factor})"
            f""" || '.' || {padded} || '"' END)"""
        )

    def global_id(self, type_name: str, uuid_ref: str) -> str:
        # SQLite has no base64: the text is the type, ":" and the uuid's canonical form, whose
        # bytes are known constants or the stored hex digits' ASCII codes, encoded three at a
        # time by arithmetic
        digits = iter(range(1, 33))
        canonical = [None if index in (8, 13, 18, 23) else next(digits) for index in range(36)]
        data: list[int | str] = [*(type_name + ":").encode()]
        for position in canonical:
            data.append(
                45 if position is None else f"unicode(lower(substr({uuid_ref}, {position}, 1)))"
            )
        alphabet = sql_text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

        def char(index: int | str) -> str:
            if isinstance(index, int):
                return sql_text(ALPHABET[index])
            return f"substr({alphabet}, ({index}) + 1, 1)"

        def combine(
            high: int | str, shift_high: int, mask_high: int, low: int | str, shift_low: int
        ) -> int | str:
            if isinstance(high, int) and isinstance(low, int):
                return ((high & mask_high) << shift_high) | (low >> shift_low)
            return f"((({high}) & {mask_high}) << {shift_high}) | (({low}) >> {shift_low})"

        parts: list[str] = []
        for start in range(0, len(data), 3):
            group = data[start : start + 3]
            b0 = group[0]
            b1 = group[1] if len(group) > 1 else 0
            b2 = group[2] if len(group) > 2 else 0
            parts.append(char(b0 >> 2 if isinstance(b0, int) else f"({b0}) >> 2"))
            parts.append(char(combine(b0, 4, 3, b1, 4)))
            parts.append(char(combine(b1, 2, 15, b2, 6)) if len(group) > 1 else "'='")
            parts.append(
                char(b2 & 63 if isinstance(b2, int) else f"({b2}) & 63")
                if len(group) > 2
                else "'='"
            )
        text = " || ".join(parts)
        return f"""(CASE WHEN {uuid_ref} IS NULL THEN 'null' ELSE '"' || {text} || '"' END)"""

    def json_array(self, ref: str, item_of: Callable[[str], str]) -> str:
        item = item_of("elem.value")
        return (
            "('[' || coalesce((SELECT group_concat(ordered.item, ',') FROM"
            f" (SELECT {item} AS item FROM json_each(coalesce({ref}, '[]')) AS elem"
            " ORDER BY elem.key) AS ordered), '') || ']')"
        )

    def member(self, element: str, key: str) -> str:
        path = sql_text("$." + key)
        return f"json_extract({element}, {path})"

    def json_flag(self, ref: str, key: str, default: bool) -> str:
        fallback = "'true'" if default else "'false'"
        path = sql_text("$." + key)
        return (
            f"(CASE WHEN json_type({ref}, {path}) IS NULL THEN {fallback}"
            f" WHEN json_type({ref}, {path}) = 'true' THEN 'true' ELSE 'false' END)"
        )

    def quote_text(self, expression: str) -> str:
        return f"json_quote(CAST({expression} AS TEXT))"

    def url_component(self, expression: str) -> str:
        # one character at a time (a recursive walk); an unsafe one becomes the hex of its
        # UTF-8 bytes, two digits each
        value = f"CAST({expression} AS TEXT)"
        char = f"substr({value}, walk.i, 1)"
        escaped = (
            "(SELECT group_concat('%' || substr(hex(ch.c), pair.k * 2 + 1, 2), '')"
            f" FROM (SELECT {char} AS c) AS ch,"
            " (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) AS pair"
            " WHERE pair.k * 2 < length(hex(ch.c)))"
        )
        return (
            "coalesce((WITH RECURSIVE walk(i, out) AS (SELECT 1, ''"
            f" UNION ALL SELECT walk.i + 1, walk.out || (CASE WHEN {char} GLOB '[A-Za-z0-9_.~-]'"
            f" THEN {char} ELSE {escaped} END) FROM walk WHERE walk.i <= length({value}))"
            " SELECT walk.out FROM walk ORDER BY walk.i DESC LIMIT 1), '')"
        )

    def cents(self, ref: str) -> str:
        return (
            f"((CASE WHEN {ref} < 0 THEN '-' ELSE '' END) || (abs({ref}) / 100) || '.'"
            f" || substr('00' || (abs({ref}) % 100), -2))"
        )

    def dmy(self, ref: str) -> str:
        return f"(substr({ref}, 9, 2) || '-' || substr({ref}, 6, 2) || '-' || substr({ref}, 1, 4))"

    def tax_amount(self, base: str, percentage: str) -> str:
        # cents × (rate × 10⁴) / 10⁶ is the amount in cents: rounded half away from zero in
        # integers, exact
        product = f"({base} * {percentage})"
        cents = (
            f"((CASE WHEN {product} < 0 THEN -1 ELSE 1 END)"
            f" * ((abs({product}) + 500000) / 1000000))"
        )
        return self.decimal(cents, 2)


def for_engine(name: str) -> JsonSql:
    if name == "postgresql":
        return PostgresJson()
    if name == "sqlite":
        return SqliteJson()
    raise ValueError(f"no JSON writer for the {name} engine")
