"""word2vec's fused training op (``_kernel.cc``): compiled on first use against the installed TensorFlow, loaded once.

TensorFlow's pip package ships its headers and link flags (``tf.sysconfig``), so the op is built with the
machine's C++ compiler the first time a process needs it (a few seconds), into
``<cache root>/kernels/<key>/``. The key hashes the source, TensorFlow's version and flags and the CPU's
instruction sets, since the library is built for this CPU (``-march=native``): a worker on another kind of
machine builds its own. The library is written to a temporary name and renamed into place, so processes that
build at once never load a half-written file, and one that does not load is built again. Where no compiler is
found or the build fails, :func:`load_kernel` returns None and says why in the log; training then runs the
XLA-compiled minibatch steps instead.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import os
import platform
import shutil
import subprocess
import tempfile
from pathlib import Path

from core.settings import cache_root

SOURCE = Path(__file__).with_name("_kernel.cc")
FLAGS = ["-std=c++17", "-shared", "-fPIC", "-O3", "-march=native", "-ffast-math", "-w",
         *(["-mno-avx512fp16"] if platform.machine() in ("x86_64", "AMD64") else [])]
"""``-w``: TensorFlow's headers print pages of deprecation warnings (errors still show). ``-mno-avx512fp16``
(an x86 option, unknown to compilers for other CPUs): Eigen's half-precision AVX-512 header does not compile
with GCC 12 on CPUs that have those instructions."""

log = logging.getLogger(__name__)


def _cpu_features() -> str:
    """The CPU's model and instruction sets (what ``-march=native`` builds for)."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return platform.processor()
    wanted = ("model name", "flags", "Features", "CPU part")
    return "\n".join(sorted({line for line in lines if line.split(":")[0].strip() in wanted}))


def library_path() -> Path:
    """Where this machine's build of the op lives (whether or not it is built yet)."""
    import tensorflow as tf

    key = hashlib.sha256("\n".join([SOURCE.read_text(), tf.__version__, *tf.sysconfig.get_compile_flags(),
                                    *tf.sysconfig.get_link_flags(), *FLAGS, platform.machine(),
                                    _cpu_features()]).encode()).hexdigest()[:16]
    return cache_root() / "kernels" / key / "word2vec_kernel.so"


def build(target: Path) -> None:
    """Compile the op into ``target`` (atomically); raises ``RuntimeError`` with the compiler's output on failure."""
    import tensorflow as tf

    compiler = os.environ.get("CXX") or shutil.which("g++") or shutil.which("c++")
    if compiler is None:
        raise RuntimeError("no C++ compiler (g++) is installed")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".so.part", delete=False) as staging:
        staging_path = Path(staging.name)
    try:
        done = subprocess.run([compiler, *FLAGS, str(SOURCE), "-o", str(staging_path),
                               *tf.sysconfig.get_compile_flags(), *tf.sysconfig.get_link_flags()],
                              capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise RuntimeError(f"{compiler} failed: {done.stderr.strip()[-2000:]}")
        os.replace(staging_path, target)
    finally:
        staging_path.unlink(missing_ok=True)


@functools.cache
def load_kernel():
    """The loaded op library (its ``word2vec_train_chunk``), built first if missing; None if it cannot be built."""
    import tensorflow as tf

    path = library_path()
    try:
        if path.exists():
            try:
                return tf.load_op_library(str(path))
            except tf.errors.NotFoundError as error:  # damaged (a disk that filled up, say): built again below
                log.warning("word2vec's training op at %s does not load (%s); building it again", path, error)
        log.info("Building word2vec's training op into %s", path)
        build(path)
        return tf.load_op_library(str(path))
    except (RuntimeError, OSError, subprocess.TimeoutExpired, tf.errors.NotFoundError) as error:
        log.warning("word2vec's training op is not available (%s); training runs the XLA minibatch steps", error)
        return None
