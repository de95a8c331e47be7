"""The "Load a file" page: upload, a dry run through the CLI's own import path, then apply.

The upload is written to a temporary file under its own name and handed to
``data_access.importer.import_file``, exactly as ``ascgov import`` does: one path for both.
"Apply" names the file's hash and the dataset versions the preview read, so a different file
or a store changed since the preview is refused, never written unseen.
"""

from __future__ import annotations

import hashlib
import math
import tempfile
from functools import partial
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitAPIException

from dashboard.domain.case_counts import backlog_counts
from dashboard.domain.formatting import counted, plain
from dashboard.ui import data, render
from dashboard.ui.components import table_with_downloads
from dashboard.ui.update_forms import show_history
from dashboard.views import load_file as view
from data_access.access import IMPORT_AS_EDIT, NotPermitted, Permission, Principal
from data_access.datasets import DATASETS, LOAD_ORDER, recognise
from data_access.files import (
    XLSX_SUFFIXES,
    ReadLimits,
    normalise_header,
    read_table,
    workbook_sheets,
)
from data_access.importer import OUTSIDE_ASSIGNMENT, ImportReport, import_file, read_for_import
from data_access.problems import ImportRejected
from data_access.settings import get_settings
from data_access.templates import template_bytes
from data_access.vocab import Role

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECOGNISE = "Recognise it from the column headings"
_PREVIEW = "load-preview"
_OUTCOME = "load-outcome"
_SHEETS = "load-sheets"
_READ_SHEET = "load-read-sheet"
HISTORY_ITEMS = 5


def datasets_for(who: Principal) -> list[str]:
    """The datasets this person may load: an officer those they edit, a director every one."""
    if who.role is Role.OFFICER:
        return [
            name
            for name in LOAD_ORDER
            if name in IMPORT_AS_EDIT and who.has(IMPORT_AS_EDIT[name][0])
        ]
    return list(LOAD_ORDER) if who.has(Permission.IMPORT) else []


def page(who: Principal) -> None:
    st.title("Load a file")
    offered = datasets_for(who)
    if not offered:
        st.info(
            "Your role does not include loading files. Officers load the figures of the items "
            "assigned to them, and directors any figures."
        )
        st.stop()
    if data.as_at() is not None:
        st.info("Loading a file changes the live figures: clear “Figures as at” in the sidebar.")
        st.stop()
    st.markdown(
        "Load a CSV file or an Excel workbook (.xlsx). It is checked first and nothing is "
        "written: you see how many rows are new, changed and unchanged, each change field by "
        "field, and every problem with where it is and what to do. **Apply** then writes every "
        "row or none, and each change is kept in the item's history with your name."
    )
    _outcome()
    _templates(offered)
    limit = get_settings().max_import_bytes
    uploaded = st.file_uploader(
        "File to load (CSV or Excel .xlsx)",
        type=["csv", "xlsx"],
        key="load-upload",
        max_upload_size=max(1, math.ceil(limit / 2**20)),
        help=f"At most {limit:,} bytes.",
    )
    choice = st.selectbox(
        "What the file holds",
        [RECOGNISE, *offered],
        key="load-dataset",
        format_func=_label,
    )
    if uploaded is None:
        return
    content = uploaded.getvalue()
    digest = hashlib.sha256(content).hexdigest()
    resolved = _dataset_and_sheet(uploaded.name, content, digest, choice, offered)
    if resolved is None:
        return
    dataset, sheet = resolved
    if st.button("Check the file (nothing is written)", key="load-check", type="primary"):
        st.session_state.pop(_OUTCOME, None)
        st.session_state[_PREVIEW] = _dry_run(who, dataset, uploaded.name, content, sheet)
    preview = st.session_state.get(_PREVIEW)
    if preview is None or (preview["dataset"], preview["name"], preview["sheet"]) != (
        dataset,
        uploaded.name,
        sheet,
    ):
        return
    if preview["sha256"] != digest:
        st.warning("The file has changed since it was checked: check it again before applying.")
    _show_preview(preview)
    if preview["report"] is not None and not preview["problems"]:
        if st.button(f"Apply: write these rows of {dataset}", key="load-apply"):
            _apply(who, preview, uploaded.name, content)
            st.rerun()


