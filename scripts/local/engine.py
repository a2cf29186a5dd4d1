#!/usr/bin/env python3
"""The local engine: one long-lived Spark driver per checkout, used by every demo, test, pipeline run and GDPR request.

  engine.py start              start it in the background on free ports and wait until it serves (idempotent)
  engine.py stop               stop it (driver, its JVM, its pipeline worker), by pid (idempotent)
  engine.py status             what runs where, as JSON; exit 3 when it is not running
  engine.py call OP [JSON]     one request (OP and its arguments as a JSON object); prints the response's output
  engine.py serve              the engine itself, in the foreground (what `start` launches)

Why one engine: a JVM, Spark's session, the Hive metastore and Delta's caches take 20-60 s to warm up on a small
machine; paid per pipeline run and per GDPR request they were most of the local plane's wall time. Now they are
paid once, by `npm run local:up`, and every later run reuses them.

Three processes, all stopped by pid (never by name):
  driver  this file (`serve`): a classic PySpark session whose JVM also serves Spark Connect (SparkConnectPlugin,
          as `pyspark --remote local` does) on 127.0.0.1:<spark_port>, and a small HTTP control endpoint on
          127.0.0.1:<control_port>. It is the only process that opens the Hive metastore (embedded Derby allows one),
          and it runs the GDPR jobs in classic sessions, as Databricks runs notebooks, with Delta's Python API made
          to fail (delta_guard.py: Databricks refuses it on filtered tables; the jobs use SQL only).
  JVM     the driver's Spark JVM (py4j). It exits with the driver: PySpark's gateway server stops at EOF on stdin.
  worker  engine_worker.py: a Spark Connect client of that server, kept warm (importing PySpark's Connect client
          takes ~5 s), which runs Spark Declarative Pipelines (SDP runs only over Spark Connect) on request.
Requests are served one at a time (a lock): pipeline runs, GDPR jobs and resets never interleave their writes.

Both ports are chosen free at start (port 0: the kernel picks) and written with the pids to .local/run/engine.json;
the token both endpoints require is in .local/run/engine.token (mode 0600): Spark Connect checks it as a pre-shared
bearer token (spark.connect.authenticate.token, read from SPARK_CONNECT_AUTHENTICATE_TOKEN), the control endpoint
as `Authorization: Bearer`. Logs: .local/run/engine.log.

Environment: LAKEMESH_LOCAL (runtime root), LAKEMESH_ENGINE_START_TIMEOUT (seconds, default 300),
LAKEMESH_ENGINE_STOP_TIMEOUT (default 60), and the Spark settings of spark_local.py.
"""
from __future__ import annotations

import contextlib
import hmac
import io
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import traceback
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
import spark_local  # noqa: E402

HOST = "127.0.0.1"


def run_dir() -> Path:
    return spark_local.local_dir() / "run"


def state_file() -> Path:
    return run_dir() / "engine.json"


def token_file() -> Path:
    return run_dir() / "engine.token"


def log_file() -> Path:
    return run_dir() / "engine.log"


class EngineError(RuntimeError):
    """The engine is not running, or a request could not be delivered."""


# ---------------------------------------------------------------------------------------------------------------------
# Processes: pid guards (a stale pid may have been reused by anything) and stopping by pid.


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def alive(pid: int | None, mark: str) -> bool:
    """Is pid alive and does its command line contain mark (guards kills against pid reuse)?"""
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return mark in cmdline(pid)


def stop_pid(pid: int | None, mark: str, timeout: float) -> None:
    """SIGTERM, then SIGKILL after timeout; only if pid is still the process mark describes."""
    if not alive(pid, mark):
        return
    assert pid is not None
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while alive(pid, mark) and time.monotonic() < deadline:
        time.sleep(0.2)
    if alive(pid, mark):
        print(f"[engine] pid {pid} still alive after {timeout:.0f}s; sending SIGKILL", file=sys.stderr)
        os.kill(pid, signal.SIGKILL)
        while alive(pid, mark):
            time.sleep(0.1)


