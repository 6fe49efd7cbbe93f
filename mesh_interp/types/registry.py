"""Type and trait registries shared by all modules of a program."""
from __future__ import annotations

from typing import Optional

from .ty import (TCon, TFun, TTuple, TVar, Type, VarSupply, can_unify, prune,
                 subst_vars, free_vars, INT, FLOAT, STRING, BOOL, UNIT, ANY)


class _Record:
    """What the records below kept from being dataclasses: the fields in
    order (`_fields`), equality by fields, the dataclass repr. (Plain classes
    because defining dataclasses costs milliseconds at every start.)"""
    _fields: tuple = ()
    __hash__ = None

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return (tuple(getattr(self, f) for f in self._fields)
                    == tuple(getattr(other, f) for f in other._fields))
        return NotImplemented

    def __repr__(self):
        key = id(self)
        if key in _IN_REPR:         # VariantInfo.sum -> SumInfo.variants -> ...
            return "..."
        _IN_REPR.add(key)
        try:
            return "%s(%s)" % (type(self).__qualname__,
                               ", ".join("%s=%r" % (f, getattr(self, f)) for f in self._fields))
        finally:
            _IN_REPR.discard(key)


_IN_REPR: set = set()


class StructInfo(_Record):
    _fields = ("name", "generics", "gvars", "fields", "module", "derives", "is_pub", "node")

    def __init__(self, name: str, generics: list[str],
                 gvars: list[TVar],                  # placeholder vars for the generics
                 fields: list[tuple[str, Type]],     # field types mention gvars
                 module: str, derives: Optional[list[str]], is_pub: bool = False,
                 node: object = None):
        self.name = name
        self.generics = generics
        self.gvars = gvars
        self.fields = fields
        self.module = module
        self.derives = derives
        self.is_pub = is_pub
        self.node = node

    def field_type(self, fname: str):
        for n, t in self.fields:
            if n == fname:
                return t
        return None


class VariantInfo(_Record):
    _fields = ("name", "fields", "sum")

    def __init__(self, name: str,
                 fields: list[Type],                 # mention the sum's gvars
                 sum: "SumInfo" = None):
        self.name = name
        self.fields = fields
        self.sum = sum


class SumInfo(_Record):
    _fields = ("name", "generics", "gvars", "variants", "module", "derives", "is_pub")

    def __init__(self, name: str, generics: list[str], gvars: list[TVar],
                 variants: list[VariantInfo], module: str, derives: Optional[list[str]],
                 is_pub: bool = False):
        self.name = name
        self.generics = generics
        self.gvars = gvars
        self.variants = variants
        self.module = module
        self.derives = derives
        self.is_pub = is_pub

    def variant(self, name):
        for v in self.variants:
            if v.name == name:
                return v
        return None


class MethodSig(_Record):
    _fields = ("name", "has_self", "nparams", "ret", "fn_type", "has_default")

    def __init__(self, name: str, has_self: bool,
                 nparams: int,                       # excluding self
                 ret: Optional[Type],                # may mention impl generic vars
                 fn_type: Optional[Type] = None,     # full type incl. self (if known)
                 has_default: bool = False):
        self.name = name
        self.has_self = has_self
        self.nparams = nparams
        self.ret = ret
        self.fn_type = fn_type
        self.has_default = has_default


class TraitInfo(_Record):
    _fields = ("name", "methods", "assoc", "module", "is_pub")

    def __init__(self, name: str, methods: dict[str, MethodSig], assoc: list[str],
                 module: str = "", is_pub: bool = True):
        self.name = name
        self.methods = methods
        self.assoc = assoc
        self.module = module
        self.is_pub = is_pub


_NEW_DICT = object()


