"""DOCX to PDF through LibreOffice headless, when the server has it.

LibreOffice is a large system package, not a Python dependency: a server without it still
produces the DOCX, and the PDF is refused with a message saying why.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _


class PdfUnavailable(Exception):
    """No PDF can be made here; `message` is ready to show (translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def libreoffice() -> str | None:
    """The LibreOffice program on this server, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: bytes, *, timeout: int = 120) -> bytes:
    """The PDF LibreOffice prints from `docx`; raises PdfUnavailable when it cannot."""
    program = libreoffice()
    if program is None:
        raise PdfUnavailable(
            _(
                "PDF is not available: LibreOffice is not installed on the server. "
                "Download the DOCX file instead."
            )
        )
    with tempfile.TemporaryDirectory(prefix="benvung-pdf-") as folder:
        work = Path(folder)
        source = work / "document.docx"
        source.write_bytes(docx)
        command = [
            program,
            # A profile of its own: a LibreOffice already running (another conversion, a user
            # on the same account) would otherwise take the job over or refuse it.
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(source),
        ]
        try:
            # Its own process group: on a timeout the whole of LibreOffice is stopped, not only
            # the shell script that started it.
            process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=work,
                env={**os.environ, "HOME": str(work)},
                start_new_session=True,
            )
        except OSError as error:
            raise PdfUnavailable(
                _("PDF is not available: LibreOffice could not be started (%(error)s).")
                % {"error": error}
            ) from error
        try:
            _stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as error:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise PdfUnavailable(
                _("PDF is not available: LibreOffice took more than %(seconds)s seconds.")
                % {"seconds": timeout}
            ) from error
        target = work / "document.pdf"
        if process.returncode != 0 or not target.is_file():
            detail = stderr.decode("utf-8", "replace").strip().splitlines()
            raise PdfUnavailable(
                _("PDF is not available: LibreOffice could not convert the document (%(error)s).")
                % {"error": detail[-1] if detail else process.returncode}
            )
        data = target.read_bytes()
    if not data.startswith(b"%PDF"):
        raise PdfUnavailable(_("PDF is not available: LibreOffice produced no valid PDF."))
    return data
