"""The grader's side of a check: answers as plain data, verdicts in the grader's own process.

The student's kernel does two things for the grader, and nothing else:

* it evaluates the answer expression and converts the answer to plain data
  (:func:`_kernel_answer`): ``None``, booleans, integers, floats, strings, tuples, lists, dicts,
  tensors (as bytes with their dtype and shape), a few known objects (a History, a network: as
  their fields or their tensors), and functions, which stay in the kernel under a handle;
* for a function, it calls it on arguments the grader sends (:func:`_kernel_call`) and returns
  the result as plain data, with the names of the watched calls the function made.

The grader decodes that data (:func:`decode`) with its own ``json`` and ``torch``: whatever the
student's code did to ``torch``, ``math``, ``numpy``, built-ins, ``__eq__``, ``__float__`` or
``__torch_function__`` in the kernel, what arrives is data, and the checkers compare it in the
grader's process. A function answer becomes a :class:`RemoteFunction`, which the checkers call
like the student's function. An answer of any other type fails with a note.

Forbidden calls (``checker(..., forbid=...)``) are found twice: in the exercise cell's source
(:func:`forbidden_in_source`, read by the grader) and in a trace of the calls the function made
while the grader called it (in the kernel: a student who attacks the tracer there can hide a
call from it, but not from the source check).
"""

from __future__ import annotations

import ast
import base64
import inspect
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

LIMIT = 64 * 2 ** 20          # the most characters of plain data one answer or call may return

#: dtypes a tensor may arrive in, by the name the kernel gives.
DTYPES = ("float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64",
          "uint8", "bool", "complex64", "complex128")


class NotPlainData(Exception):
    """The kernel's answer could not be read as plain data."""


#: How the grader rebuilds an object answer from the plain data the kernel sent: the class's
#: qualified name -> a function of its fields (a dict). Checkers that accept objects register
#: here (through ``lk.exercises.rebuilds``).
REBUILD: dict[str, Callable[[dict], Any]] = {}


def rebuilds(class_name: str) -> Callable:
    """Register ``function(fields)`` as the way to rebuild an answer of class ``class_name``."""
    def register(function: Callable[[dict], Any]) -> Callable[[dict], Any]:
        REBUILD[class_name] = function
        return function
    return register


# --------------------------------------------------------------------------- forbidden calls
@dataclass(frozen=True)
class Forbidden:
    """A call an exercise's solution must not use.

    ``name`` is the function's name ("conv1d"; "*" for every function of ``module``),
    ``module`` limits it to functions defined in that package ("lecturekit.layers"; empty for
    torch's), ``grouped`` to calls with ``groups`` other than 1, and ``shown`` is how a note
    names it ("F.conv1d")."""
    name: str
    shown: str
    module: str = ""
    grouped: bool = False

    def as_dict(self) -> dict:
        return {"name": self.name, "shown": self.shown, "module": self.module,
                "grouped": self.grouped}


#: The package's own reference implementations (lk.layers): forbidden where an exercise asks
#: for one of them written by hand.
REFERENCES = Forbidden("*", "lk.layers (the package's reference implementations)",
                       "lecturekit.layers")


