#!/usr/bin/env python
# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline stand-in for the get-pip.py that ansible-test downloads to bootstrap pip.

ansible-test bootstraps pip into each virtual environment it makes (``--venv``) by running
``~/.ansible/test/cache/get_pip_<X_Y_Z>.py --disable-pip-version-check pip==X.Y.Z --no-setuptools
--no-wheel``, and downloads that script from a host that package mirrors do not carry only when the
file is missing (pip 23.1.2 for ansible-core 2.16, 24.2 for 2.19, 25.2 for 2.21). ``--install DIR``,
run by the Python that has ansible-core installed (the nox sessions do), asks that ansible-test
which pip it wants, downloads the pip wheel from the package index into DIR (a cache, once), and
puts this file in ansible-test's cache under that name with the wheel beside it. Run by ansible-test
under that name, it installs the wheel with pip run from the wheel itself and ``--no-index``.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
import types

CACHE = os.path.expanduser("~/.ansible/test/cache")


def wanted_pip() -> str:
    """The pip version that the installed ansible-test bootstraps."""
    try:
        from ansible_test._internal.python_requirements import get_venv_packages

        return get_venv_packages(types.SimpleNamespace(version="%d.%d" % sys.version_info[:2]))["pip"]
    except Exception:  # the private API moved: read its source instead
        import ansible_test

        path = os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py")
        with open(path, encoding="utf-8") as source:
            return re.search(r"\bpip='([0-9.]+)'", source.read()).group(1)


def _copy(source: str, target: str) -> None:
    """Copy atomically: ansible-test of another checkout may be reading TARGET (the cache is per user)."""
    temporary = f"{target}.{os.getpid()}.tmp"
    shutil.copyfile(source, temporary)
    os.replace(temporary, target)


def install(wheel_dir: str) -> int:
    version = wanted_pip()
    pattern = os.path.join(wheel_dir, f"pip-{version}-*.whl")
    if not glob.glob(pattern):
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", "--dest", wheel_dir, f"pip=={version}"], check=True
        )
    wheel = sorted(glob.glob(pattern))[-1]
    os.makedirs(os.path.join(CACHE, "wheels"), exist_ok=True)
    _copy(wheel, os.path.join(CACHE, "wheels", os.path.basename(wheel)))
    _copy(os.path.abspath(__file__), os.path.join(CACHE, "get_pip_%s.py" % version.replace(".", "_")))
    print(f"offline-get-pip: ansible-test can bootstrap pip {version} offline")
    return 0


def bootstrap(argv: list[str]) -> int:
    options = [a for a in argv if a.startswith("-") and a not in ("--no-setuptools", "--no-wheel")]
    spec = ([a for a in argv if not a.startswith("-")] or ["pip"])[0]
    version = spec.partition("==")[2] or "*"
    here = os.path.dirname(os.path.abspath(__file__))
    wheels = sorted(glob.glob(os.path.join(here, "wheels", f"pip-{version}-*.whl")))
    if not wheels:
        print(f"offline-get-pip: no wheel for {spec} in {here}/wheels: run `make` again", file=sys.stderr)
        return 1
    print(f"offline-get-pip: installing {spec} from {wheels[-1]}", flush=True)
    return subprocess.call(
        [sys.executable, os.path.join(wheels[-1], "pip"), "install", "--no-index", "--find-links", os.path.dirname(wheels[-1]), *options, spec]
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--install"] and len(sys.argv) == 3:
        sys.exit(install(os.path.abspath(sys.argv[2])))
    sys.exit(bootstrap(sys.argv[1:]))
