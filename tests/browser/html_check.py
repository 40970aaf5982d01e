"""The Nu Html Checker (vnu.jar, installed by `make vnu`) over the HTML of every page the browser suite renders:
the live server keeps each distinct page it serves, as sent (before compression), and at the end of the run they
are checked in one batch; any error fails the run, naming the page, the line and the problem."""
import hashlib
import json
import subprocess
import tempfile
from pathlib import Path

from flask import request

JAR = Path(__file__).resolve().parents[2] / ".tools" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


class ServedPages:
    """Every distinct HTML page a Flask app served (register .keep with app.after_request)."""

    def __init__(self):
        self.pages = {}  # sha-256 of the body: (address, body)

    def keep(self, response):
        status = response.status_code
        if response.mimetype == "text/html" and not response.is_streamed and (status < 300 or 400 <= status < 500):
            body = response.get_data()
            self.pages.setdefault(hashlib.sha256(body).digest(), (request.full_path.rstrip("?"), body))
        return response

    def problems(self):
        """["<address> line <n>: <message>"] for every error the checker finds, in page order."""
        with tempfile.TemporaryDirectory() as folder:
            addresses = {}
            for number, (address, body) in enumerate(self.pages.values()):
                name = f"page-{number:04d}.html"
                (Path(folder) / name).write_bytes(body)
                addresses[name] = address
            done = subprocess.run(["java", "-Xss1m", "-jar", str(JAR), "--errors-only", "--format", "json", folder],
                                  capture_output=True, text=True, timeout=600, check=False)
        messages = json.loads(done.stderr)["messages"] if done.stderr.strip() else []
        return sorted(f"{addresses.get(Path(m.get('url', '')).name, m.get('url'))} line {m.get('lastLine', '?')}: "
                      f"{m['message']}" for m in messages if m.get("type") in ("error", "non-document-error"))
