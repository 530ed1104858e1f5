"""A minimal SOCKS5 proxy on 127.0.0.1 (RFC 1928 CONNECT, RFC 1929 username/password) so
tests can prove that venue traffic really goes through the configured proxy."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress


class Socks5Proxy:
    def __init__(self, username: str = "", password: str = "") -> None:
        self.username, self.password = username, password
        self.connections: list[tuple[str, int]] = []
        self.refused_auth = 0
        self._server: asyncio.Server | None = None
        self.port = 0

    @property
    def url(self) -> str:
        cred = f"{self.username}:{self.password}@" if self.username else ""
        return f"socks5://{cred}127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 1)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            _, n = await reader.readexactly(2)
            methods = await reader.readexactly(n)
            wanted = 2 if self.username else 0
            if wanted not in methods:
                writer.write(b"\x05\xff")
                return
            writer.write(bytes([5, wanted]))
            if wanted == 2:
                _, ulen = await reader.readexactly(2)
                user = (await reader.readexactly(ulen)).decode()
                (plen,) = await reader.readexactly(1)
                password = (await reader.readexactly(plen)).decode()
                ok = (user, password) == (self.username, self.password)
                writer.write(b"\x01\x00" if ok else b"\x01\x01")
                if not ok:
                    self.refused_auth += 1
                    return
            _, cmd, _, atyp = await reader.readexactly(4)
            if atyp == 1:
                host = str(ipaddress.IPv4Address(await reader.readexactly(4)))
            elif atyp == 3:
                (hlen,) = await reader.readexactly(1)
                host = (await reader.readexactly(hlen)).decode()
            else:
                writer.write(b"\x05\x08\x00\x01" + bytes(6))
                return
            port = int.from_bytes(await reader.readexactly(2), "big")
            up_reader, up_writer = await asyncio.open_connection(host, port)
            self.connections.append((host, port))
            writer.write(b"\x05\x00\x00\x01" + bytes(6))
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()