def _dotted(node) -> list[str]:
    """``lk.layers.conv2d`` -> ["lk", "layers", "conv2d"]; anything else in the chain is ''."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    parts.append(node.id if isinstance(node, ast.Name) else "")
    return parts[::-1]


def _grouped_call(call: ast.Call) -> bool:
    """A conv call with a ``groups`` that is not the literal 1 (or seven positional arguments)."""
    for keyword in call.keywords:
        if keyword.arg == "groups":
            return not (isinstance(keyword.value, ast.Constant) and keyword.value.value == 1)
    return len(call.args) >= 7


def forbidden_in_source(source: str, forbidden: list[Forbidden]) -> list[str]:
    """The forbidden calls that the code of a cell names (attributes, imports, or calls), as
    their ``shown`` names; a cell that does not parse names none (it raised when it ran)."""
    if not forbidden:
        return []
    try:
        from IPython.core.inputtransformer2 import TransformerManager
        source = TransformerManager().transform_cell(source)
    except ImportError:
        pass
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for rule in forbidden:
        package = rule.module.split(".")[-1] if rule.module else ""
        for node in ast.walk(tree):
            hit = False
            if isinstance(node, ast.ImportFrom) and node.module:
                names = {alias.name for alias in node.names}
                from_package = (node.module.startswith(rule.module) if rule.module
                                else node.module.split(".")[0] == "torch")
                hit = from_package and (rule.name == "*" or rule.name in names)
                hit = hit and not rule.grouped
            elif isinstance(node, ast.Attribute):
                chain = _dotted(node)
                named = rule.name == "*" or chain[-1] == rule.name
                hit = named and (not package or package in chain[:-1])
                if hit and rule.grouped:
                    hit = False             # judged at the call, below
            elif isinstance(node, ast.Call) and rule.grouped:
                target = node.func
                name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
                hit = name == rule.name and _grouped_call(node)
            if hit:
                found.append(rule.shown)
                break
    return found


def forbidden_in_trace(calls: list, forbidden: list[Forbidden]) -> list[str]:
    """The forbidden calls among those the kernel saw: ``[module, name, groups]`` each."""
    found = []
    for rule in forbidden:
        for module, name, groups in calls:
            if rule.module and not str(module).startswith(rule.module):
                continue
            if not rule.module and module != "torch":
                continue
            if rule.name not in ("*", name) or (rule.grouped and groups == 1):
                continue
            found.append(rule.shown)
            break
    return found


# --------------------------------------------------------------------------- decoding
def _tensor(spec: dict):
    import torch

    dtype, shape, data = spec.get("dtype"), spec.get("shape"), spec.get("data")
    if dtype not in DTYPES or not isinstance(shape, list) or not isinstance(data, str):
        raise NotPlainData("a tensor came back without a known dtype, a shape or its bytes")
    if not all(type(n) is int and n >= 0 for n in shape):
        raise NotPlainData("a tensor came back with a shape that is not a list of sizes")
    raw = bytearray(base64.b64decode(data, validate=True))
    kind = getattr(torch, dtype)
    count = 1
    for n in shape:
        count *= n
    itemsize = torch.empty((), dtype=kind).element_size()
    if len(raw) != count * itemsize:
        raise NotPlainData("a tensor came back with as many bytes as its shape does not hold")
    if count == 0:
        return torch.empty(shape, dtype=kind)
    return torch.frombuffer(raw, dtype=kind).reshape(shape).clone()


def _build(value, functions):
    """Plain data (as :func:`_kernel_encode` wrote it) to Python and torch objects."""
    if value is None or type(value) in (bool, int, float, str):
        return value
    if type(value) is not dict or len(value) != 1:
        raise NotPlainData(f"unexpected data of type {type(value).__name__}")
    (kind, content), = value.items()
    if kind == "tuple" and type(content) is list:
        return tuple(_build(v, functions) for v in content)
    if kind == "list" and type(content) is list:
        return [_build(v, functions) for v in content]
    if kind == "dict" and type(content) is list:
        built = {}
        for pair in content:
            if type(pair) is not list or len(pair) != 2:
                raise NotPlainData("a dict came back without its key and value pairs")
            key = _build(pair[0], functions)
            if type(key) not in (bool, int, float, str, tuple):
                raise NotPlainData("a dict came back with a key that is not a number or string")
            built[key] = _build(pair[1], functions)
        return built
    if kind == "tensor" and type(content) is dict:
        return _tensor(content)
    if kind == "function" and type(content) is dict and type(content.get("id")) is int:
        if functions is None:
            raise NotPlainData("a function came back where a value was expected")
        return functions(content["id"], str(content.get("name", "function"))[:60])
    if kind == "object" and type(content) is dict:
        name = content.get("class")
        if name not in REBUILD:
            raise NotPlainData(f"an object of type {str(name)[:80]} cannot be graded")
        fields = _build(content.get("fields"), None)
        if not isinstance(fields, dict):
            raise NotPlainData(f"an object of type {name} came back without its fields")
        try:
            return REBUILD[name](fields)
        except Exception as error:  # fields that do not make such an object
            raise NotPlainData(f"{error}") from None
    raise NotPlainData(f"unexpected data tagged {str(kind)[:40]!r}")


def decode(text: str, functions=None):
    """The answer in the JSON text the kernel sent: numbers, strings, tuples, lists, dicts and
    tensors of the grader's own torch; ``functions(id, name)`` makes a stand-in for a function.
    A NotPlainData error for anything else."""
    if not isinstance(text, str) or len(text) > LIMIT:
        raise NotPlainData("the answer came back too large or not as text")
    try:
        data = json.loads(text)
    except ValueError:
        raise NotPlainData("the answer came back as text that is not JSON") from None
    return _build(data, functions)


# --------------------------------------------------------------------------- remote calls
class StudentError(Exception):
    """The student's function raised in the kernel; named like the error it raised there."""

    def __init__(self, ename: str, evalue: str, line: int | None):
        super().__init__(evalue)
        self.ename, self.student_line = ename, line


