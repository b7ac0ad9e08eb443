"""Rendering: the only package that knows rich, HTML, CSV and Markdown."""
