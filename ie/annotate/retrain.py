"""Training started from Label Studio: pull the project's annotations, then `ie train` in a child process.

One run at a time. Each run trains into a new folder under the runs folder (never an existing one, so never
over the model being served); its output goes to `<run folder>/train.log` and, minus progress bars, to the
server's log. Whether the server then serves the new model is the caller's choice (`on_done`).
"""
from __future__ import annotations

import logging
import re
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

logger = logging.getLogger("ie.annotate.serve")

# tqdm's lines ("  40%|████      | 2/5 [00:01<00:02, 1.9it/s]"): kept as the run's progress, not logged
_PROGRESS = re.compile(r"\d+%\|.*\|")


class TrainingBusy(Exception):
    """A run is already going; carries it."""

    def __init__(self, run: "TrainRun"):
        super().__init__(f"a training is already running (project {run.project}, started {run.started}, "
                         f"into {run.output_dir}); one at a time")
        self.run = run


@dataclass
class TrainRun:
    project: int
    output_dir: Path
    started: str
    state: str = "pulling"          # pulling | training | done | failed
    returncode: int | None = None
    message: str = ""
    progress: str = ""              # the last progress bar line of `ie train`
    pulled: str = ""                # sync.PullResult.summary()
    finished: str | None = None

    @property
    def log(self) -> Path:
        return self.output_dir / "train.log"

    @property
    def running(self) -> bool:
        return self.state in ("pulling", "training")

    def to_json(self) -> dict:
        out = asdict(self)
        out["output_dir"], out["log"] = str(self.output_dir), str(self.log)
        return out


def _now() -> datetime:
    return datetime.now(timezone.utc)


def train_command(config: Path, data: Path, output_dir: Path) -> list[str]:
    """`ie train` as a child process (its own interpreter: torch threads and memory go when it ends)."""
    return [sys.executable, "-m", "ie.cli", "train", "--config", str(config), "--data", str(data),
            "--output-dir", str(output_dir)]


@dataclass
class Training:
    config: Path                    # the `ie train --config` YAML
    annotations_dir: Path           # pulled into, then trained on (--data)
    runs_dir: Path                  # each run gets a new folder here
    command: Callable[[Path, Path, Path], list[str]] = train_command
    on_done: Callable[[TrainRun], None] | None = None   # after a run that succeeded
    current: TrainRun | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _proc: subprocess.Popen | None = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    def _new_dir(self, project: int) -> Path:
        """A folder that did not exist before this call (mkdir without exist_ok is the check)."""
        stem = f"ls-project{project}-{_now():%Y%m%d-%H%M%S}"
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        for n in range(1, 1000):
            path = self.runs_dir / (stem if n == 1 else f"{stem}-{n}")
            try:
                path.mkdir()
                return path
            except FileExistsError:
                continue
        raise RuntimeError(f"{self.runs_dir}: no free run folder named {stem}-N")

    def start(self, project: int, api_factory: Callable[[], object]) -> TrainRun:
        """Start a run in the background and return at once; TrainingBusy while one is running."""
        with self._lock:
            if self.current is not None and self.current.running:
                raise TrainingBusy(self.current)
            run = TrainRun(project, self._new_dir(project), _now().isoformat(timespec="seconds"))
            self.current = run
        self._thread = threading.Thread(target=self._run, args=(run, api_factory), daemon=True,
                                        name=f"train-project{project}")
        self._thread.start()
        logger.info("training for project %s: pulling annotations into %s, then training into %s",
                    project, self.annotations_dir, run.output_dir)
        return run

    def _run(self, run: TrainRun, api_factory: Callable[[], object]) -> None:
        from ie.annotate import sync

        try:
            with run.log.open("a", encoding="utf-8") as log:
                res = sync.pull(api_factory(), run.project, self.annotations_dir, progress=False)
                run.pulled = res.summary()
                log.write(f"pull into {self.annotations_dir}: {run.pulled}\n")
                for line in res.conflicts + res.invalid:
                    # the batch goes on: these files are left as they are, the rest is trained on
                    logger.warning("pull: %s", line)
                    log.write(f"pull: {line}\n")
                logger.info("pull into %s: %s", self.annotations_dir, run.pulled)
                cmd = self.command(self.config, self.annotations_dir, run.output_dir)
                log.write("$ " + " ".join(cmd) + "\n")
                log.flush()
                run.state = "training"
                self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                              encoding="utf-8", errors="replace", start_new_session=True,
                                              env=_child_env())
                for line in self._proc.stdout:        # universal newlines: tqdm's \r updates come as lines
                    log.write(line)
                    log.flush()
                    line = line.strip()
                    if _PROGRESS.search(line):
                        run.progress = line
                    elif line:
                        logger.info("train: %s", line)
                run.returncode = self._proc.wait()
            run.state = "done" if run.returncode == 0 else "failed"
            run.message = (f"trained into {run.output_dir}" if run.returncode == 0 else
                           f"ie train exited with {run.returncode}; see {run.log}")
        except Exception as exc:  # a failed run is reported on /train_status, the server goes on
            run.state, run.message = "failed", f"{type(exc).__name__}: {exc}"
        run.finished = _now().isoformat(timespec="seconds")
        (logger.info if run.state == "done" else logger.error)("training for project %s %s: %s",
                                                                run.project, run.state, run.message)
        if run.state == "done" and self.on_done is not None:
            try:
                self.on_done(run)
            except Exception as exc:
                run.message += f"; the new model was not taken into use: {type(exc).__name__}: {exc}"
                logger.error("%s", run.message)

    def wait(self, timeout: float | None = None) -> TrainRun | None:
        if self._thread is not None:
            self._thread.join(timeout)
        return self.current

    def stop(self) -> None:
        """End a running `ie train` (by its PID) when the server stops."""
        proc = self._proc
        if proc is not None and proc.poll() is None:
            logger.warning("stopping the running training (pid %s)", proc.pid)
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


def _child_env() -> dict:
    import os

    # unbuffered, so progress reaches the log as it happens
    return dict(os.environ, PYTHONUNBUFFERED="1")
