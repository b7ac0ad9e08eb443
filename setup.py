"""The wheel carries the catalog: tasks/ and reference_impls/ are copied into analyzer/_catalog at build time, so
that an installed usability-score (`pip install .`, not editable) runs its study from any folder. An editable
install reads them from the checkout itself (analyzer.corpus.SHIPPED_CATALOG). Everything else is in
pyproject.toml."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CATALOG = ("tasks", "reference_impls")


class build_py_with_catalog(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "analyzer" / "_catalog"
        for name in CATALOG:
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(Path(__file__).parent / name, target / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": build_py_with_catalog})
