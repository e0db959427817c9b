"""A run's folder: kept while it holds a file, removed once empty by the run itself or by the next run."""

from __future__ import annotations

from pathlib import Path

import pytest

from bhg_crawler.runs.files import manifest_part, publish, remove_empty_folders, remove_run_files

RUN = "20261130T111228Z-bhg-5b92"


@pytest.mark.parametrize(
    ("files", "given", "removed"),
    [
        ([], True, True),  # a nothing-new run, or a dead one whose files went
        ([], False, False),  # a run not given: one that may still run (another state's, or this one)
        (["articles-0001.jsonl"], True, False),  # a published run's files
        ([".articles-0001.jsonl.part"], True, False),  # unpublished files: removed by remove_run_files, not here
        (None, True, False),  # no folder at all
    ],
)
def test_only_the_empty_folders_of_the_runs_given_are_removed(
    tmp_path: Path, files: list[str] | None, given: bool, removed: bool
) -> None:
    folder = tmp_path / RUN
    if files is not None:
        folder.mkdir()
        for name in files:
            (folder / name).write_text("{}\n")
    assert remove_empty_folders([(tmp_path, RUN)] if given else []) == ([RUN] if removed else [])
    assert folder.is_dir() == (files is not None and not removed)
    assert tmp_path.is_dir()


def test_no_run_id_is_never_the_exports_folder(tmp_path: Path) -> None:
    assert remove_empty_folders([(tmp_path, "")]) == []
    assert tmp_path.is_dir()


@pytest.mark.parametrize(("parts", "folder_kept"), [([], False), ([".articles-0001.jsonl.part"], True)])
def test_a_published_run_keeps_its_folder_only_with_files_in_it(
    tmp_path: Path, parts: list[str], folder_kept: bool
) -> None:
    (tmp_path / RUN).mkdir()
    (tmp_path / "runs").mkdir()
    manifest_part(tmp_path, RUN).write_text("{}")
    for name in parts:
        (tmp_path / RUN / name).write_text("{}\n")
    assert publish(tmp_path / RUN, manifest_part(tmp_path, RUN)) == len(parts)
    assert (tmp_path / RUN).is_dir() == folder_kept
    assert (tmp_path / "runs" / f"{RUN}.json").is_file()


def test_a_dead_runs_files_and_folder_are_removed(tmp_path: Path) -> None:
    (tmp_path / RUN).mkdir()
    (tmp_path / "runs").mkdir()
    for name in (".articles-0001.jsonl.part", ".failures.jsonl.part"):
        (tmp_path / RUN / name).write_text("{}\n")
    manifest_part(tmp_path, RUN).write_text("{}")
    assert remove_run_files(tmp_path, RUN) == 2
    assert sorted(path.name for path in tmp_path.rglob("*")) == ["runs"]
