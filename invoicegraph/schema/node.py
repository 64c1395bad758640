"""Relay-style global ids: ``base64("Invoice:<uuid>")``, resolvable by ``node(id:)``."""

from __future__ import annotations

import base64
import binascii
import uuid

import strawberry


def to_global_id(type_name: str, value: uuid.UUID) -> str:
    return base64.b64encode(f"{type_name}:{value}".encode()).decode()


def from_global_id(global_id: str) -> tuple[str, uuid.UUID] | None:
    """``(type name, uuid)``, or None when the text is not one of our ids."""
    try:
        decoded = base64.b64decode(global_id.encode(), validate=True).decode()
        type_name, _, raw = decoded.partition(":")
        return type_name, uuid.UUID(raw)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


@strawberry.interface(description="An object with a global id, fetchable with `node(id:)`.")
class Node:
    @strawberry.field(description="The global id (opaque).")
    def id(self) -> strawberry.ID:
        root: object = self
        return strawberry.ID(to_global_id(node_type_name(root), root.uuid))  # type: ignore[attr-defined]


def node_type_name(root: object) -> str:
    name = getattr(root, "graphql_type_name", None)
    return name if isinstance(name, str) else type(root).__name__
