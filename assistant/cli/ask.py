"""`assistant ask` and `assistant search`."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from assistant.cli.common import echo, handle_errors, json_text, make_assistant, progress_printer, secho
from assistant.cli.ingest import IngestProgress
from assistant.errors import ModelUnavailable, UsageError

if TYPE_CHECKING:
    from assistant.answering import AnswerRecord


def _ensure_index(assistant) -> None:
    if assistant.demo_due():
        echo("Indexing the bundled Daily Papers corpus as a demo (first use; "
             "your first `assistant ingest` replaces it)...", err=True)
    report = assistant.ensure_index(IngestProgress("Indexing the bundled corpus").update)
    if report:
        echo(f"indexed {report.added} papers in {report.seconds:.1f}s", err=True)


def _read_history(source: str):
    from assistant.retrieval.followup import parse_history

    try:
        text = sys.stdin.read() if source == "-" else open(source, encoding="utf-8").read()
    except OSError as exc:
        raise UsageError(f"{source}: cannot read history ({exc.strerror})") from None
    try:
        items = json.loads(text)
        if not isinstance(items, list):
            raise ValueError("expected a JSON array of earlier turns")
        return parse_history(items)
    except (json.JSONDecodeError, ValueError) as exc:
        raise UsageError(f"{source}: bad history: {exc}") from None


def filter_options(command):
    """--since/--until/--category: limits on what is retrieved (papers that carry the metadata)."""
    command = click.option("--category", help="Only papers in this arXiv category or archive (cs.CL, cs).")(command)
    command = click.option("--until", "year_to", type=int, help="Only papers up to this year.")(command)
    return click.option("--since", "year_from", type=int, help="Only papers from this year on.")(command)


@click.command()
@click.argument("query")
@click.option("-k", type=click.IntRange(1, 100), default=None, help="Results to return [default: 5].")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@filter_options
@click.pass_context
@handle_errors
def search(ctx, query, k, as_json, year_from, year_to, category):
    """Retrieval only: the papers closest to QUERY, with scores."""
    assistant = make_assistant(ctx, k=k, year_from=year_from, year_to=year_to, category=category)
    _ensure_index(assistant)
    hits = assistant.search(query, k)
    if as_json:
        click.echo(json.dumps({
            "query": query,
            "results": [{"id": h.paper.id, "title": h.paper.title, "score": round(h.score, 4)} for h in hits],
        }))
        return
    for n, hit in enumerate(hits, 1):
        echo(f"{n:>2}. {hit.score:.3f}  {hit.paper.title}")


@click.command()
@click.argument("question")
@click.option("-k", type=click.IntRange(1, 50), default=None, help="Papers to retrieve [default: 5].")
@click.option("--model", "-m", help="GGUF path or name in the models dir [env: ASSISTANT_MODEL].")
@click.option("--history", type=click.Path(allow_dash=True),
              help="Earlier turns: a JSON array of questions, {question, answer} objects or chat messages ({role, content}); - for stdin.")
@click.option("--mode", "answer_mode", type=click.Choice(["grounded", "stuffed", "extractive"]), default=None,
              help="grounded (default); stuffed: the plain RAG baseline; extractive: no model, quoted sentences.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object, no streaming.")
@click.option("--no-stream", is_flag=True, help="Print the answer only when it is complete.")
@filter_options
@click.pass_context
@handle_errors
def ask(ctx, question, k, model, history, answer_mode, as_json, no_stream, year_from, year_to, category):
    """Answer QUESTION from the indexed abstracts, citing them as [n]."""
    if not question.strip():
        raise UsageError("the question is empty")
    assistant = make_assistant(ctx, k=k, model=model, answer_mode=answer_mode,
                               year_from=year_from, year_to=year_to, category=category)
    turns = _read_history(history) if history else None
    assistant.warm_up()
    _ensure_index(assistant)
    # The model loads in the background meanwhile; its load leaves stdout/stderr alone
    # (models/llama.py), so an error printed before it is ready still reaches the user.
    assistant.warm_up(embedder=False, model=assistant.uses_model)
    stream = not (as_json or no_stream) and sys.stdout.isatty()
    streamed: list[str] = []

    def on_token(piece: str) -> None:
        streamed.append(piece)
        echo(piece, nl=False)

    result = assistant.ask(question, k, history=turns, on_token=on_token if stream else None)
    answer = result.record()
    if as_json:
        click.echo(json_text(answer.to_json()))
    else:
        if stream and streamed:
            echo()
        _print_answer(answer, shown="".join(streamed) if stream else None)
    if result.cut_off:  # the answer above is what was verified before the model server broke off
        raise ModelUnavailable(f"{result.timings.cut_off}; the answer is cut off")


def _print_answer(answer: AnswerRecord, shown: str | None) -> None:
    if answer.standalone_query and answer.standalone_query != answer.question:
        secho(f"(searched for: {answer.standalone_query})", dim=True, err=True)
    if answer.refused:
        if shown is None or answer.answer not in shown:
            echo(answer.answer)
        if answer.refusal_reason:
            from assistant.answering.result import REASON_WORDS

            secho(f"(refused: {REASON_WORDS.get(answer.refusal_reason, answer.refusal_reason)})", dim=True, err=True)
        if answer.near_misses:
            echo("\nClosest papers (not close enough to answer from):")
            for miss in answer.near_misses:
                echo(f"  {miss.score:.2f}  {miss.title}")
        return
    if shown is None or " ".join(shown.split()) != " ".join(answer.answer.split()):
        if shown is not None:
            dropped = len(answer.unsupported_sentences)
            why = f"{dropped} unsupported sentence(s) removed" if dropped else "citations checked"
            if answer.extractive:
                why = "no generated sentence was supported; quoting the abstracts"
            secho(f"\nChecked answer ({why}):", bold=True)
        echo(answer.answer)
    if answer.citations:
        echo("\nCited papers:")
        urls = {s.ref: s.url for s in answer.sources}
        for c in answer.citations:
            where = f"  {urls[c.ref]}" if urls.get(c.ref) else ""
            echo(f"[{c.ref}] {c.title}{where}")
            if c.evidence:
                secho(f'    "{c.evidence}"', dim=True)
