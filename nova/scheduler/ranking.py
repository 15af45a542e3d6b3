"""Hosts in weight order, kept current as a decision places instances.

Weights are computed once per request over all hosts that passed the
filters (normalised per weigher, see nova.scheduler.weights). Placing an
instance changes only the chosen host's figures, so only its weight is
recomputed, against the same normalisation bounds: a multi-create of 100
costs one full weighing, not 100.
"""
import bisect
import itertools
import random


class Ranking:
    def __init__(self, weighers, hosts, request):
        self._request = request
        self._weighers = []
        totals = [0.0] * len(hosts)
        for weigher in weighers:
            multiplier = weigher.multiplier(request)
            if not multiplier:
                continue
            values = [weigher.weigh(h, request) for h in hosts]
            low = min(values) if values else 0
            span = (max(values) - low) if values else 0
            if not span:
                # All hosts alike: keep a scale anyway, so a host that
                # takes an instance of this request ranks lower after.
                span = abs(low) or 1
            self._weighers.append((weigher, multiplier, low, span))
            factor = multiplier / span
            for i, value in enumerate(values):
                totals[i] += factor * (value - low)
        self._seq = itertools.count()
        keys = sorted(((-w, next(self._seq)), i)
                      for i, w in enumerate(totals))
        self._keys = [k for k, _ in keys]           # sorted (-weight, seq)
        self._hosts = [hosts[i] for _, i in keys]  # same order
        self._key_of = {id(h): k for k, h in zip(self._keys, self._hosts)}

    def weight(self, host):
        total = 0.0
        for weigher, multiplier, low, span in self._weighers:
            value = (weigher.weigh(host, self._request) - low) / span
            total += multiplier * value
        return total

    def _insert(self, host):
        key = (-self.weight(host), next(self._seq))
        index = bisect.bisect(self._keys, key)
        self._keys.insert(index, key)
        self._hosts.insert(index, host)
        self._key_of[id(host)] = key

    def remove(self, host):
        key = self._key_of.pop(id(host), None)
        if key is None:
            return
        index = bisect.bisect_left(self._keys, key)
        del self._keys[index]
        del self._hosts[index]

    def reweigh(self, host):
        self.remove(host)
        self._insert(host)

    def __len__(self):
        return len(self._hosts)

    def __iter__(self):
        return iter(list(self._hosts))

    def hosts(self):
        return list(self._hosts)

    def pick(self, subset_size, rng=random):
        """The best host, or a random one of the best subset_size."""
        top = self._hosts[:max(1, subset_size)]
        return top[0] if len(top) == 1 else rng.choice(top)