def driver_mark() -> str:
    # The runtime root is part of the mark: another checkout's engine is never taken for this one.
    return f"engine.py serve --local {spark_local.local_dir()}"


def worker_mark() -> str:
    return f"engine_worker.py --local {spark_local.local_dir()}"


def jvm_mark() -> str:
    # The driver JVM's command line carries -Dderby.system.home=<this checkout's metastore folder> (spark_local.confs).
    return f"-Dderby.system.home={spark_local.metastore_dir().parent}"


# ---------------------------------------------------------------------------------------------------------------------
# Client side (stdlib only: scripts import this without paying for PySpark).


def read_state() -> dict | None:
    try:
        return json.loads(state_file().read_text())
    except (OSError, ValueError):
        return None


def token() -> str:
    try:
        return token_file().read_text().strip()
    except OSError as e:
        raise EngineError(f"no engine token ({token_file()}): is the local plane up? npm run local:up") from e


def running() -> dict | None:
    """The engine's state if its driver is alive, else None."""
    s = read_state()
    if s and alive(s.get("pid"), driver_mark()):
        return s
    return None


def connect_url() -> str:
    """sc:// URL of the engine's Spark Connect server. The host must be `localhost`: with a token and any other host
    PySpark's client insists on TLS (pyspark/sql/connect/client/core.py, ChannelBuilder.toChannel)."""
    s = running()
    if not s:
        raise EngineError(f"the local engine is not running ({spark_local.local_dir()}); start it with npm run local:up")
    return f"sc://localhost:{s['spark_port']}/;token={token()}"


