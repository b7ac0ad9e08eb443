"""API surface: which framework APIs a file uses, each resolved to one fully qualified name.

Resolution follows imports through any alias (`import torch.nn as nn`, `from tensorflow import keras`), and follows
values to the framework object they hold, so that method calls get names too: `opt = torch.optim.SGD(...)` makes
`opt.step()` the API `torch.optim.SGD.step`; `with tf.GradientTape() as tape` makes `tape.gradient` an API;
`class Net(nn.Module)` makes `Net(...).eval()` the API `torch.nn.Module.eval`; `torch.zeros(3).to(dev)` is
`torch.Tensor.to`. Types are inferred by simple, documented rules (see `_call_result`), never by importing or
running the code. What cannot be resolved is returned as `Unresolved`, never dropped.

libcst's QualifiedNameProvider resolves aliases too, but costs ~0.5 s per 1,000 lines and knows nothing of
methods; one hand-written pass over the tree is an order of magnitude faster and does both.
"""

from __future__ import annotations

import builtins
import dataclasses
from collections import ChainMap
from dataclasses import dataclass, field
from typing import Collection, Iterable, MutableMapping, Sequence, Union

import libcst as cst
from libcst.helpers import get_full_name_for_node

from analyzer.frameworks import framework_of_module

# --- what a name or expression can hold -------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """A module, class or function of some library, by fully qualified name."""

    qname: str


@dataclass(frozen=True)
class Inst:
    """An instance of a framework type ("torch.Tensor", "torch.optim.SGD", "keras.layers.Dense")."""

    type: str


@dataclass(frozen=True)
class UserFn:
    """A function defined in the file (possibly wrapped by jit, grad, compile...)."""

    name: str


@dataclass(frozen=True)
class UserClass:
    name: str


@dataclass(frozen=True)
class UserInst:
    cls: str


@dataclass(frozen=True)
class Tup:
    """A tuple whose items' origins are known (for unpacking)."""

    items: tuple["Origin", ...]


@dataclass(frozen=True)
class IterOf:
    """An iterable whose elements have a known origin (enumerate, zip, a DataLoader)."""

    element: "Origin"


@dataclass(frozen=True)
class DictOf:
    """A dict built by a comprehension whose values have a known origin."""

    value: "Origin"


class _Other:
    """Known, and not a framework object: a literal, a NumPy value, a builtin's result."""

    def __repr__(self) -> str:
        return "OTHER"


OTHER = _Other()
Origin = Union[Ref, Inst, UserFn, UserClass, UserInst, Tup, IterOf, DictOf, _Other, None]

# --- the typing rules, as data ------------------------------------------------------------------------------------

#: The tensor type a framework function or a method of a framework object returns unless a rule below says otherwise.
DEFAULT_TENSOR = {"torch": "torch.Tensor", "tensorflow": "tensorflow.Tensor", "jax": "jax.Array"}
#: Types whose methods return the same type (x.reshape(...).sum() stays a tensor; ds.shuffle().batch() a Dataset).
FLUENT_TYPES = frozenset({"torch.Tensor", "tensorflow.Tensor", "tensorflow.Variable", "jax.Array",
                          "tensorflow.data.Dataset", "torch.nn.Parameter"})
#: Types whose elements are again of that type (iterating or unpacking a tensor gives tensors).
TENSOR_TYPES = frozenset({"torch.Tensor", "tensorflow.Tensor", "tensorflow.Variable", "jax.Array",
                          "torch.nn.Parameter"})
#: Methods of models and layers that return the object itself (model = Net().to(device) is still the model).
SELF_RETURNING = frozenset({"to", "cuda", "cpu", "train", "eval", "float", "double", "half", "bfloat16",
                            "requires_grad_", "apply", "type", "share_memory", "zero_grad_"})
#: Methods that hand a framework value back to plain Python / NumPy.
HOST_METHODS = frozenset({"numpy", "item", "tolist"})
#: Function transforms: the result wraps the first argument (calling a jitted user function is not a new API).
TRANSFORMS = frozenset({
    "torch.compile", "torch.vmap", "torch.func.grad", "torch.func.grad_and_value", "torch.func.vmap",
    "torch.func.jacrev", "torch.func.jacfwd", "torch.func.hessian", "torch.func.functionalize",
    "tensorflow.function", "tensorflow.custom_gradient", "tensorflow.recompute_grad",
    "jax.jit", "jax.grad", "jax.value_and_grad", "jax.vmap", "jax.pmap", "jax.jacrev", "jax.jacfwd", "jax.hessian",
    "jax.checkpoint", "jax.remat", "jax.custom_vjp", "jax.custom_jvp",
    "flax.nnx.jit", "flax.nnx.grad", "flax.nnx.value_and_grad", "flax.nnx.vmap", "flax.nnx.remat",
})
#: Lower-case names that are classes all the same.
LOWERCASE_CLASSES = frozenset({"torch.device", "torch.dtype", "torch.no_grad", "torch.enable_grad",
                               "torch.inference_mode", "torch.autocast", "tensorflow.device", "tensorflow.name_scope"})
