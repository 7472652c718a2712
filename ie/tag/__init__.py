"""Character-level BERT token-classification tagger: vocabulary, windows, training, inference.

One token per character, so IOB2 tags map 1:1 to characters of the normalized text; long reports are cut
into overlapping windows and merged back per character (see `ie.tag.merge`). Heavy imports (torch,
transformers) happen inside the submodules that need them, so `import ie.tag` stays cheap.
"""
import os


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity on Linux, else the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:   # not on Linux
        return os.cpu_count() or 1
