"""Models and estimators are pure computations: they import neither textual nor asyncio."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('textual', 'asyncio', 'aiohttp', 'websockets'):
            raise ImportError('blocked: ' + name)
sys.meta_path.insert(0, Block())
import asconsole.models, asconsole.models.rounding, asconsole.models.avellaneda
import asconsole.estimators.calibration
"""


def test_models_and_estimators_import_without_textual_or_asyncio():
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
