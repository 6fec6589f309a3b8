#!/usr/bin/env python3
"""The documentation stays inside the repository: every relative Markdown link (and its
#anchor, when it names a heading) resolves, and no source comment cites a document that is
not here (the design notes now live in docs/).

    links_test.py <source-dir>
"""
import re
import subprocess
import sys
from pathlib import Path

root = Path(sys.argv[1]).resolve()
files = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--cached", "--others",
                        "--exclude-standard"], check=True, capture_output=True,
                       text=True).stdout.split("\0")
markdown = [root / f for f in files if f.endswith(".md") and "node_modules" not in f
            and (root / f).is_file()]
link = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
fence = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)


def anchors(path: Path) -> set:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes."""
    text = fence.sub("", path.read_text(encoding="utf-8"))
    out = set()
    for heading in re.findall(r"^#+\s+(.*)$", text, re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        out.add(slug)
    return out


problems = []
for doc in markdown:
    text = fence.sub("", doc.read_text(encoding="utf-8"))
    for target in link.findall(text):
        if re.match(r"^[a-z]+:", target) or target.startswith("#") and target == "#":
            continue
        path_part, _, anchor = target.partition("#")
        resolved = (doc.parent / path_part).resolve() if path_part else doc
        if not resolved.exists():
            problems.append(f"{doc.relative_to(root)}: link to missing {target}")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            problems.append(f"{doc.relative_to(root)}: no heading for #{anchor} in {path_part or doc.name}")

# The design notes the project started from live outside the repository; nothing may cite them.
# (The name is assembled so that this file does not cite it either.)
outside_design_notes = "DESIGN" + ".md"
cited = subprocess.run(["git", "-C", str(root), "grep", "-nF", outside_design_notes, "--", "."],
                       capture_output=True, text=True).stdout
problems += [f"cites a document outside the repository: {line}" for line in cited.splitlines()]

for required in ("docs/architecture.md", "docs/wire-contract.md"):
    if not (root / required).is_file():
        problems.append(f"{required} is missing")

if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
print(f"{len(markdown)} Markdown files, every relative link resolves")
