"""SQL of the built-in store: image rows, their properties, tags, members.

Functions take the request context (for the API database transaction) and
return plain dicts in the facade's shape. Who may see or change what is
decided by the caller (:mod:`nova.image.store.access`), except for the
visibility clause of listings, which has to be SQL.
"""
import sqlalchemy as sa

from nova.db.api import image_models as models
from nova.db import engines
from nova.db import types as db_types
from nova.image import meta

COLUMNS = ('id', 'name', 'status', 'visibility', 'owner', 'protected',
           'os_hidden', 'min_ram', 'min_disk', 'size', 'virtual_size',
           'disk_format', 'container_format', 'checksum', 'os_hash_algo',
           'os_hash_value', 'created_at', 'updated_at')
SIMPLE_FILTERS = ('id', 'name', 'status', 'owner', 'disk_format',
                  'container_format')


def utcnow():
    """Now, to the second: the API shows times to the second, so stored
    times equal shown ones (``updated_at=eq:...`` filters work)."""
    return db_types.utcnow().replace(microsecond=0)


def isotime(value):
    return value.strftime('%Y-%m-%dT%H:%M:%SZ') if value else None


def _to_dict(row, props, tags):
    image = {name: getattr(row, name) for name in COLUMNS}
    image['created_at'] = isotime(row.created_at)
    image['updated_at'] = isotime(row.updated_at or row.created_at)
    image['properties'] = props
    image['tags'] = tags
    return image


def _extras(session, image_ids):
    """({id: properties}, {id: tags}) of the given images."""
    props = {i: {} for i in image_ids}
    tags = {i: [] for i in image_ids}
    if not image_ids:
        return props, tags
    for image_id, name, value in session.execute(sa.select(
            models.ImageProperty.image_id, models.ImageProperty.name,
            models.ImageProperty.value).where(
            models.ImageProperty.image_id.in_(image_ids))):
        props[image_id][name] = value
    for image_id, value in session.execute(sa.select(
            models.ImageTag.image_id, models.ImageTag.value).where(
            models.ImageTag.image_id.in_(image_ids)).order_by(
            models.ImageTag.id)):
        tags[image_id].append(value)
    return props, tags


def _with_extras(session, rows):
    props, tags = _extras(session, [r.id for r in rows])
    return [_to_dict(r, props[r.id], tags[r.id]) for r in rows]


def get(context, image_id):
    """The image dict (deleted ones too), or None."""
    with engines.api_reader(context) as session:
        row = session.get(models.Image, image_id)
        return _with_extras(session, [row])[0] if row else None


def member_of(context, image_id, member):
    """The member's status on an image, or None."""
    with engines.api_reader(context) as session:
        return session.execute(sa.select(models.ImageMember.status).where(
            models.ImageMember.image_id == image_id,
            models.ImageMember.member == member)).scalar()


# -- listing ----------------------------------------------------------------

def _member_clause(project_id, member_status):
    clause = sa.select(models.ImageMember.id).where(
        models.ImageMember.image_id == models.Image.id,
        models.ImageMember.member == project_id)
    if member_status != 'all':
        clause = clause.where(models.ImageMember.status == member_status)
    return clause.exists()


def visibility_clause(project_id, is_admin, visibility, member_status):
    """Which rows the caller sees for a ``visibility`` filter (None: the
    default listing: public, own, and shared with the caller)."""
    image = models.Image
    if visibility in ('public', 'community'):
        return image.visibility == visibility
    own = image.owner == project_id
    shared = sa.and_(image.visibility == 'shared',
                     _member_clause(project_id, member_status))
    if visibility == 'private':
        return sa.and_(image.visibility == 'private',
                       sa.true() if is_admin else own)
    if visibility == 'shared':
        return sa.and_(image.visibility == 'shared',
                       sa.true() if is_admin else sa.or_(own, shared))
    if is_admin:
        return sa.true() if visibility == 'all' else \
            image.visibility != 'community'
    visible = [image.visibility == 'public', own, shared]
    if visibility == 'all':
        visible.append(image.visibility == 'community')
    return sa.or_(*visible)


def _attribute_clauses(filters):
    image = models.Image
    for name in SIMPLE_FILTERS:
        value = filters.get(name)
        if value is None:
            continue
        if isinstance(value, str) and value.startswith('in:'):
            yield getattr(image, name).in_(value[3:].split(','))
        else:
            yield getattr(image, name) == value
    if filters.get('size_min') is not None:
        yield image.size >= filters['size_min']
    if filters.get('size_max') is not None:
        yield image.size <= filters['size_max']
    for name in meta.TIME_FILTERS:
        if filters.get(name):
            compare, moment = meta.parse_time_filter(name, filters[name])
            yield compare(getattr(image, name), moment)
    for name in ('protected', 'os_hidden'):
        if filters.get(name) is not None:
            yield getattr(image, name) == filters[name]
    for tag in filters.get('tag') or ():
        yield sa.select(models.ImageTag.id).where(
            models.ImageTag.image_id == image.id,
            models.ImageTag.value == tag).exists()
    for name, value in (filters.get('properties') or {}).items():
        yield sa.select(models.ImageProperty.id).where(
            models.ImageProperty.image_id == image.id,
            models.ImageProperty.name == name,
            models.ImageProperty.value == value).exists()


