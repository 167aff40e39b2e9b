"""Assemble the long "call" of the Mandarin benchmark from its real clips.

    .venv/bin/python bench/asr_make_call.py        # writes bench/data/asr-zh/call.ogg, call.tsv, call_times.tsv

The clips of `clips.tsv` are joined in a fixed order as one phone call: line noise under
everything, short pauses (0.8 s) and a few long ones (3 s) between turns, and a 20 s hold (a tone
melody, no speech) in the middle. The call is stored as a call recorder or a chat app stores one:
Opus at 24 kbit/s, 16 kHz (the set must stay under 5 MB; FLAC of the noisy call alone is 2.7 MB).
`call.tsv` is
its manifest (one row, the clips' references joined); `call_times.tsv` says where each clip lies,
so `asr_eval.py` can tell a lost sentence from a misheard one. The noise is seeded: the same
clips give the same call.
"""

import csv
import sys
from pathlib import Path

import av
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.asr_audio import RATE, hold_tones, line_noise  # noqa: E402
from evidence.processing.audio import decode_audio  # noqa: E402

DATA = ROOT / "bench" / "data" / "asr-zh"
# Turns of the call; "pause" and "hold" are seconds of line noise or of the hold.
ORDER = [
    "spark_prompt",
    "moss_pod_f",
    "aishell_bac009s0764w0121",
    "fireredtts2_zh_s1",
    "aishell2_it0011w0001",
    "wenetspeech_test_net_s00000",
    ("pause", 3.0),
    "moss_dialogue",
    "wenetspeech_test_meeting_s00000",
    "kimi_asr_example",
    ("hold", 20.0),
    "moss_zh_spk1_moon",
    "fireredtts2_zh_s2",
    "moss_pod_m",
    "cosyvoice_zero_shot",
    ("pause", 3.0),
    "soulx_male",
    "aishell_bac009s0724w0121",
    "vallex_zh1",
    "higgs_mabaoguo",
    "moss_zh_spk2_moon",
    ("pause", 3.0),
    "soulx_female",
    "higgs_zh_man_sichuan",
]
GAP_S = 0.8


def main() -> None:
    with open(DATA / "clips.tsv", encoding="utf-8", newline="") as f:
        clips = {row["id"]: row for row in csv.DictReader(f, delimiter="\t")}
    parts, times, references, at = [line_noise(1.5, -44, seed=1)], [], [], 1.5
    for n, turn in enumerate(ORDER):
        if isinstance(turn, tuple):
            kind, seconds = turn
            parts.append(hold_tones(seconds) if kind == "hold" else line_noise(seconds, -44, seed=100 + n))
            at += seconds
            continue
        speech = decode_audio(str(DATA / clips[turn]["file"]), rate=RATE)
        parts.append(speech)
        times.append((turn, round(at, 2), round(at + len(speech) / RATE, 2)))
        references.append(clips[turn]["reference"])
        at += len(speech) / RATE
        parts.append(line_noise(GAP_S, -44, seed=200 + n))
        at += GAP_S
    call = np.concatenate(parts)
    call = call + line_noise(len(call) / RATE, -52, seed=2)[: len(call)]
    _write_opus(DATA / "call.ogg", call)
    with open(DATA / "call.tsv", "w", encoding="utf-8") as f:
        f.write("id\tfile\treference\n")
        f.write("call\tcall.ogg\t" + "".join(references) + "\n")
    with open(DATA / "call_times.tsv", "w", encoding="utf-8") as f:
        f.write("clip\tstart\tend\n")
        for clip, start, end in times:
            f.write(f"{clip}\t{start}\t{end}\n")
    print(f"call.ogg: {len(call) / RATE:.1f} s, {len(times)} clips")


def _write_opus(path: Path, samples: np.ndarray) -> None:
    pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16).reshape(1, -1)
    with av.open(str(path), "w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=RATE, layout="mono")
        stream.bit_rate = 24000
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = RATE
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


if __name__ == "__main__":
    main()
