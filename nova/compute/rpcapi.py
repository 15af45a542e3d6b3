"""Client side of the compute RPC API (topic ``compute``, server = host).

1.0: build_and_run_instance(instance, node, image), terminate_instance(instance)
"""
import oslo_messaging as messaging

from nova import rpc

TOPIC = 'compute'


class ComputeAPI:
    def __init__(self, conf):
        self.client = rpc.get_client(
            conf, messaging.Target(topic=TOPIC, version='1.0'))

    def build_and_run_instance(self, context, instance, host, node, image):
        self.client.prepare(server=host, version='1.0').cast(
            context, 'build_and_run_instance', instance=instance, node=node,
            image=image)

    def terminate_instance(self, context, instance):
        self.client.prepare(server=instance.host, version='1.0').cast(
            context, 'terminate_instance', instance=instance)
