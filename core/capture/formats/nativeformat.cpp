// SPDX-License-Identifier: GPL-3.0-or-later
// PLACEHOLDER until the native format lands (replaced by its owner).
#include "capture/formats/formats.h"
namespace wb::capture::formats {
std::unique_ptr<CaptureWriter> createNativeWriter() { return {}; }
ReadResult readNative(QIODevice &, TrafficSink *, const ProgressFn &) { ReadResult r; r.ok = false; r.error = QStringLiteral("native format not built yet"); return r; }
bool looksNative(const QByteArray &) { return false; }
}
