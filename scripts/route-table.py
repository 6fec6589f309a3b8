#!/usr/bin/env python3
"""Writes the README's table of routes from what `spawner-master --check` reports.

The table lives between the markers `<!-- routes:begin -->` and `<!-- routes:end -->` of
README.md. It is produced from the real executable with the repository's default plugins.yaml,
so a route or guard that changes in code changes the table, and `--verify` (run by the tests)
fails until the README is regenerated.

    scripts/route-table.py --binary build/bin/spawner-master            # rewrite README.md
    scripts/route-table.py --binary build/bin/spawner-master --verify   # exit 1 if stale
"""
import argparse
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

BEGIN = "<!-- routes:begin -->"
END = "<!-- routes:end -->"

# Who holds a credential that a guard alternative accepts. Roles rank admin > operator >
# spawner for keys and admin > operator > viewer for users.
KEY_HOLDERS = {
    "": "any API key or a spawner's own token",
    "spawner": "any API key or a spawner's own token",
    "operator": "an operator or admin key",
    "admin": "an admin key",
}
SESSION_HOLDERS = {
    "": "any signed-in user",
    "viewer": "any signed-in user",
    "operator": "an operator or admin user",
    "admin": "an admin user",
}


def holders(guard: str) -> str:
    if guard == "public":
        return "anyone"
    parts = []
    for alternative in guard.split("|"):
        name, _, argument = alternative.partition(":")
        table = {"api-key": KEY_HOLDERS, "session": SESSION_HOLDERS}.get(name)
        if table is None or argument not in table:
            parts.append(f"whoever the `{alternative}` guard allows")
        else:
            parts.append(table[argument])
    return "; ".join(parts)


ROUTE_LINE = re.compile(r"^\s+(\S+)\s+(\S+)\s+guard=(\S+)\s+(\S+)\s*$")


def routes(binary: str, config: pathlib.Path):
    with tempfile.TemporaryDirectory() as scratch:
        scratch_config = pathlib.Path(scratch) / "plugins.yaml"
        shutil.copy(config, scratch_config)
        env = dict(os.environ)
        # Fixed secrets so that --check generates none (and writes none anywhere).
        env.setdefault("MASTER_API_KEY", "route-table-master-key-0123456789")
        env.setdefault("ADMIN_PASSWORD", "route-table-password-0123456789")
        env.pop("DB_PATH", None)
        result = subprocess.run([str(pathlib.Path(binary).resolve()), "--check", "--config", str(scratch_config)],
                                cwd=scratch, env=env, capture_output=True, text=True,
                                timeout=120)
        if result.returncode != 0:
            sys.exit(f"spawner-master --check failed ({result.returncode}):\n"
                     f"{result.stdout}{result.stderr}")
    in_routes = False
    found = []
    for line in result.stdout.splitlines():
        if line.startswith("routes:"):
            in_routes = True
            continue
        if in_routes:
            match = ROUTE_LINE.match(line)
            if match:
                found.append(match.groups())
    if not found:
        sys.exit("spawner-master --check listed no routes")
    return found


def table(found) -> str:
    lines = ["| method | path | guard | who can call it | plugin |", "|---|---|---|---|---|"]
    for method, path, guard, owner in sorted(found, key=lambda r: (r[3] != "host", r[3], r[1], r[0])):
        shown_guard = guard.replace("|", "\\|")
        lines.append(f"| `{method}` | `{path}` | `{shown_guard}` | {holders(guard)} | {owner} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--root", default=str(pathlib.Path(__file__).resolve().parent.parent))
    parser.add_argument("--verify", action="store_true")
    args = parser.parse_args()
    root = pathlib.Path(args.root)
    readme = root / "README.md"
    text = readme.read_text()
    if BEGIN not in text or END not in text:
        sys.exit(f"{readme} has no {BEGIN} ... {END} section")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    wanted = f"{head}{BEGIN}\n{table(routes(args.binary, root / 'plugins.yaml'))}\n{END}{tail}"
    if args.verify:
        if wanted != text:
            print("README.md's route table differs from `spawner-master --check`; run\n"
                  f"  scripts/route-table.py --binary {args.binary}", file=sys.stderr)
            return 1
        print("README.md's route table matches spawner-master --check")
        return 0
    readme.write_text(wanted)
    return 0


if __name__ == "__main__":
    sys.exit(main())