def _http(method: str, path: str, body: dict | None = None, timeout: float | None = None) -> dict:
    s = running()
    if not s:
        raise EngineError(f"the local engine is not running ({spark_local.local_dir()}); start it with npm run local:up")
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://{HOST}:{s['control_port']}{path}", data=data, method=method,
                                 headers={"Authorization": f"Bearer {token()}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as e:
        raise EngineError(f"the engine refused {path}: {e.code} {e.read().decode(errors='replace')[:500]}") from e
    except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
        raise EngineError(f"no answer from the engine on {HOST}:{s['control_port']} ({e}); see {log_file()}") from e


def call(op: str, timeout: float | None = None, **args: Any) -> dict:
    """Runs one request; returns {"ok", "rc", "result", "stdout", "stderr", "seconds"}. Waits for requests before it
    (one runs at a time) and for its own run: up to LAKEMESH_ENGINE_REQUEST_TIMEOUT seconds (default 3600)."""
    if timeout is None:
        timeout = float(os.environ.get("LAKEMESH_ENGINE_REQUEST_TIMEOUT", "3600"))
    return _http("POST", "/call", {"op": op, "args": args}, timeout)


def checked(op: str, **args: Any) -> Any:
    """call() that raises when the request failed; returns its result. Its output goes to stderr."""
    r = call(op, **args)
    if r.get("stdout"):
        sys.stderr.write(r["stdout"])
    if r.get("stderr"):
        sys.stderr.write(r["stderr"])
    if not r.get("ok"):
        raise EngineError(f"engine request {op} failed (exit {r.get('rc')}): {r.get('error') or ''}".rstrip())
    return r.get("result")


def status() -> dict:
    s = running()
    if not s:
        return {"running": False, "local": str(spark_local.local_dir())}
    try:
        live = _http("GET", "/status", timeout=10)
    except EngineError as e:
        live = {"error": str(e)}
    return {"running": True, **s, **live,
            "jvm_alive": alive(s.get("jvm_pid"), jvm_mark()), "worker_alive": alive(s.get("worker_pid"), worker_mark())}


# What the engine runs as it was when it started: when any of these change, `start` (npm run local:up) restarts it.
# The pipeline module and the GDPR jobs are read again at every request, so they are not listed.
CODE = ["engine.py", "engine_ops.py", "delta_guard.py", "engine_worker.py", "mesh.py", "incremental.py", "spark_local.py", "kafka_admin.py",
        "serving_export.py", "personal_values.py"]


def code_sha() -> str:
    import hashlib

    h = hashlib.sha256()
    for f in [*(HERE / n for n in CODE), ROOT / "requirements" / "pipeline.txt", ROOT / "local" / "spark" / "pom.xml",
              spark_local.local_dir() / "spark" / "jars.txt"]:
        with contextlib.suppress(OSError):
            h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start() -> dict:
    """Starts the engine unless it runs; waits until it serves. Stops what it started when it does not come up."""
    s = running()
    if s and s.get("code") == code_sha():
        print(f"[engine] already running (pid {s['pid']}, spark connect {HOST}:{s['spark_port']})", file=sys.stderr)
        return s
    if s:
        print(f"[engine] its code or jars changed since it started (pid {s['pid']}): restarting it", file=sys.stderr)
        stop()
    stop_leftovers(read_state())
    rd = run_dir()
    rd.mkdir(parents=True, exist_ok=True)
    os.chmod(rd, 0o700)
    state_file().unlink(missing_ok=True)
    tf = token_file()
    tf.unlink(missing_ok=True)
    fd = os.open(tf, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_urlsafe(32) + "\n")
    log = log_file()
    if log.exists() and log.stat().st_size > 0:
        log.replace(log.with_suffix(".log.1"))
    t0 = time.monotonic()
    with open(log, "ab") as out:
        p = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "serve", "--local", str(spark_local.local_dir())],
                             cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, close_fds=True)
    print(f"[engine] started driver pid {p.pid}; waiting for Spark (log {log})", file=sys.stderr)
    timeout = float(os.environ.get("LAKEMESH_ENGINE_START_TIMEOUT", "300"))
    deadline = t0 + timeout
    while time.monotonic() < deadline:
        if p.poll() is not None:
            tail = "".join(log.read_text(errors="replace").splitlines(keepends=True)[-40:])
            raise EngineError(f"the engine exited during start-up (exit {p.returncode}); last lines of {log}:\n{tail}")
        s = read_state()
        if s and s.get("pid") == p.pid:
            print(f"[engine] up in {time.monotonic() - t0:.1f} s: spark connect {HOST}:{s['spark_port']}, control {HOST}:{s['control_port']}", file=sys.stderr)
            return s
        time.sleep(0.3)
    print(f"[engine] not up after {timeout:.0f} s; stopping pid {p.pid}", file=sys.stderr)
    stop_leftovers({"pid": p.pid, **(read_state() or {})})
    raise EngineError(f"the engine did not come up within {timeout:.0f} s; see {log}")


def stop_leftovers(s: dict | None) -> None:
    """Stops, by pid, whatever a dead or half-started engine left behind (its JVM, its worker)."""
    if not s:
        return
    t = float(os.environ.get("LAKEMESH_ENGINE_STOP_TIMEOUT", "60"))
    stop_pid(s.get("pid"), driver_mark(), t)
    stop_pid(s.get("worker_pid"), worker_mark(), 10)
    stop_pid(s.get("jvm_pid"), jvm_mark(), 20)


def stop() -> bool:
    """Stops the engine: asks it to shut down, then by pid. Returns whether one was running."""
    s = read_state()
    if not s:
        return False
    was = alive(s.get("pid"), driver_mark())
    t0 = time.monotonic()
    if was:
        with contextlib.suppress(EngineError):
            _http("POST", "/shutdown", {}, timeout=10)
        deadline = time.monotonic() + float(os.environ.get("LAKEMESH_ENGINE_STOP_TIMEOUT", "60"))
        while alive(s.get("pid"), driver_mark()) and time.monotonic() < deadline:
            time.sleep(0.2)
    stop_leftovers(s)
    state_file().unlink(missing_ok=True)
    token_file().unlink(missing_ok=True)
    if was:
        print(f"[engine] stopped (pid {s['pid']}) in {time.monotonic() - t0:.1f} s", file=sys.stderr)
    return was


