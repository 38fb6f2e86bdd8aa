// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to captureio.cpp: one reader and one writer per format, each in its own file of this folder.
// Readers report progress in bytes of input and stop when the callback returns false (ReadResult::cancelled).

#include "capture/captureio.h"

#include <QByteArray>
#include <QIODevice>

namespace wb::capture::formats {

// native capture file (nativeformat.cpp, documented in docs/capture-format.md)
std::unique_ptr<CaptureWriter> createNativeWriter();
ReadResult readNative(QIODevice &in, TrafficSink *sink, const ProgressFn &progress);
/// The file starts like a native capture (its magic).
bool looksNative(const QByteArray &head);

// JSON Lines (jsonlformat.cpp)
std::unique_ptr<CaptureWriter> createJsonlWriter();
ReadResult readJsonl(QIODevice &in, TrafficSink *sink, const ProgressFn &progress);
bool looksJsonl(const QByteArray &head);

// HAR 1.2 with Chrome's _webSocketMessages (harformat.cpp)
std::unique_ptr<CaptureWriter> createHarWriter();
ReadResult readHar(QIODevice &in, TrafficSink *sink, const ProgressFn &progress);
bool looksHar(const QByteArray &head);

// pcapng, synthesized IPv4/TCP streams (pcapngformat.cpp); write only
std::unique_ptr<CaptureWriter> createPcapngWriter();
bool looksPcapng(const QByteArray &head);

} // namespace wb::capture::formats
