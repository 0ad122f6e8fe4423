"""Shared helpers of the benchmark: the server's admin API over HTTP and Twilio's signature."""

import base64
import hashlib
import hmac
import json
import os
import urllib.error
import urllib.parse
import urllib.request


def env(name, default=None):
    """An environment variable the run script exported, or `default`."""
    value = os.environ.get(name, "")
    return value if value else default


def api(method, path, body=None, timeout=30):
    """Calls the admin API at BENCH_URL with BENCH_ADMIN_KEY; returns (status, parsed JSON or None)."""
    url = env("BENCH_URL") + path
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", "Bearer " + env("BENCH_ADMIN_KEY"))
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            return response.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw)
        except ValueError:
            return error.code, raw.decode(errors="replace")


def must(method, path, body=None):
    """Like `api`, but stops the run on anything but a 2xx answer."""
    status, answer = api(method, path, body)
    if not 200 <= status < 300:
        raise SystemExit(f"bench: {method} {path} answered {status}: {answer}")
    return answer


def signature(token, url, params):
    """Twilio's X-Twilio-Signature: base64 HMAC-SHA1 over the URL, then each key + value with the
    keys in byte order (REFERENCE section 3, adapters/src/twilio/signature.rs)."""
    text = url + "".join(k + v for k, v in sorted(params, key=lambda kv: (kv[0].encode(), kv[1].encode())))
    digest = hmac.new(token.encode(), text.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signed_line(path, params):
    """One request of a wrk request file: `POST <tab> path <tab> signature <tab> form body`, signed
    for the URL the server checks (PUBLIC_BASE_URL + path)."""
    url = env("BENCH_PUBLIC_URL") + path
    sig = signature(env("BENCH_TOKEN"), url, params)
    return "\t".join(["POST", path, sig, urllib.parse.urlencode(params)])
