"""Chats: saved conversations (SQLite) and their exports (Markdown, BibTeX)."""

from assistant.chat.store import Chat, ChatStore, ChatStoreError, ChatTurn

__all__ = ["Chat", "ChatStore", "ChatStoreError", "ChatTurn"]
