"""No secret ever lands in a recording: keys, secrets and the proxy password are set in the
environment and in every secret setting, echoed in venue errors and notes, and then every
byte of the session directory is searched for them."""

import asyncio
import dataclasses
import gzip

import pytest

from asconsole import config
from asconsole.clock import ScaledClock
from asconsole.domain import Command, CommandKind, OrderRejected
from asconsole.launch import build

KEY = "AbCdEfKey0123456789"
SECRET = "s3cr3tSECRETvalue987"
PROXY_PW = "pr0xyPassw0rd"
PROXY = f"socks5://trader:{PROXY_PW}@127.0.0.1:1080"


def secret_settings(tmp_path, compress: bool) -> config.Settings:
    """Every setting marked secret gets a secret value (none of ours leaks through config)."""
    s = config.Settings().replace("recording", dir=str(tmp_path), compress=compress)
    for sf in dataclasses.fields(s):
        section = getattr(s, sf.name)
        secret = {f.name: SECRET for f in dataclasses.fields(section) if f.metadata.get("secret")}
        if secret:
            s = s.replace(sf.name, **secret)
    return s


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
def test_no_secret_in_any_file_of_a_recording(tmp_path, monkeypatch, compress):
    monkeypatch.setenv("BYBIT_API_KEY", KEY)
    monkeypatch.setenv("BYBIT_API_SECRET", SECRET)
    monkeypatch.setenv("SOCKS5_PROXY", PROXY)

    async def go():
        launch = build(secret_settings(tmp_path, compress), ScaledClock(20.0))
        runner = launch.runner
        task = asyncio.create_task(runner.run())
        while not runner.engine.om.live():
            await asyncio.sleep(0.01)
        # a venue error and notes that echo the secrets, as careless venue code might
        runner.engine.note(f"proxy {PROXY} refused the connection")
        runner.engine.note(f"auth failed for key {KEY} sign={SECRET}")
        runner._exec.append(OrderRejected(runner.clock.now(), "x-1", f"invalid api_key {KEY}"))
        runner.submit(Command(CommandKind.SET_PARAM, name="proxy", value=PROXY))
        await asyncio.sleep(0.1)
        runner.submit(Command(CommandKind.QUIT))
        await asyncio.wait_for(task, 10)
        return launch.recorder.path

    path = asyncio.run(go())
    files = [f for f in path.rglob("*") if f.is_file()]
    assert {f.name for f in files} >= {"meta.toml"} and len(files) >= 2
    text = b"".join(
        gzip.decompress(f.read_bytes()) if f.suffix == ".gz" else f.read_bytes() for f in files
    )
    assert b"refused the connection" in text and b"invalid api_key" in text  # the lines are there
    for secret in (KEY, SECRET, PROXY_PW):
        assert secret.encode() not in text
    assert b"socks5://trader:***@127.0.0.1:1080" in text
