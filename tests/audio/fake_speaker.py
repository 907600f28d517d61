"""A stand-in speech engine: logs when it starts and ends saying its text, taking
20 ms per character, like a real one takes time per word.

Usage: fake_speaker.py LOG TEXT
"""

import json
import sys
import time

log, text = sys.argv[1], sys.argv[-1]
began = time.time()
time.sleep(0.02 * len(text))
with open(log, "a", encoding="utf-8") as out:
    out.write(json.dumps({"text": text, "began": began, "ended": time.time()}) + "\n")
