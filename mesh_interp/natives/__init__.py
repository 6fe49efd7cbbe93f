"""Python bodies of the standard library's native functions.

One file per Mesh module, named after the module in lower case
(`String` -> string.py, `IO` -> io.py, `JSON`/`Json` -> json.py, the
unqualified builtins `Prelude` -> prelude.py). `stdlib/<Module>.mpl` declares
each native (a `pub fn` without a body); the loader asks load_native() for
its Python body. Modules are imported only when first asked for, so a program
that never touches JSON never imports it.
"""
from __future__ import annotations

import importlib
import keyword

_cache: dict[str, object] = {}


def native_module(module_name: str):
    """The Python module holding the natives of Mesh module `module_name`."""
    key = module_name.lower()
    mod = _cache.get(key)
    if mod is None:
        try:
            mod = importlib.import_module(f"{__name__}.{key}")
        except ModuleNotFoundError as e:
            if e.name == f"{__name__}.{key}":
                raise LookupError(f"no native module for `{module_name}`") from None
            raise
        _cache[key] = mod
    return mod


def load_native(module_name: str, fn_name: str):
    """The Python function implementing `module_name.fn_name`.

    Tries `fn_name`, then `fn_name_` (for names that are Python keywords or
    would shadow a builtin, e.g. `from` -> `from_`). Raises LookupError.
    """
    mod = native_module(module_name)
    for name in ((fn_name + "_", fn_name) if keyword.iskeyword(fn_name) else (fn_name, fn_name + "_")):
        f = getattr(mod, name, None)
        if f is not None and callable(f) and not name.startswith("_"):
            return f
    raise LookupError(f"no native `{fn_name}` in module `{module_name}`")


__all__ = ["load_native", "native_module"]
