"""AvailabilityZoneFilter: only hosts of the requested zone.

A host's zones are the ``availability_zone`` metadata of its aggregates,
or the default zone when none has one.
"""
from nova.scheduler import filters


class AvailabilityZoneFilter(filters.BaseHostFilter):
    def applies(self, request):
        return bool(request.availability_zone)

    def host_passes(self, host, request):
        return request.availability_zone in host.availability_zones(
            request.default_zone)

    def reason(self, request):
        return 'no host in availability zone %s can take it' % \
            request.availability_zone
