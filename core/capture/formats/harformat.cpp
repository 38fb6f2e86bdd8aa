// SPDX-License-Identifier: GPL-3.0-or-later
// PLACEHOLDER until the HAR format lands (replaced by its owner).
#include "capture/formats/formats.h"
namespace wb::capture::formats {
std::unique_ptr<CaptureWriter> createHarWriter() { return {}; }
ReadResult readHar(QIODevice &, TrafficSink *, const ProgressFn &) { ReadResult r; r.ok = false; r.error = QStringLiteral("HAR format not built yet"); return r; }
bool looksHar(const QByteArray &) { return false; }
}
