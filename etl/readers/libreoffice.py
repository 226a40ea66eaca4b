"""LibreOffice headless, run on files from outside: converts documents from
one office format to another (`soffice --headless --convert-to`), each run
confined to a folder of its own.

A file from outside may be hostile, so every run

- has its own LibreOffice profile (``-env:UserInstallation``), home and
  temporary folder inside the run's folder: runs at once (the loader's worker
  processes, the dashboard's sessions) never meet, since LibreOffice hands a
  request to a running instance of the same profile;
- starts from a profile that disables macros and blocks linked content;
- runs without a network where the machine allows it (`unshare --net`: a
  network namespace of its own, with only a loopback device that is down);
- is bounded: its address space, the size of any file it writes and its CPU
  time (so a run orphaned by a killed parent still ends) by `prlimit`, its
  wall-clock time by us — overrun, its whole process group is killed;
- gets only the environment it needs (no proxies, no display).

LibreOffice's single-instance socket is the one thing outside the folder: it
lives in /tmp (the path is fixed in LibreOffice), named after the profile,
and LibreOffice removes it when it exits (one killed at its limit leaves it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from etl.errors import ExtractionError

TIME_LIMIT_SECONDS = 60.0  # a report converts in 1–3 s
MEMORY_LIMIT_BYTES = 2 * 1024**3  # address space; a report's conversion needs ~250 MB
OUTPUT_LIMIT_BYTES = 200 * 1024**2  # the Word reader refuses more, unpacked, anyway
DEBIAN_PACKAGE = "libreoffice-writer-nogui"
NOT_INSTALLED = (
    "读取 Word（.doc）、WPS、RTF 和 ODT 文件需要 LibreOffice，本机没有安装；"
    f"请安装 Debian 软件包 {DEBIAN_PACKAGE}（apt-get install {DEBIAN_PACKAGE}）"
)
NO_PRLIMIT = "限制 LibreOffice 的内存和时间需要 prlimit，本机没有；请安装 Debian 软件包 util-linux"
NOTHING_CONVERTED = "LibreOffice 打不开这个文件，没有转换出结果（文件已损坏，或不是它看上去的格式）"

# Settings of each run's fresh profile (LibreOffice keeps the rest at their defaults).
_PROFILE_SETTINGS = """\
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
</oor:items>
"""


@contextmanager
def private_folder() -> Iterator[Path]:
    """A new folder only this process can read, removed afterwards whatever happens."""
    with tempfile.TemporaryDirectory(prefix="xxgk-office-") as folder:
        yield Path(folder)


def to_docx(data: bytes, file: str, suffix: str, import_filter: str) -> bytes:
    """The document ``data`` converted to .docx by LibreOffice's ``import_filter``
    only (no other filter may read it), in a private folder. ``suffix`` is the
    name it is given there (LibreOffice's own detection is not asked)."""
    with private_folder() as folder:
        source = folder / f"document{suffix}"
        source.write_bytes(data)
        (converted,) = convert([source], "docx", folder, file=file, import_filter=import_filter)
        return converted.read_bytes()


def convert(
    sources: Sequence[Path],
    target: str,
    folder: Path,
    *,
    file: str,
    import_filter: str | None = None,
    soffice: str | None = None,
    seconds: float = TIME_LIMIT_SECONDS,
) -> list[Path]:
    """Each of ``sources`` converted to the format ``target`` (docx, doc, rtf,
    odt …) in one LibreOffice run, written to ``folder``/converted; the run's
    profile, home and temporary files are in ``folder`` too. ``file`` is the
    name errors give; ``soffice`` the LibreOffice command (found on PATH when
    not given). Raises ExtractionError when LibreOffice is missing, fails,
    overruns ``seconds`` or converts nothing."""
    soffice = soffice or find_soffice(file)
    profile, home, scratch, converted = (
        folder / name for name in ("profile", "home", "tmp", "converted")
    )
    for made in (profile / "user", home, scratch):
        made.mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS, "utf-8")
    command = [
        *_limits(file, seconds),
        *network_namespace(),
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nologo",
        "--nolockcheck",
        *([f"--infilter={import_filter}"] if import_filter else []),
        "--convert-to",
        target,
        "--outdir",
        str(converted),
        *(str(source) for source in sources),
    ]
    environment = {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": str(home),
        "TMPDIR": str(scratch),
        "LANG": "C.UTF-8",
        "SAL_USE_VCLPLUGIN": "svp",  # headless drawing, whatever display the parent has
    }
    _run(command, environment, folder, file, seconds)
    outputs = [converted / f"{source.stem}.{target.split(':')[0]}" for source in sources]
    if not all(output.is_file() and output.stat().st_size for output in outputs):
        raise ExtractionError(file, NOTHING_CONVERTED)
    return outputs


def find_soffice(file: str) -> str:
    """LibreOffice's command on PATH (``soffice``, or ``libreoffice``)."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise ExtractionError(file, NOT_INSTALLED)
    return found


def _limits(file: str, seconds: float) -> list[str]:
    prlimit = shutil.which("prlimit")
    if prlimit is None:
        raise ExtractionError(file, NO_PRLIMIT)
    return [
        prlimit,
        f"--as={MEMORY_LIMIT_BYTES}",
        f"--fsize={OUTPUT_LIMIT_BYTES}",
        f"--cpu={int(seconds) + 1}",
        "--core=0",
        "--",
    ]


@cache
def network_namespace() -> tuple[str, ...]:
    """The prefix that gives a command a network namespace of its own, where
    this machine allows one (root, or unprivileged user namespaces); else none,
    and the profile's blocked links are what keeps LibreOffice off the network."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    prefix = (unshare, "--net", "--map-root-user", "--")
    try:
        trial = subprocess.run([*prefix, "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ()
    return prefix if trial.returncode == 0 else ()


def _run(command: list[str], environment: dict, folder: Path, file: str, seconds: float) -> None:
    """``command`` in a session of its own, its output in a log in ``folder``;
    killed with everything it started once ``seconds`` have passed."""
    with (folder / "libreoffice.log").open("wb") as log:
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=folder,
                env=environment,
                start_new_session=True,  # its own process group, killed as one
            )
        except OSError as error:
            raise ExtractionError(file, f"无法启动 LibreOffice（{error.strerror}）") from error
        try:
            status = process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            overrun = f"LibreOffice 转换超过 {seconds:g} 秒的时限，已终止"
            raise ExtractionError(file, f"{overrun}（文件可能已损坏或过于复杂）") from None
        finally:
            _kill_group(process)
    if status != 0:
        raise ExtractionError(file, f"LibreOffice 转换失败（{_exit_cause(status)}）")


def _kill_group(process: subprocess.Popen) -> None:
    """Kill the process and whatever it started and left running, then reap it.
    The group's id stays taken while any member lives, so it names no other process."""
    with contextlib.suppress(ProcessLookupError):  # the whole group has ended
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _exit_cause(status: int) -> str:
    if status > 0:
        return f"退出码 {status}"
    try:
        name = signal.Signals(-status).name
    except ValueError:
        name = str(-status)
    gigabytes = MEMORY_LIMIT_BYTES // 1024**3
    return f"被信号 {name} 终止；文件可能已损坏，或所需内存超过 {gigabytes} GB 的上限"
