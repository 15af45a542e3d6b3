"""Soft server group policies: prefer (soft-affinity) or avoid
(soft-anti-affinity) hosts with the group's members, never refuse."""
from nova.scheduler import request as sched_request
from nova.scheduler import weights


class _GroupWeigher(weights.BaseWeigher):
    policy = None
    sign = 1

    def multiplier(self, request):
        if request.group_policy != self.policy:
            return 0.0
        return super().multiplier(request)

    def weigh(self, host, request):
        return self.sign * request.members_on(host)


class ServerGroupSoftAffinityWeigher(_GroupWeigher):
    option = 'soft_affinity_weight_multiplier'
    policy = sched_request.SOFT_AFFINITY


class ServerGroupSoftAntiAffinityWeigher(_GroupWeigher):
    option = 'soft_anti_affinity_weight_multiplier'
    policy = sched_request.SOFT_ANTI_AFFINITY
    sign = -1
