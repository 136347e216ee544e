"""8 kHz mono 16-bit WAV in and out, for the check-set builders beside it."""
import array, wave


def read(path):
    with wave.open(path) as w:
        return array.array('h', w.readframes(w.getnframes()))


def write(path, samples):
    """Writes any numbers, clipped to 16 bits."""
    s = array.array('h', (max(-32768, min(32767, int(x))) for x in samples))
    with wave.open(path, 'wb') as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(8000)
        w.writeframes(s.tobytes())
