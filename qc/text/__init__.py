"""Chinese text normalisation: simplified script, half-width, numeral and pinyin views."""

from qc.text.normalize import digits_view, normalize, pinyin_view, strip_punct

__all__ = ["digits_view", "normalize", "pinyin_view", "strip_punct"]
