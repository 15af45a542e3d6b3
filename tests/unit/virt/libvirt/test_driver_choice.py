"""nova-all's compute_driver = auto (nova/embedded.py)."""
from nova import conf as nova_conf
from nova import embedded


def _conf(driver):
    return nova_conf.build_conf(overrides={'compute_driver': driver})


def test_an_explicit_driver_is_kept():
    conf = _conf('fake')
    assert embedded.choose_driver(conf) == 'fake'


def test_the_environment_overrides_nova_all_auto_default(monkeypatch):
    # Integration tests start nova-all with OS_DEFAULT__COMPUTE_DRIVER=fake
    # so that a machine with libvirtd running boots no real guests.
    monkeypatch.setenv('OS_DEFAULT__COMPUTE_DRIVER', 'fake')
    conf = nova_conf.build_conf([])
    conf.set_default('compute_driver', 'auto')  # what nova-all does
    assert embedded.choose_driver(conf) == 'fake'


def test_auto_uses_libvirt_only_when_it_answers(monkeypatch, capsys):
    conf = _conf('auto')
    conf.set_override('connection_uri', 'nowhere:///nothing', group='libvirt')
    assert embedded.choose_driver(conf) == 'fake'
    out = capsys.readouterr().out
    assert 'compute driver fake (nowhere:///nothing' in out
    ok, _ = embedded.libvirt_reachable('test:///default')
    if ok:
        conf = _conf('auto')
        conf.set_override('connection_uri', 'test:///default',
                          group='libvirt')
        assert embedded.choose_driver(conf) == 'libvirt'


def test_nova_all_defaults_pick_automatically():
    assert embedded.NOVA_ALL_DEFAULTS['compute_driver'] == 'auto'
    assert 'compute_driver' not in embedded.EMBEDDED_DEFAULTS