class RemoteFunction:
    """The student's function, called from the grader's process: the arguments go to the
    kernel (pickled by the grader's torch), the result comes back as plain data. The calls it
    made that an exercise forbids are collected in ``grading.trace``."""

    def __init__(self, grading, handle: int, name: str):
        self.grading, self.handle, self.__name__ = grading, handle, name

    def __repr__(self) -> str:
        return f"<your function {self.__name__}>"

    def __call__(self, *args, **kwargs):
        import torch

        buffer = io.BytesIO()
        torch.save((args, kwargs), buffer)
        request = {"stash": self.grading.answers, "handle": self.handle,
                   "arguments": base64.b64encode(buffer.getvalue()).decode(),
                   "watch": self.grading.watch}
        status, payload = self.grading.call_in_kernel(request)
        if status == "timeout":
            raise TimeoutError("your function ran longer than the timeout and was stopped")
        if status != "ok":
            raise RuntimeError("the kernel died while your function ran")
        try:
            reply = json.loads(payload) if isinstance(payload, str) and len(payload) < LIMIT else None
        except ValueError:
            reply = None
        if type(reply) is not dict:
            raise RuntimeError("your function's result did not come back")
        calls = reply.get("calls", [])
        if type(calls) is list:
            self.grading.trace += [c for c in calls if type(c) is list and len(c) == 3][:1000]
        if reply.get("status") == "raised":
            ename = str(reply.get("ename", "Exception"))[:60]
            if ename == "NotImplementedError":
                raise NotImplementedError
            line = reply.get("line")
            raise StudentError(ename, str(reply.get("evalue", ""))[:300],
                               line if type(line) is int else None)
        if reply.get("status") != "ok":
            raise NotPlainData(str(reply.get("note", "the result is not plain data"))[:300])
        return _build(json.loads(reply["result"]) if isinstance(reply.get("result"), str)
                      else None, None)


# --------------------------------------------------------------------------- in the kernel
#  These functions are sent as source text and run in the student's kernel: they import what
#  they need and use nothing else from this module. What they return is data for the grader.
def _kernel_encode(value, functions, depth=0):
    """``value`` as JSON-ready plain data; functions go into ``functions`` (a list) and are
    named by their position. A TypeError names a type that cannot be graded."""
    import base64
    import dataclasses

    if depth > 20:
        raise TypeError("the answer is nested too deeply")
    if value is None or type(value) in (bool, str):
        return value
    # A subclass of a built-in scalar becomes the value it really holds (its own methods could lie).
    for kind, builtin in ((bool, bool), (int, int.__int__), (float, float.__float__), (str, str.__str__)):
        if isinstance(value, kind):
            return builtin(value)
    if isinstance(value, (tuple, list)):
        kind = "list" if isinstance(value, list) else "tuple"
        items = list.__iter__(value) if kind == "list" else tuple.__iter__(value)
        return {kind: [_kernel_encode(v, functions, depth + 1) for v in items]}
    if isinstance(value, dict):
        return {"dict": [[_kernel_encode(k, functions, depth + 1),
                          _kernel_encode(v, functions, depth + 1)]
                         for k, v in dict.items(value)]}
    import sys

    module = type(value).__module__.split(".")[0]
    torch = sys.modules.get("torch")
    if torch is not None:
        if isinstance(value, torch.Tensor):
            tensor = value.as_subclass(torch.Tensor).detach().cpu().contiguous()
            name = str(tensor.dtype).replace("torch.", "")
            raw = tensor.view(torch.uint8).numpy().tobytes() if tensor.dim() else \
                tensor.reshape(1).view(torch.uint8).numpy().tobytes()
            return {"tensor": {"dtype": name, "shape": list(tensor.shape),
                               "data": base64.b64encode(raw).decode()}}
        if isinstance(value, torch.nn.Module):
            tensors = {**dict(value.named_parameters()), **dict(value.named_buffers())}
            return {"object": {"class": f"{type(value).__module__}.{type(value).__qualname__}",
                               "fields": _kernel_encode(tensors, None, depth + 1)}}
    if module == "numpy" and getattr(value, "ndim", None) == 0:
        return _kernel_encode(value.item(), functions, depth + 1)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        return {"object": {"class": f"{type(value).__module__}.{type(value).__qualname__}",
                           "fields": _kernel_encode(fields, None, depth + 1)}}
    if callable(value) and functions is not None:
        functions.append(value)
        return {"function": {"id": len(functions) - 1,
                             "name": str(getattr(value, "__name__", "function"))[:60]}}
    raise TypeError(f"an answer of type {type(value).__name__} cannot be graded; give numbers, "
                    "strings, booleans, tuples, lists, dicts, tensors or functions")


