"""createImage: snapshot a server's root disk into a new image.

API side (:func:`start`, called by ``compute.api.API.snapshot``): check the
state table, create a queued image with the snapshot properties Nova gives
it, set ``image_snapshot_pending`` with a compare-and-set, cast
``snapshot_instance`` to the instance's host.

Compute side (:func:`snapshot_instance`)::

    image_snapshot_pending -> image_snapshot -> (driver) image_pending_upload
    -> image_uploading -> None

The driver writes the disk to a file in a work directory (``SnapshotCapable``
in nova/virt/driver.py); this module uploads it through the image facade
and removes it. Any failure deletes the image, records a fault and puts the
instance back to its vm_state with no task_state; an instance deleted
meanwhile just loses its half-made image.
"""
import os
import shutil
import tempfile

from oslo_log import log as logging

from nova.compute import states
from nova import exception
from nova.objects import fields
from nova.virt import driver as virt_driver

LOG = logging.getLogger(__name__)

T = fields.TaskState
ACTION = 'snapshot'     # the row of nova.compute.states.TABLE
TASK_STATES = (T.IMAGE_SNAPSHOT_PENDING, T.IMAGE_SNAPSHOT,
               T.IMAGE_PENDING_UPLOAD, T.IMAGE_UPLOADING)
# Properties a snapshot does not inherit from the instance's image (Nova's
# default non_inheritable_image_properties, and the signature keys): all
# say something of the original data that is false for the snapshot's.
NON_INHERITABLE = frozenset((
    'cache_in_nova', 'bittorrent', 'owner_specified.openstack.md5',
    'owner_specified.openstack.sha256', 'owner_specified.openstack.object',
    'img_signature', 'img_signature_hash_method', 'img_signature_key_type',
    'img_signature_certificate_uuid'))
_CORE_INHERITED = ('disk_format', 'container_format')
_CHUNK = 1024 * 1024


# -- API side -----------------------------------------------------------------

def snapshot_metadata(context, instance, name, extra_properties=None):
    """The image record a snapshot of instance starts as (queued).

    Inherits the instance's image properties (kept as ``image_*`` system
    metadata at create, with ``base_image_ref`` and min_disk already raised
    to the flavor's root disk), adds instance_uuid, user_id and
    image_type=snapshot; extra_properties (the request's metadata) win.
    """
    inherited = {key[len('image_'):]: value for key, value in
                 (instance.system_metadata or {}).items()
                 if key.startswith('image_') and value is not None}
    meta = {'name': name,
            'min_ram': int(inherited.pop('min_ram', 0) or 0),
            'min_disk': int(inherited.pop('min_disk', 0) or 0)}
    for key in _CORE_INHERITED:
        if inherited.get(key):
            meta[key] = inherited.pop(key)
        inherited.pop(key, None)
    properties = {k: v for k, v in inherited.items()
                  if k not in NON_INHERITABLE}
    properties.setdefault('base_image_ref', instance.image_ref or '')
    properties.update(instance_uuid=instance.uuid,
                      user_id=str(context.user_id), image_type='snapshot')
    if context.project_id != instance.project_id:
        # An admin's snapshot of someone else's server: shared with the
        # server's project, as Nova does.
        meta['visibility'] = 'shared'
        properties['instance_owner'] = instance.project_id
    else:
        meta['visibility'] = 'private'
    properties.update(extra_properties or {})
    meta['properties'] = properties
    return meta


def start(context, cell_context, instance, name, extra_properties,
          image_api, compute_rpcapi):
    """Create the image and hand the snapshot to the instance's host.

    context is the request's; cell_context targets the instance's cell.
    Returns the queued image (a dict). Raises InstanceInvalidState (409)
    when the instance may not be snapshotted now; no image is left then.
    """
    instance._context = cell_context
    states.rule_for(ACTION).check(instance)
    meta = snapshot_metadata(context, instance, name, extra_properties)
    image = image_api.create(context, meta)
    try:
        if meta['visibility'] == 'shared':
            image_api.add_member(context, image['id'], instance.project_id)
        states.begin(cell_context, instance, ACTION)
    except Exception:
        _discard(context, image_api, image['id'])
        raise
    try:
        compute_rpcapi.snapshot_instance(cell_context, instance, image['id'])
    except Exception:
        # Nobody will ever finish it: undo the task and the image.
        instance.task_state = None
        instance.save(expected_task_state=[T.IMAGE_SNAPSHOT_PENDING])
        _discard(context, image_api, image['id'])
        raise
    return image


