"""Task specs and corpus discovery: what is accepted, and the message for what is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.corpus import discover, parse_impl_name
from analyzer.frameworks import UnknownFrameworkError, canonical_framework
from analyzer.spec import SpecError, load_spec
from tests.conftest import write_tree

VALID = """
title = "T"
category = "tensor-ops"
description = "D"
flops = "2 * n"

[sizes.small]
n = 4
[sizes.full]
n = 8
"""


def spec_with(tmp_path: Path, text: str, name: str = "task_a") -> Path:
    return write_tree(tmp_path, {f"{name}/task.toml": text}) / name


def test_valid_spec_defaults(tmp_path: Path) -> None:
    spec = load_spec(spec_with(tmp_path, VALID))
    assert (spec.id, spec.modes, spec.model, spec.seed) == ("task_a", ("eager", "compiled"), False, 0)
    assert spec.tolerance_for().rtol == 1e-4 and spec.cost("flops", "full") == 16.0


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        (VALID.replace('title = "T"\n', ""), "title", "missing; it is required"),
        (VALID.replace('"tensor-ops"', '"vision"'), "category", "expected one of tensor-ops"),
        (VALID.replace('title = "T"', "title = 3"), "title", "expected str, got int"),
        (VALID.replace('title = "T"', 'title = "  "'), "title", "expected a non-empty string"),
        ("seed = true\n" + VALID, "seed", "expected int, got bool"),
        ("tags = ['a', 1]\n" + VALID, "tags[1]", "expected str, got int"),
        (VALID + "[debug]\ndata = ['x']\nlabel = ['y']\n", "debug.label", "unknown field"),
        ('modes = ["compiled"]\n' + VALID, "modes", "expected 'eager' among the modes"),
        ('modes = ["fast"]\n' + VALID, "modes", "expected a list drawn from eager, compiled"),
        (VALID.replace("[sizes.full]\nn = 8\n", ""), "sizes.full", "missing"),
        (VALID.replace("n = 8", 'n = "big"'), "sizes.full.n", "expected a number"),
        (VALID.replace("n = 8", "m = 8"), "sizes", "same parameter names"),
        (VALID + "[tolerance]\nfloat32 = { rtol = 1e-4 }\n", "tolerance.float32", "exactly rtol and atol"),
        (VALID + "[tolerance]\nfloat32 = { rtol = -1, atol = 0 }\n", "tolerance.float32.rtol", "non-negative"),
        (VALID + "[tolerance]\nfloat32 = { rtol = 1e-4, atol = inf }\n", "tolerance.float32.atol",
         "expected a finite non-negative number, got inf"),
        (VALID + "[tolerance]\nfloat32 = { rtol = nan, atol = 0 }\n", "tolerance.float32.rtol",
         "expected a finite non-negative number, got nan"),
        (VALID.replace('"2 * n"', '"__import__(1)"'), "flops", "expression of the size parameters"),
        (VALID.replace('"2 * n"', '"2 * q"'), "flops", "expected an expression of the size parameters"),
        ("colour = 1\n" + VALID, "colour", "unknown field"),
        (VALID.replace('title = "T"', 'title = "T\\u001b]0;owned\\u0007"'), "title", "without control characters"),
        ("title = [", "task.toml", "expected valid TOML"),
    ],
)
def test_malformed_specs_name_file_field_and_expectation(tmp_path: Path, text: str, field: str,
                                                          expected: str) -> None:
    with pytest.raises(SpecError) as info:
        load_spec(spec_with(tmp_path, text))
    assert info.value.field == field
    assert expected in str(info.value)
    assert str(info.value).startswith(str(tmp_path / "task_a" / "task.toml"))


def test_missing_spec_and_bad_folder_name(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(SpecError, match="file missing"):
        load_spec(tmp_path / "empty")
    with pytest.raises(SpecError, match="folder name"):
        load_spec(spec_with(tmp_path, VALID, name="Bad-Name"))


@pytest.mark.parametrize(("name", "framework", "variant"), [
    ("torch.py", "torch", "default"), ("pytorch.py", "torch", "default"), ("tf.py", "tensorflow", "default"),
    ("keras.py", "tensorflow", "default"), ("tensorflow__fit.py", "tensorflow", "fit"), ("flax.py", "jax", "default"),
    ("JAX.py", "jax", "default"), ("torch__func.py", "torch", "func"),
])
def test_implementation_file_names(name: str, framework: str, variant: str) -> None:
    assert parse_impl_name(Path(name)) == (framework, variant)


@pytest.mark.parametrize("name", ["jax__a|b.py", "torch__Fast.py", "torch__a__b.py", "torch__a b.py",
                                  "torch___x.py", "torch__x\x1b[31m.py"])
def test_variant_names_that_would_break_job_ids_are_refused(name: str) -> None:
    with pytest.raises(UnknownFrameworkError, match="expected lower-case letters, digits and single underscores"):
        parse_impl_name(Path(name))


def test_unknown_framework_names() -> None:
    with pytest.raises(UnknownFrameworkError, match="unknown framework 'mxnet'; expected one of"):
        canonical_framework("mxnet")


def test_discover_a_corpus_or_a_single_task_folder(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "c", {"a/torch.py": "", "a/jax.py": "", "b/tf.py": "", "b/notes.py": "",
                                       "b/__init__.py": "", ".hidden/torch.py": ""})
    corpus = discover(root)
    assert [(i.task, i.framework) for i in corpus.implementations] == [("a", "jax"), ("a", "torch"),
                                                                       ("b", "tensorflow")]
    assert [p.path.name for p in corpus.problems] == ["notes.py"]
    single = discover(root / "a")
    assert [(i.task, i.framework) for i in single.implementations] == [("a", "jax"), ("a", "torch")]
