"""Domain exceptions, each carrying its HTTP meaning.

A handler never translates exceptions: the fault middleware turns a
``NovaException`` into the compute API's error body using ``code`` and
``safe`` (whether the message may be shown to a tenant), and anything else
into a logged 500.
"""


class NovaException(Exception):
    msg_fmt = "An unknown exception occurred."
    code = 500
    safe = False
    headers = {}

    def __init__(self, message=None, **kwargs):
        self.kwargs = kwargs
        if not message:
            try:
                message = self.msg_fmt % kwargs
            except (KeyError, TypeError):
                message = self.msg_fmt
        self.message = message
        super().__init__(message)

    def format_message(self):
        return self.message


# HTTP categories -------------------------------------------------------

class Invalid(NovaException):
    msg_fmt = "Bad request: %(reason)s"
    code = 400
    safe = True


class ValidationError(Invalid):
    msg_fmt = "Invalid input for field/attribute %(field)s. %(reason)s"


class Forbidden(NovaException):
    msg_fmt = "Forbidden."
    code = 403
    safe = True


class PolicyNotAuthorized(Forbidden):
    msg_fmt = "Policy doesn't allow %(action)s to be performed."


class NotFound(NovaException):
    msg_fmt = "Resource could not be found."
    code = 404
    safe = True


class Conflict(NovaException):
    msg_fmt = "Conflict."
    code = 409
    safe = True


class OverQuota(Forbidden):
    msg_fmt = "Quota exceeded: %(reason)s"


class NotAcceptable(NovaException):
    code = 406
    safe = True


class ServiceUnavailable(NovaException):
    msg_fmt = "Service is unavailable at this time."
    code = 503
    safe = True


# Microversions ---------------------------------------------------------

class InvalidAPIVersionString(Invalid):
    msg_fmt = ("API Version String %(version)s is of invalid format. Must "
               "be of format MajorNum.MinorNum.")


class InvalidGlobalAPIVersion(NotAcceptable):
    msg_fmt = ("Version %(req_ver)s is not supported by the API. Minimum is "
               "%(min_ver)s and maximum is %(max_ver)s.")


class VersionNotFoundForAPIMethod(NotFound):
    msg_fmt = "API version %(version)s is not supported on this method."


# Flavors ---------------------------------------------------------------

class FlavorNotFound(NotFound):
    msg_fmt = "Flavor %(flavor_id)s could not be found."


class FlavorExists(Conflict):
    msg_fmt = "Flavor with name %(name)s already exists."


class FlavorIdExists(Conflict):
    msg_fmt = "Flavor with ID %(flavor_id)s already exists."


class FlavorExtraSpecsNotFound(NotFound):
    msg_fmt = ("Flavor %(flavor_id)s has no extra specs with key "
               "%(extra_specs_key)s.")


class FlavorAccessNotFound(NotFound):
    msg_fmt = ("Flavor access not found for %(flavor_id)s / "
               "%(project_id)s combination.")


class FlavorAccessExists(Conflict):
    msg_fmt = ("Flavor access already exists for flavor %(flavor_id)s and "
               "project %(project_id)s combination.")


class FlavorNotPublicError(Invalid):
    msg_fmt = "Flavor %(flavor_id)s is public; access cannot be managed."


class FlavorDiskSmallerThanImage(Invalid):
    msg_fmt = ("Flavor's disk is too small for requested image. Flavor disk "
               "is %(flavor_size)i bytes, image is %(image_size)i bytes.")


class FlavorDiskSmallerThanMinDisk(Invalid):
    msg_fmt = ("Flavor's disk is smaller than the minimum size specified in "
               "image metadata. Flavor disk is %(flavor_size)i bytes, minimum "
               "size is %(image_min_disk)i bytes.")


class FlavorMemoryTooSmall(Invalid):
    msg_fmt = "Flavor's memory is too small for requested image."


# Images ----------------------------------------------------------------

class ImageNotFound(NotFound):
    msg_fmt = "Image %(image_id)s could not be found."


class ImageNotActive(Invalid):
    msg_fmt = "Image %(image_id)s is not active."


class InvalidImageRef(Invalid):
    msg_fmt = "Invalid image href %(image_href)s."


# Instances -------------------------------------------------------------

