"""The README's "follow one upload" walk names files that exist, and at most ten modules in bold (issue #12)."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def layout_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("## Layout: follow one upload", 1)[1].split("\n## ", 1)[0]


def test_every_file_the_walk_names_exists():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    files = tracked.splitlines()
    folders = {str(Path(f).parent) + "/" for f in files} | {str(p) + "/" for f in files for p in Path(f).parents}
    named = re.findall(r"`(\w[\w./-]*\.(?:py|js|html)|\w[\w./-]*/)`", layout_section())
    assert len(named) > 20
    for name in named:
        assert any(f == name or f.endswith("/" + name) for f in files) or any(
            d == name or d.endswith("/" + name) for d in folders
        ), name


def test_the_walk_names_at_most_ten_modules_from_the_upload_page_to_the_pdf():
    walk = layout_section().split("Proofs that outlive the site", 1)[0]
    bold = re.findall(r"\*\*`([^`]+)`\*\*", walk)
    assert 0 < len(bold) <= 10, bold
