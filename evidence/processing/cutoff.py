"""Recordings whose file was cut off: a phone that ran out of battery, a recorder killed mid-call,
a copy that stopped half-way. The original is kept byte-for-byte whatever it holds; this module
says what looks cut off and gets the sound out as far as it goes.

The worst case is an MP4/M4A recorder's file: it writes the index (`moov`) last, so a cut file has
the sound (`mdat`) but nothing saying how to read it, and no player opens it. AAC frames follow
each other in `mdat`, and FFmpeg's AAC decoder, given one packet holding all of them, decodes one
frame at a time from it; only the stream's configuration (sample rate, channels) is missing, so
the likely ones are tried (the file's own bytes decide which parse without errors).
"""

import mmap
import os
import struct
import subprocess
import sys
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

import av
import numpy as np

# AMR-NB: bytes of speech after the one-byte header, by frame type (3GPP TS 26.101); 15: no data.
AMR_NB_BYTES = [12, 13, 15, 17, 19, 20, 26, 31, 5, 6, 5, 5, 0, 0, 0, 0]
AMR_NB_MAGIC = b"#!AMR\n"
# MPEG-4 sampling-frequency indexes; phone recorders use 44.1 or 48 kHz mostly, then 16 and 8 kHz.
AAC_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350]
# One rate of each family whose frames parse alike, most common for phone recorders first.
RATE_FAMILIES = [44100, 16000, 22050, 8000]
CHILD_SECONDS = 300
MP4_BRANDS = (b"ftyp",)


def _boxes(data: bytes) -> list[tuple[bytes, int, int]]:
    """Top-level ISO-BMFF boxes as (type, start, declared size); the last one may run past the end."""
    boxes, at = [], 0
    while at + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[at : at + 8])
        if size == 1 and at + 16 <= len(data):
            size = struct.unpack(">Q", data[at + 8 : at + 16])[0]
        elif size == 0:
            size = len(data) - at
        if size < 8:
            break
        boxes.append((kind, at, size))
        at += size
    return boxes


def _mp4_reason(data: bytes) -> str:
    boxes = _boxes(data)
    kinds = {kind for kind, _at, _size in boxes}
    if b"mdat" in kinds and b"moov" not in kinds and b"moof" not in kinds:
        return "MP4 without its moov index"
    if boxes and boxes[-1][1] + boxes[-1][2] > len(data):
        return f"MP4 box {boxes[-1][0].decode('latin-1')} cut short"
    return ""


def _amr_reason(data: bytes) -> str:
    at = len(AMR_NB_MAGIC)
    while at < len(data):
        at += 1 + AMR_NB_BYTES[(data[at] >> 3) & 0x0F]
    return "AMR ends inside a frame" if at > len(data) else ""


def _ogg_reason(data: bytes) -> str:
    at, last_flags = 0, 0
    while at + 27 <= len(data) and data[at : at + 4] == b"OggS":
        last_flags, segments = data[at + 5], data[at + 26]
        if at + 27 + segments > len(data):
            return "Ogg ends inside a page"
        at += 27 + segments + sum(data[at + 27 : at + 27 + segments])
    if at > len(data):
        return "Ogg ends inside a page"
    return "" if last_flags & 0x04 else "Ogg without its end-of-stream page"


def _wav_reason(data: bytes) -> str:
    declared = struct.unpack("<I", data[4:8])[0] + 8
    return "WAV shorter than its header says" if declared > len(data) and declared != 0xFFFFFFFF + 8 else ""


def cut_off_reason(path: str) -> str:
    """Say why the file's container looks cut off ("MP4 without its moov index"); "" when it looks whole
    or is of a kind whose end cannot be judged from its bytes (a browser's WebM has no end marker)."""
    if os.path.getsize(path) < 12:
        return ""
    with _mapped(path) as data:
        head = data[:12]
        if head[4:8] in MP4_BRANDS:
            return _mp4_reason(data)
        if head.startswith(AMR_NB_MAGIC):
            return _amr_reason(data)
        if head.startswith(b"OggS"):
            return _ogg_reason(data)
        if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
            return _wav_reason(data)
    return ""


def mp4_without_index(path: str) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head[4:8] not in MP4_BRANDS:
        return False
    with _mapped(path) as data:
        return _mp4_reason(data) == "MP4 without its moov index"


@contextmanager
def _mapped(path: str) -> Iterator[bytes]:
    """The file mapped, not read: a recording may be hundreds of MB and only its headers and frame
    lengths are looked at. It is indexed and sliced like bytes; only a slice is copied."""
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        yield cast(bytes, mapped)


def _mdat_payload(data: bytes) -> bytes:
    for kind, at, size in _boxes(data):
        if kind == b"mdat":
            header = 16 if struct.unpack(">I", data[at : at + 4])[0] == 1 else 8
            return data[at + header : at + size]
    return b""


def _audio_specific_config(rate: int, channels: int) -> bytes:
    """AAC-LC's two-byte configuration: object type 2, sampling index, channel configuration."""
    return struct.pack(">H", (2 << 11) | (AAC_RATES.index(rate) << 7) | (channels << 3))


def _decode_aac(payload: bytes, rate: int) -> list[np.ndarray]:
    codec = av.CodecContext.create("aac", "r")
    codec.extradata = _audio_specific_config(rate, 1)
    frames = []
    try:
        for frame in codec.decode(av.Packet(payload)):
            frames.append(frame.to_ndarray())
    except (av.FFmpegError, ValueError):
        pass  # the frames decoded before the damage are kept
    return frames


def _in_child(*args: str) -> str:
    """Run this file with `args` in a child process and return what it printed ("" if it crashed):
    FFmpeg's AAC decoder, fed frames under a wrong configuration, can crash its whole process."""
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, timeout=CHILD_SECONDS, check=False
    )
    return done.stdout.strip() if done.returncode == 0 else ""


def recover_mp4_aac(path: str, dest: str) -> dict:
    """Write the AAC sound of an MP4 cut before its index into `dest` (16-bit WAV) and return what was
    assumed ({"codec", "sample_rate", "assumed_sample_rate", "frames"}); {} when nothing could be read.

    Rates in one family (32, 44.1 and 48 kHz) parse alike, so only one of each is tried; the frames
    cannot tell which was meant, so the most common for phone recorders is taken and the guess said."""
    counts = {rate: int(_in_child("count", path, str(rate)) or 0) for rate in RATE_FAMILIES}
    rate = max(RATE_FAMILIES, key=lambda r: (counts[r], -RATE_FAMILIES.index(r)))
    if not counts[rate] or not _in_child("write", path, str(rate), dest):
        return {}
    return {"codec": "aac", "sample_rate": rate, "assumed_sample_rate": True, "frames": counts[rate]}


def _write_wav(path: str, rate: int, dest: str) -> int:
    frames = _decode_aac(_mdat_payload(Path(path).read_bytes()), rate)
    if not frames:
        return 0
    samples = np.concatenate(frames, axis=1)
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(dest, "wb") as out:
        out.setnchannels(pcm.shape[0])
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.T.tobytes())
    return len(frames)


if __name__ == "__main__":
    command, source, rate_arg = sys.argv[1:4]
    if command == "count":
        print(len(_decode_aac(_mdat_payload(Path(source).read_bytes()), int(rate_arg))))
    else:
        print(_write_wav(source, int(rate_arg), sys.argv[4]))
