"""Matching voices: which voice speaks in a sentence, and which voice is the victim's.

Plain Python and numpy, no Django: used by the diarization step and by the
review of speakers alike. A voice is an L2-normalised speaker embedding (the
centre of one voice's pieces of speech in a recording)."""

# A voice at least this close to the victim's marked voice is suggested as the victim (cosine similarity).
VICTIM_MATCH = 0.75


def voice_of(start: float, end: float, turns) -> int | None:
    """The voice that speaks longest between `start` and `end` among `turns` ((start, end, voice) each),
    or None when no turn overlaps it."""
    overlap: dict[int, float] = {}
    for t_start, t_end, voice in turns:
        shared = min(end, t_end) - max(start, t_start)
        if shared > 0:
            overlap[voice] = overlap.get(voice, 0.0) + shared
    return max(overlap, key=lambda v: overlap[v]) if overlap else None


def normalised(vector):
    import numpy as np

    vector = np.asarray(vector, dtype=float)
    return vector / (np.linalg.norm(vector) or 1.0)


def victim_voice(centroids: list[list[float]], voiceprint: list[float] | None) -> int | None:
    """Which of a recording's two voices is the victim's, judged by likeness to the voice they marked as
    theirs elsewhere; None when neither is clearly closer."""
    if not voiceprint or len(centroids) != 2:
        return None
    print_ = normalised(voiceprint)
    scores = [float(normalised(c) @ print_) for c in centroids]
    best = 0 if scores[0] >= scores[1] else 1
    return best if scores[best] >= VICTIM_MATCH and scores[best] - scores[1 - best] > 0.05 else None
