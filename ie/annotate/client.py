"""The only module that talks to Label Studio (label-studio-sdk 2.x).

URL and token come from LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY. The token is never printed: every SDK or
HTTP error is re-raised as AnnotateError carrying the status code and a short body with the token masked,
without the original exception chained (its repr may hold request headers).
"""
from __future__ import annotations

import contextlib
import json
import os
from typing import Iterator

URL_ENV = "LABEL_STUDIO_URL"
KEY_ENV = "LABEL_STUDIO_API_KEY"


class AnnotateError(Exception):
    """A problem talking to Label Studio or with what it returned; safe to print."""


def redact(message: str, secret: str | None) -> str:
    if secret:
        message = message.replace(secret, "***")
    return message


class Api:
    """Thin wrapper over the SDK: plain dicts in and out, Python objects never leak SDK types."""

    def __init__(self, url: str, api_key: str, timeout: float = 120.0):
        from label_studio_sdk import LabelStudio

        self.url = url.rstrip("/")
        self._key = api_key
        self._ls = LabelStudio(base_url=self.url, api_key=api_key, timeout=timeout)

    @classmethod
    def from_env(cls) -> "Api":
        url, key = os.environ.get(URL_ENV), os.environ.get(KEY_ENV)
        missing = [name for name, val in ((URL_ENV, url), (KEY_ENV, key)) if not val]
        if missing:
            raise AnnotateError(f"set {' and '.join(missing)} (see the README section on annotating)")
        return cls(url, key)

    def __repr__(self) -> str:          # no token in reprs either
        return f"Api(url={self.url!r})"

    @contextlib.contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except AnnotateError:
            raise
        except Exception as exc:  # SDK ApiError, httpx errors, pydantic errors
            status = getattr(exc, "status_code", None)
            body = getattr(exc, "body", None)
            detail = f"HTTP {status}: {str(body)[:300]}" if status is not None else f"{type(exc).__name__}: {exc}"
            msg = f"Label Studio at {self.url}: {doing} failed: {detail}"
            raise AnnotateError(redact(msg, self._key)) from None

    # --- projects -----------------------------------------------------------------------------------
    def find_project(self, title: str) -> int | None:
        with self._errors(f"listing projects to find {title!r}"):
            ids = [p.id for p in self._ls.projects.list() if p.title == title]
        if len(ids) > 1:
            raise AnnotateError(f"{len(ids)} projects are titled {title!r} (ids {ids}); rename all but one")
        return ids[0] if ids else None

    def project_id(self, title: str) -> int:
        pid = self.find_project(title)
        if pid is None:
            raise AnnotateError(f"no project titled {title!r} at {self.url}; run `ie annotate setup --project ...`")
        return pid

    def ensure_project(self, title: str, label_config: str, description: str = "") -> tuple[int, bool]:
        """Create the project or update its config; returns (id, created)."""
        pid = self.find_project(title)
        with self._errors(f"saving project {title!r}"):
            if pid is None:
                p = self._ls.projects.create(title=title, label_config=label_config, description=description)
                return p.id, True
            self._ls.projects.update(pid, title=title, label_config=label_config, description=description)
            return pid, False

    def label_config(self, project_id: int) -> str:
        with self._errors(f"reading project {project_id}"):
            return self._ls.projects.get(project_id).label_config

    # --- tasks and predictions ------------------------------------------------------------------------
    def export_tasks(self, project_id: int) -> list[dict]:
        """Every task with its annotations, Label Studio JSON export (UTF-16 offsets, predictions as ids)."""
        with self._errors(f"exporting project {project_id}"):
            raw = b"".join(self._ls.projects.exports.download_sync(
                project_id, export_type="JSON", download_all_tasks=True))
        try:
            tasks = json.loads(raw.decode("utf-8"))
        except ValueError as exc:
            raise AnnotateError(f"project {project_id}: export is not JSON: {exc}") from None
        if not isinstance(tasks, list):
            raise AnnotateError(f"project {project_id}: export is not a list of tasks")
        return tasks

    def import_tasks(self, project_id: int, tasks: list[dict]) -> None:
        """Tasks as {"data": ..., "predictions": [...]} (UTF-16 offsets)."""
        if not tasks:
            return
        with self._errors(f"importing {len(tasks)} tasks into project {project_id}"):
            self._ls.projects.import_tasks(project_id, request=tasks, return_task_ids=True)

    def update_task_data(self, task_id: int, data: dict) -> None:
        with self._errors(f"updating task {task_id}"):
            self._ls.tasks.update(str(task_id), data=data)

    def predictions(self, project_id: int) -> list[dict]:
        with self._errors(f"listing predictions of project {project_id}"):
            preds = self._ls.predictions.list(project=project_id)
        return [p.model_dump(mode="json") for p in preds]

    def replace_prediction(self, project_id: int, task_id: int, prediction: dict) -> None:
        """Drop the task's predictions and add this one: a task holds exactly one, the current model's."""
        with self._errors(f"replacing the prediction of task {task_id}"):
            for p in self._ls.predictions.list(task=task_id):
                self._ls.predictions.delete(p.id)
            self._ls.predictions.create(task=task_id, project=project_id, result=prediction["result"],
                                        score=prediction.get("score"), model_version=prediction["model_version"])

    def create_annotation(self, task_id: int, result: list[dict], **fields) -> dict:
        """Used by tests and scripts to annotate through the API (UTF-16 offsets)."""
        with self._errors(f"annotating task {task_id}"):
            return self._ls.annotations.create(task_id, result=result, **fields).model_dump(mode="json")

    def update_annotation(self, annotation_id: int, result: list[dict]) -> dict:
        with self._errors(f"updating annotation {annotation_id}"):
            return self._ls.annotations.update(annotation_id, result=result).model_dump(mode="json")
