#!/usr/bin/env python3
"""Prints the SDK's module graph (which file of src/ uses which) and reports its import circles.

An edge A -> B means a file A names a path into module B (`use crate::…`, `use super::…`, `use child::…` or such a
path inline in the code). `pub use` re-exports are not edges: they make a module's facade, not a dependency of its
own code. Comments are ignored. Each circle (a strongly connected component of more than one file) is printed;
the exit status is 1 when there is one. Usage: python3 scripts/module-graph.py [--edges] [src-dir]
"""
import os
import re
import sys

SRC = next((a for a in sys.argv[1:] if not a.startswith("--")), "src")
SHOW_EDGES = "--edges" in sys.argv


def module_of(path):
    """`src/ui/runtime.rs` -> ('ui', 'runtime'); `src/ui/mod.rs` -> ('ui',); `src/lib.rs` -> ()."""
    rel = os.path.relpath(path, SRC)[: -len(".rs")].split(os.sep)
    if rel[-1] in ("mod", "lib"):
        rel = rel[:-1]
    return tuple(rel)


files = {}
for root, _, names in os.walk(SRC):
    for name in names:
        if name.endswith(".rs"):
            path = os.path.join(root, name)
            files[module_of(path)] = path
# `#[path = "state_tests.rs"] mod tests;` files are test modules, named by their file.

PATH = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
USE = re.compile(r"^\s*(pub(?:\([^)]*\))?\s+)?use\s+([^;]+);", re.M | re.S)
GROUP = re.compile(r"\{([^{}]*)\}")


def strip_comments(text):
    """The code without comments and without inline `#[cfg(test)] mod … { … }` blocks (tests are not the design)."""
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    while True:
        m = re.search(r"#\[cfg\((?:all\()?test\b[^\]]*\]\s*mod\s+\w+\s*\{", text)
        if not m:
            return text
        depth, i = 1, m.end()
        while depth and i < len(text):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        text = text[: m.start()] + text[i:]


def resolve(module, segments):
    """The longest prefix of `segments` (absolute) that is a file's module."""
    for n in range(len(segments), -1, -1):
        if tuple(segments[:n]) in files:
            return tuple(segments[:n])
    return None


def absolute(module, is_dir_module, head, rest):
    """The absolute module path of `head::rest` written in `module` (`super` of a `mod.rs` is its parent's parent)."""
    if head == "crate":
        return list(rest)
    if head == "self" or (head == "super" and not is_dir_module):
        base = list(module) if head == "self" else list(module[:-1])
        return base + list(rest)
    return list(module[:-1]) + list(rest)


def expand_use(tree):
    """`a::{b, c::{d}}` -> ['a::b', 'a::c::d'] (good enough for the paths this crate writes)."""
    tree = re.sub(r"\s+", "", tree)
    m = re.search(r"^(.*?)::\{(.*)\}$", tree)
    if not m:
        return [re.sub(r"::\*$|as\w+$", "", tree)]
    prefix, inner = m.groups()
    parts, depth, cur = [], 0, ""
    for ch in inner:
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += ch == "{"
        depth -= ch == "}"
        cur += ch
    parts.append(cur)
    out = []
    for part in filter(None, parts):
        out += [prefix + ("" if part == "self" else "::" + p) for p in expand_use(part)]
    return out


edges = {m: set() for m in files}
for module, path in files.items():
    text = strip_comments(open(path, encoding="utf-8").read())
    children = set(re.findall(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", text, re.M))
    is_dir_module = path.endswith(("mod.rs", "lib.rs"))
    targets = []
    for m in USE.finditer(text):
        if m.group(1):
            continue  # a re-export
        for used in expand_use(m.group(2)):
            segs = used.split("::")
            if segs[0] in ("crate", "super", "self"):
                targets.append(absolute(module, is_dir_module, segs[0], segs[1:]))
            elif segs[0] in children:
                targets.append(list(module) + segs)
    body = USE.sub("", text)
    for m in PATH.finditer(body):
        targets.append(absolute(module, is_dir_module, m.group(1), m.group(2).split("::")[1:]))
    for child in children:
        for m in re.finditer(r"\b" + child + r"((?:::[A-Za-z_][A-Za-z0-9_]*)+)", body):
            targets.append(list(module) + [child] + m.group(1).split("::")[1:])
    for target in targets:
        found = resolve(module, target)
        if found is not None and found != module and found != ():
            edges[module].add(found)


def name(module):
    return "/".join(module) or "lib"


def sccs(graph):
    """Tarjan's strongly connected components."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(comp)

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


if SHOW_EDGES:
    for module in sorted(edges):
        if edges[module]:
            print(f"{name(module)} -> {', '.join(sorted(map(name, edges[module])))}")
circles = [sorted(map(name, c)) for c in sccs(edges) if len(c) > 1]
print(f"{len(files)} files, {sum(len(e) for e in edges.values())} edges, {len(circles)} circle(s)")
for circle in sorted(circles):
    print("circle: " + " <-> ".join(circle))
sys.exit(1 if circles else 0)
