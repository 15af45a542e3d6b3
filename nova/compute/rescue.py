"""Rescue workflows on a compute host: boot from a rescue image and back.

The API chose the rescue image (the user's rescue_image_ref or the
instance's own image) and the admin password; the driver keeps the
original guest for unrescue. Unrescue always ends ACTIVE, as in Nova.
"""
from nova.compute import states


def rescue(context, host, driver, instance, image, rescue_password):
    return states.perform(
        context, host, driver, instance, 'rescue', 'rescue',
        lambda: driver.rescue(context, instance, image, rescue_password))


def unrescue(context, host, driver, instance):
    return states.perform(context, host, driver, instance, 'unrescue',
                          'rescue', lambda: driver.unrescue(context,
                                                            instance))