#: optax functions that compute on arrays and return an array (its losses; the rest of optax builds optimisers).
OPTAX_ARRAY_FUNCTIONS = (
    "convex_kl_divergence", "cosine_distance", "cosine_similarity", "ctc_loss", "ctc_loss_with_forward_probs",
    "generalized_kl_divergence", "global_norm", "hinge_loss", "huber_loss", "kl_divergence", "l2_loss", "log_cosh",
    "ntxent", "safe_norm", "safe_softmax_cross_entropy", "sigmoid_binary_cross_entropy", "sigmoid_focal_loss",
    "smooth_labels", "softmax_cross_entropy", "softmax_cross_entropy_with_integer_labels", "squared_error",
)
#: optax's learning-rate schedules: each returns a function of the step count.
OPTAX_SCHEDULES = (
    "constant_schedule", "cosine_decay_schedule", "cosine_onecycle_schedule", "exponential_decay", "join_schedules",
    "linear_onecycle_schedule", "linear_schedule", "piecewise_constant_schedule", "piecewise_interpolate_schedule",
    "polynomial_schedule", "sgdr_schedule", "warmup_constant_schedule", "warmup_cosine_decay_schedule",
    "warmup_exponential_decay_schedule",
)
#: Functions whose result is not the framework's default tensor.
RETURNS: dict[str, Origin] = {
    "jax.device_get": OTHER, "keras.ops.convert_to_numpy": OTHER, "tensorflow.make_ndarray": OTHER,
    "jax.random.split": Inst("jax.Array"), "jax.tree_util.tree_map": None, "jax.tree.map": None,
    # compiled or exported programs are modules, not tensors: torch.jit.script(m).save(...) saves a ScriptModule
    "torch.jit.script": Inst("torch.jit.ScriptModule"), "torch.jit.trace": Inst("torch.jit.ScriptModule"),
    "torch.jit.load": Inst("torch.jit.ScriptModule"), "torch.export.export": Inst("torch.export.ExportedProgram"),
    "torch.export.load": Inst("torch.export.ExportedProgram"),
    "keras.models.load_model": Inst("keras.Model"), "keras.saving.load_model": Inst("keras.Model"),
    **{f"optax.{name}": Inst("jax.Array") for name in OPTAX_ARRAY_FUNCTIONS},
    **{f"optax.{name}": Inst("optax.Schedule") for name in OPTAX_SCHEDULES},
}
#: Prefixes whose functions return something other than a tensor (the first that matches decides).
RETURNS_BY_PREFIX: tuple[tuple[str, Origin], ...] = (
    ("optax.apply_updates", None),
    ("optax.losses.", Inst("jax.Array")),
    ("optax.schedules.", Inst("optax.Schedule")),
    ("optax.", Inst("optax.GradientTransformation")),
)
#: Keras ships inside TensorFlow as tf.keras and standalone as keras: one API, one name.
ALIASES: tuple[tuple[str, str], ...] = (("tensorflow.keras.", "keras."), ("tensorflow.keras", "keras"),
                                         ("tf_keras.", "keras."), ("tf_keras", "keras"))
_BUILTINS = frozenset(dir(builtins))
#: The study's own contract: setup receives NumPy inputs and a device string; what setup returns is run's and
#: result's state; what run returns is result's output. Applied only where nothing better is known.
CONTRACT_FLOWS: dict[tuple[str, int], "str | _Other"] = {
    ("setup", 0): OTHER, ("setup", 1): OTHER, ("run", 0): "setup", ("result", 0): "setup", ("result", 1): "run",
}
#: Methods that framework models run on tensors: in a framework subclass their parameters are taken as tensors.
FORWARD_METHODS = frozenset({"forward", "call", "__call__"})
#: Learning passes before the recording pass (which goes on learning): each pass carries facts one call further.
LEARNING_PASSES = 2


