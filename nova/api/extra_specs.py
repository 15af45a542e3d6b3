"""Validation of known flavor extra specs (microversion 2.86).

A key in a namespace listed here must be one this module knows, with a
value of the right form; keys in other namespaces (and keys without a
namespace, but for two legacy ones) are stored as given. ``resources`` and
``trait`` keys take a request-group suffix (``resources1:VCPU``,
``trait_gpu:CUSTOM_X``).
"""
import re

import os_resource_classes
import os_traits

from nova import exception

_BOOL = ('true', 'false', 't', 'f', 'yes', 'no', 'y', 'n', 'on', 'off', '1',
         '0')
_CPU_LIST = r'^\^?\d+(-\d+)?(,\^?\d+(-\d+)?)*$'


def _fail(reason):
    raise exception.ValidationError(message='Validation failed; %s' % reason)


def _enum(*choices):
    def check(key, value):
        if value not in choices:
            _fail("'%s' is not one of %s for extra spec '%s'."
                  % (value, ', '.join(choices), key))
    return check


def _bool(key, value):
    if str(value).strip().lower() not in _BOOL:
        _fail("'%s' is not a boolean for extra spec '%s'." % (value, key))


def _int(minimum=0):
    def check(key, value):
        try:
            number = int(value)
        except (TypeError, ValueError):
            _fail("'%s' is not an integer for extra spec '%s'." % (value, key))
        if number < minimum:
            _fail("'%s' is less than %d for extra spec '%s'."
                  % (value, minimum, key))
    return check


def _regex(pattern):
    compiled = re.compile(pattern)

    def check(key, value):
        if not compiled.match(str(value)):
            _fail("'%s' does not match %s for extra spec '%s'."
                  % (value, pattern, key))
    return check


def _any(key, value):
    return None


_POS = _int(1)
_NON_NEG = _int(0)
_QUOTA_INT = ('cpu_shares', 'cpu_period', 'cpu_quota', 'cpu_limit',
              'cpu_reservation', 'cpu_shares_share', 'memory_limit',
              'memory_reservation', 'memory_shares_share', 'disk_io_limit',
              'disk_io_reservation', 'disk_io_shares_share', 'vif_limit',
              'vif_reservation', 'vif_shares_share', 'vif_inbound_average',
              'vif_inbound_peak', 'vif_inbound_burst',
              'vif_outbound_average', 'vif_outbound_peak',
              'vif_outbound_burst') + tuple(
    'disk_%s_%s%s' % (kind, unit, suffix)
    for kind in ('read', 'write', 'total') for unit in ('bytes', 'iops')
    for suffix in ('_sec', '_sec_max', '_sec_max_length')) + (
    'disk_size_iops_sec',)
_SHARES_LEVEL = _enum('custom', 'high', 'normal', 'low')

