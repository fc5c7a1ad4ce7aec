"""The one-direction rule: kb and index never import Qt; kb never imports Whoosh."""

import subprocess
import sys
import textwrap

import pytest

BLOCKER = textwrap.dedent("""
    import importlib.abc, sys
    class Block(importlib.abc.MetaPathFinder):
        def __init__(self, names): self.names = names
        def find_spec(self, name, path=None, target=None):
            if any(name == n or name.startswith(n + '.') for n in self.names):
                raise ImportError(name + ' is blocked in this layer')
    sys.meta_path.insert(0, Block({blocked!r}))
    import pkgutil, importlib
    import {package}
    for mod in pkgutil.walk_packages({package}.__path__, '{package}.'):
        importlib.import_module(mod.name)
    print('ok')
""")


@pytest.mark.parametrize(("package", "blocked"), [
    ("patternkb.kb", ["PySide6", "whoosh", "patternkb.index", "patternkb.app"]),
    ("patternkb.index", ["PySide6", "patternkb.app"]),
])
def test_layer_imports_without(package, blocked):
    code = BLOCKER.format(package=package, blocked=blocked)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