# -- compute side -------------------------------------------------------------

def snapshot_instance(context, host, driver, image_api, instance, image_id,
                      workdir_root):
    """Run a snapshot on this host (under the instance's lock)."""
    started = states.now()
    instance.task_state = T.IMAGE_SNAPSHOT
    try:
        instance.save(expected_task_state=[T.IMAGE_SNAPSHOT_PENDING])
    except (exception.UnexpectedTaskStateError,
            exception.InstanceNotFound) as exc:
        LOG.info('Snapshot %s of %s abandoned: %s', image_id, instance.uuid,
                 exc)
        _discard(context, image_api, image_id)
        return

    def update_task_state(task_state, expected_state=T.IMAGE_SNAPSHOT):
        instance.task_state = task_state
        instance.save(expected_task_state=expected_state)

    os.makedirs(workdir_root, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix=image_id + '.', dir=workdir_root)
    try:
        virt_driver.require(driver, 'snapshot', instance.uuid)
        disk = driver.snapshot(context, instance, image_id,
                               update_task_state, workdir)
        update_task_state(T.IMAGE_UPLOADING,
                          [T.IMAGE_SNAPSHOT, T.IMAGE_PENDING_UPLOAD])
        upload(context, image_api, image_id, disk)
    except exception.UnexpectedDeletingTaskStateError as exc:
        LOG.info('Instance %s is being deleted; snapshot %s abandoned: %s',
                 instance.uuid, image_id, exc)
        _discard(context, image_api, image_id)
        return
    except Exception as exc:
        _discard(context, image_api, image_id)
        try:
            states.fail(context, host, driver, instance, ACTION, started,
                        exc, expected_task_state=list(TASK_STATES))
        except exception.InstanceNotFound:
            LOG.info('Instance %s went away during snapshot %s',
                     instance.uuid, image_id)
        return
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    states.finish(context, host, driver, instance, ACTION, started,
                  expected_task_state=T.IMAGE_UPLOADING)


def recover(context, image_api, instance):
    """A snapshot the compute's restart interrupted: back to no task, and
    the instance's unfinished snapshot images deleted (best effort)."""
    LOG.warning('Instance %s was in %s when the service stopped; its '
                'snapshot is abandoned', instance.uuid, instance.task_state)
    try:
        unfinished = image_api.get_all(context, filters={
            'instance_uuid': instance.uuid, 'image_type': 'snapshot'})
    except Exception:
        LOG.exception('Could not list the snapshots of %s', instance.uuid)
        unfinished = []
    for image in unfinished:
        if image.get('status') in ('queued', 'saving'):
            _discard(context, image_api, image['id'])
    instance.task_state = None
    try:
        instance.save(expected_task_state=list(TASK_STATES))
    except (exception.UnexpectedTaskStateError, exception.InstanceNotFound):
        pass


def upload(context, image_api, image_id, disk):
    """Stream a SnapshotFile into the queued image; the image is active
    when this returns."""
    image_api.update(context, image_id, {
        'disk_format': disk.disk_format,
        'container_format': disk.container_format})
    size = os.path.getsize(disk.path)
    with open(disk.path, 'rb') as data:
        image_api.upload(context, image_id,
                         iter(lambda: data.read(_CHUNK), b''), size=size)


def _discard(context, image_api, image_id):
    """Delete a snapshot's image that will never be completed."""
    try:
        image_api.delete(context, image_id)
    except exception.ImageNotFound:
        pass
    except Exception:
        LOG.exception('Could not delete the image %s of a failed snapshot',
                      image_id)
