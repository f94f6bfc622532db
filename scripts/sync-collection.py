#!/usr/bin/env python
# Copyright: (c) 2025, apify.platform maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Mirror the collection's source files into an ansible_collections/<ns>/<name> tree.

ansible-test insists on running from ``.../ansible_collections/<namespace>/<name>``.
The repository root *is* the collection root, so the build lays out a copy:

    python scripts/sync-collection.py SRC DEST

* The file list is what git would put in a fresh clone plus untracked files that are
  not ignored (``git ls-files --cached --others --exclude-standard``, minus deleted
  files): the same rule ansible-test itself applies inside a git work tree.
* Files are copied only when size or mtime differ; files that are gone from the
  source are removed from the copy.  ``.git/`` and ``tests/output/`` of the copy are
  kept (ansible-test results, and the copy's own git index, see below).
* The copy gets its own (empty) git repository.  Without one, ansible-test would walk
  up to the enclosing repository, ask it for the files under ``.build/`` and get
  nothing back, because ``.build/`` is ignored there.  An untracked-only repository
  makes ansible-test list exactly the copied files, honouring the copied .gitignore.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

# Never copied, whatever git says (defence in depth: they are ignored anyway).
EXCLUDED_PREFIXES = ('.venv/', '.venvs/', '.build/', '.cache/', '.ansible/', 'tests/output/', '.git/')
# Paths in the copy that are not ours to delete.
KEPT_PREFIXES = ('.git/', 'tests/output/')
KEPT_PARTS = ('__pycache__', '.pytest_cache')
# Generated per run by `make integration`: never carried over from a previous run.
GENERATED = ('tests/integration/integration_config.yml', 'tests/integration/inventory')


def git_files(src: str, *args: str) -> list[str]:
    out = subprocess.run(['git', '-C', src, 'ls-files', '-z', *args],
                         check=True, stdout=subprocess.PIPE).stdout
    return [p for p in out.decode('utf-8', 'surrogateescape').split('\0') if p]


def source_files(src: str) -> tuple[list[str], list[str]]:
    """Return (all files, untracked files) relative to src."""
    if not os.path.exists(os.path.join(src, '.git')):
        raise SystemExit(f'{src} is not the root of a git work tree')
    tracked = set(git_files(src, '--cached'))
    others = set(git_files(src, '--others', '--exclude-standard'))
    deleted = set(git_files(src, '--deleted'))
    files = sorted(p for p in (tracked | others) - deleted
                   if not p.startswith(EXCLUDED_PREFIXES) and os.path.lexists(os.path.join(src, p)))
    return files, sorted(others - deleted)


def same(src: str, dst: str) -> bool:
    if os.path.islink(src) or os.path.islink(dst):
        return os.path.islink(src) and os.path.islink(dst) and os.readlink(src) == os.readlink(dst)
    try:
        s, d = os.stat(src), os.stat(dst)
    except FileNotFoundError:
        return False
    return s.st_size == d.st_size and int(s.st_mtime) == int(d.st_mtime) and s.st_mode == d.st_mode


def copy(src: str, dst: str) -> None:
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if os.path.lexists(dst) and (os.path.isdir(dst) and not os.path.islink(dst)):
        shutil.rmtree(dst)
    elif os.path.lexists(dst):
        os.unlink(dst)
    if os.path.islink(src):
        os.symlink(os.readlink(src), dst)
    else:
        shutil.copy2(src, dst)


def prune(dest: str, wanted: set[str]) -> int:
    removed = 0
    for root, dirs, files in os.walk(dest, topdown=True):
        rel_root = os.path.relpath(root, dest)
        rel_root = '' if rel_root == '.' else rel_root + '/'
        dirs[:] = [d for d in dirs
                   if d not in KEPT_PARTS and not (rel_root + d + '/').startswith(KEPT_PREFIXES)]
        for name in files:
            rel = rel_root + name
            if rel not in wanted:
                os.unlink(os.path.join(root, name))
                removed += 1
        for name in list(dirs):  # symlinked directories show up as dirs
            rel = rel_root + name
            if os.path.islink(os.path.join(root, name)) and rel not in wanted:
                os.unlink(os.path.join(root, name))
                dirs.remove(name)
                removed += 1
    # drop directories left empty
    for root, dirs, files in os.walk(dest, topdown=False):
        rel = os.path.relpath(root, dest) + '/'
        if root != dest and not rel.startswith(KEPT_PREFIXES) and not os.listdir(root):
            os.rmdir(root)
    return removed


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    src, dest = (os.path.abspath(p) for p in sys.argv[1:])
    if not dest.split(os.sep)[-3:-2] == ['ansible_collections']:
        raise SystemExit(f'{dest} must end in ansible_collections/<namespace>/<name>')
    files, untracked = source_files(src)
    os.makedirs(dest, exist_ok=True)

    for rel in GENERATED:
        if os.path.lexists(os.path.join(dest, rel)):
            os.unlink(os.path.join(dest, rel))
    copied = 0
    for rel in files:
        if not same(os.path.join(src, rel), os.path.join(dest, rel)):
            copy(os.path.join(src, rel), os.path.join(dest, rel))
            copied += 1
    removed = prune(dest, set(files))

    if not os.path.exists(os.path.join(dest, '.git')):
        subprocess.run(['git', 'init', '-q', dest], check=True)

    print(f'sync-collection: {len(files)} files in {os.path.relpath(dest)} '
          f'({copied} copied, {removed} removed)')
    if untracked:
        shown = ', '.join(untracked[:8]) + (' ...' if len(untracked) > 8 else '')
        print(f'sync-collection: NOTE: {len(untracked)} untracked file(s) included; a fresh clone '
              f'(CI) will not have them until they are committed: {shown}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
