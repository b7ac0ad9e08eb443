"""usability-score: measured comparison of deep-learning frameworks on paired reference implementations.

Importing this package imports no deep-learning framework; only the worker processes do.
"""

__version__ = "0.1.0"