class InstanceNotFound(NotFound):
    msg_fmt = "Instance %(instance_id)s could not be found."


class InstanceMappingNotFound(NotFound):
    msg_fmt = "Instance %(uuid)s has not been mapped to a cell."


class BuildRequestNotFound(NotFound):
    msg_fmt = "BuildRequest not found for instance %(uuid)s"


class RequestSpecNotFound(NotFound):
    msg_fmt = "RequestSpec not found for instance %(instance_uuid)s"


class InstanceInvalidState(Conflict):
    msg_fmt = ("Cannot '%(method)s' instance %(instance_uuid)s while it is "
               "in %(attr)s %(state)s")


class InstanceIsLocked(Conflict):
    msg_fmt = "Instance %(instance_uuid)s is locked"


class UnexpectedTaskStateError(Conflict):
    msg_fmt = ("Conflict updating instance %(instance_uuid)s. Expected: "
               "%(expected)s. Actual: %(actual)s")


class UnexpectedDeletingTaskStateError(UnexpectedTaskStateError):
    pass


class InstanceExists(Conflict):
    msg_fmt = "Instance %(name)s already exists."


class InstanceFaultRollback(NovaException):
    msg_fmt = "Instance rollback performed due to: %(inner_exception)s"


class BuildAbortException(NovaException):
    msg_fmt = "Build of instance %(instance_uuid)s aborted: %(reason)s"


class RescheduledException(NovaException):
    msg_fmt = ("Build of instance %(instance_uuid)s was re-scheduled: "
               "%(reason)s")


class InstanceActionNotFound(NotFound):
    msg_fmt = "Action for request_id %(request_id)s on instance " \
              "%(instance_uuid)s not found"


class InstanceActionEventNotFound(NotFound):
    msg_fmt = "Event %(event)s not found for action id %(action_id)s"


# Scheduling ------------------------------------------------------------

class NoValidHost(NovaException):
    msg_fmt = "No valid host was found. %(reason)s"
    code = 500
    safe = True


class MaxRetriesExceeded(NoValidHost):
    msg_fmt = "Exceeded maximum number of retries. %(reason)s"


# Cells, hosts and services ---------------------------------------------

class CellMappingNotFound(NotFound):
    msg_fmt = "Cell %(uuid)s has no mapping."


class CellMappingExists(Conflict):
    msg_fmt = "Cell mapping %(name)s already exists."


class HostMappingNotFound(NotFound):
    msg_fmt = "Host '%(name)s' is not mapped to any cell"


class HostMappingExists(Conflict):
    msg_fmt = "Host '%(name)s' mapping already exists"


class ComputeHostNotFound(NotFound):
    msg_fmt = "Compute host %(host)s could not be found."


class ComputeHostNotDefined(NovaException):
    msg_fmt = "Compute host %(host)s has no compute node."


class ServiceNotFound(NotFound):
    msg_fmt = "Service %(service_id)s could not be found."


class ServiceTopicExists(Conflict):
    msg_fmt = "Service with host %(host)s topic %(topic)s exists."


class ServiceBinaryExists(Conflict):
    msg_fmt = "Service with host %(host)s binary %(binary)s exists."


class ComputeServiceUnavailable(ServiceUnavailable):
    msg_fmt = "Compute service of %(host)s is unavailable at this time."


# Objects and RPC ---------------------------------------------------------

class ObjectActionError(NovaException):
    msg_fmt = 'Object action %(action)s failed because: %(reason)s'


class OrphanedObjectError(NovaException):
    msg_fmt = 'Cannot call %(method)s on orphaned %(objtype)s object'


class DBNotAllowed(NovaException):
    msg_fmt = '%(binary)s attempted direct database access which is ' \
              'not allowed by policy'


class RPCTimeout(ServiceUnavailable):
    msg_fmt = "Timed out waiting for %(service)s to answer %(method)s."


# Virt ------------------------------------------------------------------

class VirtDriverNotFound(NovaException):
    msg_fmt = "Could not load virt driver %(name)s."


class InstanceSpawnFailure(NovaException):
    msg_fmt = "Spawn of instance %(instance_uuid)s failed: %(reason)s"


class MarkerNotFound(Invalid):
    msg_fmt = "Marker %(marker)s could not be found."
    code = 400
