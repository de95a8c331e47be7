"""Documentation that users rely on stays true: data formats, templates, settings."""

from __future__ import annotations

import ast
import importlib.util
import re

import typer

from data_access.datasets import DATASETS, LOAD_ORDER
from data_access.importer import import_file
from data_access.settings import Settings
from tests.conftest import DIRECTOR, REPO


def _generator():
    spec = importlib.util.spec_from_file_location(
        "make_data_formats", REPO / "docs" / "make_data_formats.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_data_formats_document_is_up_to_date():
    committed = (REPO / "docs" / "data-formats.md").read_text(encoding="utf-8")
    assert committed == _generator().document(), "run: uv run python docs/make_data_formats.py"


def test_every_dataset_has_both_templates_and_they_import_cleanly(sqlite_store):
    assert set(LOAD_ORDER) == set(DATASETS)
    for name in LOAD_ORDER:
        for suffix in ("csv", "xlsx"):
            path = REPO / "docs" / "templates" / f"{name}.{suffix}"
            report = import_file(sqlite_store, name, path, actor=DIRECTOR)
            assert report.rows > 0 and report.inserted + report.unchanged > 0, path


def _readme_section(heading: str) -> list[str]:
    """The lines of the README section under ``## heading``, up to the next heading."""
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index(f"## {heading}") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return lines[start:end]


def _cells(row: str) -> list[str]:
    """A Markdown table row's cells (``\\|`` inside a cell is a literal bar)."""
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row.strip())[1:-1]]


def _table_rows(heading: str) -> list[list[str]]:
    rows = [_cells(line) for line in _readme_section(heading) if line.startswith("| `")]
    assert rows, f"no table under ## {heading}"
    return rows


def _variable(field: str) -> str:
    """The environment variable a setting is read from (its alias, else prefix and name)."""
    alias = Settings.model_fields[field].validation_alias
    return alias if isinstance(alias, str) else f"ASCGOV_{field.upper()}"


# read by the test suite itself (tests/conftest.py), not by the dashboard
TEST_ONLY_VARIABLES = {"ASCGOV_TEST_PG_URL"}


def test_the_configuration_table_and_the_settings_name_the_same_variables():
    documented = {row[0].strip("`"): row[1] for row in _table_rows("Configuration")}
    settings = {_variable(name): field for name, field in Settings.model_fields.items()}
    assert set(settings) - set(documented) == set(), "settings missing from the README table"
    assert set(documented) - set(settings) - TEST_ONLY_VARIABLES == set(), (
        "the README documents variables nothing reads"
    )
    for variable, field in settings.items():
        assert field.description, variable
        if isinstance(field.default, int):  # a number's documented default is the real one
            assert documented[variable] == str(field.default), variable


def _environment_reads(path) -> list[str]:
    """``ASCGOV_*`` names a module reads from the environment (writing one is not reading)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            reader = node.func.attr in {"get", "getenv", "pop", "setdefault"}
            args = node.args[:1]
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            reader, args = ast.unparse(node.value).endswith("environ"), [node.slice]
        elif isinstance(node, ast.Compare) and isinstance(node.ops[0], ast.In | ast.NotIn):
            reader = ast.unparse(node.comparators[0]).endswith("environ")
            args = [node.left]
        else:
            continue
        names += [
            arg.value
            for arg in args
            if reader and isinstance(arg, ast.Constant) and str(arg.value).startswith("ASCGOV_")
        ]
    return names


def test_only_the_settings_read_ascgov_variables_from_the_environment():
    app_code = [
        path
        for folder in ("dashboard", "data_access", "pages")
        for path in sorted((REPO / folder).rglob("*.py"))
        if path != REPO / "data_access" / "settings.py"
    ]
    reads = {path.relative_to(REPO).as_posix(): _environment_reads(path) for path in app_code}
    assert {path: names for path, names in reads.items() if names} == {}


def _command_tree():
    """Every ``ascgov`` command, by its words, as the real command line has it."""
    from dashboard.cli.main import app

    commands = {}

    def walk(command, words: tuple[str, ...]) -> None:
        children = getattr(command, "commands", None)
        if children is None:
            commands[" ".join(words)] = command
            return
        for name, child in children.items():
            if not child.hidden:
                walk(child, (*words, name))

    walk(typer.main.get_command(app), ())
    return commands


def _documented_commands() -> list[str]:
    """Each usage in the README's command table, e.g. ``ascgov export DATASET --format ...``."""
    usages = []
    for row in _table_rows("Command line: `ascgov`"):
        usages += [usage.replace("\\|", "|") for usage in re.findall(r"`(ascgov [^`]*)`", row[0])]
    return usages


def _words(usage: str, tree: dict) -> str:
    """The command a usage names: its longest leading run of words that is a command."""
    tokens = usage.split()[1:]
    for length in range(len(tokens), 0, -1):
        if " ".join(tokens[:length]) in tree:
            return " ".join(tokens[:length])
    raise AssertionError(f"README documents `{usage}`: ascgov has no such command")


def test_the_command_table_and_the_command_line_name_the_same_commands():
    tree = _command_tree()
    documented = {_words(usage, tree) for usage in _documented_commands()}
    assert set(tree) - documented == set(), "commands missing from the README table"


def test_every_documented_option_and_argument_is_the_commands_own():
    tree = _command_tree()
    for usage in _documented_commands():
        name = _words(usage, tree)
        command = tree[name]
        options = {
            option: param
            for param in command.params
            if param.param_type_name == "option"
            for option in (*param.opts, *param.secondary_opts)
        }
        arguments = [p for p in command.params if p.param_type_name == "argument"]
        tokens = iter(usage.replace("[", " ").replace("]", " ").split()[1 + len(name.split()) :])
        positional = 0
        for token in tokens:
            if token.startswith("-"):
                assert token in options, f"`{usage}`: ascgov {name} has no option {token}"
                if not options[token].is_flag:
                    next(tokens)  # the option's value
            else:
                positional += 1
        many = any(a.nargs == -1 for a in arguments)
        assert many or positional <= len(arguments), f"`{usage}`: too many arguments"


def test_readme_opens_with_the_two_commands():
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("```sh") + 1 : lines.index("```")]
    assert [line.split()[0] for line in block] == ["./scripts/run-dashboard", "./scripts/run-tests"]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "./scripts/run-tests" in ci
