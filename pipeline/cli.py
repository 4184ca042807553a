"""The ``corpus-clean`` command line."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from pipeline.api import clean_file, explain, records
from pipeline.batch import UNIT_BYTES, Plan, RunConfig, RunResult, run
from pipeline.compare import compare
from pipeline.errors import PipelineError
from pipeline.executors import LocalExecutor, RayExecutor
from pipeline.inspect import frame_table, print_diff, render_block_diff, render_rows, show
from pipeline.jsonl import JsonlFields
from pipeline.rules import default_rules_dir, load_rules
from pipeline.runner import DOC_TIME_LIMIT_SECONDS, Pipeline
from pipeline.version import __version__
from pipeline.write import MANIFEST

DEFAULT_INPUT = Path("data/raw")
DEFAULT_OUT = Path("data/clean")
#: Failures listed by name at the end of a run; the manifest has them all.
FAILURES_SHOWN = 20
#: Rows of each table ``compare`` prints.
COMPARE_ROWS = 20
#: The columns of the changed documents (the first table) that fit a terminal; ``doc_id``
#: is what ``--doc`` takes.
CHANGED_COLUMNS = ["doc_id", "change", "blocks_changed", "chars_delta", "source_path"]

console = Console(stderr=True)
RULES_OPTION = click.option(
    "--rules",
    "rules_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder of rule files (default: the shipped rules/).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="corpus-clean")
def main() -> None:
    """Clean scraped web pages into Parquet, with every removal explained."""


@main.command("run")
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_OUT,
    show_default=True,
    help="Output folder: documents/, blocks/, manifest.json.",
)
@RULES_OPTION
@click.option(
    "--workers", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores)."
)
@click.option("--resume", is_flag=True, help="Skip units already written by the same run.")
@click.option(
    "--executor",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Run units in local worker processes, or as Ray tasks (pip install 'corpus-clean[ray]').",
)
@click.option(
    "--address",
    default=None,
    metavar="ADDR",
    help="Ray cluster to join (e.g. ray://head:10001 or auto); default: start Ray here.",
)
@click.option(
    "--unit-mb",
    type=click.FloatRange(min=0, min_open=True),
    default=UNIT_BYTES / 2**20,
    show_default=True,
    metavar="MB",
    help="Input per unit of work: small files are grouped, large WARC/JSONL files cut, to about this size.",
)
@click.option("--disable", multiple=True, metavar="STAGE", help="Turn a stage off by name (repeatable).")
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0),
    default=DOC_TIME_LIMIT_SECONDS,
    show_default=True,
    metavar="SECONDS",
    help="Per-document time limit: a page that takes longer becomes an error row (0: no limit).",
)
@click.option(
    "--jsonl-html",
    default="html",
    show_default=True,
    metavar="FIELD",
    help="JSONL field holding a page's HTML.",
)
@click.option(
    "--jsonl-text",
    default="text",
    show_default=True,
    metavar="FIELD",
    help="JSONL field holding a page's text.",
)
@click.option(
    "--jsonl-url", default="url", show_default=True, metavar="FIELD", help="JSONL field holding the URL."
)
@click.option(
    "--jsonl-id", default="id", show_default=True, metavar="FIELD", help="JSONL field holding an id."
)
def run_command(
    inputs: tuple[Path, ...],
    out: Path,
    rules_dir: Path | None,
    workers: int | None,
    resume: bool,
    executor: str,
    address: str | None,
    unit_mb: float,
    disable: tuple[str, ...],
    time_limit: float,
    jsonl_html: str,
    jsonl_text: str,
    jsonl_url: str,
    jsonl_id: str,
) -> None:
    """Clean INPUT files and folders (default: data/raw) into --out.

    INPUT is a file or a folder searched recursively: .html, .htm, .txt, .warc,
    .jsonl, each optionally .gz; other files are sniffed. WARC and JSONL files
    are streamed, one page at a time. Every input document gets a documents
    row, with status and error when it could not be cleaned; archive records
    that are not pages (requests, images, redirects) are counted by reason in
    the manifest.

    \b
    Example:
      corpus-clean run data/raw --out data/clean --workers 2
    """
    config = RunConfig(
        inputs or (DEFAULT_INPUT,),
        out,
        rules_dir or default_rules_dir(),
        disable,
        time_limit or None,
        JsonlFields(jsonl_html, jsonl_text, jsonl_url, jsonl_id),
        unit_bytes=max(1, round(unit_mb * 2**20)),
    )
    n_workers = workers or os.cpu_count() or 1
    runner = RayExecutor(address, n_workers) if executor == "ray" else LocalExecutor(n_workers)
    try:
        with RunDisplay() as display:
            result = run(
                config,
                executor=runner,
                resume=resume,
                on_planned=display.planned,
                on_progress=display.advanced,
            )
    except (PipelineError, ValueError, ImportError) as exc:
        raise click.ClickException(str(exc)) from exc
    _print_summary(result, out)
    if result.failed:
        raise click.ClickException(
            f"{len(result.failed)} unit(s) failed (listed above and in {out / MANIFEST}); "
            "rerun with --resume to try them again"
        )


class RunDisplay:
    """The live progress bar of a run: input bytes done, documents, docs/s and MB/s of
    the documents cleaned so far (not those reused by --resume)."""

    def __init__(self) -> None:
        self.progress = Progress(
            TextColumn("cleaning"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[docs]:>9,} docs  {task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self.task = self.progress.add_task("cleaning", total=None, docs=0, rate="")
        self.started = time.monotonic()
        self.reused_docs = self.cleaned_docs = self.cleaned_bytes = 0

    def planned(self, plan: Plan) -> None:
        self.started = time.monotonic()
        self.reused_docs = plan.reused_docs
        self.progress.update(
            self.task, total=plan.input_bytes, completed=plan.reused_bytes, docs=plan.reused_docs
        )

    def advanced(self, docs: int, input_bytes: int) -> None:
        self.cleaned_docs += docs
        self.cleaned_bytes += input_bytes
        seconds = max(time.monotonic() - self.started, 1e-9)
        rate = f"{self.cleaned_docs / seconds:,.1f} docs/s  {self.cleaned_bytes / seconds / 1e6:,.2f} MB/s"
        docs_done = self.reused_docs + self.cleaned_docs
        self.progress.update(self.task, advance=input_bytes, docs=docs_done, rate=rate)

    def __enter__(self) -> RunDisplay:
        self.progress.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.progress.stop()


def _print_summary(result: RunResult, out: Path) -> None:
    console.print(_summary_table(result, out))
    stats = result.stats
    if stats.errors:
        console.print(f"[bold red]{len(stats.errors)} input(s) could not be cleaned:[/]")
        for path, error in sorted(stats.errors)[:FAILURES_SHOWN]:
            console.print(f"  {path}: {error}", markup=False)
        if len(stats.errors) > FAILURES_SHOWN:
            console.print(f"  ... and {len(stats.errors) - FAILURES_SHOWN} more in {out / MANIFEST}")
    for failed in result.failed:
        console.print(f"[bold red]unit {failed.name} failed:[/] {escape(failed.reason)}")
        for name in failed.inputs:
            console.print(f"  {name}", markup=False)


def _summary_table(result: RunResult, out: Path) -> Table:
    """The end-of-run table: documents by status, skipped records, units, speed."""
    stats = result.stats
    table = Table(title=f"corpus-clean run -> {escape(str(out))}", show_header=False, title_justify="left")
    table.add_column("what", style="bold")
    table.add_column("value", justify="right")
    table.add_column("detail")
    statuses = ", ".join(f"{status} {count:,}" for status, count in sorted(stats.status.items()))
    table.add_row("documents", f"{stats.docs:,}", statuses)
    skipped = ", ".join(f"{reason} {n:,}" for reason, n in stats.skipped.most_common(3))
    table.add_row("records skipped", f"{sum(stats.skipped.values()):,}", escape(skipped))
    files = result.manifest["input_files"]
    table.add_row(
        "input", f"{result.input_bytes / 1e6:,.1f} MB", f"{files:,} file{'' if files == 1 else 's'}"
    )
    units = f"{result.units_cleaned} cleaned, {result.units_reused} reused, {len(result.failed)} failed"
    table.add_row("units", f"{result.manifest['units']:,}", units)
    table.add_row("chars kept", f"{stats.chars_out / max(stats.chars_in, 1):.1%}", f"of {stats.chars_in:,}")
    speed = f"{result.docs_per_second:,.1f} docs/s, {result.bytes_per_second / 1e6:,.2f} MB/s"
    table.add_row("time", f"{result.seconds:,.1f} s", speed)
    return table


@main.command("inspect")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@RULES_OPTION
@click.option("--removed-only", is_flag=True, help="Show only the removed blocks.")
def inspect_command(file: Path, rules_dir: Path | None, removed_only: bool) -> None:
    """Clean one FILE and show it as a coloured diff: removals struck through,
    each with its category, rule id and detail.

    \b
    Example:
      corpus-clean inspect data/raw/000_4836993da0e4a9b5.txt
    """
    try:
        pipe = Pipeline.default(load_rules(rules_dir)) if rules_dir else None
    except PipelineError as exc:
        raise click.ClickException(str(exc)) from exc
    print_diff(clean_file(file, pipe).doc, Console(), removed_only=removed_only)


@main.command("explain")
@click.argument("out", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.argument("doc_id")
@click.option("--removed-only", is_flag=True, help="Show only the removed blocks.")
def explain_command(out: Path, doc_id: str, removed_only: bool) -> None:
    """Show document DOC_ID of the finished run in OUT as a coloured diff, from the blocks
    the run stored (nothing is cleaned again). Long pages go through the pager.

    \b
    Example (doc_id as in the documents table):
      corpus-clean explain data/clean 5a831a5e479b6a436131
    """
    try:
        explained = explain(out, doc_id)
    except KeyError as exc:
        raise click.ClickException(str(exc.args[0])) from exc
    show(render_rows(explained.document, explained.rows(), removed_only=removed_only), Console())


@main.command("compare")
@click.argument("a", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.argument("b", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--doc", "doc_id", metavar="DOC_ID", help="Show this document's blocks, changes marked.")
@click.option("--changes-only", is_flag=True, help="With --doc: show only the blocks that changed.")
def compare_command(a: Path, b: Path, doc_id: str | None, changes_only: bool) -> None:
    """Compare two finished runs A and B (say, before and after a rule edit): documents
    that changed, characters removed per category and per rule, and where the
    characters of changed blocks went; with --doc, one document's block diff.

    \b
    Example:
      corpus-clean run data/raw --out /tmp/edited --rules /tmp/my-rules
      corpus-clean compare data/clean /tmp/edited
      corpus-clean compare data/clean /tmp/edited --doc 5a831a5e479b6a436131
    """
    try:
        comparison = compare(a, b)
        diff = comparison.diff(doc_id) if doc_id else None
    except (FileNotFoundError, KeyError) as exc:
        raise click.ClickException(str(exc.args[0])) from exc
    out = Console()
    if diff is not None:
        out.print(f"[bold]{diff.source_path}[/]: {a} -> {b}", highlight=False)
        show(render_block_diff(records(diff.rows), changes_only=changes_only), out)
        return
    out.print(comparison.summary(), highlight=False)
    tables = comparison.tables()
    title, changed = tables[0]
    tables[0] = (title, changed[CHANGED_COLUMNS])
    for title, frame in tables:
        out.print(frame_table(title, frame, COMPARE_ROWS) if len(frame) else f"{title}: none")


@main.group("rules")
def rules_group() -> None:
    """Work with rule files."""


@rules_group.command("check")
@click.argument("directory", required=False, type=click.Path(path_type=Path, file_okay=False))
def rules_check(directory: Path | None) -> None:
    """Validate the rule files in DIRECTORY (default: the shipped rules/): ids,
    categories, patterns and every must_match / must_not_match example.

    \b
    Example:
      corpus-clean rules check rules/
    """
    try:
        rules = load_rules(directory)
    except PipelineError as exc:
        raise click.ClickException(str(exc)) from exc
    counts: dict[str, int] = {}
    for rule in rules.rules:
        counts[rule.category.value] = counts.get(rule.category.value, 0) + 1
    table = Table("category", "rules", title=f"{len(rules.rules)} rules OK ({len(rules.retired)} retired)")
    for category, count in sorted(counts.items()):
        table.add_row(category, str(count))
    Console().print(table)
    Console().print(f"rules sha256 {rules.sha256}")


@main.command("stats")
@click.argument("directory", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
def stats_command(directory: Path, as_json: bool) -> None:
    """Summarise a finished run in DIRECTORY: documents per status, characters
    removed per category and the rules that removed most.

    \b
    Example:
      corpus-clean stats data/clean
    """
    path = directory / MANIFEST
    if not path.exists():
        raise click.ClickException(f"{path}: no manifest; is {directory} the --out of a finished run?")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    out = Console()
    if as_json:
        out.print_json(data=manifest)
        return
    chars_in = manifest["chars_in"] or 1
    kept = 100 * manifest["chars_out"] / chars_in
    out.print(
        f"[bold]{manifest['docs']:,} documents[/], {manifest['chars_in']:,} chars in, "
        f"{manifest['chars_out']:,} out ({kept:.1f}% kept)"
    )
    out.print(_status_table(manifest))
    out.print(_removed_table("category", manifest["removed_chars_by_category"], chars_in))
    out.print(_removed_table("rule", manifest["removed_chars_by_rule"], chars_in, limit=15))
    for failed in manifest.get("failed_units", []):
        out.print(f"[bold red]unit {failed['name']} failed:[/] {escape(failed['reason'])}")


def _status_table(manifest: dict[str, object]) -> Table:
    table = Table(show_header=True, header_style="bold")
    table.add_column("status")
    table.add_column("docs", justify="right")
    for status, count in dict(manifest["status"]).items():  # type: ignore[call-overload]
        table.add_row(status, f"{count:,}")
    return table


def _removed_table(what: str, removed: dict[str, int], chars_in: int, limit: int | None = None) -> Table:
    table = Table(what, "chars removed", "% of input", title=f"removed by {what}")
    ranked = sorted(removed.items(), key=lambda kv: (-kv[1], kv[0]))
    for name, chars in ranked[:limit]:
        table.add_row(name, f"{chars:,}", f"{100 * chars / chars_in:.1f}")
    return table
