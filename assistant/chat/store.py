"""Chats on disk: SQLite under the user's data dir, one row per turn.

A question is written before its answer is asked for, so a crash or a cancelled answer loses
nothing the user typed: the turn stays with status `pending` or `cancelled` and can be re-run.
The schema is versioned with `PRAGMA user_version`; `_MIGRATIONS[n]` takes version n to n+1.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from assistant.answering.record import AnswerRecord
from assistant.retrieval.followup import Turn

_MIGRATIONS = [
    """
    CREATE TABLE chats (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        created REAL NOT NULL,
        updated REAL NOT NULL
    );
    CREATE TABLE turns (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
        question TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'cancelled', 'error')),
        answer TEXT,          -- AnswerRecord.to_json() as JSON, NULL until answered
        error TEXT,
        created REAL NOT NULL
    );
    CREATE INDEX turns_by_chat ON turns(chat_id, id);
    """,
]
SCHEMA_VERSION = len(_MIGRATIONS)


class ChatStoreError(Exception):
    pass


@dataclass
class ChatTurn:
    id: int
    chat_id: int
    question: str
    status: str
    answer: AnswerRecord | None = None
    error: str | None = None

    @property
    def text(self) -> str:
        return self.answer.answer if self.answer else ""

    def as_history(self) -> Turn:
        cited = [c.title for c in self.answer.citations] if self.answer else []
        return Turn(self.question, self.text, cited)


@dataclass
class Chat:
    id: int
    title: str
    created: float
    updated: float
    turns: list[ChatTurn] = field(default_factory=list)


class ChatStore:
    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        # The TUI writes from its worker thread and reads from the UI thread.
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._migrate()

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise ChatStoreError(
                f"{self.path}: chats were written by a newer version (schema {version}, "
                f"this one knows {SCHEMA_VERSION}); upgrade the assistant"
            )
        for n in range(version, SCHEMA_VERSION):
            # One script, one transaction: a migration applies whole or not at all.
            try:
                self._db.executescript(f"BEGIN;\n{_MIGRATIONS[n]}\nPRAGMA user_version = {n + 1};\nCOMMIT;")
            except sqlite3.Error:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()

    # ------------------------------------------------------------------ chats
    def create_chat(self, title: str = "New chat") -> Chat:
        now = time.time()
        cur = self._db.execute("INSERT INTO chats (title, created, updated) VALUES (?, ?, ?)", (title, now, now))
        return Chat(cur.lastrowid, title, now, now)

    def chats(self, search: str | None = None) -> list[Chat]:
        """Most recently used first; `search` matches titles, questions and answers."""
        if search:
            like = f"%{search}%"
            rows = self._db.execute(
                "SELECT DISTINCT c.* FROM chats c LEFT JOIN turns t ON t.chat_id = c.id "
                "WHERE c.title LIKE ? OR t.question LIKE ? OR t.answer LIKE ? ORDER BY c.updated DESC",
                (like, like, like),
            )
        else:
            rows = self._db.execute("SELECT * FROM chats ORDER BY updated DESC")
        return [Chat(r["id"], r["title"], r["created"], r["updated"]) for r in rows]

    def chat(self, chat_id: int) -> Chat | None:
        row = self._db.execute("SELECT * FROM chats WHERE id = ?", (chat_id,)).fetchone()
        if row is None:
            return None
        chat = Chat(row["id"], row["title"], row["created"], row["updated"])
        chat.turns = self.turns(chat_id)
        return chat

    def rename(self, chat_id: int, title: str) -> None:
        title = " ".join(title.split())
        if not title:
            raise ChatStoreError("a chat title cannot be empty")
        self._db.execute("UPDATE chats SET title = ? WHERE id = ?", (title, chat_id))

    def delete(self, chat_id: int) -> None:
        self._db.execute("DELETE FROM chats WHERE id = ?", (chat_id,))

    # ------------------------------------------------------------------ turns
    def turns(self, chat_id: int) -> list[ChatTurn]:
        rows = self._db.execute("SELECT * FROM turns WHERE chat_id = ? ORDER BY id", (chat_id,))
        return [_turn(r) for r in rows]

    def add_question(self, chat_id: int, question: str) -> ChatTurn:
        now = time.time()
        with self._transaction() as db:
            cur = db.execute(
                "INSERT INTO turns (chat_id, question, status, created) VALUES (?, ?, 'pending', ?)",
                (chat_id, question, now),
            )
            # The first question names an untitled chat, as in every chat app.
            db.execute(
                "UPDATE chats SET updated = ?, title = CASE WHEN title = 'New chat' THEN ? ELSE title END "
                "WHERE id = ?",
                (now, _title_from(question), chat_id),
            )
        return ChatTurn(cur.lastrowid, chat_id, question, "pending")

    def finish(self, turn_id: int, answer: AnswerRecord) -> None:
        self._db.execute("UPDATE turns SET status = 'done', answer = ?, error = NULL WHERE id = ?",
                         (json.dumps(answer.to_json()), turn_id))

    def mark(self, turn_id: int, status: str, error: str | None = None) -> None:
        self._db.execute("UPDATE turns SET status = ?, error = ? WHERE id = ?", (status, error, turn_id))

    def history(self, chat_id: int, before: int | None = None) -> list[Turn]:
        """Answered turns as follow-up context, oldest first."""
        return [
            t.as_history()
            for t in self.turns(chat_id)
            if t.status == "done" and (before is None or t.id < before)
        ]


def _turn(row: sqlite3.Row) -> ChatTurn:
    answer = AnswerRecord.from_json(json.loads(row["answer"])) if row["answer"] else None
    return ChatTurn(row["id"], row["chat_id"], row["question"], row["status"], answer, row["error"])


def _title_from(question: str, words: int = 8) -> str:
    parts = question.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")
