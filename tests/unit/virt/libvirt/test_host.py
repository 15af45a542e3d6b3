"""The connection keeper: reconnects, and maps libvirt's states."""
import pytest

from nova import exception
from nova.objects import fields

libvirt = pytest.importorskip('libvirt')

from nova.virt.libvirt import host as libvirt_host  # noqa: E402


def test_a_closed_connection_is_opened_again():
    host = libvirt_host.Host('test:///default')
    first = host.get_connection()
    first.close()
    second = host.get_connection()
    assert second is not first and second.isAlive()
    assert host.hypervisor()[0] == 'TEST'
    host.close()


def test_an_unreachable_hypervisor_is_a_nova_error():
    host = libvirt_host.Host('nowhere:///at-all')
    with pytest.raises(exception.HypervisorUnavailable):
        host.get_connection()


def test_unknown_domains_are_instance_not_found():
    host = libvirt_host.Host('test:///default')
    with pytest.raises(exception.InstanceNotFound):
        host.lookup('00000000-0000-4000-8000-000000000000')
    host.close()


@pytest.mark.parametrize('state,saved,expected', [
    ('VIR_DOMAIN_RUNNING', False, fields.PowerState.RUNNING),
    ('VIR_DOMAIN_BLOCKED', False, fields.PowerState.RUNNING),
    ('VIR_DOMAIN_PAUSED', False, fields.PowerState.PAUSED),
    ('VIR_DOMAIN_SHUTOFF', False, fields.PowerState.SHUTDOWN),
    ('VIR_DOMAIN_SHUTOFF', True, fields.PowerState.SUSPENDED),
    ('VIR_DOMAIN_CRASHED', False, fields.PowerState.CRASHED),
    ('VIR_DOMAIN_PMSUSPENDED', False, fields.PowerState.SUSPENDED),
])
def test_power_states(state, saved, expected):
    assert libvirt_host.power_state(getattr(libvirt, state), saved) == \
        expected
