"""Client side of the compute RPC API (topic ``compute``, server = host).

No release has shipped yet, so everything below is version 1.0, the first
release's interface; later changes bump the version and add a line here.

1.0: build_and_run_instance(instance, node, image, alternates=None),
     build_and_run_instances(builds, requests) (the builds of a batch on
     one host in one cast: builds [{instance, alternates, request}],
     request the index in requests [{context (a dict), image}] of the
     API request the build belongs to),
     discard_build(instance) (the guest of a build whose instance was
     deleted with no terminate coming),
     terminate_instance(instance), snapshot_instance(instance, image_id),
     server actions: reboot_instance, stop_instance, start_instance, pause_instance, unpause_instance,
     suspend_instance, resume_instance, rescue_instance, unrescue_instance,
     get_console_output (a call), prep_resize, resize_instance,
     finish_resize, confirm_resize, revert_resize, finish_revert_resize
1.1: cache_images(image_ids) (a call from the conductor: image
     pre-caching, microversion 2.81)
"""
import oslo_messaging as messaging

from nova import rpc

TOPIC = 'compute'


class ComputeAPI:
    def __init__(self, conf):
        self.conf = conf
        self.client = rpc.get_client(
            conf, messaging.Target(topic=TOPIC, version='1.0'))

    def build_and_run_instance(self, context, instance, host, node, image,
                               alternates=None):
        # alternates (Selections): where the conductor may reschedule a
        # failed build; sent only when there are any.
        kwargs = {'alternates': alternates} if alternates else {}
        self.client.prepare(server=host, version='1.0').cast(
            context, 'build_and_run_instance', instance=instance, node=node,
            image=image, **kwargs)

    def build_and_run_instances(self, context, host, builds):
        """Build several instances on host in one cast (one per host for a
        batch of API requests). builds: [(request context, instance,
        image, alternate Selections)]; each build keeps its own request's
        context (its actions, image downloads) and image."""
        requests, index, wire = [], {}, []
        for ctx, instance, image, alternates in builds:
            key = id(ctx)
            if key not in index:
                index[key] = len(requests)
                requests.append({'context': ctx.to_dict(), 'image': image})
            wire.append({'instance': instance, 'request': index[key],
                         'alternates': list(alternates or ())})
        self.client.prepare(server=host, version='1.0').cast(
            context, 'build_and_run_instances', builds=wire,
            requests=requests)

    def discard_build(self, context, instance):
        """Remove the guest a build spawned for instance, deleted meanwhile
        with no terminate coming."""
        self.client.prepare(server=instance.host, version='1.0').cast(
            context, 'discard_build', instance=instance)

    def terminate_instance(self, context, instance):
        self.client.prepare(server=instance.host, version='1.0').cast(
            context, 'terminate_instance', instance=instance)

    def snapshot_instance(self, context, instance, image_id):
        self.client.prepare(server=instance.host, version='1.0').cast(
            context, 'snapshot_instance', instance=instance,
            image_id=image_id)

    # -- server actions: casts to the instance's host, one call ------------

    def _cast(self, context, host, method, **kwargs):
        self.client.prepare(server=host, version='1.0').cast(
            context, method, **kwargs)

    def reboot_instance(self, context, instance, reboot_type):
        self._cast(context, instance.host, 'reboot_instance',
                   instance=instance, reboot_type=reboot_type)

    def stop_instance(self, context, instance, clean_shutdown=True):
        self._cast(context, instance.host, 'stop_instance', instance=instance,
                   clean_shutdown=clean_shutdown)

    def start_instance(self, context, instance):
        self._cast(context, instance.host, 'start_instance',
                   instance=instance)

    def pause_instance(self, context, instance):
        self._cast(context, instance.host, 'pause_instance',
                   instance=instance)

    def unpause_instance(self, context, instance):
        self._cast(context, instance.host, 'unpause_instance',
                   instance=instance)

    def suspend_instance(self, context, instance):
        self._cast(context, instance.host, 'suspend_instance',
                   instance=instance)

    def resume_instance(self, context, instance):
        self._cast(context, instance.host, 'resume_instance',
                   instance=instance)

    def rescue_instance(self, context, instance, rescue_password, image):
        self._cast(context, instance.host, 'rescue_instance',
                   instance=instance, rescue_password=rescue_password,
                   image=image)

    def unrescue_instance(self, context, instance):
        self._cast(context, instance.host, 'unrescue_instance',
                   instance=instance)

    def get_console_output(self, context, instance, tail_length, timeout):
        """The console text; RPCTimeout (503) after timeout seconds."""
        return rpc.call(self.client.prepare(server=instance.host,
                                            version='1.0'),
                        context, 'get_console_output', timeout=timeout,
                        service='nova-compute', instance=instance,
                        tail_length=tail_length)

    def prep_resize(self, context, instance, flavor, migration, image, host):
        self._cast(context, host, 'prep_resize', instance=instance,
                   flavor=flavor, migration=migration, image=image)

    def resize_instance(self, context, instance, migration, flavor, image):
        self._cast(context, migration.source_compute, 'resize_instance',
                   instance=instance, migration=migration, flavor=flavor,
                   image=image)

    def finish_resize(self, context, instance, migration, disk_info, image):
        self._cast(context, migration.dest_compute, 'finish_resize',
                   instance=instance, migration=migration,
                   disk_info=disk_info, image=image)

    def confirm_resize(self, context, instance, migration):
        self._cast(context, migration.source_compute, 'confirm_resize',
                   instance=instance, migration=migration)

    def revert_resize(self, context, instance, migration):
        self._cast(context, migration.dest_compute, 'revert_resize',
                   instance=instance, migration=migration)

    def finish_revert_resize(self, context, instance, migration):
        self._cast(context, migration.source_compute, 'finish_revert_resize',
                   instance=instance, migration=migration)

    # -- image pre-caching (1.1) -------------------------------------------

    def cache_images(self, context, host, image_ids):
        """{image id: 'cached' | 'existing' | 'error' | 'unsupported'} from
        host once it has fetched them all (RPCTimeout after
        ``long_rpc_timeout``). A compute working on a real transport tells
        the caller it is alive every ``rpc_response_timeout`` (oslo.messaging
        call monitoring), so a dead one is noticed after that, not after the
        long timeout."""
        cctxt = self.client.prepare(
            server=host, version='1.1',
            call_monitor_timeout=self.conf.rpc_response_timeout)
        return rpc.call(cctxt, context, 'cache_images',
                        timeout=self.conf.long_rpc_timeout,
                        service='nova-compute', image_ids=list(image_ids))
