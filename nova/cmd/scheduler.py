from nova.cmd.services import scheduler as main  # noqa: F401
