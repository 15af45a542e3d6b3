"""[image_cache] options: the compute host's cache of image files."""
from oslo_config import cfg

from nova.conf._group import fresh as _fresh

image_cache_group = cfg.OptGroup('image_cache', title='Image cache options',
                                 help="""
A compute host downloads each image it boots once, into
``<instances_path>/<subdirectory_name>/``, and shares the file between its
instances (the libvirt driver uses it as the backing file of their qcow2
overlays). A periodic task removes files no instance on the host has used
for a while.
""")

image_cache_opts = [
    cfg.IntOpt('manager_interval', default=2400, min=-1,
               help="""
Seconds between two runs of the image cache cleanup on a compute host.

Possible values:

* ``0``: run at every periodic task tick (``periodic_interval``).
* ``-1``: never clean the cache.
* Any positive number of seconds.

Related options:

* ``remove_unused_base_images``,
  ``remove_unused_original_minimum_age_seconds``.
"""),
    cfg.StrOpt('subdirectory_name', default='_base',
               help="""
Name of the cache directory inside the instances path.

Hosts that share their instances path (NFS) share this cache too.
"""),
    cfg.BoolOpt('remove_unused_base_images', default=True,
                help="""
Whether the cleanup removes cached images no instance of this host uses.

When false, the cleanup only reports what it would remove.
"""),
    cfg.IntOpt('remove_unused_original_minimum_age_seconds', default=86400,
               min=0,
               help="""
Seconds a cached image must have gone unused before the cleanup removes
it. An image counts as used when an instance of this host has it as its
image, or when it was fetched (by a boot or by a pre-cache request, which
also refreshes an image already cached); either refreshes the file's age.
A pre-cached image no instance uses is therefore kept this long after the
request, then removed: repeat the request more often to keep it.
"""),
    cfg.IntOpt('remove_partial_download_age_seconds', default=3600, min=0,
               help="""
Seconds after which the cleanup removes a temporary file a download left
behind (a crash in the middle of a fetch).
"""),
    cfg.IntOpt('precache_concurrency', default=1, min=1,
               help="""
Maximum number of compute hosts the conductor asks at the same time to
pre-cache images (``POST /os-aggregates/{id}/images``, microversion 2.81).

Each host downloads the requested images from the image service; more hosts
at a time finish a large aggregate sooner but load the image service (and
the network) more. One conductor runs one pre-cache request at a time, so
this is also the most downloads a conductor starts at once.

Possible values:

* Any positive integer.

Related options:

* ``[DEFAULT] long_rpc_timeout``: how long the conductor waits for one host.
* ``remove_unused_original_minimum_age_seconds``: how long a pre-cached image
  no instance uses stays in a host's cache.
"""),
]


def register_opts(conf):
    conf.register_group(_fresh(image_cache_group))
    conf.register_opts(image_cache_opts, group=image_cache_group.name)


def list_opts():
    return {image_cache_group.name: image_cache_opts}
