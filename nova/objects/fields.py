"""Field types used by nova objects (oslo.versionedobjects' plus ours)."""
from oslo_versionedobjects.fields import *  # noqa: F401,F403
from oslo_versionedobjects import fields as _f


class VMState:
    ACTIVE = 'active'
    BUILDING = 'building'
    PAUSED = 'paused'
    SUSPENDED = 'suspended'
    STOPPED = 'stopped'
    RESCUED = 'rescued'
    RESIZED = 'resized'
    SOFT_DELETED = 'soft-delete'
    DELETED = 'deleted'
    ERROR = 'error'
    SHELVED = 'shelved'
    SHELVED_OFFLOADED = 'shelved_offloaded'
    ALL = (ACTIVE, BUILDING, PAUSED, SUSPENDED, STOPPED, RESCUED, RESIZED,
           SOFT_DELETED, DELETED, ERROR, SHELVED, SHELVED_OFFLOADED)


class TaskState:
    SCHEDULING = 'scheduling'
    BLOCK_DEVICE_MAPPING = 'block_device_mapping'
    NETWORKING = 'networking'
    SPAWNING = 'spawning'
    DELETING = 'deleting'
    REBOOTING = 'rebooting'
    REBOOTING_HARD = 'rebooting_hard'
    POWERING_OFF = 'powering-off'
    POWERING_ON = 'powering-on'
    ALL = (SCHEDULING, BLOCK_DEVICE_MAPPING, NETWORKING, SPAWNING, DELETING,
           REBOOTING, REBOOTING_HARD, POWERING_OFF, POWERING_ON)
    # Server actions (nova.compute.states holds who may go where).
    PAUSING = 'pausing'
    UNPAUSING = 'unpausing'
    SUSPENDING = 'suspending'
    RESUMING = 'resuming'
    RESCUING = 'rescuing'
    UNRESCUING = 'unrescuing'
    RESIZE_PREP = 'resize_prep'
    RESIZE_MIGRATING = 'resize_migrating'
    RESIZE_MIGRATED = 'resize_migrated'
    RESIZE_FINISH = 'resize_finish'
    RESIZE_REVERTING = 'resize_reverting'
    RESIZE_CONFIRMING = 'resize_confirming'
    ALL += (PAUSING, UNPAUSING, SUSPENDING, RESUMING, RESCUING, UNRESCUING,
            RESIZE_PREP, RESIZE_MIGRATING, RESIZE_MIGRATED, RESIZE_FINISH,
            RESIZE_REVERTING, RESIZE_CONFIRMING)
    # Snapshots (createImage; nova.compute.snapshot), in the order they run.
    IMAGE_SNAPSHOT_PENDING = 'image_snapshot_pending'
    IMAGE_SNAPSHOT = 'image_snapshot'
    IMAGE_PENDING_UPLOAD = 'image_pending_upload'
    IMAGE_UPLOADING = 'image_uploading'
    ALL += (IMAGE_SNAPSHOT_PENDING, IMAGE_SNAPSHOT, IMAGE_PENDING_UPLOAD,
            IMAGE_UPLOADING)


class PowerState:
    NOSTATE = 0
    RUNNING = 1
    PAUSED = 3
    SHUTDOWN = 4
    CRASHED = 6
    SUSPENDED = 7
    ALL = (NOSTATE, RUNNING, PAUSED, SHUTDOWN, CRASHED, SUSPENDED)
    NAMES = {0: 'NOSTATE', 1: 'RUNNING', 3: 'PAUSED', 4: 'SHUTDOWN',
             6: 'CRASHED', 7: 'SUSPENDED'}


class VMStateField(_f.StringField):
    pass


class TaskStateField(_f.StringField):
    pass


class PowerStateField(_f.IntegerField):
    pass