def _dataset_and_sheet(
    name: str, content: bytes, digest: str, choice: str, offered: list[str]
) -> tuple[str, str | None] | None:
    """The dataset to check and the sheet to name to the importer; None, with the reason on
    the page, while no sheet of a workbook of hidden sheets is chosen or no dataset is told."""
    sheet, every_hidden = _sheet_picker(name, content, digest, choice, offered)
    if sheet is None and every_hidden:
        # no sheet is read, to recognise or check, until someone picks one
        st.warning(
            plain(
                f"Every sheet of {name} is hidden: choose the sheet to load. Only a sheet "
                "chosen above is read."
            )
        )
        return None
    dataset = choice if choice != RECOGNISE else _recognised(name, content, offered, sheet)
    if dataset is None:
        return None
    return dataset, _sheet_to_name(name, content, digest, dataset, sheet)


def _label(name: str) -> str:
    return name if name == RECOGNISE else f"{name}: {DATASETS[name].description}"


def _templates(offered: list[str]) -> None:
    with st.expander("Templates: the columns each file needs, with an example row"):
        st.markdown(
            "Each template has the columns in order and one example row; the Excel template has "
            "a Notes sheet describing every column. Money is in pounds."
        )
        for name in offered:
            with st.container(horizontal=True):
                st.markdown(f"**{name}**")
                st.download_button(
                    "CSV template",
                    data=lambda name=name: template_bytes(name, "csv"),
                    file_name=f"{name}-template.csv",
                    mime="text/csv",
                    key=f"template-{name}-csv",
                    on_click="ignore",
                    icon=":material/download:",
                )
                st.download_button(
                    "Excel template",
                    data=lambda name=name: template_bytes(name, "xlsx"),
                    file_name=f"{name}-template.xlsx",
                    mime=XLSX_MIME,
                    key=f"template-{name}-xlsx",
                    on_click="ignore",
                    icon=":material/download:",
                )


def _with_file(name: str, content: bytes, action):
    """Run ``action`` on the upload saved as a file of its own name (the CLI's input)."""
    with tempfile.TemporaryDirectory(prefix="ascgov-load-") as folder:
        path = Path(folder) / Path(name).name
        path.write_bytes(content)
        return action(path)


def _header_rows(path: Path, sheet: str | None):
    """The rows a header may be on, normalised, for ``recognise``."""
    limits = ReadLimits.from_settings(get_settings())
    table = read_table(path, wanted=(), limits=limits, sheet=sheet)
    first = [cells for _, cells in table.all_rows[:20]]
    return [table.columns, *[tuple(normalise_header(c) for c in row) for row in first]]


def _sheet_picker(
    name: str, content: bytes, digest: str, choice: str, offered: list[str]
) -> tuple[str | None, bool]:
    """The sheet chosen of a workbook of several sheets or any hidden one, and whether every
    sheet is hidden. The picker starts on the sheet the importer would read first; with no
    sheet visible it starts on none, as a hidden sheet is read only when a person picks it.
    None for a CSV file or a single visible sheet (the importer then reads it as it is)."""
    if not name.lower().endswith(XLSX_SUFFIXES):
        return None, False
    held = st.session_state.get(_SHEETS)
    if held is None or held[0] != (digest, choice):
        # a picker's default reads the workbook (each sheet, to recognise one): once per file
        try:
            sheets, default = _with_file(
                name, content, lambda path: _sheets_and_default(path, choice, offered)
            )
        except ImportRejected:
            sheets, default = [], None  # the check reads the file again and names the problem
        if default is not None and len(sheets) > 1 and choice != RECOGNISE:
            default = _importer_sheet(name, content, digest, choice) or default
        held = ((digest, choice), sheets, default)
        st.session_state[_SHEETS] = held
    _, sheets, default = held
    names = [sheet for sheet, _ in sheets]
    hidden = {sheet for sheet, is_hidden in sheets if is_hidden}
    if len(sheets) < 2 and not hidden:
        return None, False
    every_hidden = len(hidden) == len(names)
    chosen = st.selectbox(
        "Sheet to load",
        names,
        index=None if default is None else names.index(default),
        placeholder="Choose a sheet",
        # a new file or dataset starts again from its own default
        key=f"load-sheet-{digest[:16]}-{choice}",
        # session state is pickled: a module function, not a lambda
        format_func=partial(_sheet_label, frozenset(hidden)),
        help=(
            "Every sheet of the workbook is hidden: a hidden sheet is read only when chosen here."
            if every_hidden
            else "The first visible sheet that holds the columns is chosen; a hidden sheet is "
            "read only when chosen here."
        ),
    )
    return chosen, every_hidden


