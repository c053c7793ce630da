"""A fake of Zenodo's REST deposit API on 127.0.0.1: depositions, buckets, versions, records.

It follows the documented protocol (Bearer token; ``POST /api/deposit/depositions``;
``PUT {bucket}/{name}`` with raw bytes, answered with ``checksum: "md5:..."``;
``PUT .../depositions/{id}`` for metadata; ``actions/publish`` and
``actions/newversion`` (whose draft carries the previous version's files, as
Zenodo's does); ``GET /api/records/{id}`` with files, checksums and download
links), and takes faults on top of :class:`tests.fake_apis.FakeService`'s script:
an upload stored truncated, a record that lists a file with another checksum.
"""

from __future__ import annotations

import hashlib
import json
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import unquote

from tests.fake_apis import FakeService

TOKEN = "zen-7c1d0f9a4b2e8d6f3a5c9e1b7d4f2a8c"
REFUSED = {"status": 401, "message": "The server could not verify that you are authorized."}


def _md5(data: bytes) -> str:
    return "md5:" + hashlib.md5(data, usedforsecurity=False).hexdigest()


class FakeZenodo(FakeService):
    """Zenodo's deposit and records APIs, for one account (one token)."""

    def __init__(self, *, token: str = TOKEN) -> None:
        super().__init__()
        self.token = token
        self.base_url = ""
        self.depositions: dict[int, dict[str, Any]] = {}
        self.buckets: dict[str, dict[str, bytes]] = {}
        self.next_id = 100
        self.truncate: set[str] = set()  # file names stored cut in half, once each
        self.lies: dict[str, str] = {}  # file name -> checksum listed instead of the true one
        self.uploads: list[str] = []  # file names, in the order they were PUT

    def start(self) -> str:
        self.base_url = super().start()
        return self.base_url

    # -- state ------------------------------------------------------------------------
    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def _doi(self, recid: int) -> str:
        return f"10.5281/zenodo.{recid}"

    def _links(self, dep: dict[str, Any]) -> dict[str, str]:
        base, i = self.base_url, dep["id"]
        links = {
            "self": f"{base}/api/deposit/depositions/{i}",
            "bucket": f"{base}/api/files/{dep['bucket']}",
            "html": f"{base}/deposit/{i}",
            "publish": f"{base}/api/deposit/depositions/{i}/actions/publish",
            "newversion": f"{base}/api/deposit/depositions/{i}/actions/newversion",
        }
        if dep["submitted"]:
            links["html"] = f"{base}/records/{i}"
            links["record"] = f"{base}/api/records/{i}"
        draft = self._open_draft(dep["conceptrecid"])
        if draft is not None:
            links["latest_draft"] = f"{base}/api/deposit/depositions/{draft['id']}"
        return links

    def _open_draft(self, concept: int) -> dict[str, Any] | None:
        return next((d for d in self.depositions.values()
                     if d["conceptrecid"] == concept and not d["submitted"]), None)  # fmt: skip

    def _files(self, dep: dict[str, Any], *, record: bool) -> list[dict[str, Any]]:
        found = []
        for key, data in sorted(self.buckets[dep["bucket"]].items()):
            entry = {"key": key, "size": len(data), "checksum": self.lies.get(key, _md5(data))}
            if record:
                content = f"{self.base_url}/api/records/{dep['id']}/files/{key}/content"
                entry["links"] = {"self": content}
            found.append(entry)
        return found

    def view(self, dep: dict[str, Any]) -> dict[str, Any]:
        meta = {**dep["metadata"], "prereserve_doi": {"doi": self._doi(dep["id"]),
                                                      "recid": dep["id"]}}  # fmt: skip
        return {
            "id": dep["id"], "conceptrecid": dep["conceptrecid"], "submitted": dep["submitted"],
            "state": "done" if dep["submitted"] else "unsubmitted",
            "doi": self._doi(dep["id"]) if dep["submitted"] else "",
            "conceptdoi": self._doi(dep["conceptrecid"]) if dep["submitted"] else "",
            "metadata": meta, "links": self._links(dep),
            "files": self._files(dep, record=False),
        }  # fmt: skip

    def _create(self, files: dict[str, bytes] | None = None, concept: int | None = None) -> dict:
        i = self._new_id()
        bucket = f"bucket-{i}"
        self.buckets[bucket] = dict(files or {})
        dep = {"id": i, "conceptrecid": concept or self._new_id(), "submitted": False,
               "metadata": {}, "bucket": bucket}  # fmt: skip
        self.depositions[i] = dep
        return dep

    def published(self) -> list[dict[str, Any]]:
        return [d for d in self.depositions.values() if d["submitted"]]

    # -- protocol -------------------------------------------------------------------
    def handle(self, method, path, params, body, headers):  # type: ignore[no-untyped-def]
        if path.startswith("/api/records/"):
            return self._records(path)
        if (headers.get("Authorization") or "") != f"Bearer {self.token}":
            return 401, REFUSED, {}
        if path.startswith("/api/files/"):
            return self._bucket(method, path, body.encode(errors="surrogateescape"))
        parts = path.removeprefix("/api/deposit/depositions").strip("/").split("/")
        if not path.startswith("/api/deposit/depositions"):
            return 404, {"message": "Not found"}, {}
        if parts == [""]:
            if method == "POST":
                return 201, self.view(self._create()), {}
            return 200, [self.view(d) for d in reversed(self.depositions.values())], {}
        dep = self.depositions.get(int(parts[0])) if parts[0].isdigit() else None
        if dep is None:
            return 404, {"status": 404, "message": "PID does not exist."}, {}
        if len(parts) == 1:
            return self._deposition(method, dep, body)
        return self._action(parts[-1], dep)

    def _deposition(self, method: str, dep: dict, body: str) -> tuple[int, Any, dict]:
        if method == "GET":
            return 200, self.view(dep), {}
        if dep["submitted"]:
            return 400, {"message": "Deposition is published: edit it first."}, {}
        dep["metadata"] = dict(json.loads(body)["metadata"])
        return 200, self.view(dep), {}

    def _action(self, action: str, dep: dict) -> tuple[int, Any, dict]:
        if action == "newversion":
            if not dep["submitted"]:
                return 400, {"message": "Only published depositions get new versions."}, {}
            if self._open_draft(dep["conceptrecid"]) is None:
                copied = self.buckets[dep["bucket"]]
                draft = self._create(copied, dep["conceptrecid"])
                draft["metadata"] = dict(dep["metadata"])
            return 201, self.view(dep), {}
        if action == "publish":
            meta = dep["metadata"]
            needed = ("title", "upload_type", "description", "creators")
            lacking = [k for k in needed if not meta.get(k)]
            if lacking or not self.buckets[dep["bucket"]]:
                errors = [{"field": f"metadata.{k}", "message": "Required."} for k in lacking]
                return 400, {"status": 400, "message": "Validation error.", "errors": errors}, {}
            dep["submitted"] = True
            return 202, self.view(dep), {}
        return 404, {"message": "Not found"}, {}

    def _bucket(self, method: str, path: str, data: bytes) -> tuple[int, Any, dict]:
        bucket, _, key = path.removeprefix("/api/files/").partition("/")
        key = unquote(key)
        dep = next((d for d in self.depositions.values() if d["bucket"] == bucket), None)
        if dep is None:
            return 404, {"message": "Bucket not found"}, {}
        files = self.buckets[bucket]
        if method == "GET" and not key:
            return 200, {"contents": self._files(dep, record=False)}, {}
        if dep["submitted"]:
            return 403, {"message": "Bucket is locked (the record is published)."}, {}
        if method == "DELETE":
            files.pop(key, None)
            return 204, "", {}
        if method == "PUT":
            if key in self.truncate:
                self.truncate.discard(key)
                data = data[: len(data) // 2]
            files[key] = data
            self.uploads.append(key)
            return 201, {"key": key, "size": len(data), "checksum": _md5(data)}, {}
        return 405, {"message": "Method not allowed"}, {}

    def _records(self, path: str) -> tuple[int, Any, dict]:
        parts = path.removeprefix("/api/records/").split("/")
        dep = self.depositions.get(int(parts[0])) if parts[0].isdigit() else None
        if dep is None or not dep["submitted"]:
            return 404, {"status": 404, "message": "The persistent identifier does not exist."}, {}
        if len(parts) == 1:
            view = self.view(dep)
            return 200, {"id": dep["id"], "doi": view["doi"], "conceptdoi": view["conceptdoi"],
                         "conceptrecid": dep["conceptrecid"], "metadata": dep["metadata"],
                         "files": self._files(dep, record=True),
                         "links": {"html": view["links"]["html"]}}, {}  # fmt: skip
        return 200, self.buckets[dep["bucket"]][unquote(parts[2])], {}

    @staticmethod
    def _send(
        handler: BaseHTTPRequestHandler, status: int, payload: Any, headers: dict[str, str]
    ) -> None:
        if not isinstance(payload, bytes):
            FakeService._send(handler, status, payload, headers)
            return
        handler.send_response(status)
        handler.send_header("Content-Type", "application/octet-stream")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)
