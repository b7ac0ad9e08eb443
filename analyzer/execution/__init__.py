"""Running implementations: the parent side (workers, time-outs, results) and the worker side (one framework)."""
