"""The project's one compiled module; everything else about the package is in pyproject.toml.

etl/readers/_pdfium_bulk.c asks pdfium about a page's characters, objects and
path segments in one call each instead of one ctypes call a question
(etl/readers/pdf_pdfium.py). It is built by ``pip install`` (``make``), with
the C compiler and Python's headers; it needs nothing of pdfium to build.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "etl.readers._pdfium_bulk",
            ["etl/readers/_pdfium_bulk.c"],
            extra_compile_args=["-O2", "-Wall"],
        )
    ]
)
