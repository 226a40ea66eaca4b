"""nginx in front of a running dashboard, configured by deploy/nginx.conf
(the file an office installs), in a folder of its own on a free port."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.browser import ROOT, free_port, wait_until_up

NGINX = "/usr/sbin/nginx"
CONFIG = ROOT / "deploy" / "nginx.conf"
STATIC = ROOT / "build" / "static"  # deploy/precompress.py's output: `make test` builds it


@contextmanager
def nginx_in_front_of(upstream_url: str) -> Iterator[str]:
    """Yields the proxy's URL; nginx stops with the block."""
    assert Path(NGINX).exists(), "nginx is required: `make test` installs it"
    assert (STATIC / "static").is_dir(), "build/static is missing: `make test` builds it"
    port = free_port()
    upstream = upstream_url.removeprefix("http://")
    with tempfile.TemporaryDirectory(prefix="nginx-") as folder:
        prefix = Path(folder)
        (prefix / "temp").mkdir()
        config = CONFIG.read_text(encoding="utf-8")
        for placeholder, value in (("@LISTEN@", f"127.0.0.1:{port}"), ("@UPSTREAM@", upstream),
                                   ("@STATIC@", str(STATIC))):  # fmt: skip
            config = config.replace(placeholder, value)
        if os.geteuid() == 0:
            # nginx started by root runs its workers as `nobody`, who may not read a
            # checkout in a private folder (CI's mktemp -d): keep them as root here.
            config = "user root;\n" + config
        (prefix / "nginx.conf").write_text(config, encoding="utf-8")
        server = subprocess.Popen(
            [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(url, server)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=30)
