"""How long a re-import of a long article with many highlights holds the write lock (issue 14 S7).

Run: .venv/bin/python bench/reimport_lock.py
"""

import os
import tempfile
import time

from reader import anchoring
from reader.model import Article
from reader.store import Library

d = tempfile.mkdtemp()
lib = Library(os.path.join(d, "l.db"))
body = "\n\n".join(f"Đoạn {i}: Người dân Hà Nội đón năm mới số {i} với nhiều hoạt động." for i in range(8000))
print("chars", len(body))
_, a = lib.add_article(Article(title="Dài", body=body, path="/x.txt"))
step = len(body) // 1000
for i in range(1000):
    s = i * step
    lib.add_highlight(a.id, anchoring.make_anchor(body, s, s + 20))
marks = []
lib.conn.set_trace_callback(lambda sql: marks.append((time.perf_counter(), sql.split()[0])))
t = time.perf_counter()
lib.add_article(Article(title="Dài", body="MỚI THÊM Ở ĐẦU.\n\n" + body, path="/x.txt"))
total = time.perf_counter() - t
begin = next(t for t, s in marks if s == "BEGIN")
commit = next(t for t, s in marks if s == "COMMIT")
print(f"total {total:.2f}s, write lock held {commit - begin:.2f}s")