def _kernel_answer(args, user_ns):
    """Evaluate the answer expression in the student's namespace and return it as plain data
    (JSON text), its functions kept on the shell under ``args["stash"]``."""
    import json

    from IPython import get_ipython

    functions = []
    setattr(get_ipython(), args["stash"], functions)
    try:
        answer = eval(args["expression"], user_ns)
    except BaseException as error:  # the answer is not defined: the cell was not solved
        return json.dumps({"status": "undefined", "note": f"{type(error).__name__}: {error}"[:300]})
    try:
        encoded = _kernel_encode(answer, functions)
    except BaseException as error:  # a type that is not plain data, or a lying conversion
        return json.dumps({"status": "refused", "note": f"{error}"[:300]})
    return json.dumps({"status": "ok", "answer": json.dumps(encoded)})


def _kernel_call(args):
    """Call the student's function ``args["handle"]`` on the grader's arguments, watching the
    calls ``args["watch"]`` names; the result as plain data (JSON text)."""
    import base64
    import io
    import json
    import sys
    import traceback

    import torch
    from IPython import get_ipython
    from torch.overrides import TorchFunctionMode

    watch = args["watch"]
    calls = []
    torch_names = {name for module, name in watch if not module}
    modules = tuple(module for module, _ in watch if module)

    class Watch(TorchFunctionMode):
        def __torch_function__(self, func, types, fargs=(), kwargs=None):
            kwargs = kwargs or {}
            name = getattr(func, "__name__", "")
            if name in torch_names or "*" in torch_names:
                groups = kwargs.get("groups", fargs[6] if len(fargs) > 6 else 1)
                calls.append(["torch", name, groups if type(groups) is int else 1])
            return func(*fargs, **kwargs)

    def profile(frame, event, arg):
        if event == "call":
            module = str(frame.f_globals.get("__name__", ""))
            if module.startswith(modules):
                calls.append([module, frame.f_code.co_name, 1])

    function = getattr(get_ipython(), args["stash"])[args["handle"]]
    fargs, kwargs = torch.load(io.BytesIO(base64.b64decode(args["arguments"])), weights_only=False)
    try:
        if modules:
            sys.setprofile(profile)
        try:
            with Watch():
                result = function(*fargs, **kwargs)
        finally:
            sys.setprofile(None)
    except BaseException as error:   # the student's code raised (or was interrupted)
        frames = traceback.extract_tb(error.__traceback__)
        return json.dumps({"status": "raised", "ename": type(error).__name__,
                           "evalue": str(error)[:300], "line": frames[-1].lineno if frames else None,
                           "calls": calls[:1000]})
    try:
        encoded = json.dumps(_kernel_encode(result, None))
    except BaseException as error:
        return json.dumps({"status": "refused", "note": f"your function returned {error}"[:300],
                           "calls": calls[:1000]})
    return json.dumps({"status": "ok", "result": encoded, "calls": calls[:1000]})


KERNEL_FUNCTIONS = (_kernel_encode, _kernel_answer, _kernel_call)


def kernel_source() -> str:
    """The source text of the functions the kernel runs for the grader."""
    return "".join(inspect.getsource(f) + "\n" for f in KERNEL_FUNCTIONS)
