"""Old Word (.doc), WPS (.wps), RTF and OpenDocument (.odt) reports, read
through LibreOffice: the built Word documents of three real reports saved by
LibreOffice in each format (conftest.py: office_documents) read back exactly
as the .docx does; LibreOffice runs confined, bounded and killed at its time
limit; missing or failing, it says so in one line naming the file.

LibreOffice takes a second or two to start, so the real conversions here are
few: three to build the inputs, one per document read."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from etl.errors import ExtractionError
from etl.extract import extract_bytes
from etl.model import Report
from etl.readers import BINARY_FORMATS, libreoffice
from tests.conftest import BUILT_REPORTS, ROOT
from tests.documents import document_from

MEDIA_TYPES = {
    "doc": "application/msword",
    "rtf": "application/rtf",
    "odt": "application/vnd.oasis.opendocument.text",
}
# Read through LibreOffice: every report as .doc, the first as .rtf and .odt too.
READ = [("doc", stem) for stem in BUILT_REPORTS] + [("rtf", BUILT_REPORTS[0])]
READ += [("odt", BUILT_REPORTS[0])]
# A damaged file may take LibreOffice a while, but never past its time limit.
BOUND_SECONDS = libreoffice.TIME_LIMIT_SECONDS + 30


@cache
def _docx_version(stem: str) -> Report:
    return extract_bytes(document_from(stem), f"{stem}.docx")


def _same_report(report: Report, docx_version: Report) -> None:
    """Everything but the source: agency, year, every figure and where it was
    read (table, row, column, line), headline figures, narrative, findings."""
    assert report.model_dump(exclude={"source"}) == docx_version.model_dump(exclude={"source"})


def _format_of(data: bytes) -> str:
    return next(format.media_type for format in BINARY_FORMATS if format.recognises(data))


# --- Read as the .docx is ----------------------------------------------------


@pytest.mark.parametrize(("kind", "stem"), READ)
def test_saved_by_libreoffice_reads_as_the_docx(
    office_documents: dict[tuple[str, str], bytes], kind: str, stem: str
) -> None:
    report = extract_bytes(office_documents[kind, stem], stem)  # no extension: by content
    assert report.source.media_type == MEDIA_TYPES[kind]
    _same_report(report, _docx_version(stem))


def test_a_doc_named_wps_reads_as_the_docx(office_documents) -> None:
    """WPS Office saves .wps files as Word 97 files: read as Word, whatever the name."""
    stem = BUILT_REPORTS[1]
    report = extract_bytes(office_documents["doc", stem], f"{stem}.wps")
    assert report.source.media_type == "application/msword"
    _same_report(report, _docx_version(stem))


def test_two_conversions_at_once_each_read_their_own_file(office_documents) -> None:
    """Each conversion has its own LibreOffice profile: started together, neither
    hands its file to the other's LibreOffice or waits for it."""
    stems = BUILT_REPORTS[1:]
    start = threading.Barrier(len(stems))

    def read(stem: str) -> Report:
        start.wait()
        return extract_bytes(office_documents["doc", stem], f"{stem}.doc")

    with ThreadPoolExecutor(len(stems)) as pool:
        reports = list(pool.map(read, stems))
    for stem, report in zip(stems, reports, strict=True):
        _same_report(report, _docx_version(stem))


def test_formats_are_recognised_by_content(office_documents) -> None:
    for (kind, _), data in office_documents.items():
        assert _format_of(data) == MEDIA_TYPES[kind]
    # A Works file is an OLE file whose main stream is MatOST (Works 3–4): the
    # .doc's directory entry WordDocument renamed so.
    works = _renamed_stream(office_documents["doc", BUILT_REPORTS[0]], "WordDocument", "MatOST")
    assert _format_of(works) == "application/vnd.ms-works"


def _renamed_stream(ole: bytes, old: str, new: str) -> bytes:
    """An OLE file with the directory entry ``old`` named ``new``: the entry's
    name (UTF-16, 64 bytes) and its length in bytes, terminator included."""
    at = ole.index((old + "\0").encode("utf-16-le"))
    assert at % 128 == 0, "a directory entry starts on a 128-byte boundary"
    name = (new + "\0").encode("utf-16-le")
    entry = name.ljust(64, b"\0") + len(name).to_bytes(2, "little")
    return ole[:at] + entry + ole[at + len(entry) :]


# --- Bad input, missing LibreOffice -------------------------------------------


def test_a_damaged_doc_is_one_message_and_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where private folders go
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024)
    with pytest.raises(ExtractionError) as raised:
        extract_bytes(ole, "damaged.doc")
    assert str(raised.value) == f"damaged.doc: {libreoffice.NOTHING_CONVERTED}"
    assert list(tmp_path.iterdir()) == []


def test_without_libreoffice_the_message_says_what_to_install(
    office_documents, tmp_path: Path
) -> None:
    report = tmp_path / "report.doc"
    report.write_bytes(office_documents["doc", BUILT_REPORTS[0]])
    empty = tmp_path / "bin"
    empty.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "etl", "parse", str(report)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": str(empty)},  # no soffice, no libreoffice
    )
    assert result.returncode == 2
    assert result.stderr == f"{report}: {libreoffice.NOT_INSTALLED}\n"
    assert "libreoffice-writer-nogui" in libreoffice.NOT_INSTALLED


