"""Screen recordings (录屏) of chats: the frames where the picture changes, their text read with OCR,
each line kept once with the moment it first appears on screen.

Victims record the screen so a message the sender recalls (撤回) stays on record. The video is
decoded with PyAV; a frame is read when it differs enough from the last one read, so a still
screen costs one OCR and a scrolled one a few.
"""

import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import av
import numpy as np

from evidence.processing import ocr

SAMPLE_FPS = 2  # frames looked at per second of video
# A new picture: this share of the (downscaled) pixels changed by more than PIXEL_CHANGE grey levels.
# A new chat bubble is about 1 % of the screen; compression noise stays far below both.
CHANGE = 0.002
PIXEL_CHANGE = 30
OCR_WIDTH = 720  # frames are read at this width: phone screens are 1080 or more, text stays legible


class NotAVideo(Exception):
    """The file has no picture to read."""


def has_video_stream(path: str) -> bool:
    try:
        with av.open(path) as container:
            return bool(container.streams.video)
    except (av.FFmpegError, ValueError):
        return False


def has_audio_stream(path: str) -> bool:
    try:
        with av.open(path) as container:
            return bool(container.streams.audio)
    except (av.FFmpegError, ValueError):
        return False


@dataclass
class ScreenText:
    lines: list[dict] = field(default_factory=list)  # {"text", "t", "last_t", "box", "confidence", "frame"}
    frames: list[float] = field(default_factory=list)  # the moments whose frames were read
    duration_s: float = 0.0
    width: int = 0
    height: int = 0
    created: datetime | None = None  # the container's creation_time, where the phone wrote one


def changed_frames(path: str, sample_fps: float = SAMPLE_FPS, threshold: float = CHANGE):
    """Yield (seconds, PIL image) for the first frame and each frame that differs from the last one yielded."""
    try:
        container = av.open(path)
    except (av.FFmpegError, ValueError) as exc:
        raise NotAVideo(str(exc)) from exc
    with container:
        if not container.streams.video:
            raise NotAVideo("no video stream")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        last_sampled, last_kept = -1.0, None
        for frame in container.decode(stream):
            base = stream.time_base
            t = float(frame.pts * base) if frame.pts is not None and base is not None else 0.0
            if last_sampled >= 0 and t - last_sampled < 1 / sample_fps:
                continue
            last_sampled = t
            grey = np.asarray(frame.to_image().convert("L").resize((180, 320)), dtype=np.float32)
            if last_kept is None or float((np.abs(grey - last_kept) > PIXEL_CHANGE).mean()) >= threshold:
                last_kept = grey
                yield t, frame.to_image()


def _created(path: str) -> datetime | None:
    with av.open(path) as container:
        value = (container.metadata or {}).get("creation_time") or ""
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
    except ValueError:
        return None


def read_screen_recording(path: str, threads: int = 1) -> ScreenText:
    """OCR the frames where the picture changes; each distinct line once, with its first moment."""
    result = ScreenText(created=_created(path))
    seen: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for index, (t, image) in enumerate(changed_frames(path)):
            result.width, result.height = image.size
            scale = min(1.0, OCR_WIDTH / image.width)
            small = image.resize((round(image.width * scale), round(image.height * scale))) if scale < 1 else image
            frame_path = Path(tmp) / f"f{index}.png"
            small.convert("RGB").save(frame_path)
            result.frames.append(round(t, 2))
            for line in ocr.ocr_lines(str(frame_path), threads):
                key = "".join(line.text.split())
                if not key:
                    continue
                if key in seen:
                    seen[key]["last_t"] = round(t, 2)  # still on screen
                    continue
                box = [[x / scale, y / scale] for x, y in line.box]
                seen[key] = {
                    "text": line.text,
                    "t": round(t, 2),
                    "last_t": round(t, 2),
                    "box": box,
                    "confidence": line.confidence,
                    "frame": index,
                }
                result.lines.append(seen[key])
    with av.open(path) as container:
        result.duration_s = round(container.duration / av.time_base, 3) if container.duration else 0.0
    return result