def _sheet_label(hidden: frozenset[str], sheet: str) -> str:
    return f"{sheet} (hidden)" if sheet in hidden else sheet


def _sheets_and_default(path: Path, choice: str, offered: list[str]):
    sheets = workbook_sheets(path, ReadLimits.from_settings(get_settings()))
    visible = [sheet for sheet, hidden in sheets if not hidden]
    # with no sheet visible there is no default: a hidden sheet is read only when picked
    fallback = (visible or [None])[0]
    if len(visible) < 2 or choice != RECOGNISE:
        return sheets, fallback  # a named dataset's default is the importer's own
    for sheet in visible:
        try:
            matches = [m for m in recognise(_header_rows(path, sheet)) if m.dataset in offered]
        except ImportRejected:
            continue
        if matches and matches[0].complete:  # as _recognised tells the dataset
            return sheets, sheet
    return sheets, fallback


def _importer_sheet(name: str, content: bytes, digest: str, dataset: str) -> str | None:
    """The sheet ``import_file`` reads of ``dataset`` when none is named; None when it cannot
    read the file (the check then names why)."""
    held = st.session_state.get(_READ_SHEET)
    if held is None or held[0] != (digest, dataset):
        # the whole file is read, rules and all: once per file and dataset
        try:
            sheet = _with_file(
                name, content, lambda path: read_for_import(DATASETS[dataset], path).sheet
            )
        except ImportRejected:
            sheet = None
        held = ((digest, dataset), sheet)
        st.session_state[_READ_SHEET] = held
    return held[1]


def _sheet_to_name(
    name: str, content: bytes, digest: str, dataset: str, sheet: str | None
) -> str | None:
    """The sheet to name to the importer: none when the picker holds the one it reads anyway,
    so the check and Apply read the file as ``ascgov import`` without --sheet does, and what
    was read says a person chose a sheet only when one did."""
    if sheet is None or sheet == _importer_sheet(name, content, digest, dataset):
        return None
    return sheet


def _recognised(name: str, content: bytes, offered: list[str], sheet: str | None) -> str | None:
    """The dataset the file's header row names, or a message saying none could be told."""
    try:
        candidates = _with_file(name, content, lambda path: _header_rows(path, sheet))
    except ImportRejected as exc:
        _problems_only(exc)
        return None
    matches = [m for m in recognise(candidates) if m.dataset in offered]
    if not matches or not matches[0].complete:
        st.warning(
            "The column headings do not match any dataset you may load: choose what the file "
            "holds above, or start from a template."
        )
        return None
    st.caption(plain(f"Recognised from its column headings as {matches[0].dataset}."))
    return matches[0].dataset


def _dry_run(who: Principal, dataset: str, name: str, content: bytes, sheet: str | None) -> dict:
    store = data.get_store()
    report: ImportReport | None = None
    problems: list = []
    try:
        report = _with_file(
            name,
            content,
            lambda path: import_file(
                store,
                dataset,
                path,
                actor=who,
                dry_run=True,
                sheet=sheet,
                derive=backlog_counts,
            ),
        )
    except ImportRejected as exc:
        problems, report = exc.problems, exc.report
    except NotPermitted as exc:
        problems = [_refusal(name, str(exc))]
    return {
        "dataset": dataset,
        "name": name,
        "sheet": sheet,
        "sha256": hashlib.sha256(content).hexdigest(),
        "report": report,
        "problems": problems,
    }


def _refusal(name: str, text: str):
    from data_access.problems import Problem

    return Problem(name, text, fix="ask a director to load this file")


