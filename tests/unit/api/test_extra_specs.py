"""Validation of known flavor extra specs (2.86)."""
import pytest

from nova.api import extra_specs
from nova import exception


@pytest.mark.parametrize('key,value', [
    ('hw:cpu_policy', 'dedicated'), ('hw:cpu_thread_policy', 'isolate'),
    ('hw:numa_nodes', '2'), ('hw:numa_cpus.0', '0-3,^2'),
    ('hw:numa_mem.1', '1024'), ('hw:mem_page_size', '2MB'),
    ('hw:mem_page_size', 'large'), ('hw:cpu_realtime', 'yes'),
    ('hw_rng:allowed', 'True'), ('hw_video:ram_max_mb', '64'),
    ('quota:cpu_shares', '1024'), ('quota:disk_read_iops_sec', '500'),
    ('quota:vif_shares_level', 'high'), ('os:secure_boot', 'required'),
    ('pci_passthrough:alias', 'gpu:2,nic:1'),
    ('resources:VCPU', '2'), ('resources1:CUSTOM_GPU', '1'),
    ('resources_big:MEMORY_MB', '1024'),
    ('trait:HW_CPU_X86_AVX2', 'required'),
    ('trait1:CUSTOM_FAST', 'forbidden'),
    ('aggregate_instance_extra_specs:ssd', 'true'),
    ('capabilities:cpu_info:arch', 'x86_64'),
    ('group_policy', 'isolate'), ('hide_hypervisor_id', 'true'),
    # Namespaces nobody registered are free-form.
    ('acme:anything', 'goes'), ('plain', 'value'),
])
def test_valid(key, value):
    extra_specs.validate(key, value)


@pytest.mark.parametrize('key,value,words', [
    ('hw:cpu_policy', 'fast', 'is not one of'),
    ('hw:numa_nodes', '0', 'less than 1'),
    ('hw:numa_nodes', 'two', 'not an integer'),
    ('hw:no_such_thing', '1', 'does not appear to be a valid extra spec'),
    ('hw_rng:allowed', 'maybe', 'not a boolean'),
    ('quota:cpu_shares', '-1', 'less than 0'),
    ('resources:NOT_A_CLASS', '1', 'does not appear'),
    ('resources:VCPU', 'x', 'not an integer'),
    ('trait:HW_CPU_X86_AVX2', 'yes', 'is not one of'),
    ('trait:NOT_A_TRAIT', 'required', 'does not appear'),
    ('group_policy', 'spread', 'is not one of'),
    ('pci_passthrough:alias', 'gpu', 'does not match'),
])
def test_invalid(key, value, words):
    with pytest.raises(exception.ValidationError) as info:
        extra_specs.validate(key, value)
    assert info.value.code == 400
    message = info.value.format_message()
    assert message.startswith('Validation failed;') and words in message
