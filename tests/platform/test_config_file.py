"""The file that holds the signing key is readable by its owner only."""

import stat
import subprocess
import sys
from pathlib import Path

from portal.security import warn_if_readable_by_others

ROOT = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_make_writes_the_signing_key_readable_by_its_owner_only(tmp_path):
    subprocess.run(
        [
            "make",
            "-s",
            "-f",
            str(ROOT / "Makefile"),
            "instance/config.py",
            f"BIN={Path(sys.executable).parent}",
        ],
        cwd=tmp_path,
        check=True,
    )
    written = tmp_path / "instance" / "config.py"
    assert mode(written) == 0o600
    assert written.read_text().startswith("SECRET_KEY = '")


def test_the_portal_warns_about_a_key_file_others_can_read(tmp_path, caplog):
    config_file = tmp_path / "config.py"
    config_file.write_text("SECRET_KEY = 'x'\n")
    config_file.chmod(0o644)
    assert warn_if_readable_by_others(config_file)
    assert "chmod 600" in caplog.text
    config_file.chmod(0o600)
    assert not warn_if_readable_by_others(config_file)