def list_images(context, filters, visible):
    """Image dicts matching filters (see :func:`_attribute_clauses`) and
    the ``visible`` clause; unsorted, every match."""
    with engines.api_reader(context) as session:
        query = sa.select(models.Image).where(
            visible, models.Image.status != 'deleted',
            *_attribute_clauses(filters))
        rows = session.execute(query).scalars().all()
        return _with_extras(session, rows)


# -- writing ----------------------------------------------------------------

def _replace_extras(session, image_id, props=None, remove_props=(),
                    tags=None):
    prop_table = models.ImageProperty
    if remove_props:
        session.execute(sa.delete(prop_table).where(
            prop_table.image_id == image_id,
            prop_table.name.in_(list(remove_props))))
    for name, value in (props or {}).items():
        row = session.execute(sa.select(prop_table).where(
            prop_table.image_id == image_id,
            prop_table.name == name)).scalar()
        if row is None:
            session.add(prop_table(image_id=image_id, name=name,
                                   value=value))
        else:
            row.value = value
    if tags is not None:
        session.execute(sa.delete(models.ImageTag).where(
            models.ImageTag.image_id == image_id))
        for tag in dict.fromkeys(tags):
            session.add(models.ImageTag(image_id=image_id, value=tag))
    session.flush()


@engines.retry_if_locked
def create(context, values, props, tags):
    """Insert a row; False if the id exists already."""
    with engines.api_writer(context) as session:
        if session.get(models.Image, values['id']) is not None:
            return False
        session.add(models.Image(**values))
        session.flush()
        _replace_extras(session, values['id'], props, tags=tags)
        return True


@engines.retry_if_locked
def update(context, image_id, values, props=None, remove_props=(),
           tags=None, from_statuses=None):
    """Change a row (and its properties/tags); with from_statuses, only if
    the row's status is one of them. True if a row changed."""
    with engines.api_writer(context) as session:
        query = sa.update(models.Image).where(models.Image.id == image_id)
        if from_statuses:
            query = query.where(models.Image.status.in_(from_statuses))
        values = dict(values, updated_at=utcnow())
        if session.execute(query.values(**values)).rowcount != 1:
            return False
        _replace_extras(session, image_id, props, remove_props, tags)
        return True


def stuck_in(context, status):
    """Ids of images with the given status."""
    with engines.api_reader(context) as session:
        return list(session.execute(sa.select(models.Image.id).where(
            models.Image.status == status)).scalars())


# -- members ----------------------------------------------------------------

def _member_dict(row):
    return {'image_id': row.image_id, 'member_id': row.member,
            'status': row.status, 'created_at': isotime(row.created_at),
            'updated_at': isotime(row.updated_at or row.created_at)}


def list_members(context, image_id):
    with engines.api_reader(context) as session:
        rows = session.execute(sa.select(models.ImageMember).where(
            models.ImageMember.image_id == image_id).order_by(
            models.ImageMember.id)).scalars()
        return [_member_dict(r) for r in rows]


def get_member(context, image_id, member):
    with engines.api_reader(context) as session:
        row = session.execute(sa.select(models.ImageMember).where(
            models.ImageMember.image_id == image_id,
            models.ImageMember.member == member)).scalar()
        return _member_dict(row) if row else None


@engines.retry_if_locked
def add_member(context, image_id, member):
    """The new member dict, or None if it exists."""
    with engines.api_writer(context) as session:
        if session.execute(sa.select(models.ImageMember.id).where(
                models.ImageMember.image_id == image_id,
                models.ImageMember.member == member)).first():
            return None
        row = models.ImageMember(image_id=image_id, member=member,
                                 status='pending')
        session.add(row)
        session.flush()
        return _member_dict(row)


@engines.retry_if_locked
def set_member_status(context, image_id, member, status):
    with engines.api_writer(context) as session:
        row = session.execute(sa.select(models.ImageMember).where(
            models.ImageMember.image_id == image_id,
            models.ImageMember.member == member)).scalar()
        if row is None:
            return None
        row.status = status
        row.updated_at = utcnow()
        session.flush()
        return _member_dict(row)


@engines.retry_if_locked
def delete_member(context, image_id, member):
    with engines.api_writer(context) as session:
        return session.execute(sa.delete(models.ImageMember).where(
            models.ImageMember.image_id == image_id,
            models.ImageMember.member == member)).rowcount == 1
