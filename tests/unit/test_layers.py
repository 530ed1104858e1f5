"""Only asconsole.tui may import textual: the engine and everything below it must import
with textual made unimportable (Harlequin's contract test)."""

import pkgutil
import subprocess
import sys

import asconsole

CORE = ("engine", "models", "estimators", "risk", "venues", "recording", "analysis", "book", "domain",
        "config", "clock", "fees", "launch", "backtest", "summary", "sweep")

BLOCKER = """
import sys, importlib.abc
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "textual" or name.startswith("textual."):
            raise ImportError("textual is blocked in core modules")
sys.meta_path.insert(0, Block())
import importlib
for name in sys.argv[1:]:
    importlib.import_module(name)
print("ok")
"""


def core_modules() -> list[str]:
    names = []
    for m in pkgutil.walk_packages(asconsole.__path__, "asconsole."):
        part = m.name.split(".")[1]
        if part in CORE:
            names.append(m.name)
    return names


def test_core_imports_without_textual():
    mods = core_modules()
    assert "asconsole.engine.engine" in mods and "asconsole.venues.paper" in mods
    out = subprocess.run([sys.executable, "-c", BLOCKER, *mods], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
