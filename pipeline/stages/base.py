"""The stage protocol: a named callable that takes a Doc and returns it, blocks marked.

A stage marks blocks with :meth:`pipeline.model.Block.remove`; it never
deletes them and never needs to know about timing, counting, errors or the
over-pruning guard, which the runner does for every stage.

Example::

    class StripShouting:
        name = "strip_shouting"
        guarded = True

        def __call__(self, doc: Doc) -> Doc:
            for block in doc.kept_blocks:
                if block.text.isupper():
                    block.remove(Category.LOW_QUALITY, "low_quality.shouting", "all caps")
            return doc
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from pipeline.model import Doc


@runtime_checkable
class Stage(Protocol):
    """One step of the pipeline: ``Doc -> Doc``."""

    #: Unique name, ``verb_object``; how the stage is disabled and reported.
    name: str
    #: Whether the runner may undo this stage when it removes almost everything.
    guarded: bool

    def __call__(self, doc: Doc) -> Doc: ...
