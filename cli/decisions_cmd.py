"""`gradegate gate-check` and `gradegate reviewers`: JSON lines in, JSON lines out.

Line N of the output answers line N of the input; an invalid line gets an
error object in its place (scoring/jsonl.py). Exit 0 when every line was
decided, 3 when some line got an error object, 1 when nothing could run.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, Any, BinaryIO

import typer

from gradegate.cli.common import (
    EXIT_OK,
    EXIT_REJECTED,
    AsOfOption,
    RulesOption,
    err,
    fail,
    fail_lines,
    load_rules_or_exit,
    rules_named,
    say,
    settings,
)
from gradegate.scoring import (
    BatchCounts,
    Decide,
    FieldIssue,
    InputError,
    RuleSetIdentity,
    atomic_path,
    run_lines,
)

InputArg = Annotated[str, typer.Argument(help="JSON-lines file, one request per line; `-` reads stdin.")]
OutputOption = Annotated[
    Path | None, typer.Option("-o", "--output", help="Write the JSON lines here (atomically) instead of stdout.")
]


def gate_check(
    input: InputArg,
    gate: Annotated[
        str | None, typer.Option("--gate", help="Check this gate for every request (e.g. R3 or 合同评审).")
    ] = None,
    output: OutputOption = None,
    rules: RulesOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Gate readiness (决策点/评审点) for each request: ready or not, what blocks it, whose move, who decides."""
    rulesets = load_rules_or_exit(rules, as_of)
    gates, grading = rulesets.gates, rulesets.grading
    if gate is not None:
        code = gates.parser(grading.rules.level_labels).gates.parse(gate, "--gate")
        if isinstance(code, FieldIssue):
            fail(code.message)
        gate = code

    def decide(record: dict[str, Any]) -> Any:
        return gates.check(record, grading, gate)

    _run(input, output, decide, gates.identity)


def reviewers(
    input: InputArg,
    roster: Annotated[
        Path | None,
        typer.Option(
            "--roster",
            help="Roster CSV of review experts (default: $GRADEGATE_ROSTER_PATH or the roster gradegate ships).",
        ),
    ] = None,
    output: OutputOption = None,
    rules: RulesOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Review panel (评审专家) for each order or contract: required roles and why, the experts, meeting, decision.

    A request line may carry its own `roster` (a list of expert objects) instead of the roster file.
    """
    rulesets = load_rules_or_exit(rules, as_of)
    ruleset = rulesets.reviewers
    path = roster or settings().roster_path
    try:
        default_roster = ruleset.load_roster(path)
    except InputError as exc:
        fail_lines(say("roster.unusable", path=path), [issue.message for issue in exc.issues])

    def decide(record: dict[str, Any]) -> Any:
        inline = record.pop("roster", None)
        chosen = ruleset.roster_from_records(inline) if inline is not None else default_roster
        return ruleset.select(record, chosen)

    _run(input, output, decide, ruleset.identity)


def _run(input: str, output: Path | None, decide: Decide, identity: RuleSetIdentity) -> None:
    counts = BatchCounts()
    with ExitStack() as stack:
        source = _open_input(input, stack)
        if output is None:
            sink: BinaryIO = sys.stdout.buffer
        else:
            try:
                sink = stack.enter_context(stack.enter_context(atomic_path(output)).open("wb"))
            except OSError as exc:
                fail(say("cli.cannot_write", path=output, error=exc.strerror or exc))
        for line in run_lines(_lines(source), decide, counts):
            sink.write(line)
        sink.flush()
    counted = {"read": counts.read, "decided": counts.decided, "invalid": counts.invalid}
    err.print(say("summary.decided", **counted, **rules_named(identity)), markup=False)
    raise typer.Exit(EXIT_REJECTED if counts.invalid else EXIT_OK)


def _open_input(input: str, stack: ExitStack) -> BinaryIO:
    if input == "-":
        return sys.stdin.buffer
    path = Path(input)
    if path.is_dir():
        fail(say("cli.input_is_folder", path=path))
    try:
        return stack.enter_context(path.open("rb"))
    except OSError as exc:
        fail(say("cli.cannot_read", path=path, error=exc.strerror or exc))


def _lines(source: BinaryIO) -> Iterator[bytes]:
    # A final newline ends the last line; it does not start an empty one. A UTF-8 byte-order
    # mark (Windows editors write one) is not part of the first request.
    for number, line in enumerate(source):
        if number == 0 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        yield line.rstrip(b"\r\n")


def register(app: typer.Typer) -> None:
    app.command("gate-check")(gate_check)
    app.command("reviewers")(reviewers)
