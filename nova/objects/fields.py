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
