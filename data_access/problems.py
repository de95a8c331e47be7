"""Problems with input, each naming where it is (file, sheet, row, column), value and rule."""

from __future__ import annotations

from dataclasses import dataclass

SHOWN_CHARS = 60


@dataclass(frozen=True)
class Problem:
    file: str
    rule: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: object = None
    fix: str | None = None  # what to do about it, where the rule alone does not say

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet is not None:
            where.append(f'sheet "{self.sheet}"')
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f'column "{self.column}"')
        text = ", ".join(where)
        if self.value is not None:
            shown = str(self.value)
            if len(shown) > SHOWN_CHARS:
                # a megabyte of text is not worth repeating back: its start and its length
                text += f", value {shown[:SHOWN_CHARS]!r}... ({len(shown):,} characters)"
            else:
                text += f", value {shown!r}"
        return f"{text}: {self.rule}"


class ImportRejected(Exception):
    """The file was refused; nothing was written. ``problems`` lists every one found; a dry
    run's ``report`` (``importer.ImportReport``) is what the rows without a problem would do."""

    report = None

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        count = len(problems)
        lines = "\n".join(f"  {p}" for p in problems[:200])
        more = f"\n  ... and {count - 200} more" if count > 200 else ""
        super().__init__(
            f"import refused, nothing written ({count} problem{'s' * (count != 1)}):\n{lines}{more}"
        )


class FileRejected(ImportRejected):
    """The file as a whole was refused (size, type, encoding, emptiness)."""

    def __init__(self, file: str, rule: str, *, sheet: str | None = None):
        super().__init__([Problem(file=file, rule=rule, sheet=sheet)])
