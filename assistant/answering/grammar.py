"""GBNF for answers: a few sentences, each ending with citations of the given numbers only."""

from __future__ import annotations


def citation_grammar(refs: list[int], max_sentences: int = 3) -> str:
    choices = " | ".join(f'"{r}"' for r in refs)
    extra = max_sentences - 1
    return "\n".join(
        [
            f'root ::= refusal | sentence (" " sentence){{0,{extra}}}',
            'refusal ::= "The abstracts do not cover this."',
            # A capitalised claim, no brackets or newlines inside, then [n] or [n][m], then ".".
            'sentence ::= [A-Z] [^\\[\\]\\n]{12,240} " " cite cite? "."',
            'cite ::= "[" ref "]"',
            f"ref ::= {choices}",
        ]
    )
