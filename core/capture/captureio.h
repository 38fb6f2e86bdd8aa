// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Reading and writing capture files, whatever the format. Every reader feeds a TrafficSink (connections first,
// then their messages, in recorded order) and every writer IS a TrafficSink, so converting is "read into a
// writer", opening is "read into a Recorder", and recording to a file is "add a writer to the Recorder" — all
// streaming, with memory bounded by the format's needs, not by the capture's size.
//
// Formats (each in capture/formats/): the native capture file (.wscap, lossless), JSON Lines (.jsonl,
// lossless for what it documents, round-trips), HAR 1.2 in Chrome's shape (.har, WebSocket connections only),
// pcapng (.pcapng, write only: synthesized TCP streams that Wireshark dissects).
//
// Secrets: createWriter() wraps every writer in redaction unless ExportOptions::keepSecrets (capture/redaction.h).

#include "capture/capturerecord.h"
#include "capture/connectioninfo.h"
#include "capture/trafficsink.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

namespace wb::capture {

enum class CaptureFormat : quint8 { Native, Jsonl, Har, Pcapng };

/// "native", "jsonl", "har", "pcapng".
QString formatName(CaptureFormat format);
/// From a name as above (also "wscap", "json-lines", "pcap"); nullopt if unknown.
std::optional<CaptureFormat> formatFromName(const QString &name);
/// From the file's first bytes, else its extension; nullopt if neither tells.
std::optional<CaptureFormat> detectFormat(const QString &path);
/// Which formats can be read (all but pcapng) and written (all).
bool canRead(CaptureFormat format);

/// Called now and then during long work with what is done and the total (bytes of input when reading, messages
/// when exporting a store; total 0 = unknown). Return false to cancel.
using ProgressFn = std::function<bool(qint64 done, qint64 total)>;

struct ExportOptions
{
    /// Off by default: tickets, CRA/SCRAM material, AUTHENTICATE signatures, secret authextra and
    /// Authorization/Cookie headers are replaced by "<redacted>" (capture/redaction.h).
    bool keepSecrets = false;
};

/// A writer is a sink: open() it, feed it (directly or as a Recorder sink), finish() it. A writer that fails
/// mid-way remembers the first error; finish() returns it. Streaming writers (native, JSONL, pcapng) write as
/// they are fed; HAR groups messages per connection and spills them to a temporary file until finish().
class CaptureWriter : public TrafficSink
{
public:
    virtual bool open(const QString &path, QString *error) = 0;
    /// Flush and close; false with the first error of the whole write.
    virtual bool finish(QString *error) = 0;
    /// Messages written so far.
    virtual quint64 messagesWritten() const = 0;
};

/// A writer for \a format, wrapped in redaction unless options.keepSecrets.
std::unique_ptr<CaptureWriter> createWriter(CaptureFormat format, const ExportOptions &options = {});

struct ReadResult
{
    bool ok = true;            ///< false: the file could not be read to its end (error says why)
    bool cancelled = false;    ///< the progress callback returned false
    QString error;             ///< what went wrong: "offset 1234: expected a record header, got end of file"
    qint64 errorOffset = -1;   ///< byte offset (native, HAR) or line number (JSONL, 1-based) of the damage
    quint64 connections = 0;   ///< handed to the sink
    quint64 messages = 0;      ///< handed to the sink (everything before the damage)
    QStringList warnings;      ///< recoverable oddities (skipped HAR entries, unknown fields, ...)
};

/// Reads \a path into \a sink: every connection (ConnectionInfo, ids as in the file, renumbered from 0 when the
/// format has none) before its messages. A damaged file yields everything up to the damage and ok = false.
ReadResult readCapture(const QString &path, TrafficSink *sink, const ProgressFn &progress = {},
                       std::optional<CaptureFormat> format = std::nullopt);

} // namespace wb::capture
