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


# Image store and Image API v2 (images-store) ----------------------------

class ImageForbidden(Forbidden):
    msg_fmt = "You are not permitted to %(action)s image %(image_id)s."


class ImageProtected(Forbidden):
    msg_fmt = "Image %(image_id)s is protected and cannot be deleted."


class ImageAttributeReadOnly(Forbidden):
    msg_fmt = "Attribute '%(attribute)s' is read-only."


class ImageAttributeReserved(Forbidden):
    msg_fmt = "Attribute '%(attribute)s' is reserved."


class ImageInvalid(Invalid):
    msg_fmt = "Invalid image: %(reason)s"


class ImageUnsupportedFormat(ImageInvalid):
    msg_fmt = ("Invalid %(kind)s '%(value)s' for image. Accepted: "
               "%(accepted)s.")


class ImageDataMismatch(ImageInvalid):
    msg_fmt = "Image %(image_id)s data rejected: %(reason)s"


class ImageUploadIncomplete(ImageInvalid):
    msg_fmt = ("Upload of image %(image_id)s ended early after %(received)d "
               "bytes: %(reason)s")


class ImageDeactivated(Forbidden):
    msg_fmt = ("Image %(image_id)s has been deactivated; downloading its "
               "data is prohibited.")


class ImageNotQueued(Conflict):
    msg_fmt = ("Image %(image_id)s is %(status)s; data can only be uploaded "
               "to a queued image.")


class ImageExists(Conflict):
    msg_fmt = "Image with identifier %(image_id)s already exists."


class ImageMemberNotFound(NotFound):
    msg_fmt = "Project %(member)s is not a member of image %(image_id)s."


class ImageMemberExists(Conflict):
    msg_fmt = "Project %(member)s is already a member of image %(image_id)s."


class ImageTooLarge(NovaException):
    msg_fmt = "Image is larger than the %(limit)d bytes this store accepts."
    code = 413
    safe = True


class ImageServiceUnavailable(ServiceUnavailable):
    msg_fmt = "The image service is unavailable: %(reason)s"


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


# Placement (nova/placement) ---------------------------------------------
# ``error_code`` is the placement API's machine-readable ``code`` in its
# error bodies (microversion 1.23); placement.undefined when absent.

class PlacementConflict(Conflict):
    error_code = 'placement.undefined'


class ResourceProviderNotFound(NotFound):
    msg_fmt = "No resource provider with uuid %(uuid)s found."
    error_code = 'placement.resource_provider.not_found'


class ResourceProviderExists(PlacementConflict):
    msg_fmt = "Conflicting resource provider %(field)s %(value)s already " \
        "exists."
    error_code = 'placement.duplicate_name'


class ResourceProviderInUse(PlacementConflict):
    msg_fmt = "Unable to delete resource provider %(uuid)s: Resource " \
        "provider has allocations."
    error_code = 'placement.resource_provider.inuse'


class CannotDeleteParentResourceProvider(PlacementConflict):
    msg_fmt = "Unable to delete parent resource provider %(uuid)s: It has " \
        "child resource providers."
    error_code = 'placement.resource_provider.cannot_delete_parent'


class ConcurrentUpdateDetected(PlacementConflict):
    msg_fmt = "Another thread concurrently updated the data. Please " \
        "retry your update"
    error_code = 'placement.concurrent_update'


class ResourceProviderGenerationConflict(ConcurrentUpdateDetected):
    msg_fmt = "resource provider generation conflict: %(reason)s"


class ConsumerGenerationConflict(ConcurrentUpdateDetected):
    msg_fmt = "consumer generation conflict - %(reason)s"


class InsufficientResources(PlacementConflict):
    msg_fmt = "Unable to allocate inventory: %(reason)s"


class InventoryInUse(PlacementConflict):
    msg_fmt = "Inventory for '%(resource_classes)s' on resource provider " \
        "'%(uuid)s' in use."
    error_code = 'placement.inventory.inuse'


class InventoryNotFound(NotFound):
    msg_fmt = "No inventory of class %(resource_class)s found for " \
        "resource provider %(uuid)s."


class InvalidInventory(Invalid):
    msg_fmt = "Unable to update inventory: %(reason)s"


class ResourceClassNotFound(NotFound):
    msg_fmt = "No such resource class %(name)s."


class ResourceClassExists(PlacementConflict):
    msg_fmt = "Resource class %(name)s already exists."
    error_code = 'placement.duplicate_name'


class ResourceClassInUse(PlacementConflict):
    msg_fmt = "Unable to delete resource class %(name)s. It is in use " \
        "in inventories."


class ResourceClassCannotChangeStandard(Invalid):
    msg_fmt = "Cannot update or delete standard resource class %(name)s."