def normalize(qname: str) -> str:
    """One spelling per API: tf.keras.X and keras.X are the same Keras."""
    for prefix, replacement in ALIASES:
        if qname.startswith(prefix):
            return replacement + qname[len(prefix):]
        if qname == prefix.rstrip("."):
            return replacement.rstrip(".")
    return qname


def _framework(qname: str) -> str | None:
    return framework_of_module(qname)


def _default_tensor(qname: str) -> Inst | None:
    fw = _framework(qname)
    return Inst(DEFAULT_TENSOR[fw]) if fw else None


def _knowledge(origin: Origin) -> int:
    """How much an origin tells: 0 for unknown, more for each known part of a tuple or container."""
    if origin is None:
        return 0
    if isinstance(origin, Tup):
        return 1 + sum(_knowledge(item) for item in origin.items)
    if isinstance(origin, (IterOf, DictOf)):
        return 1 + _knowledge(origin.element if isinstance(origin, IterOf) else origin.value)
    return 2


def is_class_name(qname: str) -> bool:
    last = qname.rsplit(".", 1)[-1]
    return last[:1].isupper() or qname in LOWERCASE_CLASSES


# --- results ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiUse:
    """One use of a framework API."""

    name: str  #: fully qualified, normalised: "torch.nn.Linear", "torch.Tensor.to", "keras.Model.fit"
    kind: str  #: "call", "decorator" (applied without a call) or "reference" (passed or stored as a value)
    function: str  #: the enclosing function's qualified name, or "<module>"
    keyword_names: tuple[str, ...] = ()  #: names of the keyword arguments passed, in order (calls)
    string_args: int = 0  #: string-valued arguments, configuration by string such as activation="relu" (calls)
    plumbing: bool = False  #: inside a top-level statement the caller marked as plumbing (analyze_api's argument)

    @property
    def keywords(self) -> int:
        """Keyword arguments passed (calls)."""
        return len(self.keyword_names)


@dataclass(frozen=True)
class Unresolved:
    """A call the analyser could not attribute to a framework or rule out as one."""

    text: str  #: the callee as written, e.g. "batch.to"
    function: str  #: the enclosing function's qualified name, or "<module>"
    keyword_names: tuple[str, ...] = ()  #: names of the keyword arguments passed, in order
    plumbing: bool = False  #: inside a top-level statement marked as plumbing


@dataclass(frozen=True)
class ApiSurface:
    uses: tuple[ApiUse, ...]
    unresolved: tuple[Unresolved, ...]
    imports: tuple[str, ...]  #: every imported module, absolute, in order of first import


@dataclass
class _ClassInfo:
    base: str | None  #: the first framework base class, resolved (through user bases too)
    methods: set[str] = field(default_factory=set)
    attrs: dict[str, Origin] = field(default_factory=dict)


def analyze_api(module: cst.Module, plumbing: Collection[int] = ()) -> ApiSurface:
    """Resolve every framework call, decorator and reference in a parsed module.

    `plumbing` holds indices into `module.body`: the uses inside those top-level statements are marked `plumbing`,
    and what is learned there (what a dict key or attribute holds, what a call passes) is seen only there, so
    the rest of the file resolves as if the plumbing were not in it.
    """
    # Learning passes find what functions return, what callers pass and what attributes and dict keys hold; the
    # last pass records the uses with that knowledge, so a helper defined below its caller is still understood.
    learner = _Resolver(module, recording=False)
    _walk_module(learner, module, plumbing)
    for _ in range(LEARNING_PASSES - 1):
        known = learner.facts()
        learner = _Resolver(module, recording=False, learned=learner)
        _walk_module(learner, module, plumbing)
        if learner.facts() == known:
            break
    recorder = _Resolver(module, recording=True, learned=learner)
    _walk_module(recorder, module, plumbing)
    return ApiSurface(tuple(recorder.uses), tuple(recorder.unresolved), tuple(dict.fromkeys(recorder.imports)))


def _walk_module(resolver: "_Resolver", module: cst.Module, plumbing: Collection[int]) -> None:
    for index, statement in enumerate(module.body):
        resolver.enter_plumbing(index in plumbing)
        walk(resolver, statement)


