"""Whoosh's multi-process writer, made safe to kill.

Whoosh's ``MpWriter`` hands batches of documents to sub-processes through a
queue. If the parent dies (a killed rebuild) the sub-processes wait on that
queue forever, each holding hundreds of MB; if the parent cancels, they never
hear of it (``cancel()`` only flips a flag in the parent's copy) and the parent
then hangs at exit joining them. Here the sub-processes die with their parent
(Linux ``PR_SET_PDEATHSIG``) and :func:`cancel` terminates them.
"""

from __future__ import annotations

import contextlib
import ctypes
import signal
import sys

from whoosh.index import Index
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import IndexWriter

__all__ = ["cancel", "parallel_writer"]

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


class _Task(SubWriterTask):
    def run(self) -> None:
        _die_with_parent()
        super().run()


class _Writer(MpWriter):
    def _new_task(self) -> SubWriterTask:
        task = _Task(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
        )
        self.tasks.append(task)
        task.start()
        return task


def parallel_writer(ix: Index, procs: int, limitmb: int) -> IndexWriter:
    """A writer spreading documents over ``procs`` processes.

    Each sub-writer makes its own segment and they are not merged: the final
    merge would be the longest single step of a big rebuild.
    """
    return _Writer(ix, procs=procs, multisegment=True, limitmb=limitmb, batchsize=200)


def cancel(writer: IndexWriter) -> None:
    """Cancel ``writer``, stopping any sub-processes it started."""
    for task in getattr(writer, "tasks", ()):
        task.terminate()
        task.join(timeout=5)
    writer.cancel()
