#!/usr/bin/env python
# Copyright: (c) 2025, apify.platform maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline stand-in for the get-pip.py script that ansible-test downloads.

ansible-test bootstraps pip into every virtual environment it creates (``--venv``)
by running ``~/.ansible/test/cache/get_pip_<X_Y>.py`` and only downloads that file,
from a host this network cannot reach, when it is missing.  It runs it as

    python get_pip_24_2.py --disable-pip-version-check pip==24.2 --no-setuptools --no-wheel

(see ansible_test/_util/target/setup/requirements.py, ``bootstrap()``).  This stand-in
accepts the same arguments and installs the requested pip from a wheel that
``scripts/install-offline-get-pip.py`` put next to it (``wheels/`` beside this file,
fetched from the package index with pip at ``make`` time): pip is run straight from
the wheel (a wheel is a zip that Python can execute) with ``--no-index``, so nothing is
downloaded here.  Without a matching wheel it falls back to ``ensurepip`` followed by
an ordinary ``pip install`` from the configured index.
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys

# get-pip.py options that have no meaning for `pip install`.
GET_PIP_ONLY = {'--no-setuptools', '--no-wheel'}


def wheel_dirs() -> list[str]:
    here = os.path.dirname(os.path.abspath(__file__))
    dirs = [os.path.join(here, 'wheels'), here]
    extra = os.environ.get('OFFLINE_GET_PIP_WHEELS')
    if extra:
        dirs.insert(0, extra)
    return [d for d in dirs if os.path.isdir(d)]


def find_wheel(name: str, version: str | None) -> str | None:
    for directory in wheel_dirs():
        pattern = f'{name}-{version}-*.whl' if version else f'{name}-*.whl'
        found = sorted(glob.glob(os.path.join(directory, pattern)))
        if found:
            return found[-1]
    return None


def main(argv: list[str]) -> int:
    options = [a for a in argv if a.startswith('-') and a not in GET_PIP_ONLY]
    requirements = [a for a in argv if not a.startswith('-')] or ['pip']
    if any(not r.startswith('pip') for r in requirements):
        print(f'offline-get-pip: only pip can be bootstrapped, asked for {requirements}', file=sys.stderr)
        return 2
    spec = requirements[0]
    version = spec.split('==', 1)[1] if '==' in spec else None

    wheel = find_wheel('pip', version)
    if wheel:
        print(f'offline-get-pip: installing {spec} from {wheel} (no index)', flush=True)
        cmd = [sys.executable, os.path.join(wheel, 'pip'), 'install', '--no-index',
               '--find-links', os.path.dirname(wheel), *options, spec]
        return subprocess.call(cmd)

    print(f'offline-get-pip: no wheel for {spec} in {wheel_dirs()}; '
          'falling back to ensurepip + the configured package index', file=sys.stderr, flush=True)
    rc = subprocess.call([sys.executable, '-m', 'ensurepip', '--default-pip'])
    if rc:
        return rc
    return subprocess.call([sys.executable, '-m', 'pip', 'install', *options, spec])


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
