from nova.cmd.services import compute as main  # noqa: F401
