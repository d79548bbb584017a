/**
 * The Python side of `code-tests`: two programs, each run in its own sandbox (own user id, own namespaces).
 *
 * - The **runner** holds the model's code and nothing else of the item but its setup: it loads the code, then
 *   answers requests ("look up these names", "call this with these arguments") by running the code and sending back
 *   plain serialised values over its channel (fd 3). It never sees a test, an expected value or the verdict channel.
 * - The **checker** holds the tests. It runs them in its own interpreter with the solution's names bound to
 *   proxies: calling one sends the call to the runner (through the grader, which relays lines between the two) and
 *   rebuilds the returned value as a plain Python object; the assert then compares it here, out of the code's reach.
 *   Only the checker writes the report (fd 4), nonce-tagged.
 *
 * Values that cross are data: None, bools, numbers, strings, bytes, lists, tuples, sets, dicts (ordered ones and
 * Counters too), ranges, Decimals, Fractions, and iterators (materialised, at most 100 000 items). Anything else
 * (an instance of the code's own class, a function) stays in the runner behind a handle whose attributes, calls,
 * iteration, length, `str`, truth, items and membership are forwarded; it never compares equal to a checker value.
 * Exceptions come back as the builtin type of the same name (or a `CodeError` carrying the original name).
 */

// Serialisation shared by both programs (tagged JSON: a list is always [tag, ...]; scalars are themselves).
const CODEC = String.raw`
import collections as _collections
import decimal as _decimal
import fractions as _fractions
import numbers as _numbers
import types as _types

_MAX_DEPTH = 100
_MAX_ITEMS = 100000
_BIG = 2 ** 63
_KEYS = type({}.keys())
_VALUES = type({}.values())
_ITEMS = type({}.items())


def _encode(value, other, depth=0):
    if depth > _MAX_DEPTH:
        raise ValueError("the value is nested too deeply (or refers to itself)")
    kind = type(value)
    if value is None or kind is bool or kind is str or kind is float:
        return value
    deeper = depth + 1
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        number = int(value)
        # Big integers travel in hex: reading a long decimal is quadratic (a way to stall the other side).
        return number if -_BIG < number < _BIG else ["bigint", hex(number)]
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, complex):
        return ["complex", value.real, value.imag]
    if isinstance(value, bytes):
        return ["bytes", bytes(value).hex()]
    if isinstance(value, bytearray):
        return ["bytearray", bytes(value).hex()]
    if isinstance(value, tuple):
        return ["tuple", [_encode(item, other, deeper) for item in value]]
    if isinstance(value, list):
        return ["list", [_encode(item, other, deeper) for item in value]]
    if isinstance(value, frozenset):
        return ["frozenset", [_encode(item, other, deeper) for item in value]]
    if isinstance(value, set):
        return ["set", [_encode(item, other, deeper) for item in value]]
    if isinstance(value, dict):
        tag = "counter" if isinstance(value, _collections.Counter) else "odict" if isinstance(value, _collections.OrderedDict) else "dict"
        return [tag, [[_encode(k, other, deeper), _encode(v, other, deeper)] for k, v in value.items()]]
    if isinstance(value, range):
        return ["range", value.start, value.stop, value.step]
    if isinstance(value, _decimal.Decimal):
        return ["decimal", str(value)]
    if isinstance(value, _fractions.Fraction):
        return ["fraction", value.numerator, value.denominator]
    if isinstance(value, _types.ModuleType):
        return ["module", str(value.__name__)]
    if isinstance(value, _KEYS):
        return ["keys", [_encode(item, other, deeper) for item in value]]
    if isinstance(value, _VALUES):
        return ["values", [_encode(item, other, deeper) for item in value]]
    if isinstance(value, _ITEMS):
        return ["items", [[_encode(k, other, deeper), _encode(v, other, deeper)] for k, v in value]]
    if isinstance(value, _numbers.Integral):
        return _encode(int(value), other, depth)
    if isinstance(value, _numbers.Real):
        return float(value)
    if isinstance(value, _numbers.Complex):
        number = complex(value)
        return ["complex", number.real, number.imag]
    if kind.__name__ == "bool_" and hasattr(value, "item"):
        return bool(value)
    if hasattr(kind, "__next__") and hasattr(kind, "__iter__"):
        items = []
        for item in value:
            if len(items) >= _MAX_ITEMS:
                raise ValueError("the iterator yields more than %d items" % _MAX_ITEMS)
            items.append(_encode(item, other, deeper))
        return ["iter", items]
    return other(value)


def _decode(data, special, depth=0):
    if depth > _MAX_DEPTH:
        raise ValueError("the value is nested too deeply")
    if not isinstance(data, list):
        return data
    if not data or not isinstance(data[0], str):
        raise ValueError("a malformed value")
    tag = data[0]
    deeper = depth + 1
    if tag == "list":
        return [_decode(item, special, deeper) for item in data[1]]
    if tag == "tuple":
        return tuple(_decode(item, special, deeper) for item in data[1])
    if tag == "set":
        return set(_decode(item, special, deeper) for item in data[1])
    if tag == "frozenset":
        return frozenset(_decode(item, special, deeper) for item in data[1])
    if tag in ("dict", "odict", "counter"):
        pairs = [(_decode(k, special, deeper), _decode(v, special, deeper)) for k, v in data[1]]
        if tag == "odict":
            return _collections.OrderedDict(pairs)
        if tag == "counter":
            return _collections.Counter(dict(pairs))
        return dict(pairs)
    if tag == "bigint":
        return int(str(data[1]), 16)
    if tag == "complex":
        return complex(float(data[1]), float(data[2]))
    if tag == "bytes":
        return bytes.fromhex(data[1])
    if tag == "bytearray":
        return bytearray.fromhex(data[1])
    if tag == "range":
        return range(int(data[1]), int(data[2]), int(data[3]))
    if tag == "decimal":
        return _decimal.Decimal(str(data[1]))
    if tag == "fraction":
        return _fractions.Fraction(int(data[1]), int(data[2]))
    if tag == "iter":
        return iter([_decode(item, special, deeper) for item in data[1]])
    if tag == "keys":
        return dict.fromkeys(_decode(item, special, deeper) for item in data[1]).keys()
    if tag == "values":
        return dict(enumerate(_decode(item, special, deeper) for item in data[1])).values()
    if tag == "items":
        return dict((_decode(k, special, deeper), _decode(v, special, deeper)) for k, v in data[1]).items()
    return special(data)


def _describe(error):
    try:
        described = getattr(error, "description", None)
        if isinstance(described, str):
            return described[:200]
        lines = str(error).strip().splitlines()
        first = lines[0] if lines else ""
        name = type(error).__name__
        return (name + (": " + first if first else ""))[:200]
    except BaseException:
        return "an exception that cannot be described"
`;

