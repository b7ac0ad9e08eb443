"""The worker side of the process boundary: everything that imports contributed code or a deep-learning framework.

These modules run only in worker processes the parent starts (`python -m analyzer.worker.main`,
`python -m analyzer.worker.oracle`); the parent side never imports them, not even through a chain of imports
(pyproject.toml's import-linter contracts, checked by tests/test_layers.py). They may import the parent side's
pure modules (analyzer.spec, analyzer.contract, analyzer.execution.child and checks), never the other way round.
"""
