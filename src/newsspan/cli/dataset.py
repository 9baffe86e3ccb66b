"""Dataset commands: ``build``, ``stats`` and ``publish`` (library: :mod:`newsspan.dataset`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.text import Text

from ..corpus import Corpus
from ..engine import LOCAL, Engine
from ..files import FileExistsRefusal
from ..storage import is_url, location
from .app import (
    EngineOption,
    JsonOption,
    PathsArgument,
    RootOption,
    SchedulerOption,
    app,
    console,
    engine_or_exit,
    fail,
    print_json,
    progress_bar,
    selected_files,
    validate_or_exit,
)
from .render import differences_table, label_table, loaded_table, splits_table, stats_table, upload_table

OutOption = Annotated[Path, typer.Option("--out", help="The dataset folder to write.")]
ShardRowsOption = Annotated[int, typer.Option("--shard-rows", min=1, help="Rows per parquet shard at most.")]
#: The old name of --out in stats and publish, still accepted.
DistAlias = Annotated[
    Optional[Path],  # noqa: UP045 - typer needs Optional on Python 3.10
    typer.Option("--dist", hidden=True, help="Old name of --out."),
]

#: The last line of a command that will not work on invalid annotations; {task} says what it would have done.
REFUSAL = "refusing to {task} invalid annotations (fix the problems above)"


def validated_files(corpus: Corpus, paths: list[Path] | None, as_json: bool, *, use_cache: bool = True,
                    engine: Engine = LOCAL, task: str = "build from") -> list[str]:
    """The annotation files to build from, validated (incrementally with ``use_cache``); exits 1 (printing the
    problems, then "refusing to ``task`` invalid annotations") if any is invalid.

    With ``use_cache``, incremental: files unchanged since they last passed are not checked again (and the
    cache in ROOT/.newsspan-cache/ is updated). File names are strings: 100,000 ``Path`` objects held
    through a build would cost ~35 MB.
    """
    from ..dataset.parquet import PARALLEL_FROM

    files = selected_files(corpus, paths, as_json, names=True)
    jobs = 0 if len(files) >= PARALLEL_FROM else 1
    validate_or_exit(corpus, files, as_json, refusal=REFUSAL.format(task=task), jobs=jobs, use_cache=use_cache,
                     progress="validating", engine=engine)
    return files


def dataset_folder(out: Path | None, dist: Path | None) -> tuple[Path | None, str]:
    """The folder named by --out or by its old name --dist (--out wins), and that option's name for messages."""
    return (dist, "--dist") if out is None and dist is not None else (out, "--out")


@app.command("build", rich_help_panel="Dataset")
def build_command(
    paths: PathsArgument = None,
    root: RootOption = Path("."),
    out: OutOption = Path("dist/newsspan"),
    check: Annotated[bool, typer.Option("--check", help="Compare OUT with a fresh build; exit 1 if stale.")] = False,
    no_load: Annotated[bool, typer.Option("--no-load", help="Skip loading the result with load_dataset.")] = False,
    shard_rows: ShardRowsOption = 50_000,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an earlier build in OUT even if files were added to it.")
    ] = False,
    homepage: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional on Python 3.10 (and typer < 0.15 on any version)
        typer.Option("--homepage", help="Public URL of the dataset, cited by the card and Croissant (default: none)."),
    ] = None,
    engine: EngineOption = "local",
    scheduler: SchedulerOption = None,
    as_json: JsonOption = False,
) -> None:
    """Validate, build the Hugging Face dataset folder (parquet, card, Croissant, checksums), then load it.

    The folder also ships the JSON Schema and the root's docs/guidelines.md. Only an earlier build in OUT
    (marked by newsspan) is replaced. --check writes nothing: exit 0 if OUT is fresh, 1 if stale.
    """
    from ..dataset.build import BuildError, build_dataset, check_dataset, check_homepage
    from ..dataset.load import load_summary
    from ..dataset.remote import check_remote_out
    from ..dataset.target import check_out, restore_moved_aside

    if homepage is not None:
        try:
            check_homepage(homepage)
        except ValueError as exc:
            raise fail(str(exc), 2, as_json=as_json) from None
    corpus = Corpus(root)
    if check and is_url(out):
        raise fail(f"--check: expected a local --out folder to compare with; found the URL {location(out)}", 2,
                   as_json=as_json)
    if not check:  # before validating: a refused --out leaves even the validation cache unwritten
        try:
            if is_url(out):
                check_remote_out(location(out), force=force)
            else:
                restore_moved_aside(out)  # a killed build's earlier build, back before --out is judged
                check_out(out, corpus.root, force=force)
        except BuildError as exc:
            raise fail(str(exc), as_json=as_json) from None
    with engine_or_exit(engine, scheduler, as_json) as runner:
        # --check writes nothing, not even a cache
        files = validated_files(corpus, paths, as_json, use_cache=not check, engine=runner)
        with progress_bar("building", len(files), as_json) as advance:
            if check:
                try:
                    differences = check_dataset(
                        corpus, files, out, shard_rows=shard_rows, homepage=homepage, on_document=advance,
                        engine=runner,
                    )
                except BuildError as exc:
                    raise fail(str(exc), as_json=as_json) from None
                report_check(out, differences, as_json)
                return
            try:
                result = build_dataset(
                    corpus, files, out, shard_rows=shard_rows, homepage=homepage, force=force, on_document=advance,
                    engine=runner,
                )
            except (FileExistsRefusal, BuildError) as exc:
                raise fail(str(exc), as_json=as_json) from None
    loaded = [] if no_load or is_url(out) else load_summary(out)  # a URL --out is not loaded back here
    if as_json:
        print_json({"ok": True, **result.summary(), "loaded": loaded})
        return
    console.print(Text.assemble(("built ", "green"), f"{location(out)} from {result.tables.documents} document(s)"))
    console.print(loaded_table(out, loaded) if loaded else stats_table(result.stats))


