"""The command line when its reader stops early (``| head``): no traceback."""

from __future__ import annotations

import subprocess
import sys


def test_a_closed_pipe_is_not_an_error():
    child = subprocess.Popen([sys.executable, "-m", "libyaevents", "summary"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    assert child.stdout is not None
    child.stdout.readline()  # read one line, then stop reading: the pipe closes
    child.stdout.close()
    _, err = child.communicate(timeout=120)
    assert child.returncode == 0
    assert b"Traceback" not in err
