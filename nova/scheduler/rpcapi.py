"""Client side of the scheduler RPC API.

1.0: select_destinations(request_spec, instance_uuids) -> [[Selection]]
     select_many(requests) -> one result per [request_spec, uuids] pair:
     [[Selection]] or {'error': reason, 'details': admin trace} when
     nothing can host it. Selections are claimed in placement (the
     instance uuid is the consumer); alternates carry their allocation
     request, unclaimed.
"""
import oslo_messaging as messaging

from nova import rpc

TOPIC = 'scheduler'


class SchedulerAPI:
    def __init__(self, conf):
        self.conf = conf
        self.client = rpc.get_client(
            conf, messaging.Target(topic=TOPIC, version='1.0'))

    def select_destinations(self, context, request_spec, instance_uuids):
        """One list of Selections per instance: the chosen host first,
        then alternates. Raises NoValidHost."""
        return rpc.call(self.client, context, 'select_destinations',
                        timeout=self.conf.long_rpc_timeout,
                        service='nova-scheduler', request_spec=request_spec,
                        instance_uuids=instance_uuids)

    def select_many(self, context, requests):
        """Schedule several requests in one round trip.

        requests: [[RequestSpec, [instance_uuid, ...]], ...]. Returns one
        item per request: the lists of Selections, or ``{'error': reason,
        'details': trace}`` for a request no host can take (the others are
        still placed; the reason is for the tenant, details for admins).
        """
        return rpc.call(self.client, context, 'select_many',
                        timeout=self.conf.long_rpc_timeout,
                        service='nova-scheduler', requests=requests)
