"""Regression: an override on one configuration leaked into every other.

oslo.config shallow-copies a registered OptGroup; two ConfigOpts built from
one module-level group shared their overrides, so a second in-process stack
read the first one's API database.
"""
from nova import conf as nova_conf


def test_overrides_stay_in_their_own_configuration():
    first = nova_conf.build_conf()
    second = nova_conf.build_conf()
    for group in ('api_database', 'database', 'api', 'wsgi', 'fake_driver',
                  'scheduler', 'filter_scheduler', 'image'):
        opt = next(iter(first[group]))
        first.set_override(opt, first[group][opt], group=group)
    first.set_override('connection', 'sqlite:///first', group='api_database')
    first.set_override('vcpus', 3, group='fake_driver')
    first.set_override('port', 1234, group='wsgi')
    assert second.api_database.connection is None
    assert second.fake_driver.vcpus != 3
    assert second.wsgi.port == 8774


def test_build_conf_overrides_apply():
    conf = nova_conf.build_conf(overrides={'wsgi.port': 9999, 'host': 'h'})
    assert conf.wsgi.port == 9999
    assert conf.host == 'h'
