"""Screen recordings (录屏) for tests: rendered chat screens encoded into an MP4 with PyAV
(H.264 picture, AAC sound), the way a phone's screen recorder writes them."""

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from evidence.processing.audio import decode_audio

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def chat_screen(title: str, bubbles: list[tuple[str, str]], size=(720, 1600)) -> Image.Image:
    """A WeChat-like chat: the title bar, then (side, text) bubbles; side "time" is a centred time label."""
    image = Image.new("RGB", size, (237, 237, 237))
    draw = ImageDraw.Draw(image)
    big, small = ImageFont.truetype(FONT, 34), ImageFont.truetype(FONT, 26)
    draw.rectangle((0, 0, size[0], 130), fill=(246, 246, 246))
    draw.text((size[0] // 2 - draw.textlength(title, font=big) // 2, 60), title, font=big, fill=(20, 20, 20))
    y = 170
    for side, text in bubbles:
        if side == "time":
            draw.text(
                (size[0] // 2 - draw.textlength(text, font=small) // 2, y), text, font=small, fill=(150, 150, 150)
            )
            y += 60
            continue
        width = draw.textlength(text, font=big) + 40
        left = 110 if side == "them" else size[0] - 110 - width
        draw.rounded_rectangle(
            (left, y, left + width, y + 70), 10, fill=(255, 255, 255) if side == "them" else (149, 236, 105)
        )
        draw.text((left + 20, y + 12), text, font=big, fill=(20, 20, 20))
        y += 110
    return image


def screen_recording(
    path: Path, screens: list[tuple[float, Image.Image]], seconds: float, *, speech: Path | None = None, fps: int = 10
) -> Path:
    """Encode `screens` (start second, picture) as an MP4 of `seconds`, with `speech` as its sound."""
    width, height = screens[0][1].size
    with av.open(str(path), "w", format="mp4") as out:
        video = out.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {"preset": "ultrafast", "crf": "23"}
        audio = out.add_stream("aac", rate=16000, layout="mono") if speech else None
        for n in range(int(seconds * fps)):
            t = n / fps
            picture = [img for start, img in screens if start <= t][-1]
            frame = av.VideoFrame.from_image(picture)
            frame.pts, frame.time_base = n, Fraction(1, fps)
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        if audio is not None:
            # The speech, then silence, as long as the picture.
            sound = np.zeros(int(16000 * seconds), dtype=np.float32)
            spoken = decode_audio(str(speech), rate=16000)[: sound.size]
            sound[: spoken.size] = spoken
            for start in range(0, sound.size, 1024):
                piece = av.AudioFrame.from_ndarray(
                    sound[start : start + 1024].reshape(1, -1), format="fltp", layout="mono"
                )
                piece.sample_rate, piece.pts = 16000, start
                out.mux(audio.encode(piece))
            out.mux(audio.encode(None))
    return path