class ImplInfo(_Record):
    _fields = ("trait", "trait_args", "for_type", "type_name", "methods", "assoc", "module",
               "derived")

    def __init__(self, trait: str, trait_args: list[Type],
                 for_type: Type,                     # pattern; free vars are impl parameters
                 type_name: str, methods: dict[str, MethodSig],
                 assoc: dict[str, Type] = _NEW_DICT, module: str = "", derived: bool = False):
        self.trait = trait
        self.trait_args = trait_args
        self.for_type = for_type
        self.type_name = type_name
        self.methods = methods
        self.assoc = {} if assoc is _NEW_DICT else assoc
        self.module = module
        self.derived = derived


def _generic_copy(t: Type, extra=()) -> tuple[Type, dict]:
    fv = free_vars(t, {})
    for e in extra:
        free_vars(e, fv)
    supply = VarSupply()
    mapping = {i: supply.fresh() for i in fv}
    return subst_vars(t, mapping), mapping


class Registry:
    def __init__(self):
        self.structs: dict[str, StructInfo] = {}
        self.sums: dict[str, SumInfo] = {}
        self.traits: dict[str, TraitInfo] = {}
        self.impls: list[ImplInfo] = []
        self.by_method: dict[str, list[ImplInfo]] = {}
        self.by_trait: dict[str, list[ImplInfo]] = {}

    # ---------------------------------------------------------------- impls
    def add_impl(self, impl: ImplInfo):
        self.impls.append(impl)
        self.by_trait.setdefault(impl.trait, []).append(impl)
        for m in impl.methods:
            self.by_method.setdefault(m, []).append(impl)

    def impls_of(self, trait: str):
        return self.by_trait.get(trait, [])

    def find_impl(self, trait: str, ty: Type, trait_args=None) -> Optional[ImplInfo]:
        ty = prune(ty)
        for impl in self.by_trait.get(trait, ()):
            if not _type_matches(impl.for_type, ty):
                continue
            if trait_args is not None and impl.trait_args:
                if len(trait_args) != len(impl.trait_args):
                    continue
                if not all(can_unify(a, b) for a, b in zip(impl.trait_args, trait_args)):
                    continue
            return impl
        return None

    def has_impl(self, trait: str, ty: Type, trait_args=None) -> bool:
        return self.find_impl(trait, ty, trait_args) is not None

    def method_impls(self, method: str, ty: Type) -> list[ImplInfo]:
        out = []
        for impl in self.by_method.get(method, ()):
            if _type_matches(impl.for_type, ty):
                out.append(impl)
        return out

    def assoc_type(self, trait: str, name: str, ty: Type) -> Optional[Type]:
        impl = self.find_impl(trait, ty)
        if impl is None or name not in impl.assoc:
            return None
        return instantiate_impl_member(impl, ty, impl.assoc[name])

    # ---------------------------------------------------------------- variants
    def lookup_variant(self, name: str) -> Optional[VariantInfo]:
        for s in reversed(list(self.sums.values())):
            v = s.variant(name)
            if v is not None:
                return v
        return None


def _type_matches(pattern: Type, ty: Type) -> bool:
    p = prune(pattern)
    t = prune(ty)
    if type(p) is TCon and type(t) is TCon:
        if p.name != t.name:
            return False
        if not p.args or not t.args:
            return True
    return can_unify(p, t)


def instantiate_impl_member(impl: ImplInfo, ty: Type, member: Type) -> Type:
    """Type `member` of impl (mentioning impl vars) instantiated for receiver ty."""
    from .ty import unify, UnifyError
    if not free_vars(impl.for_type, {}) and not free_vars(member, {}):
        # no impl parameters (`impl Add for Int`): nothing to rename, the copies
        # would be the very same types
        try:
            unify(impl.for_type, ty)
        except UnifyError:
            pass
        return subst_vars(member, {})
    copy_for, mapping = _generic_copy(impl.for_type)
    fv = free_vars(member, {})
    supply = VarSupply()
    for i in fv:
        if i not in mapping:
            mapping[i] = supply.fresh()
    try:
        unify(copy_for, ty)
    except UnifyError:
        pass
    return subst_vars(member, mapping)
