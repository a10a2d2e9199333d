"""Build script: the metadata is in setup.cfg. The one C module is optional (the fast PDF engine falls back
to ctypes calls without it), so a machine without a C compiler still installs the package."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("analyzer.ingest._pdfium_calls", ["analyzer/ingest/_pdfium_calls.c"], optional=True)
    ]
)