#: Fields that hold only whitespace, punctuation or operators: never worth descending into.
_SKIPPED_FIELDS = ("whitespace", "lpar", "rpar", "comma", "semicolon", "colon", "equal", "dot", "operator", "star",
                   "leading_lines", "lines_after", "header", "footer", "lbracket", "rbracket", "lbrace", "rbrace",
                   "asynchronous", "default_indent", "default_newline", "encoding", "has_trailing", "indent",
                   "trailing", "first_line", "newline", "arrow", "lambda_", "await_", "relative")
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(cls: type) -> tuple[str, ...]:
    fields = _CHILD_FIELDS.get(cls)
    if fields is None:
        fields = _CHILD_FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls)
                                            if not f.name.startswith(_SKIPPED_FIELDS))
    return fields


def walk(visitor: "_Resolver", node: cst.CSTNode) -> None:
    """Visit `node` and its children in source order, with libcst's visit_X / leave_X protocol.

    libcst's own traversal rebuilds every node as it goes (it serves transformers too) and costs about five
    times as much; read-only analysis needs none of that.
    """
    cls = type(node)
    handlers = _HANDLERS.get((type(visitor), cls))
    if handlers is None:
        handlers = _HANDLERS[(type(visitor), cls)] = (
            getattr(type(visitor), "visit_" + cls.__name__, None), getattr(type(visitor), "leave_" + cls.__name__, None),
            _child_fields(cls))
    visit, leave, fields = handlers
    if visit is not None and visit(visitor, node) is False:
        return
    for field_name in fields:
        child = getattr(node, field_name)
        if isinstance(child, cst.CSTNode):
            walk(visitor, child)
        elif child.__class__ in (tuple, list):
            for item in child:
                walk(visitor, item)
    if leave is not None:
        leave(visitor, node)


_HANDLERS: dict[tuple[type, type], tuple] = {}