# (full key or key regex, validator); regexes start with '^'.
_KNOWN = {
    'accel': [('accel:device_profile', _any)],
    'aggregate_instance_extra_specs': [
        ('^aggregate_instance_extra_specs:.+$', _any)],
    'capabilities': [('^capabilities:.+$', _any)],
    'hw': [
        ('hw:cpu_policy', _enum('dedicated', 'shared', 'mixed')),
        ('hw:cpu_thread_policy', _enum('prefer', 'isolate', 'require')),
        ('hw:emulator_threads_policy', _enum('share', 'isolate')),
        ('hw:cpu_dedicated_mask', _regex(_CPU_LIST)),
        ('hw:cpu_realtime', _bool),
        ('hw:cpu_realtime_mask', _regex(_CPU_LIST)),
        ('hw:hide_hypervisor_id', _bool),
        ('hw:cpu_sockets', _POS), ('hw:cpu_cores', _POS),
        ('hw:cpu_threads', _POS), ('hw:cpu_max_sockets', _POS),
        ('hw:cpu_max_cores', _POS), ('hw:cpu_max_threads', _POS),
        ('hw:numa_nodes', _POS),
        (r'^hw:numa_cpus\.\d+$', _regex(_CPU_LIST)),
        (r'^hw:numa_mem\.\d+$', _NON_NEG),
        ('hw:pci_numa_affinity_policy',
         _enum('required', 'legacy', 'preferred', 'socket')),
        ('hw:mem_page_size',
         _regex(r'^(small|large|any|\d+([kKmMgGtT]i?[bB]?)?)$')),
        ('hw:mem_encryption', _bool),
        ('hw:mem_encryption_model', _enum('amd-sev', 'amd-sev-es')),
        ('hw:pmem', _regex(r'^[^,]+(,[^,]+)*$')),
        ('hw:pmu', _bool),
        ('hw:serial_port_count', _NON_NEG),
        ('hw:tpm_model', _enum('tpm-tis', 'tpm-crb')),
        ('hw:tpm_version', _enum('1.2', '2.0')),
        ('hw:watchdog_action',
         _enum('none', 'pause', 'poweroff', 'reset', 'disabled')),
        ('hw:boot_menu', _bool),
        ('hw:vif_multiqueue_enabled', _bool),
        ('hw:viommu_model', _enum('intel', 'smmuv3', 'virtio', 'auto')),
        ('hw:virtio_packed_ring', _bool),
        ('hw:locked_memory', _bool),
        ('hw:machine_type', _any),
        ('hw:maxphysaddr_mode', _enum('emulate', 'passthrough')),
        ('hw:maxphysaddr_bits', _POS),
        ('hw:ephemeral_encryption', _bool),
        ('hw:ephemeral_encryption_format', _enum('luks', 'plain')),
    ],
    'hw_rng': [('hw_rng:allowed', _bool), ('hw_rng:rate_bytes', _NON_NEG),
               ('hw_rng:rate_period', _NON_NEG)],
    'hw_video': [('hw_video:ram_max_mb', _NON_NEG)],
    'os': [('os:secure_boot', _enum('required', 'disabled', 'optional')),
           ('os:resolution', _regex(r'^\d+x\d+$')),
           ('os:monitors', _POS), ('os:vram', _NON_NEG)],
    'pci_passthrough': [
        ('pci_passthrough:alias', _regex(r'^[^:,]+:\d+(,[^:,]+:\d+)*$'))],
    'quota': [('quota:' + name, _NON_NEG) for name in _QUOTA_INT] + [
        ('^quota:(cpu|memory|disk_io|vif)_shares_level$', _SHARES_LEVEL)],
    'vmware': [('vmware:hw_version', _any), ('vmware:storage_policy', _any)],
    None: [('hide_hypervisor_id', _bool),
           ('group_policy', _enum('none', 'isolate'))],
}
_GROUP = r'([1-9][0-9]*|_[a-zA-Z0-9_-]{1,64})?'
_RESOURCES_RE = re.compile(r'^resources%s:(?P<name>.+)$' % _GROUP)
_TRAIT_RE = re.compile(r'^trait%s:(?P<name>.+)$' % _GROUP)
_CUSTOM_RE = re.compile(r'^CUSTOM_[A-Z0-9_]+$')


def _tables():
    exact, patterns = {}, {}
    for namespace, entries in _KNOWN.items():
        for key, check in entries:
            if key.startswith('^'):
                patterns.setdefault(namespace, []).append(
                    (re.compile(key), check))
            else:
                exact[key] = check
    return exact, patterns


_EXACT, _PATTERNS = _tables()


def _unknown(key):
    _fail("extra spec '%s' does not appear to be a valid extra spec." % key)


def _resources(key, name, value):
    if name not in os_resource_classes.STANDARDS and \
            not _CUSTOM_RE.match(name):
        _unknown(key)
    _NON_NEG(key, value)


_STANDARD_TRAITS = frozenset(os_traits.get_traits())


def _trait(key, name, value):
    if not os_traits.is_custom(name) and name not in _STANDARD_TRAITS:
        _unknown(key)
    _enum('required', 'forbidden')(key, value)


def validate(key, value):
    """Raise ValidationError (400) for a bad known extra spec."""
    check = _EXACT.get(key)
    if check is not None:
        return check(key, value)
    match = _RESOURCES_RE.match(key)
    if match:
        return _resources(key, match.group('name'), value)
    match = _TRAIT_RE.match(key)
    if match:
        return _trait(key, match.group('name'), value)
    namespace = key.split(':', 1)[0] if ':' in key else None
    if namespace not in _KNOWN:
        return None
    for pattern, check in _PATTERNS.get(namespace, ()):
        if pattern.match(key):
            return check(key, value)
    if namespace is not None:
        _unknown(key)
