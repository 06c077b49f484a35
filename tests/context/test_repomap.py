"""Repo map over a real index: the focus file's callees come first; the budget holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from context.index import WorkspaceIndex
from context.repomap import rank_files, repo_map
from context.workspace import Workspace

FILES = {
    "app.py": "from billing import charge_customer\n\ndef checkout(cart):\n    return charge_customer(cart.total)\n",
    "billing.py": (
        "from ledger import record_entry\n\n"
        "def charge_customer(amount):\n    record_entry(amount)\n    return amount\n\n"
        "def refund_customer(amount):\n    return -amount\n"
    ),
    "ledger.py": "def record_entry(amount):\n    return amount\n",
    "weather.py": (
        "def forecast_rain(city):\n    return 0.5\n\n"
        "def forecast_sun(city):\n    return forecast_rain(city) < 0.2\n"
    ),
    "report.py": "from weather import forecast_sun\n\ndef daily(city):\n    return forecast_sun(city)\n",
}


def words(text: str) -> int:
    return len(text.split())


@pytest.fixture
def index(tmp_path: Path) -> WorkspaceIndex:
    for rel, text in FILES.items():
        (tmp_path / rel).write_text(text)
    return WorkspaceIndex.build(Workspace(tmp_path))


def test_callee_file_comes_first_for_a_focus_file(index: WorkspaceIndex) -> None:
    result = repo_map(index, ["app.py"], [], 400, words)
    assert result.files[0] == "billing.py"
    assert "app.py" not in result.files  # the focus file is already in the prompt
    assert result.text.startswith("billing.py:\n")
    assert "  def charge_customer(amount):" in result.text
    assert result.entries[0].name == "charge_customer"
    # The callee's callee outranks unrelated files.
    assert result.files.index("ledger.py") < result.files.index("weather.py")


def test_focus_changes_the_order(index: WorkspaceIndex) -> None:
    result = repo_map(index, ["report.py"], [], 400, words)
    assert result.files[0] == "weather.py"
    ranks = rank_files(index, ["report.py"])
    assert ranks["weather.py"] > ranks["billing.py"]


def test_mentioned_identifier_pulls_its_definition_up(index: WorkspaceIndex) -> None:
    result = repo_map(index, ["app.py"], ["forecast_rain"], 400, words)
    assert result.entries[0].name == "forecast_rain"


def test_budget_is_respected(index: WorkspaceIndex) -> None:
    full = repo_map(index, ["app.py"], [], 10_000, words)
    small = repo_map(index, ["app.py"], [], 12, words)
    assert 0 < len(small.entries) < len(full.entries)
    assert small.tokens == words(small.text) <= 12
    assert repo_map(index, ["app.py"], [], 0, words).text == ""


def test_include_focus_and_no_focus(index: WorkspaceIndex) -> None:
    assert "app.py" in repo_map(index, ["app.py"], [], 400, words, include_focus=True).files
    assert repo_map(index, [], [], 400, words).entries  # a global map without any focus


def test_member_use_links_a_module_function_only_when_the_module_is_named(tmp_path: Path) -> None:
    (tmp_path / "jobs.py").write_text("def process(item):\n    return item\n")
    (tmp_path / "worker.py").write_text("class Worker:\n    def process(self, item):\n        return item\n")
    (tmp_path / "uses_module.py").write_text("import jobs\n\ndef run(x):\n    return jobs.process(x)\n")
    (tmp_path / "uses_object.py").write_text("def run(w, x):\n    return w.process(x)\n")
    index = WorkspaceIndex.build(Workspace(tmp_path))
    via_module = repo_map(index, ["uses_module.py"], [], 400, words)
    assert via_module.files[0] == "jobs.py"
    via_object = repo_map(index, ["uses_object.py"], [], 400, words)
    linked = [e.path for e in via_object.entries if e.name == "process" and e.score > 0.01]
    assert linked == ["worker.py"]  # a method of that name may be it; an unimported module's function not
