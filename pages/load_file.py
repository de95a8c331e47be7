"""Load a file: officers and directors load a CSV or Excel file, checked first, then applied."""

from dashboard.ui.load_file import page
from dashboard.ui.session import signed_in

page(signed_in())