@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: every try is a LibreOffice run
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data())
def test_damaged_office_documents_are_read_or_refused_cleanly(
    office_documents, data: st.DataObject
) -> None:
    kind = data.draw(st.sampled_from(list(MEDIA_TYPES)), label="format")
    document = bytearray(office_documents[kind, BUILT_REPORTS[0]])
    if data.draw(st.booleans(), label="cut"):
        del document[data.draw(st.integers(0, len(document) - 1), label="cut at") :]
    for _ in range(data.draw(st.integers(0, 20), label="damage")):
        position = data.draw(st.integers(0, len(document) - 1), label="position")
        document[position] = data.draw(st.integers(0, 255), label="byte")
    started = time.monotonic()
    try:
        extract_bytes(bytes(document), f"damaged.{kind}")
    except ExtractionError as error:
        assert str(error).startswith(f"damaged.{kind}: ") and error.problem
        assert "\n" not in str(error)
    assert time.monotonic() - started < BOUND_SECONDS


# --- LibreOffice's confinement, with stand-in commands ------------------------

# Records what it was run with, in place of each converted file.
RECORDER = """\
import json, os, resource, sys
args = sys.argv[1:]
outdir = args[args.index("--outdir") + 1]
os.makedirs(outdir, exist_ok=True)
names = ("RLIMIT_AS", "RLIMIT_FSIZE", "RLIMIT_CPU", "RLIMIT_CORE")
with open("/proc/net/dev") as devices:
    interfaces = [line.split(":")[0].strip() for line in devices.readlines()[2:]]
record = {
    "args": args,
    "environment": dict(os.environ),
    "limits": {name: resource.getrlimit(getattr(resource, name))[0] for name in names},
    "interfaces": interfaces,
    "session_leader": os.getsid(0) == os.getpid(),
}
for source in args[args.index("--outdir") + 2 :]:
    stem = os.path.splitext(os.path.basename(source))[0]
    with open(os.path.join(outdir, stem + ".docx"), "w") as out:
        json.dump(record, out)
"""
# Starts a child and waits: both have to be killed.
HANGER = """\
#!/bin/sh
sleep 300 &
echo $$ $! > "{pids}"
wait
"""


def _stand_in(folder: Path, script: str) -> str:
    path = folder / "soffice"
    path.write_text(script, encoding="utf-8")
    path.chmod(0o755)
    return str(path)


def test_libreoffice_runs_confined_and_bounded(tmp_path: Path) -> None:
    import json

    (tmp_path / "in").mkdir()
    source = tmp_path / "in" / "document.doc"
    source.write_bytes(b"")
    recorder = _stand_in(tmp_path, f"#!{sys.executable}\n{RECORDER}")
    folder = tmp_path / "run"
    folder.mkdir()
    (converted,) = libreoffice.convert(
        [source], "docx", folder, file="x.doc", import_filter="MS Word 97", soffice=recorder
    )
    record = json.loads(converted.read_text(encoding="utf-8"))
    assert record["limits"] == {
        "RLIMIT_AS": libreoffice.MEMORY_LIMIT_BYTES,
        "RLIMIT_FSIZE": libreoffice.OUTPUT_LIMIT_BYTES,
        "RLIMIT_CPU": int(libreoffice.TIME_LIMIT_SECONDS) + 1,
        "RLIMIT_CORE": 0,
    }
    assert record["session_leader"]  # its own process group, killed as one
    environment = record["environment"]
    assert set(environment) == {"PATH", "HOME", "TMPDIR", "LANG", "SAL_USE_VCLPLUGIN"}
    assert (environment["HOME"], environment["TMPDIR"]) == (
        str(folder / "home"),
        str(folder / "tmp"),
    )
    profile = folder / "profile"
    assert f"-env:UserInstallation={profile.as_uri()}" in record["args"]
    assert "--infilter=MS Word 97" in record["args"]
    settings = (profile / "user" / "registrymodifications.xcu").read_text(encoding="utf-8")
    assert 'oor:name="DisableMacrosExecution" oor:op="fuse"><value>true' in settings
    if libreoffice.network_namespace():  # this machine allows one (it does where tests run as root)
        assert record["interfaces"] == ["lo"]
    elif os.geteuid() == 0:
        pytest.fail("root, yet no network namespace")


def test_a_hanging_converter_is_killed_at_its_limit(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    hanger = _stand_in(tmp_path, HANGER.format(pids=pids))
    source = tmp_path / "document.doc"
    source.write_bytes(b"")
    folder = tmp_path / "run"
    folder.mkdir()
    started = time.monotonic()
    with pytest.raises(ExtractionError) as raised:
        libreoffice.convert([source], "docx", folder, file="slow.doc", soffice=hanger, seconds=1)
    assert time.monotonic() - started < 10
    assert raised.value.file == "slow.doc"
    assert raised.value.problem.startswith("LibreOffice 转换超过 1 秒的时限，已终止")
    for pid in map(int, pids.read_text().split()):  # the script and the child it started
        assert _ends_within(pid, seconds=5), f"process {pid} still runs"


def _ends_within(pid: int, seconds: float) -> bool:
    """Whether process ``pid`` is gone (or a zombie: ended, not yet reaped) in time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except FileNotFoundError:
            return True
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return True
        time.sleep(0.05)
    return False


def test_a_converter_that_fails_says_how(tmp_path: Path) -> None:
    failing = _stand_in(tmp_path, "#!/bin/sh\nexit 3\n")
    source = tmp_path / "document.rtf"
    source.write_bytes(b"{\\rtf1}")
    folder = tmp_path / "run"
    folder.mkdir()
    with pytest.raises(ExtractionError) as raised:
        libreoffice.convert([source], "docx", folder, file="bad.rtf", soffice=failing)
    assert str(raised.value) == "bad.rtf: LibreOffice 转换失败（退出码 3）"
