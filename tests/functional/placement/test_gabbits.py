"""Run every gabbits/*.yaml file as one test, in-process.

Each file gets the fixtures it names (see fixtures.py) and a fresh
database; a failing step fails the file's test with gabbi's report.
"""
import importlib
import pathlib
import types
import unittest

import uuid

from gabbi import handlers
from gabbi import suitemaker
from gabbi import utils
import pytest

HERE = pathlib.Path(__file__).parent
GABBITS = sorted((HERE / 'gabbits').glob('*.yaml'))


def _fixture_namespace():
    """Every fixture class of fixtures.py and of *_fixtures.py here."""
    names = {}
    for path in sorted(HERE.glob('*fixtures.py')):
        module = importlib.import_module(
            'tests.functional.placement.' + path.stem)
        names.update(vars(module))
    return types.SimpleNamespace(**names)


@pytest.mark.parametrize('path', GABBITS, ids=lambda p: p.stem)
def test_gabbit(path):
    from tests.functional.placement import fixtures
    suite_dict = utils.load_yaml(yaml_file=str(path), safe=True)
    suite = suitemaker.test_suite_from_dict(
        unittest.TestLoader(), path.stem.replace('-', '_'), suite_dict,
        str(path.parent), str(uuid.uuid4()), None, _fixture_namespace(),
        fixtures.setup_app,
        handlers=[h() for h in handlers.RESPONSE_HANDLERS])
    result = unittest.TestResult()
    suite.run(result)
    problems = result.failures + result.errors
    assert not problems, '\n\n'.join(
        '%s\n%s' % (test.id(), trace) for test, trace in problems)
    assert result.testsRun, 'no test ran in %s' % path.name
