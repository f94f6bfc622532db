# Copyright: apify.platform contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of apify.platform.webhook in the ansible.eda style: main() with a queue stand-in,
called over loopback; verification against a scripted API whose log says what it received."""

from __future__ import annotations

import asyncio
import json
import logging

import aiohttp
import pytest
from conftest import ACTOR, SECRET, TASK, TOKEN, load_source, payload, run_object

pytestmark = pytest.mark.asyncio

RUN = "RunOfTheTest00001"


async def test_no_secret_is_401_and_no_event(start_source):
    source = await start_source(verify=False)
    assert (await source.post(payload(RUN), secret=None))[0] == 401
    assert (await source.post(payload(RUN), headers={"Authorization": "Basic " + SECRET}, secret=None))[0] == 401
    assert (await source.post(payload(RUN), headers={"Authorization": "Bearer"}, secret=None))[0] == 401
    assert source.queue.events == []


async def test_wrong_secret_is_403_and_no_event(start_source):
    source = await start_source(verify=False)
    for wrong in (SECRET[:-1], SECRET + "x", "Ünïcødé", "x" * 5000):
        status, _text = await source.post(payload(RUN), secret=wrong)
        assert status == 403, wrong[:20]
    assert source.queue.events == []


@pytest.mark.parametrize(
    "raw, status",
    [
        (b"not json", 400),
        (b"\xff\xfe", 400),
        (b"[" * 100000 + b"]" * 100000, 400),
        (("[" * 40 + "1" + "]" * 40).encode(), 400),
        (b"[]", 422),
        (b'{"eventType": "ACTOR.RUN.FAILED"}', 422),
        (b'{"eventType": "ACTOR.RUN.FAILED", "eventData": {"actorId": "A", "actorRunId": "../../v2/acts"}}', 422),
        (b'{"eventType": "ACTOR.RUN.FAILED", "eventData": {"actorId": "A"}}', 422),
        (b'{"eventType": 5, "eventData": {}}', 422),
        (json.dumps(payload(RUN) | {"resource": run_object("OtherRunOfTest001")}).encode(), 422),
        (b"{" + b'"x": "' + b"a" * (1024 * 1024 + 10) + b'"}', 413),
    ],
)
async def test_bad_bodies_are_refused_and_it_keeps_serving(start_source, raw, status):
    source = await start_source(verify=False)
    assert (await source.post(None, raw=raw))[0] == status
    assert source.queue.events == []
    assert (await source.post(payload(RUN), dispatch_id="AfterTheBadOne001"))[0] == 202
    assert len(source.queue.events) == 1


async def test_chunked_oversized_body_is_413(start_source):
    source = await start_source(verify=False)

    async def chunks():
        for dummy in range(20):
            yield b"x" * 100000

    async with source.session.post(source.url, data=chunks(), headers={"Authorization": "Bearer " + SECRET}) as response:
        assert response.status == 413
    assert (await source.post(payload(RUN)))[0] == 202


async def test_event_shape_without_verify(start_source):
    source = await start_source(verify=False)
    status, dummy = await source.post(payload(RUN, task=TASK), dispatch_id="Dispatch000000001", headers={"X-Apify-Webhook": "abc"})
    assert status == 202
    [event] = source.queue.events
    assert event["apify"] == {
        "event_type": "ACTOR.RUN.FAILED",
        "run_id": RUN,
        "actor_id": ACTOR,
        "task_id": TASK,
        "dispatch_id": "Dispatch000000001",
        "verified": False,
        "run": run_object(RUN, task=TASK),
    }
    assert event["payload"] == payload(RUN, task=TASK)
    assert event["meta"]["headers"]["X-Apify-Webhook"] == "abc"
    assert "Authorization" not in event["meta"]["headers"]
    assert SECRET not in json.dumps(event)


async def test_secret_elsewhere_is_masked(start_source):
    source = await start_source(verify=False)
    body = payload(RUN)
    body["resource"]["statusMessage"] = "leaked " + SECRET
    await source.post(body, headers={"X-Copy": SECRET})
    [event] = source.queue.events
    assert SECRET not in json.dumps(event)
    assert "X-Copy" not in event["meta"]["headers"]


async def test_not_a_run_event_passes_unverified(start_source, api):
    source = await start_source(api_url=api.url)
    status, dummy = await source.post({"eventType": "TEST", "eventData": None, "userId": "u"})
    assert status == 202
    [event] = source.queue.events
    assert event["apify"]["verified"] is False and event["apify"]["run_id"] is None
    assert api.log == []


async def test_duplicate_dispatch_is_200_and_queued_once(start_source):
    source = await start_source(verify=False)
    results = [await source.post(payload(RUN), dispatch_id="DupDispatch000001") for dummy in range(3)]
    assert [r[0] for r in results] == [202, 200, 200]
    assert len(source.queue.events) == 1
    assert (await source.post(payload(RUN), dispatch_id="DupDispatch000002"))[0] == 202
    assert len(source.queue.events) == 2
    assert (await source.post(payload(RUN), dispatch_id="bad id with spaces"))[0] == 400


async def test_verified_event_carries_the_api_run(start_source, api):
    api_run = run_object(RUN, status="SUCCEEDED")  # the API's word, not the payload's
    api.runs[RUN] = api_run
    source = await start_source(api_url=api.url, token=TOKEN)
    assert (await source.post(payload(RUN), dispatch_id="VerifyDispatch001"))[0] == 202
    [event] = await source.settle(1)
    assert event["apify"]["verified"] is True
    assert event["apify"]["run"] == api_run
    assert [entry["path"] for entry in api.log] == ["/v2/actor-runs/" + RUN]
    assert api.log[0]["authorization"] == "Bearer " + TOKEN
    assert TOKEN not in json.dumps(event)


@pytest.mark.parametrize(
    "api_run, why",
    [
        (run_object(RUN, actor="AnotherActor00001"), "another Actor"),
        (run_object(RUN, task="SomeTaskOfTest001"), "another task"),
        (run_object("OtherRunOfTest001"), "another run"),
        ({"not": "a run"}, "data"),
    ],
)
async def test_payload_that_disagrees_with_the_api_is_dropped(start_source, api, caplog, api_run, why):
    api.runs[RUN] = api_run
    source = await start_source(api_url=api.url, token=TOKEN)
    with caplog.at_level(logging.DEBUG):
        assert (await source.post(payload(RUN)))[0] == 202
        await asyncio.sleep(0.3)
    assert source.queue.events == []
    assert len(api.log) == 1
    assert "Dropped ACTOR.RUN.FAILED of run %s" % RUN in caplog.text
    assert SECRET not in caplog.text and TOKEN not in caplog.text


async def test_unreadable_run_is_dropped_and_logged(start_source, api, caplog):
    source = await start_source(api_url=api.url, token=TOKEN, retries=0)
    with caplog.at_level(logging.INFO):
        assert (await source.post(payload(RUN)))[0] == 202
        await asyncio.sleep(0.3)
    assert source.queue.events == []
    assert "could not be read" in caplog.text and "404" in caplog.text
    assert TOKEN not in caplog.text


async def test_verification_answers_at_once_and_reads_concurrently(start_source, api):
    api.latency = 0.2
    runs = ["ConcurrentRun%04d" % i for i in range(20)]
    for run_id in runs:
        api.runs[run_id] = run_object(run_id)
    source = await start_source(api_url=api.url, verify_concurrency=10)
    loop = asyncio.get_running_loop()
    started = loop.time()
    answers = await asyncio.gather(*(source.post(payload(r), dispatch_id="D" + r) for r in runs))
    answered = loop.time() - started
    assert all(status == 202 for status, dummy in answers)
    # had the calls waited for the reads, the last answers would come after two rounds of 0.2 s
    assert answered < 0.35, "answered after %.3f s: the calls waited for the API" % answered
    events = await source.settle(20)
    took = loop.time() - started
    assert sorted(e["apify"]["run_id"] for e in events) == sorted(runs)
    # 20 reads of 0.2 s, 10 at a time: two rounds, not twenty
    assert 0.4 <= took < 1.5, took


async def test_logs_hold_no_secret_at_debug(start_source, api, caplog):
    api.runs[RUN] = run_object(RUN)
    with caplog.at_level(logging.DEBUG):
        source = await start_source(api_url=api.url, token=TOKEN)
        await source.post(payload(RUN), secret="wrong-" + SECRET)
        await source.post(payload(RUN))
        await source.post(None, raw=b"junk " + SECRET.encode())
        await source.settle(1)
    assert "Refused a call" in caplog.text
    assert SECRET not in caplog.text and TOKEN not in caplog.text


@pytest.mark.parametrize(
    "args, message",
    [
        ({"secret": None}, "no secret"),
        ({"secret": " padded "}, "whitespace"),
        ({"port": "http"}, "port must be a number"),
        ({"verify_concurrency": 0}, "verify_concurrency"),
        ({"verify": "maybe"}, "verify must be true or false"),
        ({"api_url": "http://api.example.com"}, "plain http"),
        ({"token": "two\nlines"}, "whitespace or control"),
    ],
)
async def test_bad_arguments_are_clear_errors(monkeypatch, args, message):
    monkeypatch.delenv("APIFY_WEBHOOK_SECRET", raising=False)
    monkeypatch.delenv("APIFY_API_BASE_URL", raising=False)
    source = load_source()
    given = {"host": "127.0.0.1", "port": 1, "secret": SECRET, **args}
    with pytest.raises(ValueError, match=message):
        await source["main"](object(), given)


async def test_environment_fallbacks(monkeypatch, start_source, api):
    monkeypatch.setenv("APIFY_WEBHOOK_SECRET", "from-the-environment")
    monkeypatch.setenv("APIFY_API_BASE_URL", api.url)
    monkeypatch.setenv("APIFY_TOKEN", TOKEN)
    api.runs[RUN] = run_object(RUN)
    source = await start_source(secret=None)
    assert (await source.post(payload(RUN)))[0] == 403
    assert (await source.post(payload(RUN), secret="from-the-environment"))[0] == 202
    [event] = await source.settle(1)
    assert event["apify"]["verified"] is True
    assert api.log[0]["authorization"] == "Bearer " + TOKEN


def _self_signed(directory):
    """A key and a self-signed certificate for 127.0.0.1 (cryptography comes with ansible-core)."""
    import datetime  # pylint: disable=import-outside-toplevel
    import ipaddress  # pylint: disable=import-outside-toplevel

    from cryptography import x509  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives import hashes, serialization  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives.asymmetric import ec  # pylint: disable=import-outside-toplevel
    from cryptography.x509.oid import NameOID  # pylint: disable=import-outside-toplevel

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    certfile, keyfile = directory / "cert.pem", directory / "key.pem"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(b"pem-password"))
    )
    return str(certfile), str(keyfile)


async def test_tls_with_certfile_keyfile_password(start_source, tmp_path):
    import ssl  # pylint: disable=import-outside-toplevel

    certfile, keyfile = _self_signed(tmp_path)
    source = await start_source(verify=False, certfile=certfile, keyfile=keyfile, password="pem-password")
    context = ssl.create_default_context(cafile=certfile)
    url = source.url.replace("http://", "https://")
    headers = {"Authorization": "Bearer " + SECRET, "Content-Type": "application/json"}
    async with source.session.post(url, data=json.dumps(payload(RUN)), headers=headers, ssl=context) as response:
        assert response.status == 202
    assert len(source.queue.events) == 1
    with pytest.raises(aiohttp.ClientError):  # plain HTTP is not served on a TLS port
        await source.post(payload(RUN))
