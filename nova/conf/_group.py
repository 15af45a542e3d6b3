"""Option groups registered per ConfigOpts.

oslo.config shallow-copies a registered OptGroup, so two ConfigOpts built
from one module-level group share its per-option state, overrides included:
an override on one configuration would show in every other. Each
registration gets a group object of its own.
"""
from oslo_config import cfg


def fresh(group):
    return cfg.OptGroup(group.name, title=group.title, help=group.help)