class TraitNotFound(NotFound):
    msg_fmt = "No such trait(s): %(names)s."


class TraitExists(PlacementConflict):
    msg_fmt = "The Trait %(name)s already exists."


class TraitInUse(PlacementConflict):
    msg_fmt = "The trait %(name)s is in use by a resource provider."


class TraitCannotDeleteStandard(Invalid):
    msg_fmt = "Cannot delete standard trait %(name)s."


class PlacementQueryError(Invalid):
    """A bad query string; error_code set per instance."""
    msg_fmt = "Invalid query string parameters: %(reason)s"
    error_code = 'placement.query.bad_value'

    def __init__(self, message=None, error_code=None, **kwargs):
        super().__init__(message, **kwargs)
        if error_code:
            self.error_code = error_code


# Server actions (engineer 7) -------------------------------------------

class InstanceNotReady(Conflict):
    msg_fmt = "Instance %(instance_id)s is not ready"


class ActionNotSupported(Conflict):
    msg_fmt = ("The %(capability)s action of instance %(instance_uuid)s is "
               "not supported by the hypervisor driver of its host "
               "(%(driver)s).")


class ConsoleNotAvailable(NotFound):
    msg_fmt = "Guest does not have a console available."


class CannotResizeToSameFlavor(Invalid):
    msg_fmt = "When resizing, instances must change flavor!"


class CannotResizeDisk(Invalid):
    msg_fmt = "Server disk was unable to be resized because: %(reason)s"


class ResizeError(NovaException):
    msg_fmt = "Resize error: %(reason)s"
    safe = True


class MigrationNotFound(NotFound):
    msg_fmt = "Migration %(migration_id)s could not be found."


class MigrationNotFoundByStatus(MigrationNotFound):
    msg_fmt = ("Instance %(instance_id)s has no migration with status "
               "%(status)s.")


class InstanceFaultInjected(NovaException):
    msg_fmt = "The fake driver was told to fail %(action)s of %(name)s."
    safe = True


# Images in the compute API: create checks, proxy, snapshots
# (images-compute) ------------------------------------------------------

class BootFromVolumeRequiredForZeroDiskFlavor(Forbidden):
    msg_fmt = ("Only volume-backed servers are allowed for flavors with "
               "zero disk.")


class MissingImageRef(Invalid):
    msg_fmt = "Missing imageRef attribute"


class ImageMetadataLimitExceeded(Forbidden):
    msg_fmt = "Image metadata limit exceeded"


class ImageMetadataKeyNotFound(NotFound):
    msg_fmt = "Invalid metadata key"



# Server groups, host aggregates, availability zones
# (scheduling-inputs) ---------------------------------------------------

class InstanceGroupNotFound(NotFound):
    msg_fmt = "Instance group %(group_uuid)s could not be found."


class InstanceGroupIdExists(Conflict):
    msg_fmt = "Instance group %(group_uuid)s already exists."


class AggregateNotFound(NotFound):
    msg_fmt = "Aggregate %(aggregate_id)s could not be found."


class AggregateNameExists(Conflict):
    msg_fmt = "Aggregate %(aggregate_name)s already exists."


class AggregateHostNotFound(NotFound):
    msg_fmt = "Aggregate %(aggregate_id)s has no host %(host)s."


class AggregateHostExists(Conflict):
    msg_fmt = "Aggregate %(aggregate_id)s already has host %(host)s."


class InvalidAggregateAction(Invalid):
    msg_fmt = ("Cannot perform action '%(action)s' on aggregate "
               "%(aggregate_id)s. Reason: %(reason)s.")


class AggregateHostZoneConflict(Conflict):
    msg_fmt = ("Cannot add host to aggregate %(aggregate_id)s. Reason: One "
               "or more hosts already in availability zone(s) %(zones)s.")


class InvalidAvailabilityZone(Invalid):
    msg_fmt = "The requested availability zone is not available"


# libvirt driver (nova/virt/libvirt, engineer 8) -------------------------


class HypervisorUnavailable(NovaException):
    msg_fmt = "Connection to the hypervisor %(host)s failed: %(reason)s"


class LibvirtGuestError(NovaException):
    msg_fmt = "libvirt could not %(action)s instance %(instance_uuid)s: " \
              "%(reason)s"


class DiskOperationFailed(NovaException):
    msg_fmt = "Disk operation failed: %(reason)s"


# Image pre-caching (POST /os-aggregates/{id}/images, 2.81) ----------------


class PrecacheImageNotFound(Invalid):
    # Nova answers 400, not 404, for an image of the request it cannot get:
    # the URL's resource (the aggregate) exists.
    msg_fmt = "Image %(image_id)s could not be found."


class PrecacheDuplicateImages(Invalid):
    msg_fmt = "Duplicate images in request"
