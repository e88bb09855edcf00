"""jieba's segmentation of a text, word for word as `jieba.cut(text)` gives it, faster.

`jieba.cut` (accurate mode, HMM on) builds a DAG of the dictionary's words as a dict of
lists, scores it in a second pass through a generator over `log` calls, and walks the
route in a third. Extraction cuts thousands of short windows a second, where those
per-character costs are most of jieba's time: here the DAG and the route are one
backward pass over the same dictionary (`jieba.dt.FREQ`, user words included) with the
same arithmetic and tie-breaking, and runs of unknown characters still go to jieba's
HMM (`jieba.finalseg`). `tests/test_segmenter.py` checks the words against `jieba.cut`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator


def jieba_cutter() -> Callable[[str], Iterator[str]]:
    """A function giving the words of `jieba.cut(text)` from jieba's default dictionary as it
    stands now (make it after the user dictionary is loaded: jieba.add_word changes the totals)."""
    import jieba
    from jieba import finalseg

    jieba.dt.check_initialized()
    freq = jieba.dt.FREQ
    log_total = math.log(jieba.dt.total)
    han_blocks, blanks = jieba.re_han_default, jieba.re_skip_default
    hmm_cut = finalseg.cut
    log = math.log
    # log(frequency / total) of the dictionary's words met so far, _PREFIX_ONLY for a prefix
    # of words that is no word (frequency 0): each entry's log taken once, not at every use
    weights: dict[str, float | object] = {}

    def cut_block(block: str) -> Iterator[str]:
        n = len(block)
        score = [0.0] * (n + 1)       # jieba's route[i][0]: best log probability from i to the end
        word_end = [0] * (n + 1)      # route[i][1]: the last character of the word starting at i
        for start in range(n - 1, -1, -1):
            best = None
            end, fragment = start, block[start]
            while True:
                weight = weights.get(fragment)
                if weight is None:
                    count = freq.get(fragment)
                    if count is None:   # the dictionary holds every prefix of its words: none longer
                        break
                    weight = weights[fragment] = log(count) - log_total if count else _PREFIX_ONLY
                if weight is not _PREFIX_ONLY:
                    candidate = weight + score[end + 1]
                    if best is None or candidate >= best:   # max() of (score, end) tuples: later end on a tie
                        best, best_end = candidate, end
                end += 1
                if end >= n:
                    break
                fragment = block[start:end + 1]
            if best is None:          # no word starts here: the character alone, frequency 1
                best, best_end = -log_total + score[start + 1], start
            score[start], word_end[start] = best, best_end
        single = ""                   # a run of one-character words: jieba's HMM may join them
        x = 0
        while x < n:
            y = word_end[x] + 1
            if y - x == 1:
                single += block[x]
            else:
                if single:
                    yield from _singles(single, freq, hmm_cut)
                    single = ""
                yield block[x:y]
            x = y
        if single:
            yield from _singles(single, freq, hmm_cut)

    def cut(text: str) -> Iterator[str]:
        for block in han_blocks.split(text):
            if not block:
                continue
            if han_blocks.match(block):
                yield from cut_block(block)
            else:
                for piece in blanks.split(block):
                    if blanks.match(piece):
                        yield piece
                    else:
                        yield from piece

    return cut


_PREFIX_ONLY = object()


def _singles(run: str, freq: dict[str, int], hmm_cut: Callable[[str], Iterator[str]]) -> Iterator[str]:
    """What jieba makes of a run of one-character words: one word alone, the HMM's words
    when the run is no dictionary word, else its characters."""
    if len(run) == 1:
        yield run
    elif not freq.get(run):
        yield from hmm_cut(run)
    else:
        yield from run
