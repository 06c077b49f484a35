"""Files and folders made, renamed and deleted inside the workspace only, never over something that exists."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine.errors import FileConflict, FileError, WorkspaceError
from engine.file_ops import create_file, create_folder, delete_path, existing_path, is_inside, new_path, rename_path
from engine.files import changed_on_disk, save_document


def test_create_file_makes_its_folders_and_returns_the_opened_file(tmp_path: Path) -> None:
    opened = create_file(tmp_path, "src/pkg/new.py", "x = 1\n")
    path = tmp_path / "src" / "pkg" / "new.py"
    assert opened.path == path and path.read_text() == "x = 1\n" and opened.text == "x = 1\n"
    assert opened.snapshot is not None and not changed_on_disk(path, opened.snapshot)
    saved = save_document(opened, "x = 2\n")  # the snapshot is the file's: the next save is an ordinary one
    assert path.read_text() == "x = 2\n" and saved.snapshot is not None


def test_create_file_refuses_an_existing_name_and_leaves_it_alone(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("keep\n")
    with pytest.raises(FileError, match=r"^a.py: already exists$"):
        create_file(tmp_path, "a.py", "lost\n")
    assert (tmp_path / "a.py").read_text() == "keep\n"


@pytest.mark.parametrize("name", ["../outside.py", "sub/../../outside.py", "/etc/caret-test"])
def test_names_outside_the_workspace_are_refused(tmp_path: Path, name: str) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    with pytest.raises(WorkspaceError, match="outside the workspace"):
        create_file(root, name)
    assert not (tmp_path / "outside.py").exists()


def test_a_symlinked_folder_that_leads_out_is_refused(tmp_path: Path) -> None:
    root, elsewhere = tmp_path / "ws", tmp_path / "elsewhere"
    root.mkdir()
    elsewhere.mkdir()
    (root / "link").symlink_to(elsewhere)
    with pytest.raises(WorkspaceError, match="links outside"):
        create_file(root, "link/id_rsa", "secret")
    with pytest.raises(WorkspaceError):
        rename_path(root, "link", "../moved")
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "problem"),
    [("", "type a name"), ("   ", "type a name"), (".", "workspace folder itself"), (".git/hooks/x", ".git/"),
     ("a\tb", "control characters"), ("f.txt/inner.py", "f.txt: is a file")],
)
def test_bad_names_get_one_line(tmp_path: Path, name: str, problem: str) -> None:
    (tmp_path / "f.txt").write_text("")
    with pytest.raises(FileError, match=problem) as caught:
        new_path(tmp_path, name)
    assert "\n" not in str(caught.value)


def test_an_absolute_name_inside_the_workspace_is_fine(tmp_path: Path) -> None:
    assert new_path(tmp_path, str(tmp_path / "d" / "x.py")) == tmp_path.resolve() / "d" / "x.py"


def test_create_folder_and_refuse_it_twice(tmp_path: Path) -> None:
    assert create_folder(tmp_path, "a/b/") == tmp_path / "a" / "b"
    assert (tmp_path / "a" / "b").is_dir()
    with pytest.raises(FileError, match="a/b: already exists"):
        create_folder(tmp_path, "a/b")


def test_rename_moves_a_file_into_new_folders(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x\n")
    new = rename_path(tmp_path, tmp_path / "a.py", "pkg/b.py")
    assert new == tmp_path / "pkg" / "b.py" and new.read_text() == "x\n" and not (tmp_path / "a.py").exists()


def test_rename_onto_an_existing_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("a\n")
    (tmp_path / "b.py").write_text("b\n")
    with pytest.raises(FileError, match=r"b\.py: already exists"):
        rename_path(tmp_path, "a.py", "b.py")
    assert (tmp_path / "a.py").read_text() == "a\n" and (tmp_path / "b.py").read_text() == "b\n"


def test_rename_a_folder_with_its_files_but_never_into_itself(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "m.py").write_text("m\n")
    with pytest.raises(FileError, match="cannot move into itself"):
        rename_path(tmp_path, "d", "d/inner")
    new = rename_path(tmp_path, "d", "e")
    assert (new / "m.py").read_text() == "m\n" and not (tmp_path / "d").exists()
    assert is_inside(new / "m.py", new) and not is_inside(tmp_path / "ef.py", new)


def test_missing_sources_the_root_and_git_are_refused(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    with pytest.raises(FileError, match="no such file"):
        delete_path(tmp_path, "gone.py")
    with pytest.raises(FileError, match="workspace folder itself"):
        delete_path(tmp_path, tmp_path)
    with pytest.raises(FileError, match="workspace folder itself"):
        existing_path(tmp_path, ".")
    with pytest.raises(FileError, match=r"\.git/"):
        delete_path(tmp_path, ".git")
    with pytest.raises(WorkspaceError):
        delete_path(tmp_path, tmp_path.parent / "x")
    assert (tmp_path / ".git").is_dir()


def test_delete_a_file_and_a_folder_with_everything_in_it(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("a\n")
    (tmp_path / "d" / "e").mkdir(parents=True)
    (tmp_path / "d" / "e" / "f.py").write_text("f\n")
    assert delete_path(tmp_path, "a.py") == tmp_path / "a.py"
    delete_path(tmp_path, tmp_path / "d")
    assert sorted(os.listdir(tmp_path)) == []


def test_deleting_a_symlink_leaves_its_target(tmp_path: Path) -> None:
    root, elsewhere = tmp_path / "ws", tmp_path / "elsewhere"
    root.mkdir()
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("keep\n")
    (root / "link").symlink_to(elsewhere)
    delete_path(root, "link")
    assert not os.path.lexists(root / "link") and (elsewhere / "keep.txt").read_text() == "keep\n"


def test_a_file_that_appears_before_the_write_is_not_overwritten(tmp_path: Path) -> None:
    from engine.files import OpenedFile

    path = tmp_path / "late.py"
    path.write_text("theirs\n")
    with pytest.raises(FileConflict):
        save_document(OpenedFile(path=path, text="", snapshot=None), "mine\n")  # what create_file writes through
    assert path.read_text() == "theirs\n"
