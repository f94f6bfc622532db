#!/usr/bin/env python
# Copyright: (c) 2025, apify.platform maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make ansible-test's pip bootstrap work without its download host.

Run with the interpreter that has ansible-core installed (the project's .venv):

    .venv/bin/python scripts/install-offline-get-pip.py WHEEL_CACHE_DIR

1. Asks the installed ansible-test which pip it bootstraps (``get_venv_packages``:
   24.2 for ansible-core 2.19).
2. Downloads ``pip-<version>-py3-none-any.whl`` from the package index into
   WHEEL_CACHE_DIR with this interpreter's pip, unless it is already there.
3. Installs scripts/offline-get-pip.py as ``~/.ansible/test/cache/get_pip_<X_Y>.py``
   (the path ansible-test looks at before downloading) and the wheel into
   ``~/.ansible/test/cache/wheels/``, where the stand-in looks for it.
"""

from __future__ import annotations

import filecmp
import glob
import os
import re
import shutil
import subprocess
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.expanduser('~/.ansible/test/cache')


def bootstrap_pip_version() -> str:
    """The pip version ansible-test bootstraps into its virtual environments."""
    try:
        from ansible_test._internal.python_requirements import get_venv_packages
        version = '%d.%d' % sys.version_info[:2]
        return get_venv_packages(types.SimpleNamespace(version=version))['pip']
    except Exception as ex:  # pylint: disable=broad-exception-caught
        # fall back to reading the source, in case the private API moves
        import ansible_test
        path = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
        with open(path, encoding='utf-8') as source:
            match = re.search(r"\bpip='([0-9.]+)'", source.read())
        if not match:
            raise SystemExit(f'cannot tell which pip ansible-test bootstraps ({ex}); read {path}') from ex
        return match.group(1)


def install_file(src: str, dst: str) -> None:
    if os.path.exists(dst) and filecmp.cmp(src, dst, shallow=False):
        return
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    tmp = dst + '.tmp'
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)
    print(f'install-offline-get-pip: installed {dst}')


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    wheel_dir = os.path.abspath(sys.argv[1])
    version = bootstrap_pip_version()
    pattern = os.path.join(wheel_dir, f'pip-{version}-*.whl')

    if not glob.glob(pattern):
        os.makedirs(wheel_dir, exist_ok=True)
        subprocess.run([sys.executable, '-m', 'pip', 'download', '--disable-pip-version-check', '--quiet',
                        '--no-deps', '--only-binary=:all:', '--dest', wheel_dir, f'pip=={version}'], check=True)
    wheels = sorted(glob.glob(pattern))
    if not wheels:
        raise SystemExit(f'pip download did not produce {pattern}')

    install_file(os.path.join(HERE, 'offline-get-pip.py'),
                 os.path.join(CACHE, 'get_pip_%s.py' % version.replace('.', '_')))
    install_file(wheels[-1], os.path.join(CACHE, 'wheels', os.path.basename(wheels[-1])))
    print(f'install-offline-get-pip: ansible-test pip {version} bootstrap ready (offline)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
