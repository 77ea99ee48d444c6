"""The storage interfaces the rest of the code depends on.

Every repository that holds guest data can export and erase it by guest reference,
so a data-subject request has one method per repository to call and nothing is missed.
"""

from __future__ import annotations

from typing import Any, Protocol


class GuestDataRepository(Protocol):
    async def export_guest(self, guest_ref: str) -> list[dict[str, Any]]: ...

    async def erase_guest(self, guest_ref: str) -> int: ...


class RatingsRepository(GuestDataRepository, Protocol):
    async def save(self, document: dict[str, Any]) -> None:
        """Insert or replace the answer to one question of one conversation
        (idempotent: saving the same document twice stores it once)."""

    async def for_conversation(self, conversation_id: str) -> list[dict[str, Any]]: ...


class ConversationsRepository(GuestDataRepository, Protocol):
    async def record_turn(self, document: dict[str, Any]) -> None:
        """Create or update the conversation summary (status, language, counts)."""

    async def get(self, conversation_id: str) -> dict[str, Any] | None: ...
