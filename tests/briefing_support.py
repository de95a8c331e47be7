"""Reading briefing packs back: PDF pages as text (poppler's pdftotext), pictures and their
alternative text, Word documents through python-docx."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

ARTIFACTS = REPO / "test-artifacts" / "briefing"


def need(tool: str) -> str:
    """The path of a command-line tool the test needs; skip (fail under CI) without it."""
    found = shutil.which(tool)
    if found is None:
        message = f"{tool} not found: ./scripts/run-tests installs it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(reason=message)
    return found


def pdf_pages(data: bytes) -> list[str]:
    """Each page's text, in reading order."""
    result = subprocess.run(
        [need("pdftotext"), "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    pages = result.stdout.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def pdf_alt_texts(data: bytes) -> list[str]:
    """The alternative text of every tagged figure, in document order."""
    return [pdf_string(data, m.end()) for m in re.finditer(rb"/Alt ", data)]


def pdf_string(data: bytes, start: int) -> str:
    """The PDF string at ``start``: UTF-16 hex (``<feff...>``) or a literal (``(...)``, with
    backslash escapes and balanced parentheses), as fpdf2 writes them."""
    if data[start : start + 1] == b"<":
        end = data.index(b">", start)
        return bytes.fromhex(data[start + 1 : end].decode()).decode("utf-16")
    out, depth, i = bytearray(), 0, start + 1
    while True:
        char = data[i : i + 1]
        if char == b"\\":
            out += data[i + 1 : i + 2]
            i += 2
            continue
        if char == b")" and depth == 0:
            return out.decode("latin-1")
        depth += {b"(": 1, b")": -1}.get(char, 0)
        out += char
        i += 1


def pdf_picture_count(data: bytes) -> int:
    result = subprocess.run(
        [need("pdfimages"), "-list", "-"], input=data, capture_output=True, check=True
    )
    return len(result.stdout.decode().splitlines()) - 2  # two heading lines


def keep_pages(data: bytes, name: str, pages: list[int]) -> list[Path]:
    """A few pages as PNG under test-artifacts/briefing (git-ignored), for people to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    kept = []
    for page in pages:
        stem = ARTIFACTS / f"{name}-page"
        subprocess.run(
            [need("pdftoppm"), "-png", "-r", "70", "-f", str(page), "-l", str(page), "-", stem],
            input=data,
            check=True,
        )
        kept += sorted(ARTIFACTS.glob(f"{name}-page-*{page}.png"))
    return kept


def docx_document(data: bytes):
    from docx import Document

    return Document(io.BytesIO(data))


def docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)