class _Resolver(cst.CSTVisitor):
    def __init__(self, module: cst.Module, *, recording: bool, learned: "_Resolver | None" = None) -> None:
        super().__init__()
        self.module = module
        self.recording = recording
        self.scopes: list[dict[str, Origin]] = [{}]
        self.functions: list[str] = []
        self.classes_stack: list[str] = []
        self.classes: dict[str, _ClassInfo] = learned.classes if learned else {}
        self.returns: dict[str, Origin] = learned.returns if learned else {}
        #: what an attribute or string dict key holds, learned outside the plumbing, and (overlay) inside it
        self.kept_members: dict[str, Origin] = learned.kept_members if learned else {}
        self.plumbing_members: dict[str, Origin] = learned.plumbing_members if learned else {}
        #: (function, parameter index or keyword) -> origin of the argument at the first call site that knew it
        self.kept_arguments: dict[tuple[str, int | str], Origin] = learned.kept_arguments if learned else {}
        self.plumbing_arguments: dict[tuple[str, int | str], Origin] = learned.plumbing_arguments if learned else {}
        self.members: MutableMapping[str, Origin] = self.kept_members
        self.arguments: MutableMapping[tuple[str, int | str], Origin] = self.kept_arguments
        self.in_plumbing = False
        self.uses: list[ApiUse] = []
        self.unresolved: list[Unresolved] = []
        self.imports: list[str] = []
        self.consumed: set[int] = set()
        if learned:
            self.scopes[0].update(learned.module_names)
        self.module_names = self.scopes[0]

    def facts(self) -> int:
        """How much has been learned: grows with every new or better-known fact."""
        tables = [self.returns, self.kept_members, self.plumbing_members, self.kept_arguments,
                  self.plumbing_arguments, *(info.attrs for info in self.classes.values())]
        return sum(_knowledge(origin) for table in tables for origin in table.values())

    def enter_plumbing(self, inside: bool) -> None:
        """Start a top-level statement: inside plumbing, facts are read from both layers and learned into the
        plumbing's own (a ChainMap writes to its first map), so plumbing never changes how the rest resolves."""
        self.in_plumbing = inside
        if inside:
            self.members = ChainMap(self.plumbing_members, self.kept_members)
            self.arguments = ChainMap(self.plumbing_arguments, self.kept_arguments)
        else:
            self.members, self.arguments = self.kept_members, self.kept_arguments

    @staticmethod
    def learn(table: dict, key: object, origin: Origin) -> None:
        """Keep the best-known origin seen for `key` (an early pass may know only part of a tuple)."""
        if _knowledge(origin) > _knowledge(table.get(key)):
            table[key] = origin

    # --- scopes -------------------------------------------------------------------------------------------------

    def lookup(self, name: str) -> Origin:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return OTHER if name in _BUILTINS else None

    def bind(self, target: cst.BaseExpression, origin: Origin) -> None:
        if isinstance(target, cst.Name):
            self.scopes[-1][target.value] = origin
        elif isinstance(target, (cst.Tuple, cst.List)):
            items = [el.value for el in target.elements]
            for index, item in enumerate(items):
                self.bind(item, self._item(origin, index))
        elif isinstance(target, cst.Attribute):
            self._bind_member(target, origin)
        elif isinstance(target, cst.StarredElement):
            self.bind(target.value, OTHER)

    def _bind_member(self, target: cst.Attribute, origin: Origin) -> None:
        owner = target.value
        if isinstance(owner, cst.Name) and owner.value == "self" and self.classes_stack and origin is not None:
            self.learn(self.classes[self.classes_stack[-1]].attrs, target.attr.value, origin)
        elif origin is not None:
            self.learn(self.members, target.attr.value, origin)

    @staticmethod
    def _item(origin: Origin, index: int) -> Origin:
        if isinstance(origin, Tup):
            return origin.items[index] if index < len(origin.items) else None
        return _Resolver._element(origin)

    @property
    def where(self) -> str:
        return self.functions[-1] if self.functions else "<module>"

    # --- imports ------------------------------------------------------------------------------------------------

    def visit_Import(self, node: cst.Import) -> bool:
        for alias in node.names:
            dotted = get_full_name_for_node(alias.name) or ""
            self.imports.append(dotted)
            if alias.asname is not None:
                self.bind(alias.asname.name, Ref(normalize(dotted)))
            else:
                root = dotted.split(".", 1)[0]
                self.scopes[-1][root] = Ref(root)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if node.relative:
            if not isinstance(node.names, cst.ImportStar):
                for alias in node.names:
                    self.bind((alias.asname.name if alias.asname else alias.name), OTHER)
            return False
        base = get_full_name_for_node(node.module) if node.module else ""
        self.imports.append(base)
        if isinstance(node.names, cst.ImportStar):
            return False
        for alias in node.names:
            name = get_full_name_for_node(alias.name) or ""
            local = alias.asname.name if alias.asname else alias.name
            self.bind(local, Ref(normalize(f"{base}.{name}")))
        return False

    # --- definitions --------------------------------------------------------------------------------------------

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        name = node.name.value
        info = self.classes.get(name)
        if info is None:
            info = self.classes[name] = _ClassInfo(base=self._framework_base(node.bases))
            info.methods.update(s.name.value for s in node.body.body if isinstance(s, cst.FunctionDef))
        self.scopes[-1][name] = UserClass(name)
        self.consumed.add(id(node.name))
        self.classes_stack.append(name)
        self.scopes.append({})
        for base in node.bases:
            self.consumed.add(id(base.value))
            self._record_reference(base.value, kind="reference")
        return True

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.scopes.pop()
        self.classes_stack.pop()

    def _framework_base(self, bases: Sequence[cst.Arg]) -> str | None:
        for base in bases:
            origin = self.origin(base.value)
            if isinstance(origin, Ref) and _framework(origin.qname):
                return origin.qname
            if isinstance(origin, UserClass) and self.classes.get(origin.name) and self.classes[origin.name].base:
                return self.classes[origin.name].base
        return None

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        qualified = ".".join([*self.classes_stack[-1:], node.name.value]) if self.classes_stack else node.name.value
        if self.functions:
            qualified = f"{self.functions[-1]}.{node.name.value}"
        self.scopes[-1][node.name.value] = UserFn(qualified)
        self.consumed.add(id(node.name))
        self.functions.append(qualified)
        for decorator in node.decorators:
            expression = decorator.decorator
            if not isinstance(expression, cst.Call):
                self.consumed.add(id(expression))
                self._record_reference(expression, kind="decorator")
        scope: dict[str, Origin] = {}
        params = [*node.params.posonly_params, *node.params.params, *node.params.kwonly_params]
        is_method = bool(self.classes_stack) and len(self.functions) == 1
        base = self.classes[self.classes_stack[-1]].base if is_method else None
        for index, param in enumerate(params):
            name = param.name.value
            if index == 0 and is_method and name == "self":
                scope["self"] = UserInst(self.classes_stack[-1])
                continue
            position = index - is_method if is_method and params[0].name.value == "self" else index
            scope[name] = self._parameter(qualified, position, name, param.annotation)
            if scope[name] is None and base and node.name.value in FORWARD_METHODS:
                scope[name] = _default_tensor(base)
        self.scopes.append(scope)
        return True

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scopes.pop()
        self.functions.pop()

    def _parameter(self, function: str, position: int, name: str, annotation: cst.Annotation | None) -> Origin:
        """A parameter's origin: its annotation, else what callers in this file pass, else the contract's flow."""
        declared = self._annotated(annotation)
        if declared is not None:
            return declared
        for key in ((function, position), (function, name)):
            if self.arguments.get(key) is not None:
                return self.arguments[key]
        producer = CONTRACT_FLOWS.get((function, position))
        return self.returns.get(producer) if isinstance(producer, str) else producer

    def _learn_arguments(self, node: cst.Call) -> None:
        callee = self.origin(node.func)
        if isinstance(callee, UserClass):  # constructing a user class calls its __init__
            callee = UserFn(f"{callee.name}.__init__")
        if not isinstance(callee, UserFn):
            return
        for index, arg in enumerate(node.args):
            if arg.star:
                break
            origin = self.origin(arg.value)
            if origin is not OTHER:
                self.learn(self.arguments, (callee.name, arg.keyword.value if arg.keyword else index), origin)

    def _annotated(self, annotation: cst.Annotation | None) -> Origin:
        if annotation is None:
            return None
        origin = self.origin(annotation.annotation)
        if isinstance(origin, Ref):
            return Inst(origin.qname) if _framework(origin.qname) else OTHER
        if isinstance(origin, UserClass):
            return UserInst(origin.name)
        return None

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.consumed.add(id(node.keyword))

    def visit_Annotation(self, node: cst.Annotation) -> bool:
        return False  # type hints document the code; they are not uses of the API

    def visit_Param(self, node: cst.Param) -> bool:
        if node.default is not None:
            node.default.visit(self)
        return False

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None and self.functions:
            self.learn(self.returns, self.functions[-1], self.origin(node.value))

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        self.scopes.append({p.name.value: None for p in node.params.params})
        return True

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.scopes.pop()

    # --- bindings -----------------------------------------------------------------------------------------------

    def leave_Assign(self, original_node: cst.Assign) -> None:
        origin = self.origin(original_node.value)
        for target in original_node.targets:
            self.bind(target.target, origin)
        self._learn_keys(original_node.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._consume_target(node.target)

    def leave_AnnAssign(self, original_node: cst.AnnAssign) -> None:
        origin = self.origin(original_node.value) if original_node.value else None
        self.bind(original_node.target, origin if origin is not None else self._annotated(original_node.annotation))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._consume_target(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._consume_target(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._consume_target(node.target)
        self.bind(node.target, self._element(self.origin(node.iter)))

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._consume_target(node.target)
        self.bind(node.target, self._element(self.origin(node.iter)))

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._consume_target(node.asname.name)

    def leave_WithItem(self, original_node: cst.WithItem) -> None:
        if original_node.asname is not None:
            self.bind(original_node.asname.name, self.origin(original_node.item))

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._consume_target(node.target)

    def leave_NamedExpr(self, original_node: cst.NamedExpr) -> None:
        self.bind(original_node.target, self.origin(original_node.value))

    def _consume_target(self, target: cst.BaseExpression) -> None:
        if isinstance(target, (cst.Name, cst.Attribute, cst.Subscript)):
            self.consumed.add(id(target))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._consume_target(element.value)

    def _learn_keys(self, value: cst.BaseExpression) -> None:
        if not isinstance(value, cst.Dict):
            return
        for element in value.elements:
            if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
                self.learn(self.members, str(element.key.evaluated_value), self.origin(element.value))

    def visit_Dict(self, node: cst.Dict) -> None:
        self._learn_keys(node)

    # --- expressions: what a value holds ------------------------------------------------------------------------

    def origin(self, node: cst.BaseExpression | None) -> Origin:
        if node is None:
            return None
        if isinstance(node, cst.Name):
            return self.lookup(node.value)
        if isinstance(node, cst.Attribute):
            return self._attribute(self.origin(node.value), node.attr.value)
        if isinstance(node, cst.Call):
            return self._call_result(node)
        if isinstance(node, cst.Subscript):
            return self._subscript(node)
        if isinstance(node, cst.Tuple):
            return Tup(tuple(self.origin(el.value) for el in node.elements))
        if isinstance(node, cst.BinaryOperation):
            left, right = self.origin(node.left), self.origin(node.right)
            return next((side for side in (left, right) if isinstance(side, Inst)), left if left is right else None)
        if isinstance(node, cst.UnaryOperation):
            return self.origin(node.expression)
        if isinstance(node, cst.DictComp):
            return DictOf(self._comprehension_value(node))
        if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString,
                             cst.FormattedString, cst.List, cst.Dict, cst.Set, cst.ListComp,
                             cst.SetComp, cst.Comparison, cst.BooleanOperation)):
            return OTHER
        if isinstance(node, cst.Lambda):
            return UserFn("<lambda>")
        if isinstance(node, cst.IfExp):
            body, orelse = self.origin(node.body), self.origin(node.orelse)
            return body if body is not None else orelse
        if isinstance(node, cst.Await):
            return self.origin(node.expression)
        return None

    def _attribute(self, base: Origin, attr: str) -> Origin:
        if isinstance(base, Ref):
            return Ref(normalize(f"{base.qname}.{attr}"))
        if isinstance(base, Inst):
            fw = _framework(base.type)
            return Inst(DEFAULT_TENSOR[fw]) if fw else None
        if isinstance(base, UserInst):
            info = self.classes.get(base.cls)
            if info is None:
                return None
            if attr in info.attrs:
                return info.attrs[attr]
            if attr in info.methods:
                return UserFn(f"{base.cls}.{attr}")
            return _default_tensor(info.base) if info.base else None
        if base is OTHER:
            return OTHER
        return self.members.get(attr)

    def _comprehension_value(self, node: cst.DictComp) -> Origin:
        self.scopes.append({})
        try:
            generator: cst.CompFor | None = node.for_in
            while generator is not None:
                self.bind(generator.target, self._element(self.origin(generator.iter)))
                generator = generator.inner_for_in
            return self.origin(node.value)
        finally:
            self.scopes.pop()

    def _subscript(self, node: cst.Subscript) -> Origin:
        base = self.origin(node.value)
        if isinstance(base, DictOf):
            return base.value
        if isinstance(base, (Inst, Tup, IterOf)):
            if isinstance(base, Tup) and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
                index = node.slice[0].slice.value
                if isinstance(index, cst.Integer):
                    return self._item(base, int(index.value))
            return self._element(base) if not isinstance(base, Tup) else None
        if base is OTHER or base is None:
            key = node.slice[0].slice if len(node.slice) == 1 else None
            if isinstance(key, cst.Index) and isinstance(key.value, cst.SimpleString):
                found = self.members.get(str(key.value.evaluated_value))
                if found is not None:
                    return found
        return OTHER if base is OTHER else None

    @staticmethod
    def _element(iterable: Origin) -> Origin:
        if isinstance(iterable, IterOf):
            return iterable.element
        if isinstance(iterable, Tup):
            return iterable.items[0] if iterable.items and len(set(iterable.items)) == 1 else None
        if isinstance(iterable, Inst):
            return iterable if iterable.type in TENSOR_TYPES else _default_tensor(iterable.type)
        return OTHER if iterable is OTHER else None

    def _call_result(self, node: cst.Call) -> Origin:
        """What a call returns, by the rules in the table section at the top of this module."""
        func = node.func
        if isinstance(func, cst.Name) and func.value == "super" and self.classes_stack:
            info = self.classes.get(self.classes_stack[-1])
            return Inst(info.base) if info and info.base else OTHER
        if isinstance(func, cst.Name) and func.value in ("enumerate", "zip", "iter", "next", "reversed"):
            if func.value == "enumerate" and node.args:
                return IterOf(Tup((OTHER, self._element(self.origin(node.args[0].value)))))
            if func.value == "zip":
                return IterOf(Tup(tuple(self._element(self.origin(a.value)) for a in node.args)))
            if func.value in ("iter", "reversed") and node.args:
                return self.origin(node.args[0].value)
            if func.value == "next" and node.args:
                return self._element(self.origin(node.args[0].value))
        if isinstance(func, cst.Attribute):
            receiver = self.origin(func.value)
            method = func.attr.value
            if isinstance(receiver, Inst):
                if method in HOST_METHODS:
                    return OTHER
                if receiver.type in FLUENT_TYPES or method in SELF_RETURNING:
                    return receiver
                return _default_tensor(receiver.type)
            if isinstance(receiver, UserInst):
                info = self.classes.get(receiver.cls)
                if info and method in info.methods:
                    return self.returns.get(f"{receiver.cls}.{method}")
                if info and method in info.attrs:
                    return self._called(info.attrs[method], node)
                if info and info.base:
                    return receiver if method in SELF_RETURNING else _default_tensor(info.base)
                return None
            if receiver is None:
                held = self.members.get(method)
                return self._called(held, node) if held is not None else None
        return self._called(self.origin(func), node)

    def _called(self, callee: Origin, node: cst.Call) -> Origin:
        if isinstance(callee, Ref):
            qname = callee.qname
            if not _framework(qname):
                return OTHER
            if qname in TRANSFORMS:
                wrapped = self.origin(node.args[0].value) if node.args else None
                return wrapped if isinstance(wrapped, (Inst, UserInst, UserFn)) else UserFn(qname)
            if qname in RETURNS:
                return RETURNS[qname]
            for prefix, result in RETURNS_BY_PREFIX:
                if qname.startswith(prefix):
                    return result
            if is_class_name(qname):
                return Inst(qname)
            owner = qname.rsplit(".", 1)[0]
            if is_class_name(owner):  # a factory classmethod: tf.data.Dataset.from_tensor_slices(...)
                return Inst(owner)
            return _default_tensor(qname)
        if isinstance(callee, Inst):
            return _default_tensor(callee.type)
        if isinstance(callee, UserClass):
            return UserInst(callee.name)
        if isinstance(callee, UserInst):
            info = self.classes.get(callee.cls)
            return _default_tensor(info.base) if info and info.base else self.returns.get(f"{callee.cls}.__call__")
        if isinstance(callee, UserFn):
            return self.returns.get(callee.name)
        return OTHER if callee is OTHER else None

    # --- recording ----------------------------------------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        self.consumed.add(id(node.func))
        self._learn_arguments(node)
        if not self.recording:
            return
        kind, name = self._callee_name(node.func)
        if kind == "framework":
            keywords = tuple(arg.keyword.value for arg in node.args if arg.keyword is not None)
            strings = sum(1 for arg in node.args
                          if isinstance(arg.value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)))
            self.uses.append(ApiUse(name, "call", self.where, keywords, strings, self.in_plumbing))
        elif kind == "unresolved":
            keywords = tuple(arg.keyword.value for arg in node.args if arg.keyword is not None)
            self.unresolved.append(Unresolved(self.module.code_for_node(node.func)[:120], self.where, keywords,
                                              self.in_plumbing))

    def _callee_name(self, func: cst.BaseExpression) -> tuple[str, str]:
        """("framework", qualified name) | ("other", "") | ("unresolved", "")."""
        if isinstance(func, cst.Attribute):
            receiver = self.origin(func.value)
            method = func.attr.value
            if isinstance(receiver, Ref):
                return self._named(normalize(f"{receiver.qname}.{method}"))
            if isinstance(receiver, Inst):
                return "framework", f"{receiver.type}.{method}"
            if isinstance(receiver, (UserInst, UserClass)):
                cls = receiver.cls if isinstance(receiver, UserInst) else receiver.name
                info = self.classes.get(cls)
                if info is None or method in info.methods:
                    return "other", ""
                if method in info.attrs:
                    return self._callable_name(info.attrs[method])
                return ("framework", f"{info.base}.{method}") if info.base else ("other", "")
            if receiver is None:
                held = self.members.get(method)
                return self._callable_name(held) if held is not None else ("unresolved", "")
            return "other", ""
        return self._callable_name(self.origin(func))

    def _callable_name(self, callee: Origin) -> tuple[str, str]:
        if isinstance(callee, Ref):
            return self._named(callee.qname)
        if isinstance(callee, Inst):
            return "framework", f"{callee.type}.__call__"
        if isinstance(callee, UserInst):
            info = self.classes.get(callee.cls)
            if info and info.base and "__call__" not in info.methods:
                return "framework", f"{info.base}.__call__"
            return "other", ""
        return ("unresolved", "") if callee is None else ("other", "")

    @staticmethod
    def _named(qname: str) -> tuple[str, str]:
        return ("framework", qname) if _framework(qname) else ("other", "")

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.consumed.update((id(node.value), id(node.attr)))
        if id(node) not in self.consumed:
            self._record_reference(node, kind="reference")

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) not in self.consumed:
            self._record_reference(node, kind="reference")

    def _record_reference(self, node: cst.BaseExpression, *, kind: str) -> None:
        if not self.recording:
            return
        origin = self.origin(node)
        if isinstance(origin, Ref) and _framework(origin.qname):
            self.uses.append(ApiUse(origin.qname, kind, self.where, plumbing=self.in_plumbing))


def iter_names(uses: Iterable[ApiUse]) -> list[str]:
    """The distinct API names, sorted."""
    return sorted({use.name for use in uses})