def _problems_only(exc: ImportRejected) -> None:
    st.error(plain(f"The file cannot be read: {counted(len(exc.problems), 'problem')}."))
    render.table(view.problems_table(exc.problems), key="load-read-problems")


def _show_preview(preview: dict) -> None:
    report: ImportReport | None = preview["report"]
    problems = preview["problems"]
    st.subheader("Preview: nothing has been written")
    if report is not None:
        render.show([view.reading(report.file, report.reading)], key="load-reading")
        render.headlines(
            view.counts(
                rows=report.rows,
                inserted=report.inserted,
                updated=report.updated,
                unchanged=report.unchanged,
                dry_run=True,
            )
        )
    outside = [p for p in problems if p.rule.startswith(OUTSIDE_ASSIGNMENT)]
    if outside:
        rows = ", ".join(str(p.row) for p in outside[:50]) + (" ..." if len(outside) > 50 else "")
        are = "is" if len(outside) == 1 else "are"
        st.error(
            plain(
                f"{counted(len(outside), 'row')} {are} outside your assignment and cannot be "
                f"loaded by you: {'row' if len(outside) == 1 else 'rows'} {rows}. Remove "
                f"{'it' if len(outside) == 1 else 'them'}, or ask a director to assign "
                f"{'it' if len(outside) == 1 else 'them'} to you."
            )
        )
        render.table(
            view.problems_table(outside, title="Rows outside your assignment"),
            key="load-outside",
        )
    if problems:
        st.error(
            plain(
                f"{counted(len(problems), 'problem')} found: nothing can be written until the "
                "file is corrected. New, changed and unchanged count the rows without a problem."
            )
        )
        table_with_downloads(
            view.problems_table(problems),
            key="load-problems",
            source=f"a check of {preview['name']}: nothing has been written",
            limit=view.SHOWN_ROWS,
        )
    if report is not None and report.changes is not None and report.changes.height:
        changes = view.changes_table(report.changes, DATASETS[report.dataset].money_columns)
        st.subheader("Changes, field by field")
        table_with_downloads(
            changes,
            key="load-changes",
            source=f"a check of {report.file}: nothing has been written",
            limit=view.SHOWN_ROWS,
        )
    elif report is not None and not problems:
        st.markdown("No stored row would change.")
    if report is not None and not problems:
        st.success(plain("No problems found: the file can be applied."))


def _apply(who: Principal, preview: dict, name: str, content: bytes) -> None:
    store = data.get_store()
    report: ImportReport = preview["report"]
    try:
        done = _with_file(
            name,
            content,
            lambda path: import_file(
                store,
                preview["dataset"],
                path,
                actor=who,
                expected_sha256=preview["sha256"],
                based_on=dict(report.based_on),
                sheet=preview["sheet"],
                derive=backlog_counts,
            ),
        )
    except (ImportRejected, NotPermitted) as exc:
        problems = getattr(exc, "problems", None) or [_refusal(name, str(exc))]
        st.session_state[_OUTCOME] = ("refused", problems, None)
        return
    items = []
    if report.changes is not None:
        pairs = report.changes.select("table", "item").unique(maintain_order=True)
        items = pairs.head(HISTORY_ITEMS).rows()
    st.session_state[_OUTCOME] = ("ok", done, items)
    st.session_state.pop(_PREVIEW, None)


def _outcome() -> None:
    held = st.session_state.get(_OUTCOME)
    if not held:
        return
    kind, detail, items = held
    if kind == "refused":
        st.error(plain("Not applied, nothing was written: " + "; ".join(p.rule for p in detail)))
        render.table(view.problems_table(detail), key="load-apply-problems")
        st.session_state.pop(_OUTCOME, None)
        return
    st.success(plain(f"Applied. {detail}. " + " ".join(detail.reading)))
    try:
        st.page_link(
            "pages/updates.py",
            label="See each item's history on the Updates page",
            icon=":material/history:",
        )
    except StreamlitAPIException:
        st.markdown("Each item's history is on the Updates page.")
    for table, item in items:
        show_history(table, item, f"{table.replace('_', ' ')} {item.replace('|', ' in ')}")
