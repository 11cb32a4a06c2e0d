#!/usr/bin/env python3
"""A static render of the shipped Grafana dashboard, for docs/ (no Grafana can be installed on the build machine).

Draws every panel of docker/grafana/dashboards/ha4neo-replication.json at its gridPos, with its title, type, unit,
description and PromQL queries, as one HTML page; headless Chromium turns it into the PNG in docs/dashboard/. It shows
the layout and what each panel asks Prometheus, not data: the queries themselves are checked against the real plugin
and applier by EndToEndEqualityIT (DashboardQueries).

    python3 docker/grafana/render-static.py            # writes docs/dashboard/ha4neo-replication.{html,png}
"""
import html
import json
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "docker" / "grafana" / "dashboards" / "ha4neo-replication.json"
OUT = ROOT / "docs" / "dashboard"
COLUMN = 56  # px per grid column (24 columns)
ROW = 34     # px per grid row


def panel_html(p):
    g = p["gridPos"]
    style = f"left:{g['x'] * COLUMN}px;top:{g['y'] * ROW}px;width:{g['w'] * COLUMN - 8}px;height:{g['h'] * ROW - 8}px"
    title = html.escape(p.get("title", ""))
    if p.get("type") == "row":
        return f'<div class="row" style="{style}">{title}</div>'
    unit = p.get("fieldConfig", {}).get("defaults", {}).get("unit", "")
    queries = "".join(
        f'<div class="q"><span class="ref">{html.escape(t.get("refId", ""))}</span> {html.escape(t.get("expr", ""))}'
        + (f' <span class="legend">{html.escape(t.get("legendFormat", ""))}</span>' if t.get("legendFormat") else "")
        + "</div>"
        for t in p.get("targets", []))
    return (f'<div class="panel" style="{style}"><div class="head"><span class="title">{title}</span>'
            f'<span class="type">{html.escape(p.get("type", ""))}{" · " + html.escape(unit) if unit else ""}</span></div>'
            f'<div class="desc">{html.escape(p.get("description", ""))}</div>{queries}</div>')


def main():
    d = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    panels = d["panels"]
    height = max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in panels) * ROW + 60
    page = f"""<!doctype html><html><head><meta charset="utf-8"><style>
body {{ margin:0; background:#111217; color:#ccccdc; font:12px/1.35 sans-serif; }}
h1 {{ font-size:16px; margin:12px 16px; color:#fff; }}
.canvas {{ position:relative; margin:0 12px; height:{height}px; }}
.panel {{ position:absolute; background:#181b1f; border:1px solid #2c3235; border-radius:3px; padding:6px 8px;
          overflow:hidden; box-sizing:border-box; }}
.row {{ position:absolute; color:#fff; font-size:14px; font-weight:600; border-bottom:1px solid #2c3235; }}
.head {{ display:flex; justify-content:space-between; margin-bottom:4px; }}
.title {{ color:#fff; font-weight:600; }}
.type {{ color:#8e8e8e; }}
.desc {{ color:#9fa7b3; margin-bottom:6px; }}
.q {{ font-family:monospace; font-size:11px; color:#6ccf8e; margin:2px 0; word-break:break-all; }}
.ref {{ color:#8ab8ff; }}
.legend {{ color:#d8a657; }}
</style></head><body><h1>{html.escape(d.get("title", ""))} — static render of
docker/grafana/dashboards/ha4neo-replication.json (layout and queries, no data)</h1>
<div class="canvas">{"".join(panel_html(p) for p in panels)}</div></body></html>"""
    OUT.mkdir(parents=True, exist_ok=True)
    page_file = OUT / "ha4neo-replication.html"
    page_file.write_text(page, encoding="utf-8")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        sys.exit(f"wrote {page_file}; no chromium to take the screenshot (apt-get install chromium)")
    png = OUT / "ha4neo-replication.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--window-size={24 * COLUMN + 24},{height + 60}", f"--screenshot={png}", page_file.as_uri()],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"wrote {page_file} and {png}")


if __name__ == "__main__":
    main()
