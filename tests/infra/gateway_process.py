"""The real gateway, `deno task serve`, as a child process: the router and the
three functions on 127.0.0.1, configured from the environment exactly as in
production. Also the caller's JWT (HS256, a signed-in user) it is called with.
"""

import base64
import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request, urlopen

ROOT = Path(__file__).resolve().parents[2]

# Variables the functions or the router read; none is inherited from the
# machine, so the gateway sees only what the test sets.
_GATEWAY_PREFIXES = (
    "AWS_",
    "SAGEMAKER_",
    "IMAGE_",
    "ASYNC_",
    "PREDICTION_",
    "CORS_",
    "TRIAGE_",
    "SUPABASE_",
    "LEGACY_JWT",
    "STANDIN_",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def mint_user_jwt(secret: str, lifetime_s: int = 3600) -> str:
    """An HS256 access token of a signed-in Supabase user."""
    now = int(time.time())
    header = {"alg": "HS256", "typ": "JWT"}
    claims = {
        "sub": str(uuid.uuid4()),
        "role": "authenticated",
        "aud": "authenticated",
        "iat": now,
        "exp": now + lifetime_s,
    }
    signing_input = (
        _b64url(json.dumps(header).encode()) + "." + _b64url(json.dumps(claims).encode())
    )
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256)
    return signing_input + "." + _b64url(signature.digest())


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def json(self) -> Any:
        return json.loads(self.text)


@dataclass
class Gateway:
    process: subprocess.Popen
    url: str
    token: str
    log_path: Path
    secrets: list[str] = field(default_factory=list)

    def call(self, method: str, path: str, body: Any = None) -> Answer:
        data = None if body is None else json.dumps(body).encode()
        request = Request(f"{self.url}{path}", data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urlopen(request, timeout=30) as response:
                return Answer(response.status, dict(response.headers), response.read().decode())
        except HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read().decode())

    def post(self, function: str, body: Any) -> Answer:
        return self.call("POST", f"/functions/v1/{function}", body)

    def get(self, function: str, rest: str) -> Answer:
        return self.call("GET", f"/functions/v1/{function}/{rest}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        # `deno task` runs deno as a child: end the whole group we started.
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def start_gateway(settings: dict[str, str], timeout_s: float = 120) -> Gateway:
    """`deno task serve` with `settings` as its only gateway configuration."""
    jwt_secret = _b64url(os.urandom(30))  # 40 characters
    port = free_port()
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(_GATEWAY_PREFIXES) and name != "PORT"
    }
    env.update(settings)
    env.update(
        PORT=str(port),
        SUPABASE_JWT_SECRET=jwt_secret,
        LEGACY_JWT_SECRET=jwt_secret,
    )
    log = tempfile.NamedTemporaryFile(prefix="healthnav-serve-", suffix=".log", delete=False)
    process = subprocess.Popen(
        ["deno", "task", "serve"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    gateway = Gateway(
        process=process,
        url=f"http://127.0.0.1:{port}",
        token=mint_user_jwt(jwt_secret),
        log_path=Path(log.name),
        secrets=[jwt_secret],
    )
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"deno task serve exited {process.returncode}:\n{gateway.log()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return gateway
        except OSError:
            time.sleep(0.2)
    gateway.stop()
    raise RuntimeError(f"deno task serve did not listen within {timeout_s} s:\n{gateway.log()}")
