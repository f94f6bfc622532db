#!/usr/bin/env bash
# `make docs`: the collection's documentation as a static HTML site, built offline.
#
#   scripts/docs.sh .build/ansible_collections/apify/platform [OUT, default .build/docs]
#
# 1. antsibull-docs sphinx-init writes a Sphinx project into OUT/src (regenerated on every run);
# 2. antsibull-docs collection renders, into OUT/src/rst, the reference of every module, filter and
#    role from their documentation, and the guides of docs/docsite (extra-docs.yml, links.yml);
# 3. a preview of the next release's notes is rendered from changelogs/fragments with
#    antsibull-changelog, in a scratch copy (NEXT_VERSION, default 1.0.0; nothing is released);
# 4. sphinx-build -W writes OUT/html: any warning (a broken reference, bad markup) fails the build.
# The collection must be the laid-out copy (`make collection`); ANSIBLE_COLLECTIONS_PATH points at
# it. The tools come from requirements-docs.txt, installed into .venvs/docs on the first run
# (TOOL_VENVS=DIR puts them elsewhere).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
COLLECTION=$(cd "${1:?usage: scripts/docs.sh <laid-out collection> [output directory]}" && pwd)
BUILD=$(cd "$COLLECTION/../../.." && pwd)
OUT=$(mkdir -p "${2:-$BUILD/docs}" && cd "${2:-$BUILD/docs}" && pwd)
DOCS_VENV="${TOOL_VENVS:-$ROOT/.venvs}/docs"
NEXT_VERSION=${NEXT_VERSION:-1.0.0}

# shellcheck source=scripts/toolvenv.sh
source "$ROOT/scripts/toolvenv.sh"
start=$(date +%s)
ensure_venv "$DOCS_VENV" "$ROOT/requirements-docs.txt"
export PATH="$DOCS_VENV/bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$BUILD" ANSIBLE_NOCOLOR=1 PYTHONDONTWRITEBYTECODE=1

echo "docs: Sphinx project in $OUT/src"
rm -rf "$OUT/src" "$OUT/html" "$OUT/doctrees" "$OUT/changelog-preview"
mkdir -m 755 "$OUT/src" # antsibull-docs wants its directories writable only by their owner
antsibull-docs sphinx-init --use-current --squash-hierarchy --fail-on-error --dest-dir "$OUT/src" \
    --project apify.platform --copyright 'apify.platform contributors' \
    --title 'apify.platform documentation' --html-short-title 'apify.platform' \
    apify.platform
cat >>"$OUT/src/conf.py" <<'EOF'

# --- added by scripts/docs.sh: an offline build ---
# No intersphinx inventory can be fetched here. The labels of the Ansible documentation that the
# generated pages refer to become links to docs.ansible.com; any other unresolved reference still
# fails the build (sphinx-build -W).
intersphinx_mapping = {}
_ANSIBLE_DOCS = 'https://docs.ansible.com/projects/ansible/latest/'
_ANSIBLE_LABELS = {
    'ansible_configuration_settings': 'reference_appendices/config.html',
    'common_return_values': 'reference_appendices/common_return_values.html',
}


def _ansible_docs_label(app, env, node, contnode):
    from docutils import nodes

    target = node.get('reftarget')
    if node.get('refdomain') != 'std' or node.get('reftype') != 'ref' or target not in _ANSIBLE_LABELS:
        return None
    reference = nodes.reference('', '', internal=False, refuri=_ANSIBLE_DOCS + _ANSIBLE_LABELS[target])
    reference += contnode
    return reference


def setup(app):
    app.connect('missing-reference', _ansible_docs_label)
EOF

cd "$OUT/src"
mkdir -p -m 755 rst
echo 'docs: antsibull-docs collection (plugin, filter and role reference; guides)'
antsibull-docs --config-file antsibull-docs.cfg collection --use-current --squash-hierarchy \
    --fail-on-error --cleanup everything --dest-dir rst apify.platform

echo "docs: preview of the release notes of $NEXT_VERSION (antsibull-changelog in a scratch copy)"
preview_root="$OUT/changelog-preview"
preview="$preview_root/ansible_collections/apify/platform"
mkdir -p "$preview"
for path in galaxy.yml meta plugins roles changelogs; do
    cp -a "$COLLECTION/$path" "$preview/"
done
(
    cd "$preview"
    ANSIBLE_COLLECTIONS_PATH="$preview_root" antsibull-changelog release --version "$NEXT_VERSION" --date "$(date +%F)"
    antsibull-changelog generate --output "$OUT/src/changelog.rst" --output-format rst
    cp CHANGELOG.md "$OUT/changelog-preview.md"
)
{
    printf ':orphan:\n\n.. note::\n\n'
    printf '   A preview: the release notes that version %s would get from the changelog fragments\n' "$NEXT_VERSION"
    printf '   in changelogs/fragments, built by make docs on %s. Nothing has been released.\n\n' "$(date +%F)"
    cat "$OUT/src/changelog.rst"
} >rst/changelog_preview.rst
rm "$OUT/src/changelog.rst"

echo 'docs: sphinx-build -W'
sphinx-build -M html rst "$OUT" -c . -W --keep-going -q
echo "docs: built in $(($(date +%s) - start))s: $OUT/html/index.html"
echo "docs: release notes preview: $OUT/html/changelog_preview.html and $OUT/changelog-preview.md"
