"""Runs the real chat app in its own process, driven by Textual's autopilot, for tests that
must kill it, watch its terminal, or block its network.

    python -m chat_driver ask QUESTION [--stall]   real models; prints `STREAMING chat turn` once
                                                   the answer streams; --stall then freezes the
                                                   UI (the answer cannot finish) until killed;
                                                   else waits for the answer, prints it as JSON
    python -m chat_driver rerun CHAT_ID            real models; Ctrl+R on the chat's unanswered
                                                   question; prints the outcome as JSON
    python -m chat_driver hostile FILE             on a real terminal (run it on a pty): hashing
                                                   embedder, scripted hostile model
                                                   (SCRIPTED_REPLY, SCRIPTED_NAME); asks, opens
                                                   the cited paper, the chat list, a saved chat,
                                                   indexes FILE (a notice), then quits

Settings come from the environment (ASSISTANT_HOME, ASSISTANT_INDEX_DIR, ...), as for
`assistant chat`. A failed check exits with status 3 and the reason on stdout.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time

from textual.widgets import Markdown

from assistant.paths import user_paths
from assistant.settings import load_settings
from assistant.tui.app import ChatApp
from assistant.tui.widgets import TurnView

TIMEOUT_S = float(os.environ.get("CHAT_DRIVER_TIMEOUT_S", "400"))


def say(line: str) -> None:
    # sys.__stdout__: while the app runs, Textual captures sys.stdout into its log.
    sys.__stdout__.write(line + "\n")
    sys.__stdout__.flush()


async def wait_for(pilot, condition, what: str, seconds: float = TIMEOUT_S) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


async def type_question(pilot, app: ChatApp, question: str) -> TurnView:
    await wait_for(pilot, app.ready.is_set, "the assistant to load")
    await pilot.click("#question")
    await pilot.press(*question, "enter")
    await wait_for(pilot, lambda: app.query(TurnView), "the question to show")
    return app.query(TurnView).last()


def outcome(app: ChatApp, view: TurnView) -> dict:
    answer = view.answer
    return {
        "chat": app.chat_id, "turn": view.turn_id, "status": view.status,
        "note": str(view.query_one(".meta").render()),
        "answer": answer.answer if answer else None,
        "refused": answer.refused if answer else None,
        "citations": [{"ref": c.ref, "id": c.id, "evidence": c.evidence} for c in answer.citations] if answer else [],
        "sources": [s.id for s in answer.sources] if answer else [],
    }


def ask(question: str, stall: bool):
    if stall:
        # Freeze the UI thread as it shows the first streamed piece: the answer's worker waits on
        # it for every next token, so the answer cannot finish before the test kills this
        # process. (Polling for the first piece instead missed short answers: they could stream
        # to the end while the pilot was still pressing Enter.)
        show = TurnView.append_draft

        async def show_and_freeze(view: TurnView, piece: str) -> None:
            await show(view, piece)
            say(f"STREAMING {view.app.chat_id} {view.turn_id}")
            threading.Event().wait()

        TurnView.append_draft = show_and_freeze

    async def pilot_script(pilot):
        app: ChatApp = pilot.app
        view = await type_question(pilot, app, question)
        await wait_for(pilot, lambda: view.status != "pending", "the answer")
        if stall:
            raise AssertionError(f"the answer ended ({view.status}) before it could be interrupted")
        say(json.dumps(outcome(app, view)))
        app.exit()

    return pilot_script


def rerun(chat_id: int):
    async def pilot_script(pilot):
        app: ChatApp = pilot.app
        await wait_for(pilot, app.ready.is_set, "the assistant to load")
        await wait_for(pilot, lambda: app.query(TurnView), "the saved chat to show")
        view = app.query(TurnView).last()
        before = {"status": view.status, "note": str(view.query_one(".meta").render()),
                  "question": view.question}
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.answering or view.status != "pending", "the re-run to start")
        await wait_for(pilot, lambda: not app.answering and view.status != "pending", "the re-run")
        say(json.dumps({"before": before, "after": outcome(app, view), "views": len(app.query(TurnView))}))
        app.exit()

    return pilot_script


def hostile(path: str):
    async def pilot_script(pilot):
        app: ChatApp = pilot.app
        view = await type_question(pilot, app, "What do sparse autoencoders decompose?")
        await wait_for(pilot, lambda: view.status != "pending", "the answer")
        if view.answer is None or not view.answer.citations:
            raise AssertionError(f"expected a cited answer, got {outcome(app, view)}")
        view.markdown.post_message(Markdown.LinkClicked(view.markdown, "cite:1"))  # the paper panel
        await pilot.pause(0.3)
        await pilot.press("ctrl+l")  # the chat list, with a saved chat's hostile title
        await pilot.pause(0.3)
        others = [c.id for c in app.store.chats() if c.id != app.chat_id]
        app.open_chat(others[0])  # its hostile question, unanswered
        await pilot.pause(0.3)
        app.index_path(path)  # a notice naming a rejected record in a hostile file
        await app.workers.wait_for_complete()
        await pilot.pause(0.5)
        app.exit()

    return pilot_script


def main() -> None:
    mode, arg = sys.argv[1], sys.argv[2]
    settings, paths = load_settings(), user_paths()
    assistant, chat_id = None, None
    headless = True
    if mode == "ask":
        script = ask(arg, "--stall" in sys.argv)
    elif mode == "rerun":
        chat_id = int(arg)
        script = rerun(chat_id)
    elif mode == "hostile":
        from assistant.models.hashing import HashingEmbedder
        from assistant.models.scripted import ScriptedGenerator
        from assistant.service import Assistant

        generator = ScriptedGenerator(os.environ["SCRIPTED_REPLY"], name=os.environ.get("SCRIPTED_NAME", "scripted"))
        assistant = Assistant(settings, paths, embedder=HashingEmbedder(), generator=generator)
        script, headless = hostile(arg), False
    else:
        raise SystemExit(f"unknown mode {mode}")
    app = ChatApp(settings, paths, chat_id=chat_id, assistant=assistant)
    failure: list[str] = []

    async def guarded(pilot):
        try:
            await script(pilot)
        except Exception as error:  # reported on stdout; the app must still close
            failure.append(f"{type(error).__name__}: {error}")
            app.exit(return_code=3)

    app.run(headless=headless, auto_pilot=guarded)
    if failure:
        say("FAILED " + failure[0])
        sys.exit(3)


if __name__ == "__main__":
    main()
