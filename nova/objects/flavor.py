"""Flavor: the size of a server. Lives in the API database."""
import sqlalchemy as sa
from oslo_db import exception as db_exc

from nova.db.api import models as api_models
from nova.db import engines
from nova import exception
from nova.objects import base
from nova.objects import fields
from nova import ttl_cache

_COLUMNS = ('id', 'name', 'memory_mb', 'vcpus', 'root_gb', 'ephemeral_gb',
            'flavorid', 'swap', 'rxtx_factor', 'vcpu_weight', 'disabled',
            'is_public', 'description', 'created_at', 'updated_at')


# Flavors by flavorid, as an admin sees them, for server creates.
_CACHE = ttl_cache.TTLCache()


def _flavor_query(session):
    return session.query(api_models.Flavors)


def _visible(query, context):
    """Non-admins see public flavors and private ones shared with them."""
    if context.is_admin:
        return query
    shared = sa.select(api_models.FlavorProjects.flavor_id).where(
        api_models.FlavorProjects.project_id == context.project_id)
    return query.filter(sa.or_(api_models.Flavors.is_public.is_(True),
                               api_models.Flavors.id.in_(shared)))


@base.NovaObjectRegistry.register
class Flavor(base.NovaObject, base.NovaObjectDictCompat):
    # Version 1.0: Initial version
    VERSION = '1.0'

    fields = {
        'id': fields.IntegerField(),
        'name': fields.StringField(nullable=True),
        'memory_mb': fields.IntegerField(),
        'vcpus': fields.IntegerField(),
        'root_gb': fields.IntegerField(),
        'ephemeral_gb': fields.IntegerField(),
        'flavorid': fields.StringField(),
        'swap': fields.IntegerField(),
        'rxtx_factor': fields.FloatField(nullable=True, default=1.0),
        'vcpu_weight': fields.IntegerField(nullable=True),
        'disabled': fields.BooleanField(),
        'is_public': fields.BooleanField(),
        'extra_specs': fields.DictOfStringsField(),
        'projects': fields.ListOfStringsField(),
        'description': fields.StringField(nullable=True),
        'created_at': fields.DateTimeField(nullable=True),
        'updated_at': fields.DateTimeField(nullable=True),
    }

    @classmethod
    def _from_db_object(cls, context, flavor, db_flavor):
        for name in _COLUMNS:
            value = getattr(db_flavor, name)
            if name in ('root_gb', 'ephemeral_gb', 'swap') and value is None:
                value = 0
            if name in ('disabled',) and value is None:
                value = False
            if name == 'is_public' and value is None:
                value = True
            cls._set_from_db(flavor, name, value)
        flavor._obj_extra_specs = {s.key: s.value for s in
                                   db_flavor.extra_specs}
        flavor._obj_projects = [p.project_id for p in db_flavor.projects]
        flavor._context = context
        flavor.obj_reset_changes()
        return flavor

    @classmethod
    def _get_one(cls, context, **filters):
        with engines.api_reader(context) as session:
            query = _visible(_flavor_query(session), context)
            db_flavor = query.filter_by(**filters).first()
            if db_flavor is None:
                raise exception.FlavorNotFound(
                    flavor_id=filters.get('flavorid', filters.get('id',
                                          filters.get('name'))))
            return cls._from_db_object(context, cls(), db_flavor)

    @classmethod
    @base.remotable
    def get_by_id(cls, context, id):
        return cls._get_one(context, id=id)

    @classmethod
    @base.remotable
    def get_by_flavor_id(cls, context, flavorid, read_deleted=None):
        return cls._get_one(context, flavorid=flavorid)

    @classmethod
    @base.remotable
    def get_by_name(cls, context, name):
        return cls._get_one(context, name=name)

    @classmethod
    def get_by_flavor_id_cached(cls, context, flavorid, ttl):
        """get_by_flavor_id, reusing for ttl seconds what this process
        read (``[api] flavor_cache_seconds``); who may see a private
        flavor is checked on every call."""
        admin = context.elevated()
        flavor = _CACHE.get(flavorid, ttl,
                            lambda: cls._get_one(admin, flavorid=flavorid))
        if not (context.is_admin or flavor.is_public or
                context.project_id in flavor.projects):
            raise exception.FlavorNotFound(flavor_id=flavorid)
        return flavor._copy(context)

    @ttl_cache.forgets(_CACHE)
    @base.remotable
    def create(self):
        if self.obj_attr_is_set('id'):
            raise exception.ObjectActionError(action='create',
                                              reason='already created')
        updates = self.obj_get_changes()
        extra_specs = updates.pop('extra_specs', {})
        projects = updates.pop('projects', [])
        db_flavor = api_models.Flavors(**updates)
        db_flavor.extra_specs = [api_models.FlavorExtraSpecs(key=k, value=v)
                                 for k, v in extra_specs.items()]
        db_flavor.projects = [api_models.FlavorProjects(project_id=p)
                              for p in projects]
        try:
            with engines.api_writer(self._context) as session:
                clash = session.query(api_models.Flavors).filter(
                    sa.or_(api_models.Flavors.name == self.name,
                           api_models.Flavors.flavorid == self.flavorid)
                ).first()
                if clash is not None:
                    if clash.flavorid == self.flavorid:
                        raise exception.FlavorIdExists(flavor_id=self.flavorid)
                    raise exception.FlavorExists(name=self.name)
                session.add(db_flavor)
                session.flush()
                self._from_db_object(self._context, self, db_flavor)
        except db_exc.DBDuplicateEntry as e:
            if 'flavorid' in (e.columns or []):
                raise exception.FlavorIdExists(flavor_id=self.flavorid)
            raise exception.FlavorExists(name=self.name)

    @ttl_cache.forgets(_CACHE)
    @base.remotable
    def destroy(self):
        with engines.api_writer(self._context) as session:
            db_flavor = session.query(api_models.Flavors).filter_by(
                id=self.id).first()
            if db_flavor is None:
                raise exception.FlavorNotFound(flavor_id=self.flavorid)
            session.delete(db_flavor)

    @ttl_cache.forgets(_CACHE)
    @base.remotable
    def save(self):
        """Save description, extra specs and projects (nothing else may
        change after creation, as in Nova)."""
        changes = self.obj_get_changes()
        with engines.api_writer(self._context) as session:
            db_flavor = session.query(api_models.Flavors).filter_by(
                id=self.id).first()
            if db_flavor is None:
                raise exception.FlavorNotFound(flavor_id=self.flavorid)
            if 'description' in changes:
                db_flavor.description = changes['description']
            if 'extra_specs' in changes:
                current = {s.key: s for s in db_flavor.extra_specs}
                for key, spec in current.items():
                    if key not in self.extra_specs:
                        db_flavor.extra_specs.remove(spec)
                for key, value in self.extra_specs.items():
                    if key in current:
                        current[key].value = value
                    else:
                        db_flavor.extra_specs.append(
                            api_models.FlavorExtraSpecs(key=key, value=value))
            if 'projects' in changes:
                current = {p.project_id: p for p in db_flavor.projects}
                for project, row in current.items():
                    if project not in self.projects:
                        db_flavor.projects.remove(row)
                for project in self.projects:
                    if project not in current:
                        db_flavor.projects.append(
                            api_models.FlavorProjects(project_id=project))
            session.flush()
            self._from_db_object(self._context, self, db_flavor)

    def add_access(self, project_id):
        if self.is_public:
            raise exception.FlavorNotPublicError(flavor_id=self.flavorid)
        if project_id in self.projects:
            raise exception.FlavorAccessExists(flavor_id=self.flavorid,
                                               project_id=project_id)
        self.projects = list(self.projects) + [project_id]
        self.save()

    def remove_access(self, project_id):
        if project_id not in self.projects:
            raise exception.FlavorAccessNotFound(flavor_id=self.flavorid,
                                                 project_id=project_id)
        self.projects = [p for p in self.projects if p != project_id]
        self.save()


