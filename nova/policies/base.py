"""Base rules every API policy is written with (the new default roles).

Roles: ``admin`` (the whole cloud), ``manager``, ``member`` and ``reader``
(within one project), ``service`` (other OpenStack services). Rules owned
by a project compare the caller's project with the target's
``project_id``.
"""
from oslo_policy import policy

RULE_ANY = '@'
RULE_NOBODY = '!'

ADMIN = 'rule:context_is_admin'
PROJECT_MANAGER = 'rule:project_manager_api'
PROJECT_MEMBER = 'rule:project_member_api'
PROJECT_READER = 'rule:project_reader_api'
SERVICE_ROLE = 'rule:service_api'
PROJECT_MANAGER_OR_ADMIN = 'rule:project_manager_or_admin'
PROJECT_MEMBER_OR_ADMIN = 'rule:project_member_or_admin'
PROJECT_READER_OR_ADMIN = 'rule:project_reader_or_admin'
SERVICE_OR_ADMIN = 'rule:service_or_admin'

rules = [
    policy.RuleDefault('context_is_admin', 'role:admin',
                       'Decides what an administrator is.'),
    policy.RuleDefault('admin_or_owner',
                       'is_admin:True or project_id:%(project_id)s',
                       'Kept for old policy files; no default uses it.'),
    policy.RuleDefault('admin_api', 'is_admin:True',
                       'Kept for old policy files; no default uses it.'),
    policy.RuleDefault('project_manager_api',
                       'role:manager and project_id:%(project_id)s',
                       'A manager of the target project.'),
    policy.RuleDefault('project_member_api',
                       'role:member and project_id:%(project_id)s',
                       'A member of the target project.'),
    policy.RuleDefault('project_reader_api',
                       'role:reader and project_id:%(project_id)s',
                       'A reader of the target project.'),
    policy.RuleDefault('service_api', 'role:service',
                       'Another OpenStack service acting on our behalf.'),
    policy.RuleDefault('project_manager_or_admin',
                       'rule:project_manager_api or rule:context_is_admin',
                       'A project manager or an administrator.'),
    policy.RuleDefault('project_member_or_admin',
                       'rule:project_member_api or rule:context_is_admin',
                       'A project member or an administrator.'),
    policy.RuleDefault('project_reader_or_admin',
                       'rule:project_reader_api or rule:context_is_admin',
                       'A project reader or an administrator.'),
    policy.RuleDefault('service_or_admin',
                       'rule:service_api or rule:context_is_admin',
                       'A service user or an administrator.'),
]


def list_rules():
    return rules
