"""Entry point for oslo-config-generator (namespace ``nova.conf``)."""
from nova import conf as nova_conf


def list_opts():
    result = {}
    for module in nova_conf._MODULES:
        for group, opts in module.list_opts().items():
            result.setdefault(group, []).extend(opts)
    return sorted(result.items(), key=lambda item: item[0])
