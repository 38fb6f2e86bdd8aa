// SPDX-License-Identifier: GPL-3.0-or-later
// PLACEHOLDER until the JSONL format lands (replaced by its owner).
#include "capture/formats/formats.h"
namespace wb::capture::formats {
std::unique_ptr<CaptureWriter> createJsonlWriter() { return {}; }
ReadResult readJsonl(QIODevice &, TrafficSink *, const ProgressFn &) { ReadResult r; r.ok = false; r.error = QStringLiteral("JSONL format not built yet"); return r; }
bool looksJsonl(const QByteArray &) { return false; }
}