# ---------------------------------------------------------------------------------------------------------------------
# Server side.


class Worker:
    """engine_worker.py, spoken to in JSON lines over its stdin/stdout; (re)started on demand.

    It is spawned before Spark starts (its imports take as long as the JVM's start on a busy machine, so they overlap)
    and told the Connect port once the server is up."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.port: int | None = None
        self.proc: subprocess.Popen | None = None
        self.on_attach: Callable[[int], None] = lambda pid: None  # records a new worker's pid in engine.json

    def spawn(self) -> subprocess.Popen:
        env = {**os.environ, "SPARK_CONNECT_AUTHENTICATE_TOKEN": self.secret}
        self.proc = subprocess.Popen([sys.executable, str(HERE / "engine_worker.py"), "--local", str(spark_local.local_dir())],
                                     cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None, text=True, bufsize=1)
        return self.proc

    def attach(self, port: int) -> subprocess.Popen:
        """Tells a spawned worker the Connect port and waits until it has a session."""
        self.port = port
        p = self.proc if self.proc is not None and self.proc.poll() is None else self.spawn()
        p.stdin.write(json.dumps({"connect_port": port}) + "\n")  # type: ignore[union-attr]
        p.stdin.flush()  # type: ignore[union-attr]
        hello = p.stdout.readline()  # type: ignore[union-attr]
        if not hello:
            raise EngineError(f"the pipeline worker exited during start-up (exit {p.wait()}); see {log_file()}")
        self.on_attach(p.pid)
        return p

    def ensure(self) -> subprocess.Popen:
        if self.proc is not None and self.proc.poll() is None:
            return self.proc
        assert self.port is not None, "attach() first"
        log("pipeline worker gone; starting a new one")
        return self.attach(self.port)

    def request(self, msg: dict) -> dict:
        p = self.ensure()
        p.stdin.write(json.dumps(msg) + "\n")  # type: ignore[union-attr]
        p.stdin.flush()  # type: ignore[union-attr]
        line = p.stdout.readline()  # type: ignore[union-attr]
        if not line:
            rc = p.wait()
            self.proc = None
            raise EngineError(f"the pipeline worker died during the request (exit {rc}); see {log_file()}")
        return json.loads(line)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(OSError):
            self.proc.stdin.close()  # type: ignore[union-attr]
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Engine:
    def __init__(self, spark, worker: Worker) -> None:
        self.spark = spark
        self.worker = worker
        self.lock = threading.Lock()
        self.current: dict | None = None
        self.served = 0
        self.started = time.time()
        self.ops: dict[str, Callable[..., Any]] = {}

    def op(self, name: str):
        def register(fn):
            self.ops[name] = fn
            return fn

        return register

    def handle(self, op: str, args: dict) -> dict:
        fn = self.ops.get(op)
        if fn is None:
            return {"ok": False, "rc": 2, "error": f"unknown op {op!r}; known: {', '.join(sorted(self.ops))}"}
        with self.lock:
            self.current = {"op": op, "since": time.time(), "label": args.get("name") or args.get("job") or ""}
            t0 = time.monotonic()
            out, err = io.StringIO(), io.StringIO()
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    r = fn(**args)
                if isinstance(r, dict) and "__response__" in r:  # an op that answers for itself (worker, gdpr)
                    resp = r["__response__"]
                else:
                    resp = {"ok": True, "rc": 0, "result": r}
            except SystemExit as e:  # argparse in a job: its usage error is on stderr
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
                resp = {"ok": code == 0, "rc": code, "error": "" if isinstance(e.code, int) else str(e.code)}
            except Exception as e:  # noqa: BLE001 - reported to the client with its traceback
                resp = {"ok": False, "rc": 1, "error": f"{type(e).__name__}: {e}"}
                err.write(traceback.format_exc())
            finally:
                self.current = None
                self.served += 1
            resp.setdefault("stdout", "")
            resp.setdefault("stderr", "")
            resp["stdout"] = out.getvalue() + resp["stdout"]
            resp["stderr"] = err.getvalue() + resp["stderr"]
            resp["seconds"] = round(time.monotonic() - t0, 3)
            log(f"{op} {resp['seconds']:.2f}s rc={resp['rc']}")
            return resp

    def live(self) -> dict:
        cur = self.current
        w = self.worker.proc
        return {"uptime_s": round(time.time() - self.started), "served": self.served,
                "worker_pid": w.pid if w is not None and w.poll() is None else None,
                "busy": None if cur is None else {**cur, "for_s": round(time.time() - cur["since"], 1)}}


_LOG = sys.__stderr__


def log(msg: str) -> None:
    print(time.strftime("%H:%M:%S"), "[engine]", msg, file=_LOG, flush=True)


def make_handler(engine: Engine, secret: str, shutdown: Callable[[], None]):
    class Handler(BaseHTTPRequestHandler):
        def _auth(self) -> bool:
            got = self.headers.get("Authorization", "")
            if hmac.compare_digest(got.encode(), f"Bearer {secret}".encode()):
                return True
            self._send(401, {"error": "missing or wrong token"})
            return False

        def _send(self, code: int, body: dict) -> None:
            data = json.dumps(body, default=str).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802
            if not self._auth():
                return
            if self.path == "/status":
                self._send(200, engine.live())
            else:
                self._send(404, {"error": self.path})

        def do_POST(self) -> None:  # noqa: N802
            if not self._auth():
                return
            n = int(self.headers.get("Content-Length", "0"))
            try:
                body = json.loads(self.rfile.read(n) or b"{}")
            except ValueError:
                self._send(400, {"error": "body is not JSON"})
                return
            if self.path == "/call" and isinstance(body.get("op"), str) and isinstance(body.get("args", {}), dict):
                self._send(200, engine.handle(body["op"], body.get("args", {})))
            elif self.path == "/shutdown":
                self._send(200, {"ok": True})
                threading.Thread(target=shutdown, daemon=True).start()
            else:
                self._send(400, {"error": "POST /call {op, args} or /shutdown"})

        def log_message(self, fmt: str, *a: Any) -> None:  # requests are logged by Engine.handle
            pass

    return Handler


def spark_session(token_value: str):
    """The classic session whose JVM also serves Spark Connect on a free loopback port (0: the kernel picks one)."""
    # SparkConnectPlugin starts the gRPC server with the driver, as PySpark's own `--remote local` does
    # (pyspark/sql/connect/session.py, _start_connect_server). The token is read from the environment, so it never
    # appears in the SparkConf (which Spark logs and serves).
    os.environ["SPARK_CONNECT_AUTHENTICATE_TOKEN"] = token_value
    extra = {
        "spark.plugins": "org.apache.spark.sql.connect.SparkConnectPlugin",
        "spark.connect.grpc.binding.address": HOST,
        "spark.connect.grpc.binding.port": os.environ.get("LAKEMESH_SPARK_CONNECT_PORT", "0"),
        # Sessions of long test runs or idle demo clients are not dropped under them.
        "spark.connect.session.manager.defaultSessionTimeout": "24h",
    }
    return spark_local.classic_session("lakemesh-engine", extra)


def connect_port(spark) -> int:
    svc = getattr(spark._jvm.org.apache.spark.sql.connect.service, "SparkConnectService$")
    return int(getattr(svc, "MODULE$").localPort())


def serve() -> int:
    secret = token()
    if Path(sys.argv[sys.argv.index("--local") + 1]).resolve() != spark_local.local_dir():
        raise EngineError(f"--local {sys.argv[sys.argv.index('--local') + 1]} is not LAKEMESH_LOCAL {spark_local.local_dir()}")
    # The salt the pipelines hash subjects with is fixed at start (mesh.SALT); a GDPR job gets one per request
    # (engine_ops gdpr), so none lingers in the engine's environment for a job that must run without it.
    pipeline_salt = os.environ.pop("LAKEMESH_SUBJECT_SALT", None)
    log(f"starting: local {spark_local.local_dir()}, python {sys.executable}")
    t0 = time.monotonic()
    worker = Worker(secret)
    worker.spawn()
    try:
        spark = spark_session(secret)
    except BaseException:
        worker.stop()
        raise
    jvm_pid = int(spark._jvm.java.lang.ProcessHandle.current().pid())
    port = connect_port(spark)
    log(f"spark up in {time.monotonic() - t0:.1f}s: jvm pid {jvm_pid}, spark connect {HOST}:{port}")
    engine = Engine(spark, worker)
    import engine_ops
    import mesh

    if pipeline_salt:
        mesh.SALT = pipeline_salt
    engine_ops.register(engine)
    stopping = threading.Event()
    server = ThreadingHTTPServer((HOST, int(os.environ.get("LAKEMESH_ENGINE_CONTROL_PORT", "0"))), None)  # type: ignore[arg-type]

    def shutdown() -> None:
        if stopping.is_set():
            return
        stopping.set()
        log("shutting down")
        server.shutdown()

    server.RequestHandlerClass = make_handler(engine, secret, shutdown)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: threading.Thread(target=shutdown, daemon=True).start())
    state = {
        "pid": os.getpid(), "jvm_pid": jvm_pid, "worker_pid": None, "spark_port": port,
        "control_port": server.server_address[1], "local": str(spark_local.local_dir()),
        "warehouse": str(spark_local.warehouse_dir()), "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "log": str(log_file()), "code": code_sha(),
    }

    def write_state(worker_pid: int) -> None:
        # Written once everything serves (clients wait for it), and again when a new worker replaces a dead one.
        state["worker_pid"] = worker_pid
        tmp = state_file().with_suffix(".tmp")
        tmp.write_text(json.dumps(state, indent=2) + "\n")
        tmp.replace(state_file())

    try:
        w = worker.attach(port)
        log(f"pipeline worker pid {w.pid} ready after {time.monotonic() - t0:.1f}s")
        write_state(w.pid)
        worker.on_attach = write_state
        log(f"serving on {HOST}:{state['control_port']} ({time.monotonic() - t0:.1f}s after start)")
        server.serve_forever(poll_interval=0.5)
    finally:
        with contextlib.suppress(Exception):
            worker.stop()
        with contextlib.suppress(Exception):
            spark.stop()
        server.server_close()
        s = read_state()
        if s and s.get("pid") == os.getpid():
            state_file().unlink(missing_ok=True)
        log("stopped")
    return 0


def main() -> int:
    args = sys.argv[1:]
    cmd = args[0] if args else ""
    try:
        if cmd == "serve":
            return serve()
        if cmd == "start":
            start()
            return 0
        if cmd == "stop":
            if not stop():
                print("[engine] not running", file=sys.stderr)
            return 0
        if cmd == "status":
            s = status()
            print(json.dumps(s, indent=2))
            return 0 if s["running"] else 3
        if cmd == "call" and len(args) in (2, 3):
            r = call(args[1], **(json.loads(args[2]) if len(args) == 3 else {}))
            sys.stdout.write(r.get("stdout", ""))
            sys.stderr.write(r.get("stderr", ""))
            if r.get("result") is not None:
                print(json.dumps(r["result"], indent=2, default=str))
            if not r.get("ok") and r.get("error"):
                print(f"[engine] {args[1]} failed: {r['error']}", file=sys.stderr)
            return int(r.get("rc", 1))
    except EngineError as e:
        print(f"[engine] ERROR: {e}", file=sys.stderr)
        return 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
