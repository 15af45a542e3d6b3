from nova.cmd.services import conductor as main  # noqa: F401