/** The runner: loads the model's code and answers the checker's requests (see the module comment). */
export const RUNNER = String.raw`
import json
import os
import sys
` + CODEC + String.raw`


def _main():
    # Descriptors inherited by accident are closed before the code runs; fd 3 is the value channel.
    os.closerange(4, 4096)
    write = os.write
    dumps = json.dumps
    loads = json.loads
    readline = sys.stdin.buffer.readline
    exit_now = os._exit
    handles = {}

    def send(record):
        data = (dumps(record) + "\n").encode("utf-8")
        while data:
            data = data[write(3, data):]

    def keep(value):
        handle = len(handles) + 1
        handles[handle] = value
        return ["ref", handle, type(value).__name__]

    def encode(value):
        return _encode(value, keep)

    def special(data):
        if data[0] == "ref":
            return handles[int(data[1])]
        if data[0] == "module":
            import importlib
            return importlib.import_module(str(data[1]))
        raise ValueError("an unknown kind of value: %r" % (data[0],))

    def decode(data):
        return _decode(data, special)

    def failure(error):
        kind = type(error)
        try:
            message = str(error)[:300]
        except BaseException:
            message = ""
        return {"type": kind.__name__, "builtin": kind.__module__ == "builtins", "message": message, "description": _describe(error)}

    first = loads(readline())
    namespace = {"__name__": "solution", "__file__": os.path.abspath("solution.py"), "__builtins__": __builtins__}
    for source in first["setup"]:
        try:
            exec(compile(source, "<test setup>", "exec"), namespace)
        except BaseException as error:
            send({"event": "setup-error", "error": _describe(error)})
            exit_now(0)
    send({"event": "ready"})
    try:
        with open("solution.py", "w") as handle:
            handle.write(first["code"])
    except OSError:
        pass
    load_error = None
    try:
        exec(compile(first["code"], os.path.abspath("solution.py"), "exec"), namespace)
    except BaseException as error:
        load_error = _describe(error)
    send({"event": "loaded", "error": load_error})
    while True:
        line = readline()
        if not line:
            exit_now(0)
        try:
            request = loads(line)
            ident = request["id"]
            op = request["op"]
        except BaseException:
            continue
        try:
            if op == "lookup":
                found = {}
                for name in request["names"]:
                    if name in namespace:
                        value = namespace[name]
                        try:
                            found[name] = encode(value)
                        except BaseException:
                            found[name] = keep(value)
                send({"id": ident, "found": found})
                continue
            target = decode(request["target"])
            after = None
            if op == "call":
                args = [decode(item) for item in request["args"]]
                kwargs = dict((key, decode(item)) for key, item in request["kwargs"].items())
                value = target(*args, **kwargs)
                after = [encode(item) if isinstance(item, (list, dict, set, bytearray)) else None for item in args]
            elif op == "getattr":
                value = getattr(target, str(request["name"]))
            elif op == "iter":
                value = iter(target)
            elif op == "len":
                value = len(target)
            elif op == "str":
                value = str(target)
            elif op == "bool":
                value = bool(target)
            elif op == "getitem":
                value = target[decode(request["key"])]
            elif op == "contains":
                value = decode(request["item"]) in target
            else:
                raise ValueError("unknown request %r" % (op,))
            send({"id": ident, "value": encode(value), "after": after})
        except BaseException as error:
            send({"id": ident, "raise": failure(error)})


_main()
`;

