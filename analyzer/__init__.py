"""usability-score: measured comparison of deep-learning frameworks on paired reference implementations.

Importing this package imports no deep-learning framework; only the worker processes do. The Python API:
`from analyzer import load` (see analyzer.api).
"""

import importlib

from analyzer._version import __version__

__all__ = ["__version__", "load", "merge"]


def __getattr__(name: str):  # the API loads on first use: `import analyzer` stays light
    if name in ("load", "merge", "Results"):
        # By name, not by an import statement: this hook serves users of `analyzer.load`, and no module of the
        # package depends on it (an import here would put the API above every module that imports __version__).
        api = importlib.import_module("analyzer.api")
        return getattr(api, name)
    raise AttributeError(f"module 'analyzer' has no attribute {name!r}")
