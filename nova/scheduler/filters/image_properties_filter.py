"""ImagePropertiesFilter: the image's architecture, hypervisor type and
VM mode (``hw_architecture``, ``img_hv_type``, ``hw_vm_mode``) among the
host's supported instances ([arch, hypervisor type, vm mode] triples);
``img_hv_requested_version`` against its hypervisor version.

A host that reports no supported instances is not refused on that count
(its driver did not say; the build itself would fail loudly).
"""
from nova.scheduler.filters import extra_specs_ops
from nova.scheduler import filters


def _wanted(props):
    arch = props.get('hw_architecture') or props.get('architecture')
    hv_type = props.get('img_hv_type') or props.get('hypervisor_type')
    vm_mode = props.get('hw_vm_mode') or props.get('vm_mode')
    return [(i, str(v).lower()) for i, v in
            enumerate((arch, hv_type, vm_mode)) if v]


class ImagePropertiesFilter(filters.BaseHostFilter):
    def applies(self, request):
        props = request.image_props
        return bool(_wanted(props) or props.get('img_hv_requested_version'))

    def host_passes(self, host, request):
        props = request.image_props
        version = props.get('img_hv_requested_version')
        if version and host.hypervisor_version is not None and not \
                extra_specs_ops.match(host.hypervisor_version, version):
            return False
        wanted = _wanted(props)
        if not wanted or not host.supported_instances:
            return True
        for triple in host.supported_instances:
            values = [str(v).lower() for v in triple]
            if all(i < len(values) and values[i] == v for i, v in wanted):
                return True
        return False

    def reason(self, request):
        return ("no host supports the image's architecture, hypervisor type "
                "or VM mode")
