"""The README stays true: its commands are the ones CI runs, and its links point to files."""

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def bash_blocks(text):
    return re.findall(r"```bash\n(.*?)```", text, flags=re.S)


def test_ci_runs_the_readme_test_command_verbatim():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_commands = [b.strip() for b in bash_blocks(README) if b.strip().endswith("-m pytest")]
    assert len(test_commands) == 1
    assert test_commands[0] in ci.splitlines()


def test_readme_install_and_test_commands_share_the_install_step():
    open_cmd = next(b.strip() for b in bash_blocks(README) if "jupyter lab" in b)
    test_cmd = next(b.strip() for b in bash_blocks(README) if b.strip().endswith("-m pytest"))
    # the tests install the course's requirements and, on top, the test-only ones
    assert test_cmd.rsplit("&&", 1)[0] == open_cmd.rsplit("&&", 1)[0] + "-r requirements-test.txt "


def test_relative_links_resolve_in_every_markdown_file():
    pages = [ROOT / "README.md", ROOT / "glossary.md", *sorted((ROOT / "datasets").glob("*.md")),
             *sorted((ROOT / "instructors").glob("*.md")), *sorted((ROOT / "benchmarks").glob("*.md"))]
    checked = 0
    for page in pages:
        for link in re.findall(r"\]\((?!https?://)([^)#\s]+)\)", page.read_text(encoding="utf-8")):
            assert (page.parent / link).exists(), f"{page.relative_to(ROOT)} links to missing {link}"
            checked += 1
    assert checked > 20


def test_requirements_are_pinned():
    lines = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert "-e ." in lines
    for line in lines:
        if line != "-e .":
            assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.]*", line), line
    for name in ("jupyterlab", "pandas", "matplotlib", "seaborn", "pyarrow", "duckdb", "papermill"):
        assert any(line.startswith(f"{name}==") for line in lines), name
    test_lines = [line.strip() for line in (ROOT / "requirements-test.txt").read_text().splitlines()
                  if line.strip() and not line.startswith("#")]
    for line in test_lines:
        assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.]*", line), line
    for name in ("pytest", "hypothesis", "nbval", "playwright"):
        assert any(line.startswith(f"{name}==") for line in test_lines), name
        assert not any(line.startswith(f"{name}==") for line in lines), f"{name} is for tests only"


def test_lesson_table_links_every_notebook():
    for notebook in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        assert f"(notebooks/{notebook.name})" in README, f"README lesson table does not link {notebook.name}"


def test_each_lesson_states_the_same_time_in_the_readme_the_agenda_and_the_lesson():
    import json

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    agenda = (ROOT / "instructors" / "agenda.md").read_text(encoding="utf-8")
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        minutes = re.search(r"\*\*Time\.\*\* About (\d+) minutes", text).group(1)
        number = path.name[:2]
        assert re.search(rf"\| {number} \| \[[^]]+\]\(notebooks/{path.name}\) \|[^|]+\| {minutes} min \|", readme), \
            f"README's lesson table does not give {path.name} {minutes} min"
        assert re.search(rf"\| {number} · [^|]+\| {minutes} min \|", agenda), \
            f"the agenda's per-lesson table does not give lesson {number} {minutes} min"