/** The checker: runs the tests against proxies of the solution's names and reports each (see the module comment). */
export const CHECKER = String.raw`
import ast
import builtins
import importlib
import json
import os
import secrets
import sys
` + CODEC + String.raw`


class CodeError(Exception):
    """An exception the code raised, of a type the checker does not have (its name is kept for the report)."""


class CodeStopped(Exception):
    """The code's process is gone (it exited, was killed, timed out, flooded its output)."""


def _main():
    os.closerange(5, 4096)
    write = os.write
    dumps = json.dumps
    loads = json.loads
    readline = sys.stdin.buffer.readline
    request = loads(readline())
    nonce = request["nonce"]
    stopped = []

    def emit(fd, text):
        data = text.encode("utf-8")
        while data:
            data = data[write(fd, data):]

    def report(record):
        emit(4, nonce + " " + dumps(record) + "\n")

    def next_message():
        """The next line from the runner (or the grader), or None when the runner is gone."""
        while True:
            line = readline()
            if not line:
                stopped.append("the code's process stopped")
                return None
            try:
                # Whatever the code wrote (too deep, too long a number) is skipped, never fatal.
                message = loads(line)
            except Exception:
                continue
            if not isinstance(message, dict):
                continue
            if message.get("event") == "exited" and message.get("nonce") == nonce:
                stopped.append(str(message.get("cause")))
                return None
            return message

    class Remote(object):
        """Something of the code's that cannot be copied out of its process: every use is forwarded there."""

        __slots__ = ("_handle", "_kind")

        def __init__(self, handle, kind):
            object.__setattr__(self, "_handle", handle)
            object.__setattr__(self, "_kind", kind)

        def __call__(self, *args, **kwargs):
            return call(self, args, kwargs)

        def __getattr__(self, name):
            if name.startswith("__"):
                raise AttributeError(name)
            return ask("getattr", self, name=name)

        def __iter__(self):
            return ask("iter", self)

        def __len__(self):
            return ask("len", self)

        def __str__(self):
            return ask("str", self)

        def __bool__(self):
            return ask("bool", self)

        def __getitem__(self, key):
            return ask("getitem", self, key=encode(key))

        def __contains__(self, item):
            return ask("contains", self, item=encode(item))

        def __repr__(self):
            return "<%s from the code>" % (self._kind,)

    def refuse(value):
        if isinstance(value, Remote):
            return ["ref", value._handle]
        raise TypeError("the test passes a %s to the code, which cannot be sent into its sandbox" % (type(value).__name__,))

    def encode(value):
        return _encode(value, refuse)

    def special(data):
        if data[0] == "ref":
            return Remote(int(data[1]), str(data[2]) if len(data) > 2 else "object")
        if data[0] == "module":
            # The checker's own copy: a module the code imported is not the code's to fake.
            return importlib.import_module(str(data[1]))
        raise ValueError("an unknown kind of value: %r" % (data[0],))

    def decode(data):
        return _decode(data, special)

    def halt():
        error = CodeStopped(stopped[0])
        error.description = stopped[0]
        return error

    def exchange(record):
        if stopped:
            raise halt()
        ident = secrets.token_hex(8)
        record["id"] = ident
        emit(3, dumps(record) + "\n")
        while True:
            message = next_message()
            if message is None:
                raise halt()
            if message.get("id") == ident:
                return message

    def rebuild(failure):
        name = str(failure.get("type"))
        message = str(failure.get("message"))
        kind = getattr(builtins, name, None)
        error = None
        if failure.get("builtin") is True and isinstance(kind, type) and issubclass(kind, Exception):
            try:
                error = kind(message)
            except BaseException:
                error = None
        if error is None:
            error = CodeError(message)
        error.description = str(failure.get("description") or name)
        return error

    def answer(message):
        if "raise" in message:
            raise rebuild(message["raise"])
        try:
            return decode(message.get("value"))
        except Exception as error:
            raise TypeError("the code returned a value that cannot be rebuilt: %s" % (_describe(error),))

    def ask(op, target, **fields):
        fields.update(op=op, target=["ref", target._handle])
        return answer(exchange(fields))

    def call(target, args, kwargs):
        message = exchange({"op": "call", "target": ["ref", target._handle], "args": [encode(a) for a in args], "kwargs": dict((k, encode(v)) for k, v in kwargs.items())})
        value = answer(message)
        # Arguments the code changed in place (a list it sorted) are changed here too.
        after = message.get("after")
        if isinstance(after, list):
            for original, changed in zip(args, after):
                if changed is None:
                    continue
                try:
                    new = decode(changed)
                    if isinstance(original, list) and isinstance(new, list):
                        original[:] = new
                    elif isinstance(original, dict) and isinstance(new, dict):
                        original.clear()
                        original.update(new)
                    elif isinstance(original, set) and isinstance(new, (set, frozenset)):
                        original.clear()
                        original.update(new)
                    elif isinstance(original, bytearray) and isinstance(new, (bytes, bytearray)):
                        original[:] = new
                except Exception:
                    pass
        return value

    compiled = []
    loaded, bound = set(), set()
    for group in ("visible", "hidden"):
        for index, source in enumerate(request[group]):
            where = "<%s test %d>" % (group, index + 1)
            try:
                tree = ast.parse(source, where)
                compiled.append((group, index, compile(tree, where, "exec")))
            except Exception as error:
                report({"event": "setup-error", "error": "%s test %d is not valid Python: %s" % (group, index + 1, _describe(error))})
                return
            for node in ast.walk(tree):
                if isinstance(node, ast.Name):
                    (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
                elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    bound.add(node.name)
                elif isinstance(node, ast.arg):
                    bound.add(node.arg)
                elif isinstance(node, (ast.Import, ast.ImportFrom)):
                    for alias in node.names:
                        bound.add((alias.asname or alias.name).split(".")[0])
                elif isinstance(node, ast.ExceptHandler) and node.name:
                    bound.add(node.name)
                elif isinstance(getattr(node, "name", None), str) and type(node).__name__ in ("MatchAs", "MatchStar"):
                    bound.add(node.name)
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    for source in request["setup"]:
        try:
            exec(compile(source, "<test setup>", "exec"), namespace)
        except BaseException as error:
            report({"event": "setup-error", "error": "the test setup failed: " + _describe(error)})
            return
    report({"event": "started"})

    # The runner's first line says whether the item's setup ran there (sent before the code runs, so it is its own).
    message = next_message()
    if message is None:
        report({"event": "runner-failed", "cause": stopped[0]})
        return
    if message.get("event") == "setup-error":
        report({"event": "setup-error", "error": "the test setup failed in the code's process: " + str(message.get("error"))})
        return
    while not stopped:
        message = next_message()
        if message is not None and message.get("event") == "loaded":
            if message.get("error"):
                report({"event": "load-error", "error": str(message.get("error"))[:200]})
            break

    # Names the tests use that neither they, the setup nor the builtins define: the solution's.
    wanted = sorted(name for name in loaded - bound if name not in namespace and not hasattr(builtins, name))
    if wanted and not stopped:
        try:
            found = exchange({"op": "lookup", "names": wanted}).get("found")
            if isinstance(found, dict):
                for name in wanted:
                    if name in found:
                        try:
                            namespace[name] = decode(found[name])
                        except Exception:
                            pass
        except CodeStopped:
            pass
    if stopped:
        # The code's process is gone: using one of its names says why, rather than "not defined".
        for name in wanted:
            namespace.setdefault(name, Remote(0, "name"))

    for group, index, code in compiled:
        try:
            exec(code, namespace)
            report({"event": "test", "group": group, "index": index, "passed": True})
        except BaseException as error:
            report({"event": "test", "group": group, "index": index, "passed": False, "error": _describe(error)})
    report({"event": "done"})


_main()
`;
