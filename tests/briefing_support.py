"""Reading briefing packs back: PDF pages as text (poppler's pdftotext), pictures and their
alternative text, Word documents through python-docx."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
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


def pdf_raw_text(data: bytes) -> str:
    """The text in the order it was written (a table cell by cell, its lines in turn)."""
    result = subprocess.run(
        [need("pdftotext"), "-raw", "-", "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


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


# each text element of an SVG chart as the browser lays it out, and the boxes it must stay
# inside: the image, and the clip path of any group that clips it (a plot area clips its
# labels unless told not to); a box is [left, top, right, bottom] in CSS pixels
_TEXT_BOXES = """() => {
  const svg = document.querySelector('svg');
  const image = svg.getBoundingClientRect();
  const clipOf = (el) => {
    for (let node = el; node && node !== svg; node = node.parentElement) {
      const ref = node.getAttribute('clip-path');
      const id = ref && ref.match(/url\\(['"]?#([^'")]+)/);
      const rect = id && document.getElementById(id[1])?.querySelector('rect');
      if (!rect) continue;
      const m = node.getScreenCTM();
      const [x, y] = [+rect.getAttribute('x') || 0, +rect.getAttribute('y') || 0];
      const [w, h] = [+rect.getAttribute('width'), +rect.getAttribute('height')];
      const a = new DOMPoint(x, y).matrixTransform(m);
      const b = new DOMPoint(x + w, y + h).matrixTransform(m);
      return [a.x - image.left, a.y - image.top, b.x - image.left, b.y - image.top];
    }
    return null;
  };
  const part = (el) => {
    const kinds = ['legend', 'xtick', 'ytick', 'g-xtitle', 'g-ytitle', 'g-gtitle', 'annotation'];
    for (let node = el; node && node !== svg; node = node.parentElement) {
      const found = kinds.find((k) => node.classList?.contains(k));
      if (found) return found;
    }
    return 'other';
  };
  return [...svg.querySelectorAll('text')].filter((t) => t.textContent.trim()).map((t) => {
    const r = t.getBoundingClientRect();
    return {
      text: t.textContent,
      part: part(t),
      box: [r.left - image.left, r.top - image.top, r.right - image.left, r.bottom - image.top],
      image: [0, 0, image.width, image.height],
      clip: clipOf(t),
    };
  });
}"""
SLACK = 1.0  # CSS pixels: a glyph's box may touch its edge


def _outside(box: list[float], bound: list[float]) -> bool:
    left, top, right, bottom = box
    return (
        left < bound[0] - SLACK
        or top < bound[1] - SLACK
        or right > bound[2] + SLACK
        or bottom > bound[3] + SLACK
    )


def cut_text(svgs: dict[str, bytes]) -> dict[str, list[str]]:
    """Per chart, each piece of text that is cut off or covered: laid out (by the Debian
    chromium, as kaleido lays it out) past the image's edge or the clip of its plot area, or
    over text of another part of the chart (a legend over the axis's labels)."""
    # in its own thread: Playwright's sync API refuses to start where another is running (the
    # browser tests' session browser, when this file follows them on the same worker)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_cut_text, svgs).result()


def _cut_text(svgs: dict[str, bytes]) -> dict[str, list[str]]:
    from playwright.sync_api import sync_playwright

    chromium = need("chromium")
    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
    found = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=args)
        page = browser.new_page()
        for key, svg in svgs.items():
            page.set_content(f"<html><body style='margin:0'>{svg.decode('utf-8')}</body></html>")
            texts = page.evaluate(_TEXT_BOXES)
            found[key] = [
                f"{t['text']!r} at {[round(v) for v in t['box']]}"
                + (" past the image" if _outside(t["box"], t["image"]) else " past its plot area")
                for t in texts
                if _outside(t["box"], t["image"]) or (t["clip"] and _outside(t["box"], t["clip"]))
            ] + _overlaps(texts)
        browser.close()
    return found


def _overlaps(texts: list[dict]) -> list[str]:
    """Text of one part of a chart drawn over text of another (within a part, tilted labels'
    boxes overlap where their letters do not)."""
    said = []
    for i, one in enumerate(texts):
        for other in texts[i + 1 :]:
            if one["part"] == other["part"]:
                continue
            a, b = one["box"], other["box"]
            wide = min(a[2], b[2]) - max(a[0], b[0])
            tall = min(a[3], b[3]) - max(a[1], b[1])
            if wide > SLACK * 2 and tall > SLACK * 2:
                said.append(f"{one['text']!r} ({one['part']}) over {other['text']!r}")
    return said


A4_MM = (210.0, 297.0)
BODY_MM = (18.0, 280.0)  # between the running header and the footer


def page_fill(data: bytes, dpi: int = 30) -> list[float]:
    """How far down its body each page's content reaches (0 to 1): its lowest ink (text,
    rules, pictures) between the running header and the footer, as a share of that band."""
    import tempfile

    fills = []
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [need("pdftoppm"), "-gray", "-r", str(dpi), "-", f"{folder}/page"],
            input=data,
            check=True,
        )
        for page in sorted(Path(folder).glob("page-*.pgm")):
            magic, width, height, depth, pixels = page.read_bytes().split(maxsplit=4)
            assert magic == b"P5" and depth == b"255", page
            width, height = int(width), int(height)
            top, bottom = (round(height * mm / A4_MM[1]) for mm in BODY_MM)
            inked = [
                y for y in range(top, bottom) if min(pixels[y * width : (y + 1) * width]) < 160
            ]
            fills.append(0.0 if not inked else (inked[-1] - top + 1) / (bottom - top))
    return fills
