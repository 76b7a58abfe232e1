"""The chime before a call: a soft two-tone "ding-dong", made with the standard library at first use.

Generated rather than shipped: no binary file to package or license, and made at the rate the speech
engine speaks at (espeak-ng: 22,050 Hz, mono, 16-bit), so chime and speech join into one sound.
"""

from __future__ import annotations

import array
import functools
import io
import math
import wave

RATE = 22_050
# E5 then C5, the second starting while the first still rings, as lobby chimes do.
NOTES = ((659.25, 0.0), (523.25, 0.42))
PARTIALS = ((1.0, 1.0), (2.0, 0.28), (3.0, 0.08))  # a bell-like tone: the octave and twelfth, quieter
DECAY_S = 0.32
ATTACK_S = 0.008
LENGTH_S = 1.35
PEAK = 0.45  # of full scale: clearly heard, never louder than the voice that follows


@functools.cache
def chime_samples(rate: int = RATE) -> array.array:
    """The chime as signed 16-bit mono samples."""
    count = int(LENGTH_S * rate)
    values = [0.0] * count
    for frequency, start_s in NOTES:
        first = int(start_s * rate)
        for i in range(first, count):
            t = (i - first) / rate
            envelope = min(1.0, t / ATTACK_S) * math.exp(-t / DECAY_S)
            if t > ATTACK_S and envelope < 1e-4:
                break
            values[i] += envelope * sum(
                weight * math.sin(2 * math.pi * frequency * multiple * t) for multiple, weight in PARTIALS
            )
    # A short fade at the very end: no click when the sound stops.
    fade = int(0.03 * rate)
    for i in range(fade):
        values[count - 1 - i] *= i / fade
    top = max(abs(v) for v in values) or 1.0
    return array.array("h", (round(v / top * PEAK * 32767) for v in values))


def silence(seconds: float, rate: int = RATE) -> array.array:
    return array.array("h", bytes(2 * int(seconds * rate)))


def wav_bytes(samples: array.array, rate: int = RATE) -> bytes:
    """Samples as a complete WAV file (mono, 16-bit)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(samples.tobytes())
    return buffer.getvalue()


def chime_wav(rate: int = RATE) -> bytes:
    return wav_bytes(chime_samples(rate), rate)
