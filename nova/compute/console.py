"""Console output of a guest: the tail of its serial log, as text."""
from nova import exception
from nova.virt import driver as virt_driver


def tail(log, length):
    """The last ``length`` lines of log (all of it when length is None)."""
    if length is None:
        return log
    if length <= 0:
        return ''
    lines = log.split('\n')
    if lines and lines[-1] == '':
        # A trailing newline ends the last line; it is not one more line.
        return '\n'.join(lines[-length - 1:])
    return '\n'.join(lines[-length:])


def get_console_output(context, driver, instance, tail_length=None):
    """Text of the guest's console (invalid UTF-8 replaced), tailed."""
    virt_driver.require(driver, 'console', instance.uuid)
    try:
        output = driver.get_console_output(context, instance)
    except exception.InstanceNotFound:
        raise exception.ConsoleNotAvailable()
    if isinstance(output, bytes):
        output = output.decode('utf-8', 'replace')
    return tail(output, tail_length)
