"""[image] options: the image back end the API and computes use."""
from oslo_config import cfg

from nova.conf._group import fresh as _fresh

image_group = cfg.OptGroup('image', title='Image service options')

image_opts = [
    cfg.StrOpt('backend', default='static', choices=['static'],
               help="""
Where images come from.

Possible values:

* ``static``: the images listed in ``known_images`` (until the built-in
  image service lands).
"""),
    cfg.MultiStrOpt('known_images',
                    default=['70a599e0-31e7-49b7-b260-868f441e862b:cirros:'
                             'min_ram=0,min_disk=0'],
                    help="""
Images the static back end knows, one per line, as
``<uuid>:<name>[:key=value,key=value]``. Properties ``min_ram`` (MiB),
``min_disk`` (GiB) and ``status`` are understood; other keys become image
properties.
"""),
]


def register_opts(conf):
    conf.register_group(_fresh(image_group))
    conf.register_opts(image_opts, group=image_group.name)


def list_opts():
    return {image_group.name: image_opts}