def report_check(out: Path, differences: list[tuple[str, str]], as_json: bool) -> None:
    """Print the outcome of ``build --check`` and exit 0 (fresh) or 1 (stale)."""
    if as_json:
        print_json(
            {
                "ok": not differences,
                "out": str(out),
                "differences": [{"change": change, "path": path} for change, path in differences],
            }
        )
    elif not differences:
        console.print(f"✓ {out} is up to date", style="green")
    else:
        console.print(differences_table(out, differences))
    raise typer.Exit(1 if differences else 0)


@app.command("stats", rich_help_panel="Dataset")
def stats_command(
    paths: PathsArgument = None,
    root: RootOption = Path("."),
    out: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option("--out", help="Read the numbers from this built dataset folder instead of the annotations."),
    ] = None,
    dist: DistAlias = None,
    as_json: JsonOption = False,
) -> None:
    """Corpus statistics (documents, tokens, spans per layer and label, attributes), as the card reports them."""
    from ..dataset import stats

    folder, option = dataset_folder(out, dist)
    if folder is not None:
        if not (folder / "data" / "spans").is_dir():
            raise fail(
                f"{option}: expected a dataset folder made by newsspan build; found none at {folder}",
                2,
                as_json=as_json,
            )
        numbers = stats.compute(folder)
    else:
        corpus = Corpus(root)
        files = validated_files(corpus, paths, as_json, task="count")
        with progress_bar("counting", len(files), as_json) as advance:
            numbers = stats.of_annotations(corpus, files, on_document=advance)
    if as_json:
        print_json(numbers)
        return
    console.print(stats_table(numbers))
    console.print(label_table(numbers))
    console.print(
        f"{numbers['characters']:,} characters; ner tags {numbers['ner']['entities']:,} outermost entities, "
        f"{numbers['ner']['nested_entities_not_tagged']:,} nested ones are not tagged",
        highlight=False,
    )


@app.command("publish", rich_help_panel="Dataset")
def publish_command(
    repo_id: Annotated[str, typer.Option("--repo-id", help="Hugging Face dataset repo, OWNER/NAME.")],
    out: Annotated[Path, typer.Option("--out", help="The built dataset folder to upload.")] = Path("dist/newsspan"),
    dist: DistAlias = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would be uploaded; upload nothing.")] = False,
    private: Annotated[bool, typer.Option("--private", help="Create the repo as private.")] = False,
    root: RootOption = Path("."),
    as_json: JsonOption = False,
) -> None:
    """Upload the dataset folder to the Hugging Face Hub (credentials: HF_TOKEN or `hf auth login`).

    The folder must be an unmodified build (every file matches SHA256SUMS); --root is unused here.
    """
    from ..dataset.publish import PublishError, check_repo_id, publish, upload_plan

    folder = dist if dist is not None else out
    try:
        check_repo_id(repo_id)
    except PublishError as exc:
        raise fail(str(exc), 2, as_json=as_json) from None
    try:
        plan = upload_plan(folder)
        url = None if dry_run else publish(folder, repo_id, private=private)
    except PublishError as exc:
        raise fail(str(exc), as_json=as_json) from None
    except Exception as exc:  # network and Hub errors: report, never a traceback
        raise fail(f"upload to {repo_id} failed: {exc}", as_json=as_json) from None
    if as_json:
        print_json(
            {
                "ok": True,
                "repo_id": repo_id,
                "dry_run": dry_run,
                "url": url,
                "files": [{"path": f.path, "size": f.size} for f in plan],
            }
        )
        return
    console.print(upload_table(plan, repo_id, dry_run))
    if url:
        console.print(Text.assemble(("committed ", "green"), str(url)))


@app.command("split", rich_help_panel="Dataset")
def split_command(
    paths: PathsArgument = None,
    root: RootOption = Path("."),
    ratios: Annotated[str, typer.Option("--ratios", help="Shares of train,validation,test.")] = "0.8,0.1,0.1",
    seed: Annotated[int, typer.Option("--seed", help="Seed of the hash that draws each split.")] = 0,
    by: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option("--by", help="publisher or date: keep each publisher's, or each month's, documents together."),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the splits; change no file.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Assign metadata.split of every document by a seeded hash (stable when documents are added)."""
    from ..dataset.split import GROUPINGS, parse_ratios, split_corpus

    try:
        parsed = parse_ratios(ratios)
        if by is not None and by not in GROUPINGS:
            raise ValueError(f"--by: expected one of {', '.join(GROUPINGS)}; found {by!r}")
    except ValueError as exc:
        raise fail(str(exc), 2, as_json=as_json) from None
    files = validated_files(Corpus(root), paths, as_json, task="split")
    result = split_corpus(files, ratios=parsed, seed=seed, by=by, dry_run=dry_run)
    if as_json:
        print_json({"ok": True, "dry_run": dry_run, **result.to_dict()})
        return
    console.print(splits_table(result, parsed, seed, by))
    console.print(f"{'would change' if dry_run else 'changed'} the split of {len(result.changed):,} document(s)")
