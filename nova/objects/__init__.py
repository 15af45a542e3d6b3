"""Versioned objects. Import :func:`register_all` once per process."""


def register_all():
    # Importing a module registers its objects with NovaObjectRegistry,
    # which also sets them as attributes of this package.
    __import__('nova.objects.flavor')
    __import__('nova.objects.cell_mapping')
    __import__('nova.objects.host_mapping')
    __import__('nova.objects.instance_mapping')
    __import__('nova.objects.instance_fault')
    __import__('nova.objects.instance')
    __import__('nova.objects.request_spec')
    __import__('nova.objects.build_request')
    __import__('nova.objects.service')
    __import__('nova.objects.compute_node')
    __import__('nova.objects.instance_action')
    __import__('nova.objects.selection')
    __import__('nova.objects.migration')
    __import__('nova.objects.aggregate')
    __import__('nova.objects.instance_group')