@base.NovaObjectRegistry.register
class FlavorList(base.ObjectListBase, base.NovaObject):
    # Version 1.0: Initial version
    VERSION = '1.0'
    fields = {'objects': fields.ListOfObjectsField('Flavor')}

    @classmethod
    @base.remotable
    def get_all(cls, context, inactive=False, filters=None, sort_key='flavorid',
                sort_dir='asc', limit=None, marker=None):
        """Flavors visible to context.

        filters: is_public (True/False/None for both), min_memory_mb,
        min_root_gb, disabled.
        """
        filters = filters or {}
        model = api_models.Flavors
        with engines.api_reader(context) as session:
            query = _visible(_flavor_query(session), context)
            if 'is_public' in filters and filters['is_public'] is not None:
                if filters['is_public']:
                    query = query.filter(model.is_public.is_(True))
                else:
                    query = query.filter(model.is_public.is_(False))
            if 'min_memory_mb' in filters:
                query = query.filter(model.memory_mb >=
                                     filters['min_memory_mb'])
            if 'min_root_gb' in filters:
                query = query.filter(model.root_gb >= filters['min_root_gb'])
            if not inactive and 'disabled' in filters:
                query = query.filter(model.disabled == filters['disabled'])
            sort_col = getattr(model, sort_key)
            order = sort_col.asc() if sort_dir == 'asc' else sort_col.desc()
            query = query.order_by(order, model.id.asc())
            if marker is not None:
                marker_row = session.query(model).filter_by(
                    flavorid=marker).first()
                if marker_row is None:
                    raise exception.MarkerNotFound(marker=marker)
                marker_value = getattr(marker_row, sort_key)
                if sort_dir == 'asc':
                    query = query.filter(sa.or_(
                        sort_col > marker_value,
                        sa.and_(sort_col == marker_value,
                                model.id > marker_row.id)))
                else:
                    query = query.filter(sa.or_(
                        sort_col < marker_value,
                        sa.and_(sort_col == marker_value,
                                model.id > marker_row.id)))
            if limit is not None:
                query = query.limit(limit)
            return base.obj_make_list(context, cls(context),
                                      query.all())
