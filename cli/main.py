"""The `gradegate` command: one Typer app; each command family registers itself."""

from __future__ import annotations

import typer

from gradegate.cli import decisions_cmd, grade_cmd, init_cmd, keys_cmd, report_cmd, rules_cmd, serve_cmd, tables_cmd

app = typer.Typer(
    name="gradegate",
    help="gradegate — project grading (项目等级评定), gate readiness, review-expert selection and portfolio reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (init_cmd, grade_cmd, rules_cmd, serve_cmd, keys_cmd, decisions_cmd, tables_cmd, report_cmd):
    module.register(app)


if __name__ == "__main__":
    app()
