"""Request context: who is asking, and which cell database they target."""
import contextlib
import copy

from oslo_context import context as oslo_context
from oslo_db.sqlalchemy import enginefacade

from nova import exception


@enginefacade.transaction_context_provider
class RequestContext(oslo_context.RequestContext):
    """The security context of a request, plus its cell target.

    ``db_connection`` is the transaction context manager of the cell the
    context targets (set by :func:`target_cell`); ``None`` means the default
    ``[database]`` of this process.
    """

    def __init__(self, user_id=None, project_id=None, is_admin=None,
                 read_deleted='no', remote_address=None, timestamp=None,
                 service_catalog=None, user_auth_plugin=None, **kwargs):
        kwargs.setdefault('user_id', user_id)
        kwargs.setdefault('project_id', project_id)
        super().__init__(is_admin=bool(is_admin), **kwargs)
        if is_admin is None:
            self.is_admin = 'admin' in [r.lower() for r in self.roles]
        self.read_deleted = read_deleted
        self.remote_address = remote_address
        self.service_catalog = service_catalog or []
        self.user_auth_plugin = user_auth_plugin
        self.db_connection = None
        self.cell_uuid = None

    def to_dict(self):
        values = super().to_dict()
        values.update({'user_id': self.user_id,
                       'project_id': self.project_id,
                       'read_deleted': self.read_deleted,
                       'remote_address': self.remote_address,
                       'is_admin': self.is_admin,
                       'service_catalog': self.service_catalog})
        return values

    @classmethod
    def from_dict(cls, values):
        allowed = {'user_id', 'project_id', 'is_admin', 'read_deleted',
                   'remote_address', 'service_catalog', 'roles',
                   'request_id', 'global_request_id', 'auth_token',
                   'user_name', 'project_name', 'domain_id', 'system_scope',
                   'user_domain_id', 'project_domain_id', 'show_deleted',
                   'overwrite', 'is_admin_project'}
        kwargs = {k: v for k, v in values.items() if k in allowed}
        kwargs.setdefault('user_id', values.get('user'))
        kwargs.setdefault('project_id', values.get('project_id')
                          or values.get('tenant'))
        return cls(**kwargs)

    def elevated(self, read_deleted=None):
        ctx = copy.copy(self)
        ctx.roles = list(self.roles)
        ctx.is_admin = True
        if 'admin' not in ctx.roles:
            ctx.roles.append('admin')
        if read_deleted is not None:
            ctx.read_deleted = read_deleted
        return ctx

    def can(self, enforcer, action, target=None, fatal=True):
        """Check a policy rule; raise PolicyNotAuthorized if fatal."""
        target = target or {'project_id': self.project_id,
                            'user_id': self.user_id}
        allowed = enforcer.authorize(action, target, self)
        if not allowed and fatal:
            raise exception.PolicyNotAuthorized(action=action)
        return allowed


def get_admin_context(read_deleted='no'):
    return RequestContext(user_id=None, project_id=None, is_admin=True,
                          roles=['admin'], read_deleted=read_deleted,
                          overwrite=False)


def authorize_project_context(context, project_id):
    if context.is_admin:
        return
    if not project_id or context.project_id != project_id:
        raise exception.Forbidden()


@contextlib.contextmanager
def target_cell(context, cell_mapping):
    """Yield a copy of context whose DB calls go to cell_mapping's DB."""
    from nova.db import engines
    cctxt = copy.copy(context)
    if cell_mapping is not None:
        cctxt.db_connection = engines.context_manager_for(
            cell_mapping.database_connection)
        cctxt.cell_uuid = cell_mapping.uuid
    yield cctxt
