"""The fault-injecting proxy (tests/storage-server/proxy.js) does what its plan says.

FAULTY_URL_A and FAULTY_URL_B run the same plan with seed 7, FAULTY_URL_C with seed 8
(the replay plan of tests/live/harness.rs); FAULTY_URL_KINDS has one rule per
kind of fault, each for its own path under kinds/ in this file's bucket.
"""

import httpx
import pytest

from conftest import auth_headers, env


def imul32(x, y):
    return (x * y) & 0xFFFFFFFF


def mulberry32(seed):
    """The proxy's PRNG, written again from its documentation."""
    a = seed & 0xFFFFFFFF

    def draw():
        nonlocal a
        a = (a + 0x6D2B79F5) & 0xFFFFFFFF
        t = imul32(a ^ (a >> 15), a | 1)
        t ^= (t + imul32(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return draw


def expected_outcomes(seed, n):
    """The replay plan: rule 0 answers the 5th request 429; rule 1 (seeded from seed and its
    index) answers 30% of the info GETs 503."""
    draw = mulberry32(seed ^ imul32(1 + 1, 0x9E3779B9))
    out = []
    for i in range(1, n + 1):
        fires_503 = draw() < 0.3
        out.append(429 if i == 5 else 503 if fires_503 else 200)
    return out


def outcomes(base_url, key, path, n):
    with httpx.Client(base_url=base_url + "/storage/v1", headers=auth_headers(key), timeout=30) as client:
        return [client.get(path).status_code for _ in range(n)]


@pytest.fixture()
def status_object(bucket, folder):
    key = f"{folder}/replay.txt"
    bucket.upload(key, b"r")
    return key


def test_a_seeded_plan_replays_identically(service_key, bucket_name, status_object):
    path = f"/object/info/{bucket_name}/{status_object}"
    a = outcomes(env("FAULTY_URL_A"), service_key, path, 40)
    b = outcomes(env("FAULTY_URL_B"), service_key, path, 40)
    c = outcomes(env("FAULTY_URL_C"), service_key, path, 40)
    assert a == b
    assert a == expected_outcomes(7, 40)
    assert c == expected_outcomes(8, 40)
    assert a != c
    assert a[4] == 429
    assert 5 <= a.count(503) <= 20


@pytest.fixture()
def kinds():
    return env("FAULTY_URL_KINDS") + "/storage/v1"


def test_injected_status(kinds, http, bucket_name, service_key):
    assert http.post(f"/object/{bucket_name}/kinds/status.txt", content=b"s").status_code == 200
    with httpx.Client(base_url=kinds, headers=auth_headers(service_key)) as client:
        r = client.get(f"/object/info/{bucket_name}/kinds/status.txt")
        assert (r.status_code, r.json()) == (
            500,
            {"statusCode": "500", "error": "injected", "message": "fault injected by the test proxy"},
        )
        assert client.get(f"/object/info/{bucket_name}/kinds/status.txt").status_code == 200


def test_reset_mid_request_body_never_reaches_the_server(kinds, http, bucket_name, service_key):
    path = f"/object/{bucket_name}/kinds/reset-request.bin"
    with httpx.Client(base_url=kinds, headers=auth_headers(service_key)) as client:
        with pytest.raises(httpx.TransportError):
            client.post(path, content=bytes(1 << 20))
        assert http.get(f"/object/info/{bucket_name}/kinds/reset-request.bin").json()["statusCode"] == "404"
        assert client.post(path, content=b"second").status_code == 200


def test_reset_mid_response_after_the_server_did_the_work(kinds, http, bucket_name, service_key):
    path = f"/object/{bucket_name}/kinds/reset-response.bin"
    with httpx.Client(base_url=kinds, headers=auth_headers(service_key)) as client:
        with pytest.raises(httpx.TransportError):
            client.post(path, content=b"stored anyway")
        # The upload happened: a retry without upsert meets its own first attempt.
        assert http.get(path).content == b"stored anyway"
        again = client.post(path, content=b"stored anyway")
        assert (again.status_code, again.json()["statusCode"], again.json()["error"]) == (400, "409", "Duplicate")


def test_reset_mid_download_body(kinds, http, bucket_name, service_key):
    path = f"/object/{bucket_name}/kinds/download.bin"
    assert http.post(path, content=bytes(range(256)) * 4096).status_code == 200
    with httpx.Client(base_url=kinds, headers=auth_headers(service_key)) as client:
        # Headers and half the body arrive, then the reset.
        with pytest.raises(httpx.ReadError):
            client.get(path)
        assert client.get(path).content == bytes(range(256)) * 4096


def test_delayed_response_times_out(kinds, http, bucket_name, service_key):
    assert http.post(f"/object/{bucket_name}/kinds/delay.txt", content=b"d").status_code == 200
    with httpx.Client(base_url=kinds, headers=auth_headers(service_key), timeout=1.0) as client:
        with pytest.raises(httpx.ReadTimeout):
            client.get(f"/object/info/{bucket_name}/kinds/delay.txt")
        assert client.get(f"/object/info/{bucket_name}/kinds/delay.txt").status_code == 200
