"""The PDF's structure tree: what a screen reader (and a PDF's "reflow") reads, in reading order.

fpdf2 tags pictures and links, each a direct child of the document; a pack also needs its
sections, headings, paragraphs and tables tagged as what they are (a table as Table > TR > TH
and TD, heading cells scoped to their column), and the running header and footer marked as
artifacts, outside the reading order. ``Tags`` builds that tree beside fpdf2's writer: it marks
the content as it is written (``BDC ... EMC`` with an MCID) and hands fpdf2 a tree builder that
serialises the nested elements in place of its flat one.

Measured against an HTML route (WeasyPrint, tagged PDF/UA-1) on the same packs: WeasyPrint's
layout took 4 to 5 times fpdf2's CPU time (demo 5.5 s against 1.5 s; the largest national
council 11.2 s against 2.3 s, same load), which would take the largest council's pack past its
10 s; these tags cost a few per cent of fpdf2's time (bench/README.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fpdf import FPDF
from fpdf.structure_tree import StructureTreeBuilder
from fpdf.syntax import PDFArray, PDFObject, PDFString, build_obj_dict


class Element(PDFObject):
    """A structure element: a kind (``/H1``, ``/P``, ``/Table``, ``/TD`` ...), its children
    (elements, or the MCID of the content it tags on page ``page``), and what it says of
    itself: a title, alternative text, attributes (a heading cell's scope)."""

    def __init__(
        self, kind: str, parent: PDFObject, page: int, *, alt: str | None = None, a: str = ""
    ):
        super().__init__()
        self.type = "/StructElem"
        self.s = kind
        self.p = parent
        self.k = PDFArray()
        self.alt = None if alt is None else PDFString(alt)
        self.a = a or None  # written as it is: a dictionary of attributes
        self.pg = None
        self._page = page  # where it starts; for content, the page its MCID is on

    def page_number(self) -> int:
        # fpdf2 asks each child of the document for its page as it writes the file
        return self._page

    def _build_obj_dict(self, security_handler=None) -> dict:
        # fpdf2's own walks dir() of the object: slow for a table's thousands of cells
        said = {"type": self.type, "s": self.s, "p": self.p, "k": self.k, "alt": self.alt}
        said |= {"a": self.a, "pg": self.pg}
        return build_obj_dict(said, _security_handler=security_handler, _obj_id=self.id)


class _Builder(StructureTreeBuilder):
    """fpdf2's tree builder, serialising every element of the nested tree."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[Element] = []
        self.pages: dict[int, PDFObject] = {}

    def empty(self) -> bool:
        return not self.elements

    def __iter__(self) -> Iterator[PDFObject]:
        yield self.struct_tree_root
        yield self.doc_struct_elem
        yield self.struct_tree_root.parent_tree
        for element in self.elements:
            # a page object is made when the PDF is written, before the tree
            element.pg = self.pages[element._page]
            yield element


class Tags:
    """The structure of one fpdf2 document, built as it is written."""

    def __init__(self, pdf: FPDF):
        self.pdf = pdf
        self.builder = _Builder()
        self.builder.pages = pdf.pages
        pdf.struct_builder = self.builder
        self._open: list[PDFObject] = [self.builder.doc_struct_elem]

    def _add(self, kind: str, **said) -> Element:
        parent = self._open[-1]
        element = Element(kind, parent, self.pdf.page, **said)
        parent.k.append(element)
        self.builder.elements.append(element)
        return element

    @contextmanager
    def group(self, kind: str, **said) -> Iterator[Element]:
        """An element that holds others: a section, a table, a table row."""
        element = self._add(kind, **said)
        self._open.append(element)
        try:
            yield element
        finally:
            self._open.pop()

    def leaf(self, kind: str, **said) -> tuple[Element, int]:
        """An element tagging content on the current page, and the MCID to mark it with."""
        element = self._add(kind, **said)
        page = self.pdf.page
        numbers = self.builder.spid_per_page_number
        if page not in numbers:
            numbers[page] = len(numbers)
            self.pdf.pages[page].struct_parents = numbers[page]
        marked = self.builder.struct_tree_root.parent_tree.nums[numbers[page]]
        mcid = len(marked)
        marked.append(element)
        element.k.append(mcid)
        return element, mcid

    @contextmanager
    def content(self, kind: str, **said) -> Iterator[Element]:
        """Content written inside the block, tagged as one ``kind`` element."""
        element, mcid = self.leaf(kind, **said)
        with self.marked(kind, mcid):
            yield element

    @contextmanager
    def marked(self, kind: str, mcid: int) -> Iterator[None]:
        self.pdf._out(f"{kind} <</MCID {mcid}>> BDC")
        try:
            yield
        finally:
            self.pdf._out("EMC")

    @contextmanager
    def artifact(self) -> Iterator[None]:
        """Content outside the reading order: running heads, rules and cell borders."""
        self.pdf._out("/Artifact BMC")
        try:
            yield
        finally:
            self.pdf._out("EMC")


HEADING_CELL = "<</O /Table /Scope /Column>>"
