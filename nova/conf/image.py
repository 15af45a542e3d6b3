"""[image] options: the image back end, the built-in store and its API."""
import hashlib

from oslo_config import cfg

from nova.conf._group import fresh as _fresh

image_group = cfg.OptGroup('image', title='Image service options')

DISK_FORMATS = ['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2',
                'vdi', 'iso', 'ploop']
CONTAINER_FORMATS = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker',
                     'compressed']

image_opts = [
    cfg.StrOpt('backend', default='store',
               choices=[('store', 'The built-in image store: records in the '
                         'API database, data under images_path.'),
                        ('glance', 'A Glance (Image API v2) service, reached '
                         'with the [glance] options.')],
               help="""
Where images live.

A separate nova-compute process never opens a database: with ``store`` it
reaches the store through the Image API v2 that nova-api (or
nova-image-api) serves, with the ``[glance]`` client options; the endpoint
is ``[glance] endpoint_override``, else the catalog's ``image`` entry, else
``http://<[wsgi] listen>:<[wsgi] port>/image``.

Possible values:

* ``store`` (default): the built-in store.
* ``glance``: a Glance v2 service.

Related options:

* ``images_path``, ``known_images`` for ``store``.
* ``[glance]`` for ``glance`` and for computes of a ``store`` deployment.
"""),
    cfg.MultiStrOpt('known_images',
                    default=['70a599e0-31e7-49b7-b260-868f441e862b:cirros:'
                             'min_ram=0,min_disk=0'],
                    help="""
Images the built-in store creates on first use if they do not exist yet,
one per line, as ``<uuid>:<name>[:key=value,key=value]``.

Keys ``min_ram`` (MiB), ``min_disk`` (GiB), ``disk_format``,
``container_format`` and ``visibility`` set those attributes; ``file`` names
a local file copied in as the image data (checksummed like an upload).
Without ``file`` the image is ``active`` with no data, enough for the fake
driver. Other keys become image properties. An image deleted through the
API is not created again.
"""),
    cfg.IntOpt('metadata_cache_seconds', default=10, min=0,
               help="""
How long a server create may reuse an active image's metadata this
process read before.

Changes made through this process's image API are seen at once; a change
made elsewhere (another process, or Glance) reaches this one's creates
after this many seconds at most. 0 reads the image on every create.

Related options:

* ``[api] flavor_cache_seconds``, the same for flavors.
"""),
    cfg.StrOpt('images_path', default='$state_path/images',
               help="""
Directory of the built-in store's image data files.

Each active image is one file named after its id. Uploads are written to
``<images_path>/.incoming/`` and renamed into place once complete and
verified.
"""),
    cfg.ListOpt('disk_formats', default=DISK_FORMATS,
                help="Disk formats the built-in store accepts at create."),
    cfg.ListOpt('container_formats', default=CONTAINER_FORMATS,
                help="Container formats the built-in store accepts."),
    cfg.StrOpt('hashing_algorithm', default='sha512',
               choices=sorted(hashlib.algorithms_guaranteed),
               help="""
Algorithm of the ``os_hash_value`` the store computes for uploaded data
(``checksum`` is always the MD5 digest, as the Image API has it).
"""),
    cfg.IntOpt('max_image_size', default=1099511627776, min=1,
               help="Largest image the store accepts, in bytes (413 above)."),
    cfg.HostAddressOpt('api_listen', default='127.0.0.1',
                       help="Address nova-image-api listens on."),
    cfg.PortOpt('api_port', default=9292,
                help="Port nova-image-api listens on."),
    cfg.IntOpt('api_threads', default=16, min=1,
               help="Worker threads of nova-image-api."),
]


def register_opts(conf):
    conf.register_group(_fresh(image_group))
    conf.register_opts(image_opts, group=image_group.name)


def list_opts():
    return {image_group.name: image_opts}
