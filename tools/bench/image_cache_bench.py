"""Throughput and memory of the compute host image cache.

Writes one image file of --size-mib MiB, then fetches it into an
``ImageCache`` (nova/compute/image_cache.py) through a facade that streams
the file in 1 MiB chunks, as the built-in store does: the cache writes a
partial file, hashes it (sha512 and MD5), fsyncs and renames it. Prints
MiB/s of the first fetch, the time of a fetch that finds the file cached,
the time until --threads concurrent first fetches of another image all
return (one download), a baseline (the same bytes copied with fsync in the
same directory), and this process's RSS growth. Prints figures only.

    .venv/bin/python tools/bench/image_cache_bench.py --size-mib 1024
"""
import argparse
import hashlib
import os
import resource
import shutil
import tempfile
import threading
import time

from nova.compute import image_cache
from nova import conf as nova_conf

MiB = 1024 * 1024


class FileFacade:
    """download(ctx, image_id): the chunks of one file per image."""

    def __init__(self, files):
        self.files = files
        self.downloads = 0

    def download(self, context, image_id):
        self.downloads += 1
        with open(self.files[image_id], 'rb') as f:
            while True:
                chunk = f.read(MiB)
                if not chunk:
                    return
                yield chunk


def make_image(path, size_mib):
    md5, sha = hashlib.md5(usedforsecurity=False), hashlib.sha512()
    block = os.urandom(MiB)
    with open(path, 'wb') as f:
        for _ in range(size_mib):
            f.write(block)
            md5.update(block)
            sha.update(block)
    return {'id': os.path.basename(path), 'size': size_mib * MiB,
            'checksum': md5.hexdigest(), 'os_hash_algo': 'sha512',
            'os_hash_value': sha.hexdigest()}


def rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--size-mib', type=int, default=256)
    parser.add_argument('--threads', type=int, default=8)
    parser.add_argument('--dir', help='where to work (default: a temp dir)')
    args = parser.parse_args()
    work = tempfile.mkdtemp(dir=args.dir, prefix='image-cache-bench-')
    try:
        run(work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(work, args):
    src = os.path.join(work, 'src')
    os.makedirs(src)
    images = [make_image(os.path.join(src, name), args.size_mib)
              for name in ('image-a', 'image-b')]
    facade = FileFacade({i['id']: os.path.join(src, i['id'])
                         for i in images})
    conf = nova_conf.build_conf(overrides={'state_path': work})
    cache = image_cache.ImageCache(conf, facade)
    rss_before = rss_mib()

    started = time.monotonic()
    cache.fetch(None, images[0])
    first = time.monotonic() - started
    started = time.monotonic()
    cache.fetch(None, images[0])
    hit = time.monotonic() - started

    threads = [threading.Thread(target=cache.fetch, args=(None, images[1]))
               for _ in range(args.threads)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    concurrent = time.monotonic() - started

    started = time.monotonic()
    baseline = os.path.join(work, 'baseline')
    with open(os.path.join(src, images[0]['id']), 'rb') as s, \
            open(baseline, 'wb') as d:
        shutil.copyfileobj(s, d, MiB)
        d.flush()
        os.fsync(d.fileno())
    copy = time.monotonic() - started

    size = args.size_mib
    print('image size                 %8d MiB' % size)
    print('first fetch (verify+fsync) %8.2f s  %8.1f MiB/s'
          % (first, size / first))
    print('cached fetch               %8.4f s' % hit)
    print('%2d concurrent first fetches %7.2f s  (%d downloads in all)'
          % (args.threads, concurrent, facade.downloads))
    print('baseline copy with fsync   %8.2f s  %8.1f MiB/s'
          % (copy, size / copy))
    print('peak RSS growth            %8.1f MiB' % (rss_mib() - rss_before))


if __name__ == '__main__':
    main()
